/// Type-checks a syntax tree against a layout and turns it into closures.
struct RuleCompilation {
    let layout: RecordLayout
    /// Columns read, in order of first mention; a column's index here is its `value(i)` index.
    /// With history functions allowed, derived inputs (an entity's past values, a listing in another
    /// resource) take indexes too, named as written (`avg_prior(kwh, 3)`).
    var columns: [String] = []
    /// What each index of `columns` is.
    var inputs: [RuleInput] = []
    /// Whether the warning rules' functions (`prev`, `avg_prior` …, `listed_in`) may be used.
    var allowsHistory = false

    init(layout: RecordLayout, allowsHistory: Bool = false) { self.layout = layout; self.allowsHistory = allowsHistory }

    static func mismatch(_ at: RuleSpan, zh: String, en: String) -> ExpressionError {
        ExpressionError("type_mismatch", at.position, at.length, zh: zh, en: en)
    }

    mutating func compile(_ node: RuleNode) throws(ExpressionError) -> Compiled {
        switch node.kind {
        case .number, .string, .bool, .null:
            return Compiled.constant(node.kind)!
        case .column(let name, let span):
            return try column(name, span)
        case .call(let name, let nameSpan, let args):
            if allowsHistory, let derived = try historyCall(name.lowercased(), nameSpan: nameSpan, span: node.span, args: args) { return derived }
            var compiled: [Compiled] = []
            for arg in args { compiled.append(try compile(arg)) }
            return try RuleFunctions.call(name, nameSpan: nameSpan, span: node.span, args: args, compiled)
        case .negate(let operand, let op):
            guard let f = try compile(operand).asNumber else {
                throw Self.mismatch(op, zh: "'-' 需要数值", en: "'-' needs a number")
            }
            return .number { r, t in f(r, t).flatMap(RuleNumber.negate) }
        case .not(let operand, let op):
            let c = try compile(operand)
            guard let f = c.asBool else {
                throw Self.mismatch(op, zh: "'not' 需要逻辑值，却是\(c.type.zh)", en: "'not' needs a boolean, not \(c.type.en)")
            }
            return .bool { r, t in f(r, t).map { !$0 } }
        case .logic(let and, let operands, let ops):
            var fns: [RuleFn<Bool>] = []
            for (k, operand) in operands.enumerated() {
                let c = try compile(operand)
                guard let f = c.asBool else {
                    let word = and ? "and" : "or"
                    throw Self.mismatch(
                        ops[max(k - 1, 0)], zh: "'\(word)' 的操作数应为逻辑值，第 \(k + 1) 个却是\(c.type.zh)",
                        en: "'\(word)' needs booleans; operand \(k + 1) is \(c.type.en)")
                }
                fns.append(f)
            }
            return .bool(and ? Self.all(fns) : Self.any(fns))
        case .isNull(let operand, let negated, _):
            return .bool(try compile(operand).isNull(negated: negated))
        case .binary(let op, let left, let right, let span):
            let l = try compile(left), r = try compile(right)
            if ["+", "-", "*", "/"].contains(op) { return try arithmetic(op, l, r, span) }
            return try comparison(op, (l, left), (r, right), span)
        case .inList(let subject, let items, let negated, let op):
            return try member(subject, items, negated: negated, op)
        }
    }

    mutating func column(_ name: String, _ span: RuleSpan) throws(ExpressionError) -> Compiled {
        guard let column = layout.column(named: name) else {
            throw ExpressionError("unknown_column", span.position, span.length, zh: "未知列 '\(name)'", en: "unknown column '\(name)'")
        }
        let i = index(of: .column(name), named: name)
        switch RuleType(column.type) {
        case .text: return .text { r, _ in r(i) }
        case .number: return .number { r, _ in r(i).flatMap { RuleNumber.parse($0) } }
        case .date: return .date { r, _ in r(i).flatMap { RuleText.days($0) } }
        case .dateTime: return .dateTime { r, _ in r(i).flatMap { RuleText.seconds($0) } }
        case .bool, .null: return .bool { r, _ in r(i).flatMap(RuleText.bool) }
        }
    }

