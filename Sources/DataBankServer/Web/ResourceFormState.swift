import Vapor
import DataBankCore

/// What the resource form shows: the raw text of every input, so a form sent back with
/// errors keeps exactly what was typed. Converts to a ``ResourceSnapshot`` and back.
struct ResourceFormState: Sendable {
    /// Single-valued fields by input name (`code`, `sharing.legalBasis` …).
    var values: [String: String] = [:]
    var themes: Set<String> = []
    var classified = false
    /// Information-item rows: `name`, `column`, `standardCode`, `dataType`, `length`,
    /// `sensitivity`, and `primaryKey` / `required` as "on" or "".
    var items: [[String: String]] = []
    var version: Int?

    static let textFields = ["code", "name", "nameEn", "departmentCode", "office", "classification", "catalogKind", "abstract", "format",
                             "sharing.type", "sharing.condition", "sharing.method", "sharing.legalBasis", "open.type", "open.condition",
                             "updateCycle", "publishDate", "relatedCodes", "tags", "contact"]
    static let itemFields = ["name", "column", "standardCode", "dataType", "length", "primaryKey", "required", "sensitivity"]

    subscript(_ key: String) -> String { values[key] ?? "" }

    /// A blank form for a new resource of `department`.
    static func blank(department: String) -> ResourceFormState {
        var s = ResourceFormState()
        s.values = ["departmentCode": department, "catalogKind": CatalogKind.base.rawValue, "format": ResourceFormat.table.rawValue,
                    "sharing.type": SharingType.unconditional.rawValue, "sharing.method": SharingMethod.api.rawValue,
                    "open.type": OpenType.closed.rawValue, "updateCycle": UpdateCycle.monthly.rawValue]
        return s
    }

    init() {}

    init(snapshot r: ResourceSnapshot, version: Int?) {
        values = [
            "code": r.code, "name": r.name, "nameEn": r.nameEn ?? "", "departmentCode": r.departmentCode, "office": r.office ?? "",
            "classification": r.classification, "catalogKind": r.catalogKind.rawValue, "abstract": r.abstract, "format": r.format.rawValue,
            "sharing.type": r.sharing.type.rawValue, "sharing.condition": r.sharing.condition ?? "", "sharing.method": r.sharing.method.rawValue,
            "sharing.legalBasis": r.sharing.legalBasis ?? "", "open.type": r.open.type.rawValue, "open.condition": r.open.condition ?? "",
            "updateCycle": r.updateCycle.rawValue, "publishDate": r.publishDate ?? "", "relatedCodes": r.relatedCodes.joined(separator: ", "),
            "tags": r.tags.joined(separator: ", "), "contact": r.contact ?? "",
        ]
        themes = Set(r.themes.map(\.rawValue))
        classified = r.classified
        items = r.items.map { i in
            ["name": i.name, "column": i.column, "standardCode": i.standardCode, "dataType": i.dataType.rawValue,
             "length": i.length.map(String.init) ?? "", "primaryKey": i.primaryKey ? "on" : "", "required": i.required ? "on" : "",
             "sensitivity": i.sensitivity.rawValue]
        }
        self.version = version
    }

    /// The state of a posted form. Item rows left entirely blank are dropped, so row `i`
    /// of the state is item `i` of the snapshot (and of the errors that name it).
    init(form: FormData) {
        for key in Self.textFields { values[key] = key == "abstract" ? form.raw(key) : (form[key] ?? "") }
        themes = Set(form.all("themes"))
        classified = form.checked("classified")
        version = form.int("version")
        let rows = Set(form.names(withPrefix: "items[").compactMap { name -> Int? in
            Int(name.dropFirst("items[".count).prefix { $0 != "]" })
        }).sorted()
        for row in rows {
            var item: [String: String] = [:]
            for f in Self.itemFields { item[f] = form[Forms.itemName(row, f)] ?? "" }
            item["primaryKey"] = form.checked(Forms.itemName(row, "primaryKey")) ? "on" : ""
            item["required"] = form.checked(Forms.itemName(row, "required")) ? "on" : ""
            if ["name", "column", "standardCode"].allSatisfy({ (item[$0] ?? "").isEmpty }) { continue }
            items.append(item)
        }
    }

    /// The snapshot the form describes, and the inputs that could not be read at all
    /// (a length that is not a number …); those get a fallback value in the snapshot.
    func snapshot() -> (ResourceSnapshot, [FieldError]) {
        var errors: [FieldError] = []
        func opt(_ key: String) -> String? { let v = self[key].trimmingCharacters(in: .whitespacesAndNewlines); return v.isEmpty ? nil : v }
        func term<T: CatalogTerm>(_ key: String, _ fallback: T) -> T {
            if let t = T(rawValue: self[key]) { return t }
            errors.append(FieldError(field: key, code: "invalid", message: "请选择一项", messageEn: "Choose one of the options"))
            return fallback
        }
        let code = self["code"]
        let classification = opt("classification") ?? ResourceCode.parse(code)?.classification ?? ""
        let items: [InformationItem] = self.items.enumerated().map { i, row in
            let at = "items[\(i)]"
            var length: Int?
            if let raw = row["length"], !raw.isEmpty {
                if let n = Int(raw) { length = n } else {
                    errors.append(FieldError(field: "\(at).length", code: "invalid", message: "长度须为整数", messageEn: "Length must be a whole number"))
                }
            }
            let type = DataType(rawValue: row["dataType"] ?? "")
            if type == nil {
                errors.append(FieldError(field: "\(at).dataType", code: "required", message: "请选择数据类型", messageEn: "Choose a data type"))
            }
            return InformationItem(name: row["name"] ?? "", column: row["column"] ?? "", standardCode: row["standardCode"] ?? "",
                                   dataType: type ?? .C, length: length, primaryKey: row["primaryKey"] == "on",
                                   required: row["required"] == "on", sensitivity: Sensitivity(rawValue: row["sensitivity"] ?? "") ?? .internal)
        }
        let snapshot = ResourceSnapshot(
            code: code, name: self["name"], nameEn: opt("nameEn"), departmentCode: self["departmentCode"], office: opt("office"),
            classification: classification,
            catalogKind: term("catalogKind", ResourceCode.catalogKind(ofClassification: classification) ?? .base),
            abstract: self["abstract"].trimmingCharacters(in: .whitespacesAndNewlines), format: term("format", ResourceFormat.table),
            items: items,
            sharing: SharingAttributes(type: term("sharing.type", SharingType.unconditional), condition: opt("sharing.condition"),
                                       method: term("sharing.method", SharingMethod.api), legalBasis: opt("sharing.legalBasis")),
            open: OpenAttributes(type: term("open.type", OpenType.closed), condition: opt("open.condition")),
            updateCycle: term("updateCycle", UpdateCycle.irregular), publishDate: opt("publishDate"),
            relatedCodes: Self.list(self["relatedCodes"]), themes: Theme.allCases.filter { themes.contains($0.rawValue) },
            tags: Self.list(self["tags"]), contact: opt("contact"), classified: classified)
        return (snapshot, errors)
    }

    /// "a, b，c、d" → ["a", "b", "c", "d"].
    static func list(_ text: String) -> [String] {
        text.split { $0 == "," || $0 == "，" || $0 == "、" || $0 == ";" || $0 == "；" || $0.isNewline }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
