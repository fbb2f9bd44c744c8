/// A Table Schema as DataBank validates it: the typed layout of its columns and one quality rule
/// per Frictionless constraint, each with the Frictionless error type of its findings.
extension TableSchema {
    /// The record layout: one column per field, typed by ``Field/dataType``; text length from
    /// `maxLength` (or `databank:length`), the key from `primaryKey`.
    public func layout() -> RecordLayout {
        RecordLayout(
            columns: fields.map { f in
                let type = f.dataType
                return RecordLayout.Column(
                    name: f.name, itemName: f.title ?? f.name, type: type,
                    length: type.hasLength ? (type == .C ? f.constraints.maxLength ?? f.databank.length : f.databank.length) : nil,
                    precision: [.N, .Y].contains(type) ? f.databank.precision ?? (type == .Y ? 2 : nil) : nil,
                    required: f.constraints.required == true || primaryKey.contains(f.name),
                    primaryKey: primaryKey.contains(f.name), queryField: f.databank.queryField ?? false)
            })
    }

    /// The rules of the schema, one per constraint (`minLength` and `maxLength` are two rules, as
    /// Frictionless reports them apart): ids are `tableschema:<field>:<constraint>`, and
    /// ``QualityRule/frictionlessConstraint`` names the constraint a finding breaks. Semantics to
    /// apply them as `frictionless validate` does: a cell in ``missingValues(for:)`` is null and only
    /// `required` (and the key) look at it; a cell that fails its type gets a `type-error` and no
    /// constraint check; `pattern` must match the whole value (`^(?:pattern)$`).
    public func rules() -> [QualityRule] {
        var out: [QualityRule] = []
        for f in fields {
            let label = f.title ?? f.name
            func add(
                _ kind: QualityRule.Kind, _ constraint: String, _ zh: String, _ en: String, errorType: String = "constraint-error",
                configure: (inout QualityRule) -> Void = { _ in }
            ) {
                var rule = QualityRule(
                    id: "tableschema:\(f.name):\(constraint)", kind: kind, column: f.name, name: zh, nameEn: en,
                    derived: true, errorType: errorType)
                configure(&rule)
                out.append(rule)
            }
            let c = f.constraints
            add(.type, "type", "\(label)为\(f.dataType.zh)", "\(f.name) is \(f.effectiveType.rawValue)", errorType: "type-error")
            if c.required == true { add(.required, "required", "\(label)必填", "\(f.name) is required") }
            if let n = c.minLength { add(.length, "minLength", "\(label)不少于 \(n) 个字符", "\(f.name) has at least \(n) characters") { $0.minLength = n } }
            if let n = c.maxLength { add(.length, "maxLength", "\(label)不超过 \(n) 个字符", "\(f.name) has at most \(n) characters") { $0.maxLength = n } }
            if let p = c.pattern { add(.pattern, "pattern", "\(label)符合格式 \(p)", "\(f.name) matches \(p)") { $0.pattern = p } }
            if let codes = c.enumValues {
                add(.domain, "enum", "\(label)取值于 \(codes.count) 个值", "\(f.name) is one of \(codes.count) values") { $0.codes = codes }
            }
            if let m = c.minimum { add(.range, "minimum", "\(label)不小于 \(m)", "\(f.name) is at least \(m)") { $0.minimum = m } }
            if let m = c.maximum { add(.range, "maximum", "\(label)不大于 \(m)", "\(f.name) is at most \(m)") { $0.maximum = m } }
            if c.unique == true { add(.unique, "unique", "\(label)唯一", "\(f.name) is unique", errorType: "unique-error") }
            if let p = f.databank.precision, [.N, .Y].contains(f.dataType) {
                add(.precision, "databank:precision", "\(label)至多 \(p) 位小数", "\(f.name) has at most \(p) decimal places")
            }
            if f.databank.notFuture == true, [.D, .T].contains(f.dataType) {
                add(.notFuture, "databank:notFuture", "\(label)不晚于当日", "\(f.name) is not in the future")
            }
            if let kind = f.databank.semantic, kind != .plain {
                add(.semantic, "databank:semantic", "\(label)是有效的\(kind.zh)", "\(f.name) is a valid \(kind.en.lowercased())") { $0.semantic = kind }
            }
        }
        if let first = primaryKey.first {
            out.append(
                QualityRule(
                    id: "tableschema:\(primaryKey.joined(separator: ",")):primaryKey", kind: .primaryKey, column: first,
                    name: "主键（\(primaryKey.joined(separator: "、"))）唯一", nameEn: "Key (\(primaryKey.joined(separator: ", "))) is unique",
                    derived: true, errorType: "primary-key"))
        }
        for (i, fk) in foreignKeys.enumerated() {
            let target = "\(fk.resource).\(fk.referenceFields.joined(separator: ","))"
            out.append(
                QualityRule(
                    id: "tableschema:foreignKeys[\(i)]", kind: .referential, column: fk.fields.first,
                    name: "\(fk.fields.joined(separator: "、"))须存在于 \(target)", nameEn: "\(fk.fields.joined(separator: ", ")) exists in \(target)",
                    derived: false, references: target, errorType: "foreign-key"))
        }
        for (i, rule) in writtenRules.enumerated() {
            out.append(
                QualityRule(
                    id: "tableschema:rules[\(i)]", kind: .expression, column: nil, name: rule.name ?? rule.expression,
                    nameEn: rule.name ?? rule.expression, derived: false, expression: rule.expression, errorType: "row-constraint"))
        }
        return out
    }
}

extension QualityRule {
    /// The Frictionless constraint this rule checks (`required`, `minLength`, `maxLength`, `pattern`,
    /// `enum`, `minimum`, `maximum`, `unique`), nil for checks Frictionless has no constraint for.
    public var frictionlessConstraint: String? {
        switch kind {
        case .required: "required"
        case .length: minLength != nil && maxLength == nil ? "minLength" : "maxLength"
        case .pattern: "pattern"
        case .domain: "enum"
        case .range: minimum != nil && maximum == nil ? "minimum" : "maximum"
        case .unique: "unique"
        default: nil
        }
    }
}
