/// Recursive-descent parser for the rule grammar (see `RuleLanguage`).
struct RuleParser {
    let src: [Unicode.Scalar]
    let tokens: [RuleToken]
    var i = 0
    /// Open parentheses, calls and prefix operators around the current token.
    var nesting = 0

    init(_ src: [Unicode.Scalar]) throws(ExpressionError) {
        self.src = src
        tokens = try RuleLexer.tokens(src)
    }

    static func parse(_ src: [Unicode.Scalar]) throws(ExpressionError) -> RuleNode {
        var parser = try RuleParser(src)
        let node = try parser.or()
        guard parser.tok.kind == .end else {
            throw parser.unexpected(zh: "运算符或规则结尾", en: "an operator or the end of the rule")
        }
        return node
    }

    var tok: RuleToken { tokens[i] }
    func isWord(_ keyword: String) -> Bool { tok.keyword == keyword }
    func isSymbol(_ s: String) -> Bool { tok.kind == .symbol && tok.text == s }
    mutating func advance() -> RuleToken { defer { i += 1 }; return tokens[i] }

    func unexpected(zh: String, en: String) -> ExpressionError {
        let t = tok
        if t.kind == .end {
            return ExpressionError("syntax", t.span.position, 0, zh: "规则意外结束，此处应为\(zh)", en: "the rule ends too early: expected \(en)")
        }
        let found = RuleLexer.text(src[t.span.position..<t.span.end])
        return ExpressionError("syntax", t.span.position, t.span.length,
                               zh: "此处应为\(zh)，却是 '\(found)'", en: "expected \(en), found '\(found)'")
    }

    mutating func expect(_ symbol: String, zh: String, en: String) throws(ExpressionError) -> RuleSpan {
        guard isSymbol(symbol) else { throw unexpected(zh: zh, en: en) }
        return advance().span
    }

    /// Enters one level of nesting, opened by the token at `span`.
    mutating func enter(_ span: RuleSpan) throws(ExpressionError) {
        nesting += 1
        if nesting > RuleLanguage.maxDepth { throw Self.tooDeep(span) }
    }

    static func tooDeep(_ at: RuleSpan) -> ExpressionError {
        ExpressionError("too_deep", at.position, at.length, zh: "嵌套超过 \(RuleLanguage.maxDepth) 层", en: "nested more than \(RuleLanguage.maxDepth) levels deep")
    }

    /// A node over `children`, refused when the tree grows too deep.
    func node(_ kind: RuleNode.Kind, _ span: RuleSpan, _ children: [RuleNode], at op: RuleSpan) throws(ExpressionError) -> RuleNode {
        let depth = 1 + children.reduce(0) { max($0, $1.depth) }
        if depth > RuleLanguage.maxDepth { throw Self.tooDeep(op) }
        return RuleNode(kind: kind, span: span, depth: depth)
    }

    mutating func or() throws(ExpressionError) -> RuleNode { try chain(and: false) }

    mutating func chain(and: Bool) throws(ExpressionError) -> RuleNode {
        let word = and ? "and" : "or", symbol = and ? "&&" : "||"
        var operands = [and ? try not() : try chain(and: true)]
        var ops: [RuleSpan] = []
        while isWord(word) || isSymbol(symbol) {
            ops.append(advance().span)
            operands.append(and ? try not() : try chain(and: true))
        }
        if operands.count == 1 { return operands[0] }
        return try node(.logic(and: and, operands: operands, ops: ops), operands[0].span.through(operands.last!.span), operands, at: ops[0])
    }

    mutating func not() throws(ExpressionError) -> RuleNode {
        guard isWord("not") || isSymbol("!") else { return try predicate() }
        let op = advance().span
        try enter(op); defer { nesting -= 1 }
        let operand = try not()
        return try node(.not(operand, op: op), op.through(operand.span), [operand], at: op)
    }

    static let comparisons: Set<String> = ["==", "!=", "<", "<=", ">", ">="]

