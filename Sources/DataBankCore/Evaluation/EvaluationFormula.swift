import Foundation

/// An indicator's formula: an arithmetic expression over named platform facts (``EvaluationFact``),
/// parsed by the quality rules' parser (`RuleParser`: the same tokens, precedence, positions and
/// error shape) and evaluated over one unit's facts.
///
/// ```
/// ratio(applications_answered_in_time, applications_due)        -- 100 · a / b, 0 when b is 0
/// if(objections_total == 0, 100, ratio(objections_settled_in_time, objections_total))
/// min(100, consumers_served * 10)
/// min(100, 20 * log10(1 + records_shared))
/// ```
///
/// - Names are facts; an unknown name is refused (`unknown_fact`) with its position.
/// - Numbers, `+ - * /`, unary `-`, parentheses; comparisons (`== != < <= > >=`) and `and`/`or`/`not`
///   give 1 or 0. Division by zero gives 0.
/// - Functions: `ratio(a, b)` (100·a/b, 0 when b ≤ 0), `min(a, b, …)`, `max(a, b, …)`,
///   `if(condition, then, else)` (condition ≠ 0), `log10(x)` (0 for x ≤ 0), `abs(x)`, `round(x)`.
/// - Strings, `null`, `is null` and `in (…)` are not part of formulas.
/// An indicator's score is the formula's value clamped to 0–100.
public struct EvaluationFormula: Sendable {
    public let source: String
    /// The facts the formula reads, in order of first mention.
    public let facts: [String]
    let root: Node

    indirect enum Node: Sendable {
        case number(Double)
        case fact(String)
        case call(String, [Node])
        case negate(Node)
        case not(Node)
        case binary(String, Node, Node)
        case logic(and: Bool, [Node])
    }

    static let arities: [String: ClosedRange<Int>] = [
        "ratio": 2...2, "min": 1...16, "max": 1...16, "if": 3...3, "log10": 1...1, "abs": 1...1, "round": 1...1
    ]

    /// Compiles `source` against the known fact names; throws the first problem with its position.
    public static func compile(_ source: String, facts known: Set<String> = EvaluationFact.names) throws(ExpressionError) -> EvaluationFormula {
        let scalars = Array(source.unicodeScalars)
        guard !scalars.isEmpty, !source.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ExpressionError("syntax", 0, 0, zh: "公式为空", en: "the formula is empty")
        }
        guard scalars.count <= RuleLanguage.maxSourceLength else {
            throw ExpressionError(
                "too_long", RuleLanguage.maxSourceLength, 0, zh: "公式超过 \(RuleLanguage.maxSourceLength) 个字符",
                en: "the formula is over \(RuleLanguage.maxSourceLength) characters")
        }
        let tree = try RuleParser.parse(scalars)
        var used: [String] = []
        let root = try lower(tree, known: known, used: &used)
        return EvaluationFormula(source: source, facts: used, root: root)
    }

    static func notInFormula(_ span: RuleSpan, _ what: String, _ whatEn: String) -> ExpressionError {
        ExpressionError("type_mismatch", span.position, span.length, zh: "公式中不能使用\(what)", en: "\(whatEn) cannot be used in a formula")
    }

    static func lower(_ node: RuleNode, known: Set<String>, used: inout [String]) throws(ExpressionError) -> Node {
        switch node.kind {
        case .number(let n): return .number(n.double)
        case .bool(let b): return .number(b ? 1 : 0)
        case .string: throw notInFormula(node.span, "字符串", "A string")
        case .null: throw notInFormula(node.span, " null", "null")
        case .isNull(_, _, let op): throw notInFormula(op, " is null", "'is null'")
        case .inList(_, _, _, let op): throw notInFormula(op, " in (…)", "'in (…)'")
        case .column(let name, let span):
            guard known.contains(name) else {
                throw ExpressionError("unknown_fact", span.position, span.length, zh: "未知的事实 '\(name)'", en: "unknown fact '\(name)'")
            }
            if !used.contains(name) { used.append(name) }
            return .fact(name)
        case .call(let name, let nameSpan, let args):
            let lower = name.lowercased()
            guard let arity = arities[lower] else {
                throw ExpressionError(
                    "unknown_function", nameSpan.position, nameSpan.length, zh: "未知函数 '\(name)'（可用 \(arities.keys.sorted().joined(separator: "、"))）",
                    en: "unknown function '\(name)' (use \(arities.keys.sorted().joined(separator: ", ")))")
            }
            guard arity.contains(args.count) else {
                let want = arity.lowerBound == arity.upperBound ? "\(arity.lowerBound)" : "\(arity.lowerBound)–\(arity.upperBound)"
                throw ExpressionError("arity", node.span.position, node.span.length, zh: "\(lower) 需要 \(want) 个参数", en: "\(lower) takes \(want) argument(s)")
            }
            var lowered: [Node] = []
            for arg in args { lowered.append(try Self.lower(arg, known: known, used: &used)) }
            return .call(lower, lowered)
        case .negate(let operand, _): return .negate(try lower(operand, known: known, used: &used))
        case .not(let operand, _): return .not(try lower(operand, known: known, used: &used))
        case .binary(let op, let l, let r, _):
            return .binary(op, try lower(l, known: known, used: &used), try lower(r, known: known, used: &used))
        case .logic(let and, let operands, _):
            var lowered: [Node] = []
            for o in operands { lowered.append(try lower(o, known: known, used: &used)) }
            return .logic(and: and, lowered)
        }
    }

    /// The formula's value over one unit's facts (a missing fact counts 0); not yet clamped.
    public func value(_ facts: [String: Double]) -> Double {
        let v = Self.eval(root, facts)
        return v.isFinite ? v : 0
    }

    /// The indicator score: the value clamped to 0–100 and rounded to two decimals.
    public func score(_ facts: [String: Double]) -> Double { EvaluationScoring.clampScore(value(facts)) }

    static func eval(_ node: Node, _ facts: [String: Double]) -> Double {
        switch node {
        case .number(let n): return n
        case .fact(let name): return facts[name] ?? 0
        case .negate(let n): return -eval(n, facts)
        case .not(let n): return eval(n, facts) == 0 ? 1 : 0
        case .logic(let and, let nodes):
            return and ? (nodes.allSatisfy { eval($0, facts) != 0 } ? 1 : 0) : (nodes.contains { eval($0, facts) != 0 } ? 1 : 0)
        case .binary(let op, let l, let r):
            let a = eval(l, facts), b = eval(r, facts)
            switch op {
            case "+": return a + b
            case "-": return a - b
            case "*": return a * b
            case "/": return b == 0 ? 0 : a / b
            case "==": return a == b ? 1 : 0
            case "!=": return a != b ? 1 : 0
            case "<": return a < b ? 1 : 0
            case "<=": return a <= b ? 1 : 0
            case ">": return a > b ? 1 : 0
            default: return a >= b ? 1 : 0
            }
        case .call(let name, let args):
            if name == "if" { return eval(args[0], facts) != 0 ? eval(args[1], facts) : eval(args[2], facts) }
            let v = args.map { eval($0, facts) }
            switch name {
            case "ratio": return v[1] <= 0 ? 0 : 100 * v[0] / v[1]
            case "min": return v.min() ?? 0
            case "max": return v.max() ?? 0
            case "log10": return v[0] <= 0 ? 0 : log10(v[0])
            case "abs": return abs(v[0])
            default: return v[0].rounded()
            }
        }
    }
}
