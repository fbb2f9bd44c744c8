/// How an imported Table Schema differs from a resource's own (its export): fields missing or
/// extra, types that differ, constraints that differ. Used by `POST …/schema?mode=check`.
public struct SchemaDifference: Codable, Hashable, Sendable {
    /// `missing_field` (the resource has it, the schema not), `extra_field`, `type_mismatch`,
    /// `constraint_difference`, `key_difference`.
    public var kind: String
    public var field: String?
    /// The constraint or property that differs (`maxLength`, `enum`, `primaryKey`, …).
    public var property: String?
    /// As text: in the schema, and in the resource (nil where absent).
    public var schema: String?
    public var resource: String?
    public var message: String
    public var messageEn: String
}

extension TableSchema {
    /// The differences of `self` (an imported schema) from `resource` (the resource's own schema).
    /// DataBank-only properties (`databank:`) and titles are not compared.
    public func differences(from resource: TableSchema) -> [SchemaDifference] {
        var out: [SchemaDifference] = []
        let theirs = Dictionary(resource.fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let mine = Set(fields.map(\.name))
        for f in resource.fields where !mine.contains(f.name) {
            out.append(.init(kind: "missing_field", field: f.name, resource: f.effectiveType.rawValue,
                             message: "资源有信息项 \(f.name)，Table Schema 中没有", messageEn: "the resource has \(f.name); the schema does not"))
        }
        for f in fields {
            guard let r = theirs[f.name] else {
                out.append(.init(kind: "extra_field", field: f.name, schema: f.effectiveType.rawValue,
                                 message: "Table Schema 有字段 \(f.name)，资源中没有", messageEn: "the schema has \(f.name); the resource does not"))
                continue
            }
            if f.effectiveType != r.effectiveType {
                out.append(.init(kind: "type_mismatch", field: f.name, property: "type", schema: f.effectiveType.rawValue, resource: r.effectiveType.rawValue,
                                 message: "\(f.name) 的类型：Table Schema 为 \(f.effectiveType.rawValue)，资源为 \(r.effectiveType.rawValue)",
                                 messageEn: "\(f.name) is \(f.effectiveType.rawValue) in the schema, \(r.effectiveType.rawValue) in the resource"))
            }
            let a = f.constraints, b = r.constraints
            let pairs: [(String, String?, String?)] = [
                ("required", (a.required ?? false) ? "true" : "false", (b.required ?? false) ? "true" : "false"),
                ("unique", (a.unique ?? false) ? "true" : "false", (b.unique ?? false) ? "true" : "false"),
                ("minLength", a.minLength.map(String.init), b.minLength.map(String.init)),
                ("maxLength", a.maxLength.map(String.init), b.maxLength.map(String.init)),
                ("minimum", a.minimum, b.minimum), ("maximum", a.maximum, b.maximum), ("pattern", a.pattern, b.pattern),
                ("enum", a.enumValues?.joined(separator: ", "), b.enumValues?.joined(separator: ", ")),
            ]
            for (name, x, y) in pairs where x != y {
                out.append(.init(kind: "constraint_difference", field: f.name, property: name, schema: x, resource: y,
                                 message: "\(f.name) 的约束 \(name)：Table Schema 为 \(x ?? "无")，资源为 \(y ?? "无")",
                                 messageEn: "\(f.name) \(name): \(x ?? "none") in the schema, \(y ?? "none") in the resource"))
            }
        }
        if primaryKey != resource.primaryKey {
            out.append(.init(kind: "key_difference", property: "primaryKey", schema: primaryKey.joined(separator: ", "),
                             resource: resource.primaryKey.joined(separator: ", "),
                             message: "主键：Table Schema 为 (\(primaryKey.joined(separator: ", ")))，资源为 (\(resource.primaryKey.joined(separator: ", ")))",
                             messageEn: "primary key (\(primaryKey.joined(separator: ", "))) in the schema, (\(resource.primaryKey.joined(separator: ", "))) in the resource"))
        }
        return out
    }
}
