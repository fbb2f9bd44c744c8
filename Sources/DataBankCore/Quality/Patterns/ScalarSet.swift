/// The built-in classes, with Swift `Regex`'s Unicode meanings.
enum ScalarClass: Sendable {
    case digit, word, space

    func contains(_ c: Unicode.Scalar) -> Bool {
        let p = c.properties
        switch self {
        case .digit: return p.numericType == .decimal
        case .space: return p.isWhitespace
        case .word:
            if p.isAlphabetic || p.numericType != nil { return true }
            switch p.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark, .connectorPunctuation: return true
            default: return false
            }
        }
    }
}

/// A set of Unicode scalars: ranges and classes, possibly negated, with ASCII answered from a bitmap.
struct ScalarSet: Sendable {
    var ranges: [ClosedRange<UInt32>] = []
    var classes: [(ScalarClass, Bool)] = []
    var negated = false
    /// Membership of the scalars below 64 and from 64 to 127, one bit each.
    private(set) var low: UInt64 = 0, high: UInt64 = 0

    /// Builds the ASCII bitmap; call once the set is complete.
    mutating func finish() {
        low = 0; high = 0
        for v in 0..<UInt32(128) where slowContains(Unicode.Scalar(v)!) {
            if v < 64 { low |= 1 << UInt64(v) } else { high |= 1 << UInt64(v - 64) }
        }
    }

    static func scalar(_ c: Unicode.Scalar) -> ScalarSet {
        var s = ScalarSet()
        s.ranges = [c.value...c.value]
        s.finish()
        return s
    }

    /// `.`: anything but a line break, as in Swift `Regex` and PCRE.
    static let dot: ScalarSet = {
        var s = ScalarSet()
        s.negated = true
        s.ranges = [0x0A...0x0D, 0x85...0x85, 0x2028...0x2029]
        s.finish()
        return s
    }()

    @inline(__always)
    func contains(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 64 { return low & (1 << UInt64(v)) != 0 }
        if v < 128 { return high & (1 << UInt64(v - 64)) != 0 }
        return slowContains(c)
    }

    func slowContains(_ c: Unicode.Scalar) -> Bool {
        var found = ranges.contains { $0.contains(c.value) }
        if !found { found = classes.contains { k, negated in k.contains(c) != negated } }
        return found != negated
    }
}