    mutating func predicate() throws(ExpressionError) -> RuleNode {
        let left = try sum()
        if tok.kind == .symbol, Self.comparisons.contains(tok.text) {
            let t = advance()
            let right = try sum()
            return try node(.binary(t.text, left, right, op: t.span), left.span.through(right.span), [left, right], at: t.span)
        }
        if isWord("is") {
            var op = advance().span
            let negated = isWord("not")
            if negated { _ = advance() }
            guard isWord("null") else { throw unexpected(zh: negated ? "'null'" : "'null' 或 'not null'", en: negated ? "'null'" : "'null' or 'not null'") }
            op = op.through(advance().span)
            return try node(.isNull(left, negated: negated, op: op), left.span.through(op), [left], at: op)
        }
        let negated = isWord("not") && tokens[i + 1].keyword == "in"
        if negated || isWord("in") {
            var op = advance().span
            if negated { op = op.through(advance().span) }
            try enter(try expect("(", zh: "'('", en: "'('")); defer { nesting -= 1 }
            var items = [try or()]
            while isSymbol(",") { _ = advance(); items.append(try or()) }
            let close = try expect(")", zh: "',' 或 ')'", en: "',' or ')'")
            return try node(.inList(left, items, negated: negated, op: op), left.span.through(close), [left] + items, at: op)
        }
        return left
    }

    mutating func sum() throws(ExpressionError) -> RuleNode { try arithmetic(["+", "-"]) { p throws(ExpressionError) in try p.product() } }
    mutating func product() throws(ExpressionError) -> RuleNode { try arithmetic(["*", "/"]) { p throws(ExpressionError) in try p.unary() } }

    mutating func arithmetic(_ ops: Set<String>, _ operand: (inout RuleParser) throws(ExpressionError) -> RuleNode) throws(ExpressionError) -> RuleNode {
        var left = try operand(&self)
        while tok.kind == .symbol, ops.contains(tok.text) {
            let t = advance()
            let right = try operand(&self)
            left = try node(.binary(t.text, left, right, op: t.span), left.span.through(right.span), [left, right], at: t.span)
        }
        return left
    }

    mutating func unary() throws(ExpressionError) -> RuleNode {
        guard isSymbol("-") else { return try primary() }
        let op = advance().span
        try enter(op); defer { nesting -= 1 }
        let operand = try unary()
        return try node(.negate(operand, op: op), op.through(operand.span), [operand], at: op)
    }

    mutating func primary() throws(ExpressionError) -> RuleNode {
        let t = tok
        switch t.kind {
        case .number:
            _ = advance()
            guard let n = RuleNumber.parse(t.text) else { throw ExpressionError("syntax", t.span.position, t.span.length, zh: "无效数字", en: "invalid number") }
            return RuleNode(kind: .number(n), span: t.span)
        case .string:
            _ = advance()
            return RuleNode(kind: .string(t.text), span: t.span)
        case .word where t.keyword == "true" || t.keyword == "false":
            _ = advance()
            return RuleNode(kind: .bool(t.keyword == "true"), span: t.span)
        case .word where t.keyword == "null":
            _ = advance()
            return RuleNode(kind: .null, span: t.span)
        case .word where t.keyword == nil:
            _ = advance()
            guard isSymbol("(") else { return RuleNode(kind: .column(t.text, t.span), span: t.span) }
            try enter(advance().span); defer { nesting -= 1 }
            var args: [RuleNode] = []
            if !isSymbol(")") {
                args.append(try or())
                while isSymbol(",") { _ = advance(); args.append(try or()) }
            }
            let close = try expect(")", zh: "',' 或 ')'", en: "',' or ')'")
            return try node(.call(name: t.text, nameSpan: t.span, args: args), t.span.through(close), args, at: t.span)
        case .symbol where t.text == "(":
            try enter(advance().span); defer { nesting -= 1 }
            var inner = try or()
            let close = try expect(")", zh: "')'", en: "')'")
            inner.span = t.span.through(close)
            return inner
        default:
            throw unexpected(zh: "值、列名、函数或 '('", en: "a value, a column, a function or '('")
        }
    }
}
