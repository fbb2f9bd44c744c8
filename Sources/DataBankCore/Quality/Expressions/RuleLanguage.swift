/// # 跨字段校验规则语言 (cross-field rule language)
///
/// A small, safe expression language for data-quality rules that relate several columns of one
/// record. A rule is compiled once against a `RecordLayout` (`RuleCompiler.compile`), which checks
/// names, arities and types and refuses a bad rule with the position of the fault; the compiled
/// rule is then evaluated for every row at ingest without re-parsing. Nothing in the language can
/// loop, allocate without bound, read another row or reach outside the record.
///
/// ```
/// end_date >= start_date
/// birth_date == id_birth_date(id_number)
/// gender == id_gender(id_number)
/// status in ('在营', '注销') and (closed_on is null or closed_on >= opened_on)
/// amount == 0.1 + 0.2                        -- 精确十进制：true for "0.3"
/// start_date >= '2020-01-01'                  -- 日期列与日期字符串比较：字面量按日期解析
/// matches(phone, '^1[3-9][0-9]{9}$') and length(trim(name)) <= 20
/// ```
///
/// ## 语法 (grammar, lowest precedence first)
/// ```
/// rule       := or
/// or         := and (('or' | '||') and)*
/// and        := not (('and' | '&&') not)*
/// not        := ('not' | '!') not | predicate
/// predicate  := sum [ ('==' | '=' | '!=' | '<>' | '<' | '<=' | '>' | '>=') sum
///                   | 'is' ['not'] 'null'
///                   | ['not'] 'in' '(' or (',' or)* ')' ]
/// sum        := product (('+' | '-') product)*
/// product    := unary (('*' | '/') unary)*
/// unary      := '-' unary | primary
/// primary    := number | string | 'true' | 'false' | 'null'
///             | name '(' [or (',' or)*] ')'        -- a function from the whitelist
///             | name                              -- a column of the layout
///             | '(' or ')'
/// ```
/// - Keywords (`and or not in is null true false`) are case-insensitive and reserved; function
///   names are case-insensitive; column names are exact (letters incl. 汉字, digits, `_`).
/// - Numbers: `12`, `0.05` (no exponent in literals). Strings: `'…'` or `"…"`, escapes `\\ \' \" \n
///   \t \r`, and a doubled quote (`'it''s'`) as in SQL.
/// - Comparisons do not chain (`a < b < c` is a syntax error). Nesting (parentheses, calls,
///   prefix operators, operator chains) is limited to 64 levels; a rule to 2,000 characters.
/// - Positions in errors are 0-based offsets in Unicode scalars (one per 汉字 or ASCII character).
///
/// ## 类型 (types)
/// Columns are typed by the layout: C/M/G → text, N/I/F/Y/B → number, D → date, T → date-time,
/// L → boolean. Both sides of a comparison must have the same type, except that a date compares
/// with a date-time (as its midnight), and a date or date-time compares with a string literal that
/// parses as one (`'2024-01-01'`, `'2024年1月1日'`, …). Number vs text, text vs date column etc. are
/// `type_mismatch` at the operator. `+ - * /` and unary `-` take numbers. Text orders by UTF-8 bytes
/// (= by code point); booleans only compare with `==`/`!=`. The rule as a whole must be boolean.
///
/// Numbers are exact decimals (up to 18 significant digits, 18 decimal places): `0.1 + 0.2 == 0.3`
/// and a column value "0.30" equals `0.3`. Division keeps up to 18 decimal places (rounded half away
/// from zero); values beyond that range fall back to binary floating point.
///
/// ## 空值 (null) — 三值逻辑
/// Null (a missing value, an unparsable value, `id_birth_date` of a malformed ID, division by zero)
/// propagates through operators and functions as in SQL: `null == x` is null, `null and false` is
/// false, `null or true` is true, `not null` is null; `x in (…)` is null when `x` is null.
/// **A rule whose result is null counts as PASSED**, like an SQL `CHECK` constraint: write
/// `end_date is not null and end_date >= start_date` when the value must be present. Comparing with
/// the literal `null` (`x == null`) is refused at compile time because it would always pass; use
/// `is null` / `is not null`.
///
/// ## 函数 (function whitelist; arity checked at compile time)
/// | function | result |
/// |---|---|
/// | `id_birth_date(s)` | date of birth in an 18-character resident ID (digits 7–14), null if malformed |
/// | `id_gender(s)` | `'1'` (odd 17th digit, male) or `'2'` (even, female), null if malformed |
/// | `length(s)` | characters (Unicode scalars, as column lengths count them) |
/// | `upper(s)` `lower(s)` `trim(s)` | text (trim removes Unicode white space incl. 全角空格) |
/// | `substr(s, start[, len])` | text, 1-based, in characters |
/// | `starts_with(s, p)` `ends_with(s, p)` `contains(s, p)` | boolean |
/// | `matches(s, 're')` | boolean: the regex (a string literal; `LinearPattern` syntax, matched in linear time) occurs in `s`; anchor with `^…$` |
/// | `year(d)` `month(d)` `day(d)` | number, of a date or date-time |
/// | `today()` | the ingest date passed to `evaluate(today:)` |
/// | `days_between(d1, d2)` | days from `d1` to `d2` (positive when `d2` is later) |
/// | `date(s)` `datetime(s)` | a date / date-time from text (literal: checked at compile time) |
/// | `coalesce(a, b, …)` | the first non-null argument (same type) |
/// | `abs(n)` | number |
///
/// ## 预警函数 (warning rules only: `RuleCompiler.compile(_:layout:allowsHistory: true)`)
/// | function | result |
/// |---|---|
/// | `prev(col)` | the entity's previous record's value |
/// | `avg_prior(col, n)` `min_prior` `max_prior` `sum_prior` | over the entity's `n` previous records (null unless `n` exist) |
/// | `count_prior(n)` | how many previous records exist, at most `n` |
/// | `listed_in('resource', 'column', col)` | whether this record's `col` appears in another resource |
/// They compile to derived inputs (``RuleInput``) whose values the evaluator supplies (``WarningCheck``).
///
/// Resident-ID functions check the shape (17 digits + digit/X, a real birth date) but not the check
/// digit: that is a single-field validator's job.
public enum RuleLanguage {
    public static let maxSourceLength = 2_000
    public static let maxDepth = 64
}

