/// Reading a Table Schema: JSON syntax first (line and column), then every check of the content
/// at once, each problem with its JSON path. What DataBank refuses: unknown or unsupported field
/// types, duplicate field names, duplicate `enum` values, a `pattern` that does not compile, a
/// constraint the type does not have, keys naming unknown fields, `databank:rules` that do not compile.
extension TableSchema {
    /// Parses a schema from its bytes (UTF-8 JSON).
    public static func parse(_ bytes: [UInt8]) throws(TableSchemaError) -> TableSchema {
        try parse(try JSONReader.parse(bytes))
    }

    public static func parse(_ text: String) throws(TableSchemaError) -> TableSchema { try parse(Array(text.utf8)) }

    /// Builds and checks a schema from a JSON document.
    public static func parse(_ document: JSONValue) throws(TableSchemaError) -> TableSchema {
        var reader = SchemaReader()
        let schema = reader.schema(document)
        if !reader.problems.isEmpty { throw TableSchemaError(reader.problems) }
        return schema!
    }
}

/// The checks of `TableSchema.parse(_: JSONValue)`, collecting problems instead of stopping at the first.
struct SchemaReader {
    var problems: [TableSchemaProblem] = []

    mutating func fail(_ path: String, _ code: String, zh: String, en: String) {
        problems.append(TableSchemaProblem(code: code, path: path, message: zh, messageEn: en))
    }

    mutating func schema(_ document: JSONValue) -> TableSchema? {
        guard let members = document.objectValue else {
            fail("", "invalid_schema", zh: "Table Schema 须为 JSON 对象，此处为 \(document.typeName)", en: "a Table Schema is a JSON object, not \(document.typeName)")
            return nil
        }
        var fields: [TableSchema.Field] = []
        if let list = document["fields"] {
            if let items = list.arrayValue {
                var seen: [String: Int] = [:]
                for (i, item) in items.enumerated() {
                    guard let f = field(item, at: "fields[\(i)]") else { continue }
                    if let first = seen[f.name] {
                        fail(
                            "fields[\(i)].name", "duplicate_field", zh: "字段名重复：\(f.name)（与 fields[\(first)] 相同）",
                            en: "duplicate field name \(f.name) (same as fields[\(first)])")
                    } else {
                        seen[f.name] = i
                    }
                    fields.append(f)
                }
                if items.isEmpty { fail("fields", "required", zh: "至少需要一个字段", en: "at least one field is required") }
            } else {
                fail("fields", "invalid_type", zh: "fields 须为数组", en: "fields must be an array")
            }
        } else {
            fail("fields", "required", zh: "缺少 fields", en: "fields is missing")
        }

        let names = Set(fields.map(\.name))
        let primaryKey = nameList(document["primaryKey"], at: "primaryKey", known: names)
        var foreignKeys: [TableSchema.ForeignKey] = []
        if let list = document["foreignKeys"] {
            if let items = list.arrayValue {
                for (i, item) in items.enumerated() { if let fk = foreignKey(item, at: "foreignKeys[\(i)]", known: names) { foreignKeys.append(fk) } }
            } else {
                fail("foreignKeys", "invalid_type", zh: "foreignKeys 须为数组", en: "foreignKeys must be an array")
            }
        }
        let missing = strings(document["missingValues"], at: "missingValues")
        var rules: [TableSchema.WrittenRule] = []
        if let list = document["databank:rules"] {
            for (i, item) in (list.arrayValue ?? []).enumerated() {
                guard let expression = item["expression"]?.stringValue else {
                    fail("databank:rules[\(i)].expression", "required", zh: "缺少规则表达式", en: "expression is missing")
                    continue
                }
                rules.append(TableSchema.WrittenRule(name: item["name"]?.stringValue, expression: expression))
            }
            if list.arrayValue == nil { fail("databank:rules", "invalid_type", zh: "databank:rules 须为数组", en: "databank:rules must be an array") }
        }
        let known: Set<String> = ["fields", "primaryKey", "foreignKeys", "missingValues", "databank:rules"]
        let schema = TableSchema(
            fields: fields, primaryKey: primaryKey, foreignKeys: foreignKeys, missingValues: missing, rules: rules,
            extra: .object(members.filter { !known.contains($0.key) }))
        if problems.isEmpty {  // rules compile against the layout, which needs sound fields
            let layout = schema.layout()
            for (i, rule) in schema.writtenRules.enumerated() {
                if case .failure(let e) = RuleCompiler.compile(rule.expression, layout: layout) {
                    fail(
                        "databank:rules[\(i)].expression", e.code, zh: "第 \(e.position + 1) 个字符处：\(e.message)",
                        en: "at character \(e.position + 1): \(e.messageEn)")
                }
            }
        }
        return schema
    }

