/// Checks rows against a resource's quality rules: the value rules (pattern, code list, semantic
/// identifiers, length and range bounds) and the cross-field expressions. Built once per load or
/// check run from the derived and written rules; immutable, so one checker serves every row.
///
/// Type, required, length-as-declared and precision are enforced when a value is converted
/// (``RowEncoder``); uniqueness needs memory of earlier rows (``UniquenessTracker``); references
/// to other resources need the database: their values are handed back as ``references`` for the
/// caller to look up a batch at a time. A null value passes every rule here, as in Frictionless
/// and SQL CHECK constraints: "required" is the rule that speaks about nulls.
public struct RowChecker: Sendable {
    public let layout: RecordLayout
    let valueChecks: [ValueCheck]
    let expressions: [ExpressionCheck]
    /// Referential rules: the column (layout index) whose values must exist as the target's key.
    public let references: [(rule: QualityRule, column: Int)]
    /// `unique` rules, for the callers that see every row (file validation, full checks).
    public let uniques: [(rule: QualityRule, column: Int)]
    /// Layout columns some rule reads: only these need their canonical text.
    public let columnsRead: [Bool]

    public var isEmpty: Bool { valueChecks.isEmpty && expressions.isEmpty && references.isEmpty }

    /// Compiles the rules for `layout`. Rules the encoder enforces are skipped; a rule that cannot
    /// be compiled (unknown column, bad pattern, bad expression) is refused with its id.
    public init(layout: RecordLayout, rules: [QualityRule]) throws(RuleSetError) {
        self.layout = layout
        var values: [ValueCheck] = [], expressions: [ExpressionCheck] = []
        var references: [(QualityRule, Int)] = [], uniques: [(QualityRule, Int)] = []
        var read = [Bool](repeating: false, count: layout.columns.count)
        func column(_ rule: QualityRule) throws(RuleSetError) -> Int {
            guard let name = rule.column, let i = layout.columns.firstIndex(where: { $0.name == name }) else {
                throw RuleSetError(
                    ruleID: rule.id, code: "unknown_item", message: "规则引用了未知信息项：\(rule.column ?? "")",
                    messageEn: "The rule names an unknown item: \(rule.column ?? "")")
            }
            return i
        }
        for rule in rules {
            switch rule.kind {
            case .type, .required, .precision, .primaryKey:
                continue
            case .length:
                let c = try column(rule)
                // The declared length is the encoder's (a too-long value never converts): not checked twice.
                let max = rule.maxLength == layout.columns[c].length ? nil : rule.maxLength
                guard rule.minLength != nil || max != nil else { continue }
                values.append(ValueCheck(rule: rule, column: c, test: .length(min: rule.minLength, max: max)))
            case .pattern:
                let c = try column(rule)
                guard let source = rule.pattern else { continue }
                let pattern: CompiledPattern
                do { pattern = try CompiledPattern(source) } catch {
                    throw RuleSetError(
                        ruleID: rule.id, code: "invalid_pattern", message: "正则表达式无效：\(source)（\(error.zh)）",
                        messageEn: "Invalid regular expression \(source) (\(error.en))")
                }
                values.append(ValueCheck(rule: rule, column: c, test: .pattern(pattern)))
            case .domain:
                let c = try column(rule)
                values.append(ValueCheck(rule: rule, column: c, test: .domain(Set(rule.codes ?? []))))
            case .semantic:
                let c = try column(rule)
                guard let kind = rule.semantic else { continue }
                values.append(ValueCheck(rule: rule, column: c, test: .semantic(kind)))
            case .range:
                let c = try column(rule)
                let numeric = layout.columns[c].type.isNumeric
                values.append(
                    ValueCheck(
                        rule: rule, column: c,
                        test: .range(
                            min: rule.minimum.map { Bound($0, numeric: numeric) },
                            max: rule.maximum.map { Bound($0, numeric: numeric) })))
            case .notFuture:
                values.append(ValueCheck(rule: rule, column: try column(rule), test: .notFuture))
            case .unique:
                uniques.append((rule, try column(rule)))
            case .referential:
                references.append((rule, try column(rule)))
            case .expression:
                guard let source = rule.expression else { continue }
                switch RuleCompiler.compile(source, layout: layout) {
                case .failure(let e):
                    throw RuleSetError(
                        ruleID: rule.id, code: e.code, message: "\(e.message)（第 \(e.position + 1) 个字符）",
                        messageEn: "\(e.messageEn) (at character \(e.position + 1))")
                case .success(let compiled):
                    let indexes = compiled.columns.map { name in layout.columns.firstIndex { $0.name == name }! }
                    for i in indexes { read[i] = true }
                    expressions.append(ExpressionCheck(rule: rule, compiled: compiled, columns: indexes))
                }
            }
        }
        for v in values { read[v.column] = true }
        for (_, c) in references { read[c] = true }
        for (_, c) in uniques { read[c] = true }
        self.valueChecks = values
        self.expressions = expressions
        self.references = references
        self.uniques = uniques
        self.columnsRead = read
    }