/// Why a rule cannot compile, pointing at the fault in the source.
public struct ExpressionError: Error, Hashable, Sendable {
    /// `syntax`, `unknown_column`, `unknown_function`, `arity`, `type_mismatch`, `not_boolean`,
    /// `invalid_regex`, `unterminated_string`, `too_long` or `too_deep`.
    public var code: String
    public var message: String
    public var messageEn: String
    /// 0-based offset of the fault in the source, in Unicode scalars; the source length for "at the end".
    public var position: Int
    /// How many scalars the fault spans (0 at the end of the rule).
    public var length: Int

    public init(code: String, message: String, messageEn: String, position: Int, length: Int) {
        self.code = code; self.message = message; self.messageEn = messageEn; self.position = position; self.length = length
    }

    init(_ code: String, _ position: Int, _ length: Int, zh: String, en: String) {
        self.init(code: code, message: zh, messageEn: en, position: position, length: length)
    }

    /// The error as the API reports field problems, e.g. for `rules[2].expression`; the message gains the position.
    public func fieldError(_ field: String) -> FieldError {
        FieldError(
            field: field, code: code, message: "第 \(position + 1) 个字符处：\(message)",
            messageEn: "at character \(position + 1): \(messageEn)")
    }
}

/// The compile-time type of an expression.
enum RuleType: Equatable, Sendable {
    case bool, number, text, date, dateTime, null

    init(_ type: DataType) {
        switch type {
        case .C, .M, .G: self = .text
        case .N, .I, .F, .Y, .B: self = .number
        case .D: self = .date
        case .T: self = .dateTime
        case .L: self = .bool
        }
    }

    var zh: String {
        switch self {
        case .bool: "逻辑值"
        case .number: "数值"
        case .text: "文本"
        case .date: "日期"
        case .dateTime: "日期时间"
        case .null: "null"
        }
    }

    var en: String {
        switch self {
        case .bool: "a boolean"
        case .number: "a number"
        case .text: "text"
        case .date: "a date"
        case .dateTime: "a date-time"
        case .null: "null"
        }
    }
}