    // MARK: Fields

    mutating func field(_ value: JSONValue, at path: String) -> TableSchema.Field? {
        guard let members = value.objectValue else {
            fail(path, "invalid_type", zh: "字段须为 JSON 对象", en: "a field is a JSON object")
            return nil
        }
        guard let name = value["name"]?.stringValue, !name.isEmpty else {
            fail("\(path).name", "required", zh: "字段缺少名称（name）", en: "the field has no name")
            return nil
        }
        var field = TableSchema.Field(
            name: name, title: text(value["title"], at: "\(path).title"),
            description: text(value["description"], at: "\(path).description"))
        if let t = value["type"] {
            if let raw = t.stringValue, let type = TableSchema.FieldType(rawValue: raw) {
                if type.dataType == nil {
                    fail(
                        "\(path).type", "unsupported_type", zh: "DataBank 不支持字段类型 \(raw)（支持 string、integer、number、boolean、date、datetime、year、any）",
                        en: "DataBank cannot store fields of type \(raw) (it stores string, integer, number, boolean, date, datetime, year and any)")
                }
                field.type = type
            } else {
                fail(
                    "\(path).type", "unknown_type", zh: "未知的字段类型：\(t.stringValue ?? t.serialized())",
                    en: "unknown field type \(t.stringValue ?? t.serialized())")
            }
        }
        field.format = text(value["format"], at: "\(path).format")
        field.trueValues = strings(value["trueValues"], at: "\(path).trueValues")
        field.falseValues = strings(value["falseValues"], at: "\(path).falseValues")
        field.missingValues = strings(value["missingValues"], at: "\(path).missingValues")
        if let c = value["constraints"] { field.constraints = constraints(c, type: field.effectiveType, at: "\(path).constraints") }
        field.databank = facts(value, type: field.effectiveType, at: path)
        let known: Set<String> = [
            "name", "title", "description", "type", "format", "constraints", "trueValues", "falseValues", "missingValues",
            "databank:type", "databank:standard", "databank:semantic", "databank:sensitivity", "databank:queryField",
            "databank:length", "databank:precision", "databank:notFuture"
        ]
        field.extra = .object(members.filter { !known.contains($0.key) })
        return field
    }

