/// What a compiled rule reads at one index of its `value(i)`: a column of the record, or — in a warning
/// rule — a value its evaluator derives: an aggregate of the entity's previous records, or whether a value
/// of the record is listed in another resource.
///
/// ```
/// kwh < 0.6 * avg_prior(kwh, 3)                       -- down more than 40 % against the last three months
/// amount > 10000 and prev(amount) is not null
/// listed_in('102003-00001', 'legal_rep_id', id_number) -- a recipient who is a company's legal representative
/// ```
public enum RuleInput: Hashable, Sendable {
    case column(String)
    /// `function` over the `count` previous records of the entity (ordered by the rule's order column),
    /// most recent first; null unless that many exist (`count_prior` counts them: never null).
    case history(HistoryFunction, column: String, count: Int)
    /// Whether this record's `value` column appears in `resource`'s `column` ("true" / "false").
    case listed(resource: String, column: String, value: String)
}

/// The aggregates over an entity's previous records.
public enum HistoryFunction: String, Hashable, Sendable, CaseIterable {
    case prev, avg, min, max, sum, count

    /// The most previous records a window may span.
    public static let maxWindow = 36

    /// The aggregate of the values of `past` records (most recent first; nil: the record has no value)
    /// as canonical text; nil (null) when fewer than `count` records exist, or one of them has no value
    /// or not a number (the window is records, not values: a gap is not skipped over).
    public func apply(_ past: [String?], count: Int) -> String? {
        if self == .count { return String(Swift.min(past.count, count)) }
        guard past.count >= count else { return nil }
        let window = past.prefix(count)
        if self == .prev { return window.first ?? nil }
        var numbers: [RuleNumber] = []
        for v in window {
            guard let v, let n = RuleNumber.parse(v) else { return nil }
            numbers.append(n)
        }
        guard var out = numbers.first else { return nil }
        for n in numbers.dropFirst() {
            switch self {
            case .min: if RuleNumber.compare(n, out) < 0 { out = n }
            case .max: if RuleNumber.compare(n, out) > 0 { out = n }
            default: guard let s = RuleNumber.add(out, n) else { return nil }; out = s
            }
        }
        if self == .avg { guard let mean = RuleNumber.divide(out, RuleNumber(numbers.count)) else { return nil }; out = mean }
        return out.text
    }
}

extension RuleCompilation {
    static let historyFunctions: [String: HistoryFunction] = [
        "prev": .prev, "avg_prior": .avg, "min_prior": .min, "max_prior": .max, "sum_prior": .sum, "count_prior": .count
    ]

    /// A warning rule's function, compiled to a derived input; nil when `fn` is not one of them.
    mutating func historyCall(_ fn: String, nameSpan: RuleSpan, span: RuleSpan, args: [RuleNode]) throws(ExpressionError) -> Compiled? {
        func arity(_ n: Int, _ usage: String) throws(ExpressionError) {
            guard args.count == n else {
                throw ExpressionError("arity", span.position, span.length, zh: "用法：\(usage)", en: "usage: \(usage)")
            }
        }
        func column(_ k: Int, numeric: Bool) throws(ExpressionError) -> (String, RuleType) {
            guard case .column(let name, let at) = args[k].kind else {
                throw Self.mismatch(args[k].span, zh: "\(fn) 的第 \(k + 1) 个参数应为列名", en: "argument \(k + 1) of \(fn) must be a column name")
            }
            guard let c = layout.column(named: name) else {
                throw ExpressionError("unknown_column", at.position, at.length, zh: "未知列 '\(name)'", en: "unknown column '\(name)'")
            }
            let type = RuleType(c.type)
            if numeric, type != .number {
                throw Self.mismatch(args[k].span, zh: "\(fn) 需要数值列，'\(name)' 却是\(type.zh)", en: "\(fn) needs a number column; '\(name)' is \(type.en)")
            }
            return (name, type)
        }
        func window(_ k: Int) throws(ExpressionError) -> Int {
            guard case .number(let n) = args[k].kind, let w = n.int, (1...HistoryFunction.maxWindow).contains(w) else {
                throw ExpressionError(
                    "invalid_window", args[k].span.position, args[k].span.length, zh: "窗口应为 1–\(HistoryFunction.maxWindow) 的整数（条数）",
                    en: "the window is a whole number of records, 1 to \(HistoryFunction.maxWindow)")
            }
            return w
        }
        func literal(_ k: Int) throws(ExpressionError) -> String {
            guard case .string(let s) = args[k].kind, !s.isEmpty else {
                throw Self.mismatch(args[k].span, zh: "\(fn) 的第 \(k + 1) 个参数应为字符串", en: "argument \(k + 1) of \(fn) must be a string literal")
            }
            return s
        }
        let written = "\(fn)(\(args.map(\.source).joined(separator: ", ")))"
        if fn == "listed_in" {
            try arity(3, "listed_in('资源代码', '列名', 列)")
            let resource = try literal(0), other = try literal(1)
            let (value, _) = try column(2, numeric: false)
            let i = index(of: .listed(resource: resource, column: other, value: value), named: written)
            return .bool { r, _ in r(i).flatMap(RuleText.bool) }
        }
        guard let function = Self.historyFunctions[fn] else { return nil }
        switch function {
        case .count:
            try arity(1, "count_prior(条数)")
            let i = index(of: .history(.count, column: "", count: try window(0)), named: written)
            return .number { r, _ in r(i).flatMap { RuleNumber.parse($0) } }
        case .prev:
            try arity(1, "prev(列)")
            let (name, type) = try column(0, numeric: false)
            let i = index(of: .history(.prev, column: name, count: 1), named: written)
            return Self.typed(type, i)
        default:
            try arity(2, "\(fn)(数值列, 条数)")
            let (name, _) = try column(0, numeric: true)
            let i = index(of: .history(function, column: name, count: try window(1)), named: written)
            return .number { r, _ in r(i).flatMap { RuleNumber.parse($0) } }
        }
    }

    /// Index `i` read as a value of `type`, as a column of that type is read.
    static func typed(_ type: RuleType, _ i: Int) -> Compiled {
        switch type {
        case .text: .text { r, _ in r(i) }
        case .number: .number { r, _ in r(i).flatMap { RuleNumber.parse($0) } }
        case .date: .date { r, _ in r(i).flatMap { RuleText.days($0) } }
        case .dateTime: .dateTime { r, _ in r(i).flatMap { RuleText.seconds($0) } }
        case .bool, .null: .bool { r, _ in r(i).flatMap(RuleText.bool) }
        }
    }
}

extension RuleNode {
    /// The node as it reads in a derived input's name (columns, numbers and strings only).
    var source: String {
        switch kind {
        case .column(let name, _): name
        case .number(let n): n.text
        case .string(let s): "'\(s)'"
        default: "…"
        }
    }
}

extension RuleNumber {
    /// Canonical text (`-12.5`, `0.05`), as values reach rules; binary doubles as Swift prints them.
    var text: String {
        switch self {
        case .approx(let d): return String(d)
        case .exact(let m, let s):
            guard s > 0 else { return String(m) }
            let negative = m < 0, magnitude = m.magnitude
            var digits = String(magnitude)
            if digits.count <= s { digits = String(repeating: "0", count: s - digits.count + 1) + digits }
            var fraction = String(digits.suffix(s))
            let whole = String(digits.dropLast(s))
            while fraction.last == "0" { fraction.removeLast() }
            return (negative ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + fraction)
        }
    }
}