    /// The `value(i)` index of an input, given one on first mention.
    mutating func index(of input: RuleInput, named name: String) -> Int {
        if let k = inputs.firstIndex(of: input) { return k }
        columns.append(name); inputs.append(input)
        return columns.count - 1
    }

    // MARK: operators

    static func all(_ fns: [RuleFn<Bool>]) -> RuleFn<Bool> {
        if fns.count == 2 {
            let a = fns[0], b = fns[1]
            return { r, t in
                let x = a(r, t)
                if x == false { return false }
                let y = b(r, t)
                if y == false { return false }
                return x == nil || y == nil ? nil : true
            }
        }
        return { r, t in
            var sawNull = false
            for f in fns {
                switch f(r, t) {
                case false?: return false;
                case nil: sawNull = true;
                default: break
                }
            }
            return sawNull ? nil : true
        }
    }

    static func any(_ fns: [RuleFn<Bool>]) -> RuleFn<Bool> {
        { r, t in
            var sawNull = false
            for f in fns {
                switch f(r, t) {
                case true?: return true;
                case nil: sawNull = true;
                default: break
                }
            }
            return sawNull ? nil : false
        }
    }

    func arithmetic(_ op: String, _ l: Compiled, _ r: Compiled, _ span: RuleSpan) throws(ExpressionError) -> Compiled {
        guard let a = l.asNumber, let b = r.asNumber else {
            let bad = l.asNumber == nil ? l : r
            throw Self.mismatch(
                span, zh: "'\(op)' 需要数值，\(l.asNumber == nil ? "左" : "右")边却是\(bad.type.zh)",
                en: "'\(op)' needs numbers; its \(l.asNumber == nil ? "left" : "right") side is \(bad.type.en)")
        }
        let f: @Sendable (RuleNumber, RuleNumber) -> RuleNumber? =
            switch op {
            case "+": RuleNumber.add
            case "-": RuleNumber.subtract
            case "*": RuleNumber.multiply
            default: RuleNumber.divide
            }
        return .number { row, t in
            guard let x = a(row, t), let y = b(row, t) else { return nil }
            return f(x, y)
        }
    }

    /// A date or date-time from a string literal, for comparing with a date or date-time.
    static func literal(_ node: RuleNode, as type: RuleType) -> Compiled? {
        guard case .string(let s) = node.kind else { return nil }
        switch type {
        case .date: return RuleText.days(s).map { d in .date { _, _ in d } }
        case .dateTime: return RuleText.seconds(s).map { d in .dateTime { _, _ in d } }
        default: return nil
        }
    }

    /// A string literal `node` as a date or date-time when `type` is one; nil when not applicable.
    static func coerce(_ c: Compiled, _ node: RuleNode, to type: RuleType, at op: RuleSpan) throws(ExpressionError) -> Compiled? {
        guard c.type == .text, type == .date || type == .dateTime, case .string(let s) = node.kind else { return nil }
        guard let converted = literal(node, as: type) else {
            throw mismatch(op, zh: "'\(s)' 不是有效的\(type.zh)", en: "'\(s)' is not a valid \(type == .date ? "date" : "date-time")")
        }
        return converted
    }

    /// The type both sides are compared as; string literals become dates when the other side is one.
    static func unify(_ a: inout Compiled, _ an: RuleNode, _ b: inout Compiled, _ bn: RuleNode, at op: RuleSpan) throws(ExpressionError) -> RuleType {
        if let c = try coerce(a, an, to: b.type, at: op) { a = c }
        if let c = try coerce(b, bn, to: a.type, at: op) { b = c }
        for n in [an, bn] {
            if case .null = n.kind {
                throw mismatch(
                    op, zh: "与 null 比较的结果总是 null（视为通过），请改用 is null / is not null",
                    en: "comparing with null always gives null (a pass); use 'is null' / 'is not null'")
            }
        }
        switch (a.type, b.type) {
        case let (x, y) where x == y: return x
        case (.date, .dateTime), (.dateTime, .date): return .dateTime
        case let (x, y):
            throw mismatch(op, zh: "不能将\(x.zh)与\(y.zh)比较", en: "cannot compare \(x.en) with \(y.en)")
        }
    }

