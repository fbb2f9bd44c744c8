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

    mutating func characterClass(at start: Int) throws(PatternError) -> ScalarSet {
        var set = ScalarSet()
        if peek == "^" { set.negated = true; i += 1 }
        var first = true
        while true {
            guard let c = peek else {
                throw PatternError(start, zh: "第 \(start + 1) 个字符处的“[”没有对应的“]”", en: "unclosed '[' at position \(start + 1)")
            }
            if c == "]" && !first { i += 1; break }
            first = false
            if c == "[" {
                throw PatternError(i, zh: "第 \(i + 1) 个字符处：字符类中的“[”须写作“\\[”（不支持嵌套字符类）",
                                   en: "'[' inside a character class at position \(i + 1) must be escaped as '\\[' (nested classes are not supported)")
            }
            let itemStart = i
            let low = try classItem()
            guard case .scalar(let lo) = low else {
                if case .classes(let k, let negated) = low { set.classes.append((k, negated)) }
                continue
            }
            if peek == "-", let next = peek(1), next != "]" {
                i += 1
                guard case .scalar(let hi) = try classItem() else {
                    throw PatternError(itemStart, zh: "第 \(itemStart + 1) 个字符处的范围端点不能是字符类",
                                       en: "a range at position \(itemStart + 1) cannot end in a class escape")
                }
                guard lo.value <= hi.value else {
                    throw PatternError(itemStart, zh: "第 \(itemStart + 1) 个字符处的范围 \(lo)-\(hi) 顺序颠倒",
                                       en: "range \(lo)-\(hi) at position \(itemStart + 1) is out of order")
                }
                set.ranges.append(lo.value...hi.value)
            } else {
                set.ranges.append(lo.value...lo.value)
            }
        }
        set.finish()
        return set
    }

    enum ClassItem { case scalar(Unicode.Scalar), classes(ScalarClass, Bool) }

    mutating func classItem() throws(PatternError) -> ClassItem {
        let c = s[i]
        guard c == "\\" else { i += 1; return .scalar(c) }
        let start = i
        i += 1
        let e = try escape(at: start, inClass: true)
        if let scalar = e.scalar { return .scalar(scalar) }
        if let c = e.cls { return .classes(c.0, c.1) }
        throw PatternError(start, zh: "第 \(start + 1) 个字符处的转义不能用在字符类中", en: "the escape at position \(start + 1) cannot be used in a character class")
    }

    struct Escape { var node: PatternNode; var scalar: Unicode.Scalar?; var cls: (ScalarClass, Bool)? }

    /// After a backslash (at `start`).
    mutating func escape(at start: Int, inClass: Bool) throws(PatternError) -> Escape {
        guard let c = peek else {
            throw PatternError(start, zh: "模式以单独的反斜杠结尾", en: "the pattern ends with a lone backslash")
        }
        i += 1
        func literal(_ v: UInt32) throws(PatternError) -> Escape {
            guard let u = Unicode.Scalar(v) else {
                throw PatternError(start, zh: "第 \(start + 1) 个字符处的转义不是有效的 Unicode 字符", en: "the escape at position \(start + 1) is not a valid Unicode scalar")
            }
            return Escape(node: .set(.scalar(u)), scalar: u)
        }
        func cls(_ k: ScalarClass, _ negated: Bool) -> Escape {
            var set = ScalarSet()
            set.classes = [(k, negated)]
            set.finish()
            return Escape(node: .set(set), cls: (k, negated))
        }
        switch c {
        case "d": return cls(.digit, false)
        case "D": return cls(.digit, true)
        case "w": return cls(.word, false)
        case "W": return cls(.word, true)
        case "s": return cls(.space, false)
        case "S": return cls(.space, true)
        case "t": return try literal(9)
        case "n": return try literal(10)
        case "v": return try literal(11)
        case "f": return try literal(12)
        case "r": return try literal(13)
        case "a": return try literal(7)
        case "e": return try literal(27)
        case "0": return try literal(0)
        case "u", "x":
            return try literal(try hex(at: start, digits: c == "u" ? 4 : 2))
        case "b" where !inClass: return Escape(node: .assertion(.wordBoundary))
        case "B" where !inClass: return Escape(node: .assertion(.notWordBoundary))
        case "A" where !inClass: return Escape(node: .assertion(.start))
        case "z" where !inClass, "Z" where !inClass: return Escape(node: .assertion(.end))
        case "1"..."9", "k", "g":
            throw .backtracking(start, "\\\(c)", zh: "反向引用", en: "backreference")
        case "p", "P":
            throw PatternError(start, zh: "第 \(start + 1) 个字符处的 Unicode 属性类 \\\(c){…} 不受支持，请改用范围（如汉字 [\\u4e00-\\u9fa5]）",
                               en: "Unicode property class \\\(c){…} at position \(start + 1) is not supported; use a range instead (Han: [\\u4e00-\\u9fa5])")
        default:
            if c.properties.isAlphabetic || c.properties.numericType != nil {
                throw PatternError(start, zh: "第 \(start + 1) 个字符处的转义 \\\(c) 不受支持", en: "unknown escape \\\(c) at position \(start + 1)")
            }
            return Escape(node: .set(.scalar(c)), scalar: c)
        }
    }

    /// `XXXX` (or `HH`) or `{X…}` after `\u` / `\x`.
    mutating func hex(at start: Int, digits: Int) throws(PatternError) -> UInt32 {
        let braced = peek == "{"
        if braced { i += 1 }
        var v: UInt32 = 0, n = 0
        while let c = peek, let d = c.properties.isASCIIHexDigit ? UInt32(String(c), radix: 16) : nil, braced ? n < 8 : n < digits {
            v = v * 16 + d
            n += 1
            i += 1
        }
        if braced {
            guard peek == "}", n > 0 else {
                throw PatternError(start, zh: "第 \(start + 1) 个字符处的十六进制转义无效", en: "invalid hexadecimal escape at position \(start + 1)")
            }
            i += 1
        } else if n != digits {
            throw PatternError(start, zh: "第 \(start + 1) 个字符处的十六进制转义须有 \(digits) 位", en: "hexadecimal escape at position \(start + 1) needs \(digits) digits")
        }
        return v
    }
}