    mutating func constraints(_ value: JSONValue, type: TableSchema.FieldType, at path: String) -> TableSchema.Constraints {
        guard let members = value.objectValue else {
            fail(path, "invalid_type", zh: "constraints 须为 JSON 对象", en: "constraints is a JSON object")
            return .init()
        }
        var c = TableSchema.Constraints()
        func applies(_ key: String, _ ok: Bool) -> Bool {
            if !ok {
                fail(
                    "\(path).\(key)", "constraint_not_applicable", zh: "\(type.rawValue) 类型的字段没有 \(key) 约束",
                    en: "a field of type \(type.rawValue) has no \(key) constraint")
            }
            return ok
        }
        for (key, v) in members {
            let at = "\(path).\(key)"
            switch key {
            case "required": c.required = bool(v, at: at)
            case "unique": c.unique = bool(v, at: at)
            case "minLength", "maxLength":
                guard applies(key, [.string, .any].contains(type)) else { continue }
                guard let n = v.intValue, n >= 0 else {
                    fail(at, "invalid_constraint", zh: "\(key) 须为非负整数", en: "\(key) must be a non-negative integer")
                    continue
                }
                if key == "minLength" { c.minLength = n } else { c.maxLength = n }
            case "minimum", "maximum":
                guard applies(key, type.isOrdered) else { continue }
                let bound = canonical(v, type: type, at: at)
                if key == "minimum" { c.minimum = bound } else { c.maximum = bound }
            case "pattern":
                guard applies(key, [.string, .any].contains(type)), let p = text(v, at: at) else { continue }
                do { _ = try LinearPattern(p) } catch {
                    fail(at, "invalid_pattern", zh: "pattern 不是有效的正则表达式：\(p)（\(error.zh)）", en: "pattern is not a valid regular expression: \(p) (\(error.en))")
                }
                c.pattern = p
            case "enum":
                guard let list = v.arrayValue, !list.isEmpty else {
                    fail(at, "invalid_constraint", zh: "enum 须为非空数组", en: "enum must be a non-empty array")
                    continue
                }
                var seen: [String: Int] = [:]
                var values: [String] = []
                for (k, item) in list.enumerated() {
                    guard let text = canonical(item, type: type, at: "\(at)[\(k)]") else { continue }
                    if let first = seen[text] {
                        fail(
                            "\(at)[\(k)]", "duplicate_enum_value", zh: "enum 取值重复：\(text)（与第 \(first + 1) 项相同）",
                            en: "duplicate enum value \(text) (same as item \(first + 1))")
                    } else {
                        seen[text] = k
                    }
                    values.append(text)
                }
                c.enumValues = values
            default:
                fail(at, "unsupported_constraint", zh: "DataBank 不支持约束 \(key)", en: "DataBank does not support the constraint \(key)")
            }
        }
        if let lo = c.minLength, let hi = c.maxLength, lo > hi {
            fail("\(path).minLength", "invalid_constraint", zh: "minLength（\(lo)）大于 maxLength（\(hi)）", en: "minLength (\(lo)) exceeds maxLength (\(hi))")
        }
        return c
    }

    /// The DataBank facts of a field; each one checked against the Frictionless type.
    mutating func facts(_ value: JSONValue, type: TableSchema.FieldType, at path: String) -> TableSchema.DataBankFacts {
        var d = TableSchema.DataBankFacts()
        if let v = value["databank:type"] {
            if let raw = v.stringValue, let t = DataType(rawValue: raw) {
                if type.compatibleDataTypes.contains(t) {
                    d.dataType = t
                } else {
                    fail(
                        "\(path).databank:type", "type_mismatch", zh: "DataBank 类型 \(raw) 与字段类型 \(type.rawValue) 不符",
                        en: "DataBank type \(raw) does not fit field type \(type.rawValue)")
                }
            } else {
                fail("\(path).databank:type", "unknown_type", zh: "未知的 DataBank 类型：\(v.serialized())", en: "unknown DataBank type \(v.serialized())")
            }
        }
        d.standard = text(value["databank:standard"], at: "\(path).databank:standard")
        if let v = value["databank:semantic"] {
            if let k = v.stringValue.flatMap(SemanticKind.init(rawValue:)) {
                d.semantic = k
            } else {
                fail("\(path).databank:semantic", "unknown_semantic", zh: "未知的语义类型：\(v.serialized())", en: "unknown semantic kind \(v.serialized())")
            }
        }
        if let v = value["databank:sensitivity"] {
            if let s = v.stringValue.flatMap(Sensitivity.init(rawValue:)) {
                d.sensitivity = s
            } else {
                fail("\(path).databank:sensitivity", "unknown_sensitivity", zh: "未知的敏感级别：\(v.serialized())", en: "unknown sensitivity \(v.serialized())")
            }
        }
        d.queryField = value["databank:queryField"].flatMap { bool($0, at: "\(path).databank:queryField") }
        d.notFuture = value["databank:notFuture"].flatMap { bool($0, at: "\(path).databank:notFuture") }
        for key in ["databank:length", "databank:precision"] {
            guard let v = value[key] else { continue }
            guard let n = v.intValue, n >= 0 else {
                fail("\(path).\(key)", "invalid_type", zh: "\(key) 须为非负整数", en: "\(key) must be a non-negative integer")
                continue
            }
            if key == "databank:length" { d.length = n } else { d.precision = n }
        }
        return d
    }

    // MARK: Keys

