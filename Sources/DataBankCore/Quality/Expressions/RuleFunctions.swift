/// The function whitelist: arity and argument types checked at compile time.
enum RuleFunctions {
    static let arity: [String: ClosedRange<Int>] = [
        "id_birth_date": 1...1, "id_gender": 1...1,
        "length": 1...1, "upper": 1...1, "lower": 1...1, "trim": 1...1, "substr": 2...3,
        "starts_with": 2...2, "ends_with": 2...2, "contains": 2...2, "matches": 2...2,
        "year": 1...1, "month": 1...1, "day": 1...1, "today": 0...0, "days_between": 2...2,
        "date": 1...1, "datetime": 1...1, "coalesce": 2...16, "abs": 1...1,
    ]

    /// A call's arguments, read as the types the function needs.
    struct Args {
        let function: String
        let nodes: [RuleNode]
        let compiled: [Compiled]

        func get<T>(_ k: Int, _ f: RuleFn<T>?, _ zh: String, _ en: String) throws(ExpressionError) -> RuleFn<T> {
            guard let f else {
                throw RuleCompilation.mismatch(nodes[k].span, zh: "\(function) 的第 \(k + 1) 个参数应为\(zh)，却是\(compiled[k].type.zh)",
                                               en: "argument \(k + 1) of \(function) must be \(en), not \(compiled[k].type.en)")
            }
            return f
        }

        func text(_ k: Int) throws(ExpressionError) -> RuleFn<String> { try get(k, compiled[k].asText, "文本", "text") }
        func number(_ k: Int) throws(ExpressionError) -> RuleFn<RuleNumber> { try get(k, compiled[k].asNumber, "数值", "a number") }

        /// A date, a date-time's date, or a string literal read as a date.
        func days(_ k: Int) throws(ExpressionError) -> RuleFn<Int> {
            let c = try RuleCompilation.coerce(compiled[k], nodes[k], to: .date, at: nodes[k].span) ?? compiled[k]
            return try get(k, c.asDays, "日期", "a date")
        }
    }

