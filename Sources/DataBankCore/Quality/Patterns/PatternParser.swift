/// A parsed pattern: capturing groups are plain groups (only whole-match and search are asked).
indirect enum PatternNode: Sendable {
    case empty
    case set(ScalarSet)
    case concat([PatternNode])
    case alternation([PatternNode])
    case repetition(PatternNode, min: Int, max: Int?)
    case assertion(PatternAssertion)
}

enum PatternAssertion: Sendable { case start, end, wordBoundary, notWordBoundary }

/// Reads the regular-expression syntax the catalog's patterns use (the common subset of
/// PCRE and Swift `Regex`), over Unicode scalars, refusing by name what it does not run.
struct PatternParser {
    let s: [Unicode.Scalar]
    var i = 0
    var depth = 0

    /// A bound beyond which `{m,n}` is refused outright (the program size limit also applies).
    static let maxCount = 1_000

    init(_ source: String) { s = Array(source.unicodeScalars) }

    mutating func parse() throws(PatternError) -> PatternNode {
        let node = try alternation()
        if i < s.count {  // only an unmatched ')' stops the top level early
            throw PatternError(i, zh: "第 \(i + 1) 个字符处的“)”没有对应的“(”", en: "unmatched ')' at position \(i + 1)")
        }
        return node
    }

    var peek: Unicode.Scalar? { i < s.count ? s[i] : nil }
    func peek(_ k: Int) -> Unicode.Scalar? { i + k < s.count ? s[i + k] : nil }

    mutating func alternation() throws(PatternError) -> PatternNode {
        var branches = [try concatenation()]
        while peek == "|" {
            i += 1
            branches.append(try concatenation())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    mutating func concatenation() throws(PatternError) -> PatternNode {
        var items: [PatternNode] = []
        while let c = peek, c != "|", c != ")" {
            let start = i
            guard let parsed = try atom() else { continue }
            items.append(try quantified(parsed, at: start))
        }
        return items.isEmpty ? .empty : items.count == 1 ? items[0] : .concat(items)
    }

    /// One atom, or nil for syntax that adds nothing.
    mutating func atom() throws(PatternError) -> PatternNode? {
        let start = i
        let c = s[i]
        i += 1
        switch c {
        case "(": return try group(at: start)
        case "[": return .set(try characterClass(at: start))
        case ".": return .set(.dot)
        case "^": return .assertion(.start)
        case "$": return .assertion(.end)
        case "\\": return try escape(at: start, inClass: false).node
        case "*", "+", "?":
            throw PatternError(start, zh: "第 \(start + 1) 个字符处的量词“\(c)”前面没有可重复的内容",
                               en: "quantifier '\(c)' at position \(start + 1) has nothing to repeat")
        case "{":
            i = start
            if (try? quantifier()) != nil {
                throw PatternError(start, zh: "第 \(start + 1) 个字符处的量词前面没有可重复的内容",
                                   en: "quantifier at position \(start + 1) has nothing to repeat")
            }
            i = start + 1
            return .set(.scalar(c))
        default: return .set(.scalar(c))
        }
    }

    mutating func group(at start: Int) throws(PatternError) -> PatternNode {
        if peek == "?" {
            switch (peek(1), peek(2)) {
            case (":"?, _): i += 2
            case ("="?, _), ("!"?, _):
                throw .backtracking(start, "(?\(peek(1)!)…)", zh: "先行断言", en: "lookahead")
            case ("<"?, "="?), ("<"?, "!"?):
                throw .backtracking(start, "(?<\(peek(2)!)…)", zh: "后行断言", en: "lookbehind")
            case (">"?, _):
                throw .backtracking(start, "(?>…)", zh: "原子组", en: "atomic group")
            case ("<"?, _), ("P"?, "<"?), ("'"?, _):  // a named group: matched as a plain group
                let close: Unicode.Scalar = peek(1) == "'" ? "'" : ">"
                i += peek(1) == "P" ? 3 : 2
                while let c = peek, c != close { i += 1 }
                guard peek == close else {
                    throw PatternError(start, zh: "第 \(start + 1) 个字符处的组名没有结束", en: "unterminated group name at position \(start + 1)")
                }
                i += 1
            default:
                throw PatternError(start, zh: "第 \(start + 1) 个字符处的“(?”写法（内联选项等）不受支持",
                                   en: "the group syntax '(?' at position \(start + 1) (inline options and the like) is not supported")
            }
        }
        depth += 1
        let inner = try alternation()
        depth -= 1
        guard peek == ")" else {
            throw PatternError(start, zh: "第 \(start + 1) 个字符处的“(”没有对应的“)”", en: "unclosed '(' at position \(start + 1)")
        }
        i += 1
        return inner
    }

    /// Applies any quantifiers after an atom (a lazy `?` is accepted: it matches the same values).
    mutating func quantified(_ atom: PatternNode, at start: Int) throws(PatternError) -> PatternNode {
        let q = i
        guard let (min, max) = try quantifier() else { return atom }
        if peek == "?" { i += 1 } else if peek == "+" {
            throw .backtracking(i, "\(String(String.UnicodeScalarView(s[q...i])))", zh: "占有量词", en: "possessive quantifier")
        }
        if let c = peek, c == "*" || c == "+" || c == "?" || (c == "{" && lookingAtQuantifier()) {
            throw PatternError(i, zh: "第 \(i + 1) 个字符处的量词紧跟在另一个量词之后", en: "quantifier at position \(i + 1) follows another quantifier")
        }
        return .repetition(atom, min: min, max: max)
    }

    func lookingAtQuantifier() -> Bool {
        var copy = self
        return (try? copy.quantifier()) != nil
    }

    /// `*`, `+`, `?`, `{m}`, `{m,}`, `{m,n}`, `{,n}`; nil if none (a `{` that is no quantifier is a literal).
    mutating func quantifier() throws(PatternError) -> (Int, Int?)? {
        guard let c = peek else { return nil }
        switch c {
        case "*": i += 1; return (0, nil)
        case "+": i += 1; return (1, nil)
        case "?": i += 1; return (0, 1)
        case "{":
            let start = i
            var j = i + 1
            func number() -> Int? {
                var n: Int?
                while j < s.count, s[j].value >= 48, s[j].value <= 57 {
                    n = min((n ?? 0) * 10 + Int(s[j].value) - 48, 1_000_000)
                    j += 1
                }
                return n
            }
            let low = number()
            var high: Int?? = .some(low)
            if j < s.count, s[j] == "," { j += 1; high = .some(number()) }
            guard j < s.count, s[j] == "}", low != nil || high! != nil else { return nil }
            i = j + 1
            let m = low ?? 0, n = high!
            if let n, n < m {
                throw PatternError(start, zh: "第 \(start + 1) 个字符处的重复次数 {\(m),\(n)} 下限大于上限",
                                   en: "repetition {\(m),\(n)} at position \(start + 1) has its minimum above its maximum")
            }
            if max(m, n ?? 0) > Self.maxCount {
                throw PatternError(start, zh: "第 \(start + 1) 个字符处的重复次数超过 \(Self.maxCount)",
                                   en: "repetition count at position \(start + 1) is over \(Self.maxCount)")
            }
            return (m, n)
        default: return nil
        }
    }
}
