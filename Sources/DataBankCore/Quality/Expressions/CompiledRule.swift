/// A row's values as the rule reads them: `value(i)` is column `columns[i]` as canonical text.
typealias RuleFetch = (Int) -> String?
/// A compiled sub-expression: given the row and today (days since 1970-01-01), its value or nil (null).
typealias RuleFn<T> = @Sendable (RuleFetch, Int) -> T?

/// A cross-field rule, compiled once and evaluated per row (see `RuleLanguage` for the language).
///
/// Evaluation walks a tree of closures built at compile time: no parsing, no lookups by name,
/// and no allocation for rules over numbers, dates and booleans (text functions such as `upper`
/// or `substr` build new strings). A `CompiledRule` is immutable and may be shared by threads.
public struct CompiledRule: Sendable {
    public let source: String
    /// The columns the rule reads, in order of first mention.
    public let columns: [String]
    /// What each of `columns` is: a column of the record, or a derived input its evaluator supplies
    /// (only with history functions allowed).
    public let inputs: [RuleInput]
    let root: RuleFn<Bool>

    /// Evaluates against one row; `value(i)` gives column `columns[i]` as canonical text (nil = null):
    /// text as is, numbers like "12.5", dates "YYYY-MM-DD", date-times "YYYY-MM-DDTHH:MM:SS",
    /// booleans "true"/"false". A value that does not read as its column's type counts as null.
    ///
    /// - Returns: true (passed), false (failed) or nil (null — counts as **passed**, as an SQL CHECK does).
    public func evaluate(today: CivilDate, _ value: (Int) -> String?) -> Bool? {
        root(value, today.daysSinceEpoch)
    }

    /// Whether the row passes: true or null.
    public func passes(today: CivilDate, _ value: (Int) -> String?) -> Bool {
        root(value, today.daysSinceEpoch) != false
    }
}

public enum RuleCompiler {
    /// Compiles `source` against `layout`, or says what is wrong and where.
    /// `allowsHistory`: the warning rules' functions over an entity's past records and other
    /// resources may be used (see ``RuleInput``); quality rules read one record only.
    public static func compile(_ source: String, layout: RecordLayout, allowsHistory: Bool = false) -> Result<CompiledRule, ExpressionError> {
        let src = Array(source.unicodeScalars)
        let limit = RuleLanguage.maxSourceLength
        guard src.count <= limit else {
            return .failure(
                ExpressionError(
                    "too_long", limit, src.count - limit,
                    zh: "规则长 \(src.count) 个字符，超过上限 \(limit)",
                    en: "the rule is \(src.count) characters long, more than \(limit)"))
        }
        do throws(ExpressionError) {
            let node = try RuleParser.parse(src)
            var compilation = RuleCompilation(layout: layout, allowsHistory: allowsHistory)
            let compiled = try compilation.compile(node)
            guard case .bool(let root) = compiled else {
                throw ExpressionError(
                    "not_boolean", node.span.position, node.span.length,
                    zh: "规则的结果应为逻辑值（成立/不成立），这里得到的是\(compiled.type.zh)",
                    en: "a rule must be a condition (true or false); this one gives \(compiled.type.en)")
            }
            return .success(CompiledRule(source: source, columns: compilation.columns, inputs: compilation.inputs, root: root))
        } catch {
            return .failure(error)
        }
    }
}

/// A typed, compiled sub-expression. Dates are days and date-times seconds since 1970-01-01.
enum Compiled {
    case bool(RuleFn<Bool>)
    case number(RuleFn<RuleNumber>)
    case text(RuleFn<String>)
    case date(RuleFn<Int>)
    case dateTime(RuleFn<Int>)
    /// The literal `null`: fits any type.
    case null

    var type: RuleType {
        switch self {
        case .bool: .bool
        case .number: .number
        case .text: .text
        case .date: .date
        case .dateTime: .dateTime
        case .null: .null
        }
    }

    static func none<T>() -> RuleFn<T> { { _, _ in nil } }

    var asBool: RuleFn<Bool>? {
        switch self {
        case .bool(let f): f;
        case .null: Self.none();
        default: nil
        }
    }
    var asNumber: RuleFn<RuleNumber>? {
        switch self {
        case .number(let f): f;
        case .null: Self.none();
        default: nil
        }
    }
    var asText: RuleFn<String>? {
        switch self {
        case .text(let f): f;
        case .null: Self.none();
        default: nil
        }
    }
    var asDate: RuleFn<Int>? {
        switch self {
        case .date(let f): f;
        case .null: Self.none();
        default: nil
        }
    }
    /// A date-time, or a date as its midnight.
    var asDateTime: RuleFn<Int>? {
        switch self {
        case .dateTime(let f): f
        case .date(let f): { r, t in f(r, t).map { $0 * 86_400 } }
        case .null: Self.none()
        default: nil
        }
    }
    /// A date, or a date-time's date.
    var asDays: RuleFn<Int>? {
        switch self {
        case .date(let f): f
        case .dateTime(let f): { r, t in f(r, t).map(RuleText.day(ofSeconds:)) }
        case .null: Self.none()
        default: nil
        }
    }

    /// `is null`, which is never null itself.
    func isNull(negated: Bool) -> RuleFn<Bool> {
        switch self {
        case .bool(let f): { r, t in (f(r, t) == nil) != negated }
        case .number(let f): { r, t in (f(r, t) == nil) != negated }
        case .text(let f): { r, t in (f(r, t) == nil) != negated }
        case .date(let f), .dateTime(let f): { r, t in (f(r, t) == nil) != negated }
        case .null: { _, _ in !negated }
        }
    }

    /// A constant of the literal's type.
    static func constant(_ kind: RuleNode.Kind) -> Compiled? {
        switch kind {
        case .number(let n): .number { _, _ in n }
        case .string(let s): .text { _, _ in s }
        case .bool(let b): .bool { _, _ in b }
        case .null: .null
        default: nil
        }
    }
}