    /// A field name or a list of them (Frictionless allows both), each naming a known field.
    mutating func nameList(_ value: JSONValue?, at path: String, known: Set<String>?) -> [String] {
        guard let value else { return [] }
        let names: [(String, String)]
        switch value {
        case .string(let s): names = [(s, path)]
        case .array(let items):
            names = items.enumerated().compactMap { k, item in
                guard let s = item.stringValue else {
                    fail("\(path)[\(k)]", "invalid_type", zh: "字段名须为字符串", en: "a field name is a string")
                    return nil
                }
                return (s, "\(path)[\(k)]")
            }
        default:
            fail(path, "invalid_type", zh: "须为字段名或字段名数组", en: "must be a field name or an array of them")
            return []
        }
        for (name, at) in names where known.map({ !$0.contains(name) }) ?? false {
            fail(at, "unknown_field", zh: "未知字段：\(name)", en: "unknown field \(name)")
        }
        return names.map(\.0)
    }

    mutating func foreignKey(_ value: JSONValue, at path: String, known: Set<String>) -> TableSchema.ForeignKey? {
        guard value.objectValue != nil, let reference = value["reference"], reference.objectValue != nil else {
            fail(path, "invalid_foreign_key", zh: "外键须含 fields 与 reference", en: "a foreign key has fields and reference")
            return nil
        }
        let fields = nameList(value["fields"], at: "\(path).fields", known: known)
        guard let resource = reference["resource"]?.stringValue else {
            fail("\(path).reference.resource", "required", zh: "外键缺少被引用的资源", en: "reference.resource is missing")
            return nil
        }
        // A self-reference names fields of this schema; another resource's are checked when it is known.
        let referenceFields = nameList(reference["fields"], at: "\(path).reference.fields", known: resource.isEmpty ? known : nil)
        if fields.isEmpty || fields.count != referenceFields.count {
            fail(
                "\(path).reference.fields", "invalid_foreign_key", zh: "外键两侧的字段数须相同且不为零",
                en: "both sides of a foreign key name the same, non-zero number of fields")
        }
        return TableSchema.ForeignKey(fields: fields, resource: resource, referenceFields: referenceFields)
    }

    // MARK: Values

    mutating func text(_ value: JSONValue?, at path: String) -> String? {
        guard let value else { return nil }
        guard let s = value.stringValue else {
            fail(path, "invalid_type", zh: "须为字符串", en: "must be a string")
            return nil
        }
        return s
    }

    mutating func bool(_ value: JSONValue, at path: String) -> Bool? {
        guard let b = value.boolValue else {
            fail(path, "invalid_type", zh: "须为 true 或 false", en: "must be true or false")
            return nil
        }
        return b
    }

    mutating func strings(_ value: JSONValue?, at path: String) -> [String]? {
        guard let value else { return nil }
        guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
            fail(path, "invalid_type", zh: "须为字符串数组", en: "must be an array of strings")
            return nil
        }
        return items.compactMap(\.stringValue)
    }

    /// A constraint value as canonical text of the field's type, or a problem when it is not one.
    mutating func canonical(_ value: JSONValue, type: TableSchema.FieldType, at path: String) -> String? {
        let raw: String
        switch value {
        case .number(let n): raw = n
        case .string(let s): raw = s
        case .bool(let b): raw = b ? "true" : "false"
        default:
            fail(path, "invalid_constraint", zh: "须为 \(type.rawValue) 类型的值", en: "must be a value of type \(type.rawValue)")
            return nil
        }
        let ok: String? =
            switch type {
            case .integer, .year: Int(raw).map(String.init)
            case .number: Double(raw) != nil ? raw : nil
            case .boolean: raw == "true" || raw == "false" ? raw : nil
            case .date: DateParsing.date(raw)?.iso
            case .datetime:
                DateParsing.dateTime(raw).map { t in
                    var b: [UInt8] = []; t.appendISO(to: &b); return String(decoding: b, as: UTF8.self)
                }
            default: raw
            }
        if ok == nil { fail(path, "invalid_constraint", zh: "“\(raw)”不是 \(type.rawValue) 类型的值", en: "\(raw) is not a value of type \(type.rawValue)") }
        return ok
    }
}