    /// Appends the findings of one row. `value(i)` is layout column `i` as canonical text (nil:
    /// null); only columns with `columnsRead[i]` are asked for.
    public func check(today: CivilDate, _ value: (Int) -> String?, into findings: inout [RuleFinding]) {
        for check in valueChecks {
            guard let v = value(check.column) else { continue }
            if let f = check.test.failure(v, today: today) {
                let column = layout.columns[check.column]
                findings.append(
                    RuleFinding(
                        ruleID: check.rule.id, column: column.name, value: v, errorType: check.rule.errorType,
                        code: f.code, message: "\(column.itemName)：\(f.message)", messageEn: "\(column.name): \(f.messageEn)"))
            }
        }
        for e in expressions where e.compiled.evaluate(today: today, { value(e.columns[$0]) }) == false {
            findings.append(
                RuleFinding(
                    ruleID: e.rule.id, column: nil, value: nil, errorType: e.rule.errorType, code: "expression",
                    message: "不满足规则：\(e.rule.name)", messageEn: "Fails the rule \(e.rule.nameEn)"))
        }
    }
}

/// A rule set that cannot be compiled, naming the rule at fault.
public struct RuleSetError: Error, Hashable, Sendable {
    public var ruleID: String
    public var code: String
    public var message: String
    public var messageEn: String
}

/// Classes, not structs: the per-row loop then retains one reference, not every string of the rule.
final class ExpressionCheck: Sendable {
    let rule: QualityRule
    let compiled: CompiledRule
    let columns: [Int]
    init(rule: QualityRule, compiled: CompiledRule, columns: [Int]) { self.rule = rule; self.compiled = compiled; self.columns = columns }
}

final class ValueCheck: Sendable {
    let rule: QualityRule
    let column: Int
    let test: ValueTest
    init(rule: QualityRule, column: Int, test: ValueTest) { self.rule = rule; self.column = column; self.test = test }
}

/// One value rule, compiled.
enum ValueTest: Sendable {
    case length(min: Int?, max: Int?)
    case pattern(CompiledPattern)
    case domain(Set<String>)
    case semantic(SemanticKind)
    case range(min: Bound?, max: Bound?)
    /// Not after today (dates and date-times: canonical text starts `YYYY-MM-DD`).
    case notFuture

    func failure(_ v: String, today: CivilDate) -> ValueFinding? {
        switch self {
        case .length(let min, let max):
            let n = v.count
            if let min, n < min { return ValueFinding("min_length", zh: "长度 \(n) 少于 \(min)", en: "Length \(n) is less than \(min)") }
            if let max, n > max { return ValueFinding("max_length", zh: "长度 \(n) 超过 \(max)", en: "Length \(n) exceeds \(max)") }
            return nil
        case .pattern(let p):
            return p.matches(v) ? nil : ValueFinding("pattern", zh: "“\(v)”不符合格式 \(p.source)", en: "'\(v)' does not match \(p.source)")
        case .domain(let codes):
            return codes.contains(v) ? nil : ValueFinding("domain", zh: "“\(v)”不在代码表中", en: "'\(v)' is not in the code list")
        case .semantic(let kind):
            return SemanticValidator.check(v, as: kind, today: today)
        case .range(let min, let max):
            if let min, min.isAbove(v) { return ValueFinding("minimum", zh: "\(v) 小于下限 \(min.text)", en: "\(v) is below the minimum \(min.text)") }
            if let max, max.isBelow(v) { return ValueFinding("maximum", zh: "\(v) 大于上限 \(max.text)", en: "\(v) is above the maximum \(max.text)") }
            return nil
        case .notFuture:
            let day = today.iso
            guard v.utf8.count >= 10, v.prefix(10) > day else { return nil }
            return ValueFinding("not_future", zh: "\(v) 晚于当日（\(day)）", en: "\(v) is later than today (\(day))")
        }
    }
}

/// A range bound: numbers compare as numbers, everything else (ISO dates, text) as text.
struct Bound: Sendable {
    let text: String
    let number: Double?

    init(_ text: String, numeric: Bool) { self.text = text; self.number = numeric ? Double(text) : nil }

    func isAbove(_ v: String) -> Bool {
        if let number { return Double(v).map { $0 < number } ?? false }
        return v < text
    }

    func isBelow(_ v: String) -> Bool {
        if let number { return Double(v).map { $0 > number } ?? false }
        return v > text
    }
}

/// A regular expression matched against the whole value, as Frictionless does (`^(?:p)$`),
/// in linear time (``LinearPattern``).
struct CompiledPattern: Sendable {
    let pattern: LinearPattern

    var source: String { pattern.source }

    init(_ source: String) throws(PatternError) { pattern = try LinearPattern(source) }

    func matches(_ v: String) -> Bool { pattern.wholeMatch(v) }
}

extension DataType {
    /// Integers, decimals, money, floats, binary floats: compared as numbers.
    var isNumeric: Bool { [.I, .N, .Y, .F, .B].contains(self) }
}