    static func call(_ name: String, nameSpan: RuleSpan, span: RuleSpan, args nodes: [RuleNode], _ compiled: [Compiled]) throws(ExpressionError) -> Compiled {
        let fn = name.lowercased()
        guard let range = arity[fn] else {
            throw ExpressionError("unknown_function", nameSpan.position, nameSpan.length,
                                  zh: "未知函数 '\(name)'；可用：\(arity.keys.sorted().joined(separator: ", "))",
                                  en: "unknown function '\(name)'; available: \(arity.keys.sorted().joined(separator: ", "))")
        }
        guard range.contains(nodes.count) else {
            let want = range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)–\(range.upperBound)"
            throw ExpressionError("arity", span.position, span.length, zh: "函数 \(fn) 需要 \(want) 个参数，实际为 \(nodes.count) 个",
                                  en: "\(fn) takes \(want) argument\(range.upperBound == 1 ? "" : "s"), got \(nodes.count)")
        }
        let a = Args(function: fn, nodes: nodes, compiled: compiled)
        switch fn {
        case "id_birth_date":
            let s = try a.text(0)
            return .date { r, t in s(r, t).flatMap(RuleText.idBirthDate) }
        case "id_gender":
            let s = try a.text(0)
            return .text { r, t in s(r, t).flatMap(RuleText.idGender) }
        case "length":
            let s = try a.text(0)
            return .number { r, t in s(r, t).map { RuleNumber(RuleText.length($0)) } }
        case "upper", "lower", "trim":
            let s = try a.text(0)
            let f: @Sendable (String) -> String = switch fn {
            case "upper": { $0.uppercased() }
            case "lower": { $0.lowercased() }
            default: { RuleText.trim($0) }
            }
            return .text { r, t in s(r, t).map(f) }
        case "substr":
            let s = try a.text(0), start = try a.number(1), count = nodes.count == 3 ? try a.number(2) : nil
            return .text { r, t in
                guard let v = s(r, t), let from = start(r, t)?.int else { return nil }
                guard let count else { return RuleText.substr(v, from, nil) }
                guard let n = count(r, t)?.int else { return nil }
                return RuleText.substr(v, from, n)
            }
        case "starts_with", "ends_with", "contains":
            let s = try a.text(0), p = try a.text(1)
            let f: @Sendable (String, String) -> Bool = switch fn {
            case "starts_with": { RuleText.startsWith($0, $1) }
            case "ends_with": { RuleText.endsWith($0, $1) }
            default: { $0.contains($1) }
            }
            return .bool { r, t in
                guard let x = s(r, t), let y = p(r, t) else { return nil }
                return f(x, y)
            }
        case "matches":
            return try matches(a)
        case "year", "month", "day":
            let d = try a.days(0)
            let part: @Sendable (CivilDate) -> Int = switch fn {
            case "year": { $0.year }
            case "month": { $0.month }
            default: { $0.day }
            }
            return .number { r, t in d(r, t).map { RuleNumber(part(CivilDate(daysSinceEpoch: $0))) } }
        case "today":
            return .date { _, t in t }
        case "days_between":
            let d1 = try a.days(0), d2 = try a.days(1)
            return .number { r, t in
                guard let x = d1(r, t), let y = d2(r, t) else { return nil }
                return RuleNumber(y - x)
            }
        case "date", "datetime":
            return try dateConversion(a, dateTime: fn == "datetime")
        case "coalesce":
            return try coalesce(a)
        default:  // abs
            let n = try a.number(0)
            return .number { r, t in n(r, t).flatMap(RuleNumber.abs) }
        }
    }

    static func matches(_ a: Args) throws(ExpressionError) -> Compiled {
        let s = try a.text(0), node = a.nodes[1]
        guard case .string(let pattern) = node.kind else {
            throw RuleCompilation.mismatch(node.span, zh: "matches 的第 2 个参数必须是字符串字面量（正则表达式）",
                                           en: "argument 2 of matches must be a string literal (the regular expression)")
        }
        let regex: RuleRegex
        do { regex = try RuleRegex(pattern) } catch {
            throw ExpressionError("invalid_regex", node.span.position, node.span.length,
                                  zh: "无效的正则表达式 '\(pattern)'：\(error.zh)", en: "invalid regular expression '\(pattern)': \(error.en)")
        }
        return .bool { r, t in s(r, t).map(regex.matches) }
    }

    /// `date(x)` / `datetime(x)`: a literal is read now (and refused if invalid); text is read per row.
    static func dateConversion(_ a: Args, dateTime: Bool) throws(ExpressionError) -> Compiled {
        let target: RuleType = dateTime ? .dateTime : .date
        if let c = try RuleCompilation.coerce(a.compiled[0], a.nodes[0], to: target, at: a.nodes[0].span) { return c }
        switch a.compiled[0] {
        case .text(let s):
            return dateTime ? .dateTime { r, t in s(r, t).flatMap { RuleText.seconds($0) } } : .date { r, t in s(r, t).flatMap { RuleText.days($0) } }
        case .date, .dateTime, .null:
            return dateTime ? .dateTime(a.compiled[0].asDateTime!) : .date(a.compiled[0].asDays!)
        default:
            throw RuleCompilation.mismatch(a.nodes[0].span, zh: "\(a.function) 的参数应为文本或日期，却是\(a.compiled[0].type.zh)",
                                           en: "the argument of \(a.function) must be text or a date, not \(a.compiled[0].type.en)")
        }
    }

    /// `coalesce(a, b, …)`: all arguments share one type; string literals follow a date argument.
    static func coalesce(_ a: Args) throws(ExpressionError) -> Compiled {
        var anchor = RuleType.null
        for k in a.nodes.indices where a.compiled[k].type != .null {
            if case .string = a.nodes[k].kind { continue }
            anchor = a.compiled[k].type
            break
        }
        if anchor == .null { anchor = a.compiled.first { $0.type != .null }?.type ?? .null }
        var args = a.compiled
        for k in args.indices {
            if let c = try RuleCompilation.coerce(args[k], a.nodes[k], to: anchor, at: a.nodes[k].span) { args[k] = c }
            switch (anchor, args[k].type) {
            case let (x, y) where x == y || y == .null: continue
            case (.date, .dateTime), (.dateTime, .date): anchor = .dateTime
            case let (x, y):
                throw RuleCompilation.mismatch(a.nodes[k].span, zh: "coalesce 的参数类型应一致：\(x.zh) 与 \(y.zh)",
                                               en: "the arguments of coalesce must share a type: \(x.en) and \(y.en)")
            }
        }
        switch anchor {
        case .bool: return .bool(first(args.map { $0.asBool! }))
        case .number: return .number(first(args.map { $0.asNumber! }))
        case .text: return .text(first(args.map { $0.asText! }))
        case .date: return .date(first(args.map { $0.asDate! }))
        case .dateTime: return .dateTime(first(args.map { $0.asDateTime! }))
        case .null: return .null
        }
    }

    static func first<T>(_ fns: [RuleFn<T>]) -> RuleFn<T> {
        { r, t in
            for f in fns { if let v = f(r, t) { return v } }
            return nil
        }
    }
}
