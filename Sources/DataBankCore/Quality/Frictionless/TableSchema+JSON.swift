/// Writing a ``TableSchema`` as JSON, and `Codable` through the same path as `TableSchema.parse(_: JSONValue)`.
extension TableSchema {
    /// The schema as a JSON document: Frictionless properties first, `databank:` ones after.
    public func json() -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        members.append((key: "fields", value: .array(fields.map { $0.json() })))
        if !primaryKey.isEmpty { members.append((key: "primaryKey", value: .array(primaryKey.map(JSONValue.string)))) }
        if !foreignKeys.isEmpty {
            members.append(
                (
                    key: "foreignKeys",
                    value: .array(
                        foreignKeys.map { fk in
                            .members([
                                ("fields", .array(fk.fields.map(JSONValue.string))),
                                ("reference", .members([("resource", .string(fk.resource)), ("fields", .array(fk.referenceFields.map(JSONValue.string)))]))
                            ])
                        })
                ))
        }
        if let missingValues { members.append((key: "missingValues", value: .array(missingValues.map(JSONValue.string)))) }
        if !writtenRules.isEmpty {
            members.append(
                (
                    key: "databank:rules",
                    value: .array(writtenRules.map { .members([("name", $0.name.map(JSONValue.string)), ("expression", .string($0.expression))]) })
                ))
        }
        return .object(members + (extra.objectValue ?? []))
    }

    /// The schema as JSON text (two-space indentation, a final line break).
    public func serialized() -> String { json().serialized() + "\n" }
}

extension TableSchema.Field {
    func json() -> JSONValue {
        let t = effectiveType
        func scalar(_ text: String) -> JSONValue {
            if t.isNumeric, Double(text) != nil { return .number(text) }
            if t == .boolean, text == "true" || text == "false" { return .bool(text == "true") }
            return .string(text)
        }
        let c = constraints
        let constraintsJSON: JSONValue? =
            c.isEmpty
            ? nil
            : .members([
                ("required", c.required.map(JSONValue.bool)), ("unique", c.unique.map(JSONValue.bool)),
                ("minLength", c.minLength.map { .number(String($0)) }), ("maxLength", c.maxLength.map { .number(String($0)) }),
                ("minimum", c.minimum.map(scalar)), ("maximum", c.maximum.map(scalar)),
                ("pattern", c.pattern.map(JSONValue.string)), ("enum", c.enumValues.map { .array($0.map(scalar)) })
            ])
        let d = databank
        let own = JSONValue.members([
            ("name", .string(name)), ("title", title.map(JSONValue.string)), ("description", description.map(JSONValue.string)),
            ("type", type.map { .string($0.rawValue) }), ("format", format.map(JSONValue.string)), ("constraints", constraintsJSON),
            ("trueValues", trueValues.map { .array($0.map(JSONValue.string)) }), ("falseValues", falseValues.map { .array($0.map(JSONValue.string)) }),
            ("missingValues", missingValues.map { .array($0.map(JSONValue.string)) }),
            ("databank:type", d.dataType.map { .string($0.rawValue) }), ("databank:standard", d.standard.map(JSONValue.string)),
            ("databank:semantic", d.semantic.map { .string($0.rawValue) }), ("databank:sensitivity", d.sensitivity.map { .string($0.rawValue) }),
            ("databank:queryField", d.queryField.map(JSONValue.bool)), ("databank:length", d.length.map { .number(String($0)) }),
            ("databank:precision", d.precision.map { .number(String($0)) }), ("databank:notFuture", d.notFuture.map(JSONValue.bool))
        ])
        return .object((own.objectValue ?? []) + (extra.objectValue ?? []))
    }
}

extension TableSchema: Codable {
    /// Decodes through `parse(_: JSONValue)`, so a decoded schema passed every check.
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        do { self = try TableSchema.parse(value) } catch {
            let first = error.problems.first
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "\(first?.path ?? ""): \(first?.messageEn ?? "invalid Table Schema")"))
        }
    }

    public func encode(to encoder: any Encoder) throws { try json().encode(to: encoder) }
}
