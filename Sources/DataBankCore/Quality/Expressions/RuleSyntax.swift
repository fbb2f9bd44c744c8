/// A span of the rule source, in Unicode scalars.
struct RuleSpan: Equatable, Sendable {
    var position: Int, length: Int
    var end: Int { position + length }
    func through(_ other: RuleSpan) -> RuleSpan { RuleSpan(position: position, length: other.end - position) }
}

/// One token of a rule.
struct RuleToken {
    enum Kind: Equatable { case number, string, word, symbol, end }
    var kind: Kind
    /// Number digits, unescaped string contents, a word as written, or a symbol normalised
    /// (`=` → `==`, `<>` → `!=`).
    var text: String
    var span: RuleSpan
    /// Lowercased reserved word (`and or not in is null true false`), else nil.
    var keyword: String?
}

/// The syntax tree the parser builds and the compiler types.
struct RuleNode {
    indirect enum Kind {
        case number(RuleNumber)
        case string(String)
        case bool(Bool)
        case null
        case column(String, RuleSpan)
        case call(name: String, nameSpan: RuleSpan, args: [RuleNode])
        case negate(RuleNode, op: RuleSpan)
        case not(RuleNode, op: RuleSpan)
        /// `+ - * /` and comparisons, with the operator's span.
        case binary(String, RuleNode, RuleNode, op: RuleSpan)
        /// An `and` / `or` chain; `ops[k]` is the operator before `operands[k + 1]`.
        case logic(and: Bool, operands: [RuleNode], ops: [RuleSpan])
        case isNull(RuleNode, negated: Bool, op: RuleSpan)
        case inList(RuleNode, [RuleNode], negated: Bool, op: RuleSpan)
    }
    var kind: Kind
    var span: RuleSpan
    /// Height of the tree below and including this node.
    var depth: Int = 1
}

enum RuleLexer {
    static let reserved: Set<String> = ["and", "or", "not", "in", "is", "null", "true", "false"]
    static let twoCharSymbols: [String: String] = ["==": "==", "!=": "!=", "<>": "!=", "<=": "<=", ">=": ">=", "&&": "&&", "||": "||"]
    static let oneCharSymbols: Set<Character> = ["(", ")", ",", "=", "<", ">", "+", "-", "*", "/", "!"]

    static func isWordStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
    static func isWordPart(_ c: Unicode.Scalar) -> Bool { isWordStart(c) || ("0"..."9").contains(c) }
    static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }

    static func tokens(_ src: [Unicode.Scalar]) throws(ExpressionError) -> [RuleToken] {
        var out: [RuleToken] = []
        var i = 0
        while i < src.count {
            let c = src[i]
            if c.properties.isWhitespace { i += 1; continue }
            let start = i
            func span() -> RuleSpan { RuleSpan(position: start, length: i - start) }
            if isDigit(c) {
                while i < src.count, isDigit(src[i]) { i += 1 }
                if i + 1 < src.count, src[i] == ".", isDigit(src[i + 1]) {
                    i += 1
                    while i < src.count, isDigit(src[i]) { i += 1 }
                }
                out.append(RuleToken(kind: .number, text: text(src[start..<i]), span: span()))
            } else if isWordStart(c) {
                while i < src.count, isWordPart(src[i]) { i += 1 }
                let word = text(src[start..<i]), lower = word.lowercased()
                out.append(RuleToken(kind: .word, text: word, span: span(), keyword: reserved.contains(lower) ? lower : nil))
            } else if c == "'" || c == "\"" {
                out.append(RuleToken(kind: .string, text: try string(src, &i, quote: c), span: span()))
            } else if i + 1 < src.count, let symbol = twoCharSymbols[text(src[i...i + 1])] {
                i += 2
                out.append(RuleToken(kind: .symbol, text: symbol, span: span()))
            } else if oneCharSymbols.contains(Character(c)) {
                i += 1
                out.append(RuleToken(kind: .symbol, text: c == "=" ? "==" : String(c), span: span()))
            } else {
                let fullWidth = c.value >= 0xFF01 && c.value <= 0xFF5E || c.value == 0x3001 || c.value == 0x3002
                throw ExpressionError("syntax", i, 1,
                                      zh: "无法识别的字符 '\(c)'" + (fullWidth ? "（请使用半角符号）" : ""),
                                      en: "unexpected character '\(c)'" + (fullWidth ? " (use the half-width symbol)" : ""))
            }
        }
        out.append(RuleToken(kind: .end, text: "", span: RuleSpan(position: src.count, length: 0)))
        return out
    }

    /// Reads a quoted string starting at `i` (the quote); leaves `i` after the closing quote.
    static func string(_ src: [Unicode.Scalar], _ i: inout Int, quote: Unicode.Scalar) throws(ExpressionError) -> String {
        let start = i
        var value = String.UnicodeScalarView()
        i += 1
        while i < src.count {
            let c = src[i]
            if c == quote {
                if i + 1 < src.count, src[i + 1] == quote { value.append(quote); i += 2; continue }  // SQL ''
                i += 1
                return String(value)
            }
            if c == "\\" {
                guard i + 1 < src.count else { break }
                switch src[i + 1] {
                case "\\": value.append("\\")
                case "'": value.append("'")
                case "\"": value.append("\"")
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "r": value.append("\r")
                default:
                    throw ExpressionError("syntax", i, 2, zh: "未知的转义 '\\\(src[i + 1])'（可用 \\\\ \\' \\\" \\n \\t \\r）",
                                          en: "unknown escape '\\\(src[i + 1])' (use \\\\ \\' \\\" \\n \\t \\r)")
                }
                i += 2
                continue
            }
            value.append(c)
            i += 1
        }
        throw ExpressionError("unterminated_string", start, src.count - start,
                              zh: "字符串缺少结尾的引号 \(quote)", en: "the string has no closing \(quote)")
    }

    static func text(_ s: ArraySlice<Unicode.Scalar>) -> String {
        var v = String.UnicodeScalarView()
        v.append(contentsOf: s)
        return String(v)
    }
}
