/// Character classes and backslash escapes.
extension PatternParser {
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