    func comparison(_ op: String, _ left: (Compiled, RuleNode), _ right: (Compiled, RuleNode), _ span: RuleSpan) throws(ExpressionError) -> Compiled {
        var l = left.0, r = right.0
        switch try Self.unify(&l, left.1, &r, right.1, at: span) {
        case .number: return .bool(Self.compare(op, l.asNumber!, r.asNumber!))
        case .text: return .bool(Self.compare(op, l.asText!, r.asText!))
        case .date: return .bool(Self.compare(op, l.asDate!, r.asDate!))
        case .dateTime: return .bool(Self.compare(op, l.asDateTime!, r.asDateTime!))
        case .bool, .null:
            guard op == "==" || op == "!=" else {
                throw Self.mismatch(span, zh: "逻辑值只能用 == 或 != 比较", en: "booleans compare only with == or !=")
            }
            return .bool(Self.compare(op, l.asBool!, r.asBool!))
        }
    }

    /// Specialised per type (no closure for the ordering) and per operator (no closure for the test).
    static func compare<T: RuleOrdered>(_ op: String, _ l: @escaping RuleFn<T>, _ r: @escaping RuleFn<T>) -> RuleFn<Bool> {
        switch op {
        case "==":
            { row, t in
                guard let a = l(row, t), let b = r(row, t) else { return nil }; return T.order(a, b) == 0
            }
        case "!=":
            { row, t in
                guard let a = l(row, t), let b = r(row, t) else { return nil }; return T.order(a, b) != 0
            }
        case "<":
            { row, t in
                guard let a = l(row, t), let b = r(row, t) else { return nil }; return T.order(a, b) < 0
            }
        case "<=":
            { row, t in
                guard let a = l(row, t), let b = r(row, t) else { return nil }; return T.order(a, b) <= 0
            }
        case ">":
            { row, t in
                guard let a = l(row, t), let b = r(row, t) else { return nil }; return T.order(a, b) > 0
            }
        default:
            { row, t in
                guard let a = l(row, t), let b = r(row, t) else { return nil }; return T.order(a, b) >= 0
            }
        }
    }

    mutating func member(_ subject: RuleNode, _ items: [RuleNode], negated: Bool, _ op: RuleSpan) throws(ExpressionError) -> Compiled {
        var x = try compile(subject)
        var list: [Compiled] = []
        var type = x.type
        for item in items {
            var c = try compile(item)
            let t = try Self.unify(&x, subject, &c, item, at: item.span)
            type = type == .dateTime || t == .dateTime ? .dateTime : t
            list.append(c)
        }
        switch type {
        case .number: return .bool(Self.member(x.asNumber!, list.map { $0.asNumber! }, negated))
        case .text: return .bool(Self.member(x.asText!, list.map { $0.asText! }, negated))
        case .date: return .bool(Self.member(x.asDate!, list.map { $0.asDate! }, negated))
        case .dateTime: return .bool(Self.member(x.asDateTime!, list.map { $0.asDateTime! }, negated))
        case .bool, .null: return .bool(Self.member(x.asBool!, list.map { $0.asBool! }, negated))
        }
    }

    static func member<T: RuleOrdered>(_ x: @escaping RuleFn<T>, _ items: [RuleFn<T>], _ negated: Bool) -> RuleFn<Bool> {
        { row, t in
            guard let v = x(row, t) else { return nil }
            var sawNull = false
            for item in items {
                guard let w = item(row, t) else { sawNull = true; continue }
                if T.order(v, w) == 0 { return !negated }
            }
            return sawNull ? nil : negated
        }
    }
}

/// A value type rules compare: -1, 0 or 1 (booleans: 0 or 1, equality only).
protocol RuleOrdered { static func order(_ a: Self, _ b: Self) -> Int }
extension Int: RuleOrdered { static func order(_ a: Int, _ b: Int) -> Int { a < b ? -1 : a > b ? 1 : 0 } }
extension Bool: RuleOrdered { static func order(_ a: Bool, _ b: Bool) -> Int { a == b ? 0 : 1 } }
extension String: RuleOrdered { static func order(_ a: String, _ b: String) -> Int { RuleText.compare(a, b) } }
extension RuleNumber: RuleOrdered { static func order(_ a: RuleNumber, _ b: RuleNumber) -> Int { compare(a, b) } }
