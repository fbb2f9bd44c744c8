/// One changed field between two snapshots: `path` names the field (`items[column].length`),
/// `old`/`new` are display strings, `nil` when absent on that side.
public struct FieldChange: Codable, Hashable, Sendable {
    public var path: String
    public var old: String?
    public var new: String?
    public init(path: String, old: String?, new: String?) { self.path = path; self.old = old; self.new = new }
}

/// Field-by-field and item-by-item comparison of two revisions of a resource.
public enum ResourceDiff {
    /// The changes from `old` to `new`. Items are matched by column name, so a renamed
    /// item shows as one removed and one added.
    public static func changes(from old: ResourceSnapshot, to new: ResourceSnapshot) -> [FieldChange] {
        var out: [FieldChange] = []
        let a = fields(of: old), b = fields(of: new)
        for (key, _) in fieldOrder where a[key] != b[key] {
            out.append(FieldChange(path: key, old: a[key] ?? nil, new: b[key] ?? nil))
        }
        let oldItems = Dictionary(old.items.map { ($0.column, $0) }, uniquingKeysWith: { a, _ in a })
        let newItems = Dictionary(new.items.map { ($0.column, $0) }, uniquingKeysWith: { a, _ in a })
        for item in old.items where newItems[item.column] == nil {
            out.append(FieldChange(path: "items[\(item.column)]", old: describe(item), new: nil))
        }
        for item in new.items {
            guard let before = oldItems[item.column] else {
                out.append(FieldChange(path: "items[\(item.column)]", old: nil, new: describe(item)))
                continue
            }
            let x = itemFields(before), y = itemFields(item)
            for key in itemFieldOrder where x[key] != y[key] {
                out.append(FieldChange(path: "items[\(item.column)].\(key)", old: x[key] ?? nil, new: y[key] ?? nil))
            }
        }
        let oldOrder = old.items.map(\.column).filter { newItems[$0] != nil }
        let newOrder = new.items.map(\.column).filter { oldItems[$0] != nil }
        if oldOrder != newOrder {
            out.append(FieldChange(path: "items.order", old: oldOrder.joined(separator: ","), new: newOrder.joined(separator: ",")))
        }
        return out
    }

    private static let fieldOrder: [(String, Void)] = [
        "code", "name", "nameEn", "departmentCode", "office", "classification", "catalogKind", "abstract", "format",
        "sharing.type", "sharing.condition", "sharing.method", "sharing.legalBasis", "open.type", "open.condition",
        "updateCycle", "publishDate", "relatedCodes", "themes", "tags", "contact", "classified",
    ].map { ($0, ()) }

    private static func fields(of r: ResourceSnapshot) -> [String: String?] {
        [
            "code": r.code, "name": r.name, "nameEn": r.nameEn, "departmentCode": r.departmentCode, "office": r.office,
            "classification": r.classification, "catalogKind": r.catalogKind.rawValue, "abstract": r.abstract,
            "format": r.format.rawValue, "sharing.type": r.sharing.type.rawValue, "sharing.condition": r.sharing.condition,
            "sharing.method": r.sharing.method.rawValue, "sharing.legalBasis": r.sharing.legalBasis,
            "open.type": r.open.type.rawValue, "open.condition": r.open.condition, "updateCycle": r.updateCycle.rawValue,
            "publishDate": r.publishDate, "relatedCodes": r.relatedCodes.joined(separator: ","),
            "themes": r.themes.map(\.rawValue).joined(separator: ","), "tags": r.tags.joined(separator: ","),
            "contact": r.contact, "classified": String(r.classified),
        ]
    }

    private static let itemFieldOrder = ["name", "standardCode", "dataType", "length", "primaryKey", "required", "sensitivity"]

    private static func itemFields(_ i: InformationItem) -> [String: String?] {
        ["name": i.name, "standardCode": i.standardCode, "dataType": i.dataType.rawValue, "length": i.length.map(String.init),
         "primaryKey": String(i.primaryKey), "required": String(i.required), "sensitivity": i.sensitivity.rawValue]
    }

    private static func describe(_ i: InformationItem) -> String {
        "\(i.name) (\(i.column), \(i.standardCode), \(i.dataType.rawValue)\(i.length.map { "(\($0))" } ?? ""))"
    }
}

/// What changed between two editions of the catalog.
public struct EditionDiff: Codable, Hashable, Sendable {
    public struct Changed: Codable, Hashable, Sendable {
        public var code: String
        public var name: String
        public var changes: [FieldChange]
        public init(code: String, name: String, changes: [FieldChange]) { self.code = code; self.name = name; self.changes = changes }
    }
    public struct Listed: Codable, Hashable, Sendable {
        public var code: String
        public var name: String
        public init(code: String, name: String) { self.code = code; self.name = name }
    }
    public var added: [Listed]
    public var changed: [Changed]
    public var retired: [Listed]

    /// Compares two editions' frozen snapshots, matched by resource code; sorted by code.
    public static func between(_ old: [ResourceSnapshot], _ new: [ResourceSnapshot]) -> EditionDiff {
        let before = Dictionary(old.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(new.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var diff = EditionDiff(added: [], changed: [], retired: [])
        for r in new.sorted(by: { $0.code < $1.code }) {
            guard let o = before[r.code] else { diff.added.append(Listed(code: r.code, name: r.name)); continue }
            let changes = ResourceDiff.changes(from: o, to: r)
            if !changes.isEmpty { diff.changed.append(Changed(code: r.code, name: r.name, changes: changes)) }
        }
        for r in old.sorted(by: { $0.code < $1.code }) where after[r.code] == nil {
            diff.retired.append(Listed(code: r.code, name: r.name))
        }
        return diff
    }
}
