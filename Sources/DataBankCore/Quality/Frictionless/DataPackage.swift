/// A Frictionless Data Package descriptor (`datapackage.json`) for one DataBank resource: its
/// records as `data/<code>.csv` (UTF-8, comma-separated, a header of column names) described by
/// the resource's Table Schema.
public enum DataPackage {
    /// A licence to name in the package (the catalog holds none yet; callers may pass one).
    public struct License: Hashable, Sendable {
        public var name: String
        public var path: String?
        public var title: String?
        public init(name: String, path: String? = nil, title: String? = nil) { self.name = name; self.path = path; self.title = title }
    }

    /// The path of the resource's data inside the package.
    public static func dataPath(_ code: String) -> String { "data/\(name(code)).csv" }

    /// Package and resource names are lower-case `[a-z0-9._-]`; resource codes already are, but
    /// anything else becomes `-`.
    public static func name(_ code: String) -> String {
        String(code.lowercased().unicodeScalars.map { s -> Character in
            ("a"..."z").contains(s) || ("0"..."9").contains(s) || ".-_".unicodeScalars.contains(s) ? Character(s) : "-"
        })
    }

    public static func descriptor(resource: ResourceSnapshot, schema: TableSchema, licenses: [License] = []) -> JSONValue {
        let data = JSONValue.members([
            ("name", .string(name(resource.code))), ("type", .string("table")), ("path", .string(dataPath(resource.code))),
            ("title", .string(resource.name)), ("format", .string("csv")), ("mediatype", .string("text/csv")),
            ("encoding", .string("utf-8")), ("schema", schema.json()),
        ])
        return .members([
            ("name", .string(name(resource.code))), ("title", .string(resource.name)),
            ("description", resource.abstract.isEmpty ? nil : .string(resource.abstract)),
            ("licenses", licenses.isEmpty ? nil : .array(licenses.map { .members([("name", .string($0.name)), ("path", $0.path.map(JSONValue.string)),
                                                                                ("title", $0.title.map(JSONValue.string))]) })),
            ("databank:code", .string(resource.code)), ("databank:department", .string(resource.departmentCode)),
            ("resources", .array([data])),
        ])
    }
}
