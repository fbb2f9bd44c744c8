/// One quality rule of a resource: derived from its items and their standards (type, required,
/// length, precision, pattern, value domain, semantic check, key), or written by its provider
/// (a cross-field expression, a reference to another resource's key). Each rule names the
/// Frictionless error type its findings carry, so reports line up with `frictionless validate`.
public struct QualityRule: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case type, required, length, precision, pattern, domain, semantic, range, unique, primaryKey, expression, referential
        /// A date not later than today in the city (a standard's `notFuture`).
        case notFuture
    }

    /// `derived:<column>:<kind>` for derived rules (stable across runs), a UUID for written ones.
    public var id: String
    public var kind: Kind
    public var column: String?
    public var name: String
    public var nameEn: String
    public var derived: Bool
    /// The cross-field expression (``RuleCompiler``).
    public var expression: String?
    public var pattern: String?
    public var codes: [String]?
    public var semantic: SemanticKind?
    /// `RESOURCE-CODE.column` that values must exist in (as that resource's key).
    public var references: String?
    /// `length`: fewest characters (the most is `maxLength`, or the column's declared length).
    public var minLength: Int?
    public var maxLength: Int?
    /// `range`: bounds as canonical text of the column's type ("12.5", "2024-01-31"), inclusive.
    public var minimum: String?
    public var maximum: String?
    /// The Frictionless error type of this rule's findings.
    public var errorType: String

    public init(
        id: String, kind: Kind, column: String?, name: String, nameEn: String, derived: Bool, expression: String? = nil,
        pattern: String? = nil, codes: [String]? = nil, semantic: SemanticKind? = nil, references: String? = nil,
        minLength: Int? = nil, maxLength: Int? = nil, minimum: String? = nil, maximum: String? = nil, errorType: String
    ) {
        self.id = id; self.kind = kind; self.column = column; self.name = name; self.nameEn = nameEn; self.derived = derived
        self.expression = expression; self.pattern = pattern; self.codes = codes; self.semantic = semantic
        self.references = references; self.minLength = minLength; self.maxLength = maxLength
        self.minimum = minimum; self.maximum = maximum; self.errorType = errorType
    }
}

/// The rules a resource gets from its items and their standards, without anyone writing them.
public enum DerivedRules {
    public static func rules(items: [InformationItem], standards: [String: ItemStandard]) -> [QualityRule] {
        var out: [QualityRule] = []
        func add(
            _ item: InformationItem, _ kind: QualityRule.Kind, _ zh: String, _ en: String, errorType: String,
            pattern: String? = nil, codes: [String]? = nil, semantic: SemanticKind? = nil
        ) {
            out.append(
                QualityRule(
                    id: "derived:\(item.column):\(kind.rawValue)", kind: kind, column: item.column, name: zh, nameEn: en,
                    derived: true, pattern: pattern, codes: codes, semantic: semantic, errorType: errorType))
        }
        for item in items {
            let standard = standards[item.standardCode]
            add(item, .type, "\(item.name)为\(item.dataType.zh)", "\(item.column) is \(item.dataType.en.lowercased())", errorType: "type-error")
            if item.required || item.primaryKey {
                add(item, .required, "\(item.name)必填", "\(item.column) is required", errorType: "constraint-error")
            }
            if item.dataType.hasLength, let length = item.length {
                add(item, .length, "\(item.name)不超过 \(length) 个字符", "\(item.column) has at most \(length) characters", errorType: "constraint-error")
            }
            if [.N, .Y].contains(item.dataType), let precision = standard?.precision {
                add(
                    item, .precision, "\(item.name)至多 \(precision) 位小数", "\(item.column) has at most \(precision) decimal places", errorType: "constraint-error"
                )
            }
            if let pattern = standard?.pattern {
                add(item, .pattern, "\(item.name)符合格式 \(pattern)", "\(item.column) matches \(pattern)", errorType: "constraint-error", pattern: pattern)
            }
            if let list = standard?.codeList, !list.isEmpty {
                add(
                    item, .domain, "\(item.name)取值于代码表（\(list.count) 项）", "\(item.column) is one of \(list.count) codes",
                    errorType: "constraint-error", codes: list.map(\.code))
            }
            if standard?.minimum != nil || standard?.maximum != nil {
                let bounds = [standard?.minimum.map { "≥ \($0)" }, standard?.maximum.map { "≤ \($0)" }].compactMap { $0 }.joined(separator: " ")
                out.append(
                    QualityRule(
                        id: "derived:\(item.column):range", kind: .range, column: item.column, name: "\(item.name) \(bounds)",
                        nameEn: "\(item.column) \(bounds)", derived: true, minimum: standard?.minimum, maximum: standard?.maximum,
                        errorType: "constraint-error"))
            }
            if standard?.forbidsFuture == true && [.D, .T].contains(item.dataType) {
                add(item, .notFuture, "\(item.name)不晚于当日", "\(item.column) is not in the future", errorType: "constraint-error")
            }
            if item.unique && !item.primaryKey {
                add(item, .unique, "\(item.name)唯一", "\(item.column) is unique", errorType: "unique-error")
            }
            if let kind = standard?.semanticKind, [.residentID, .creditCode, .mobile, .landline, .regionCode, .postalCode, .email, .date].contains(kind) {
                add(
                    item, .semantic, "\(item.name)是有效的\(kind.zh)", "\(item.column) is a valid \(kind.en.lowercased())",
                    errorType: "constraint-error", semantic: kind)
            }
        }
        let keys = items.filter(\.primaryKey)
        if let first = keys.first {
            out.append(
                QualityRule(
                    id: "derived:\(keys.map(\.column).joined(separator: ",")):primaryKey", kind: .primaryKey, column: first.column,
                    name: "主键（\(keys.map(\.name).joined(separator: "、"))）唯一", nameEn: "Key (\(keys.map(\.column).joined(separator: ", "))) is unique",
                    derived: true, errorType: "primary-key"))
        }
        return out
    }
}
