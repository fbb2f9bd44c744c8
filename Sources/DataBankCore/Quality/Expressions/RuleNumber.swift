/// A number in a rule: an exact decimal `mantissa × 10^-scale` (≤ 18 digits, scale 0…18), or a
/// binary double when a value or a result does not fit. Every integer step checks for overflow,
/// so no input can trap.
enum RuleNumber: Sendable {
    case exact(Int64, Int)
    case approx(Double)

    static let maxScale = 18
    static let pow10: [Int64] = (0...18).map { (0..<$0).reduce(Int64(1)) { p, _ in p * 10 } }

    static func scaleUp(_ m: Int64, _ k: Int) -> Int64? {
        guard k >= 0, k <= 18 else { return k < 0 ? nil : (m == 0 ? 0 : nil) }
        let (r, o) = m.multipliedReportingOverflow(by: pow10[k])
        return o ? nil : r
    }

    var double: Double {
        switch self {
        case .exact(let m, let s): Double(m) / Double(Self.pow10[s])
        case .approx(let d): d
        }
    }

    var isZero: Bool {
        switch self {
        case .exact(let m, _): m == 0
        case .approx(let d): d == 0
        }
    }

    /// The value as an integer when it is one.
    var int: Int? {
        switch self {
        case .exact(let m, let s): m % Self.pow10[s] == 0 ? Int(m / Self.pow10[s]) : nil
        case .approx(let d): d.rounded() == d && Swift.abs(d) < 9e15 ? Int(d) : nil
        }
    }

    init(_ n: Int) { self = .exact(Int64(n), 0) }

    static func approx(checked d: Double) -> RuleNumber? { d.isFinite ? .approx(d) : nil }

    /// Reads canonical number text (`-12.50`, `1e+20`, `.5`); nil when it is not a number.
    static func parse(_ s: String) -> RuleNumber? {
        var s = s
        return s.withUTF8 { parse($0) }
    }

    static func parse(_ v: UnsafeBufferPointer<UInt8>) -> RuleNumber? {
        var i = 0, negative = false
        if i < v.count, v[i] == 0x2D || v[i] == 0x2B { negative = v[i] == 0x2D; i += 1 }
        var m: Int64 = 0, scale = 0, digits = 0, sawDigit = false, sawDot = false, tooMany = false
        while i < v.count {
            let b = v[i]
            if b >= 0x30, b <= 0x39 {
                sawDigit = true
                if m == 0 && b == 0x30 {
                    if sawDot { scale += 1 }
                } else if digits < 18 {
                    m = m * 10 + Int64(b - 0x30); digits += 1
                    if sawDot { scale += 1 }
                } else {
                    tooMany = true
                    if !sawDot { scale -= 1 }  // an integer digit dropped: the value is 10× larger
                }
            } else if b == 0x2E, !sawDot {
                sawDot = true
            } else { break }
            i += 1
        }
        guard sawDigit else { return nil }
        if i < v.count, v[i] == 0x65 || v[i] == 0x45 {  // e / E
            i += 1
            var expNegative = false, exp = 0, expDigits = 0
            if i < v.count, v[i] == 0x2D || v[i] == 0x2B { expNegative = v[i] == 0x2D; i += 1 }
            while i < v.count, v[i] >= 0x30, v[i] <= 0x39, expDigits < 6 { exp = exp * 10 + Int(v[i] - 0x30); i += 1; expDigits += 1 }
            guard expDigits > 0 else { return nil }
            scale -= expNegative ? -exp : exp
        }
        guard i == v.count else { return nil }
        if tooMany || scale > maxScale || scale < -18 {
            return Double(String(decoding: v, as: UTF8.self)).flatMap { approx(checked: $0) }
        }
        if scale < 0 {
            guard let up = scaleUp(m, -scale) else { return Double(String(decoding: v, as: UTF8.self)).flatMap { approx(checked: $0) } }
            m = up; scale = 0
        }
        return .exact(negative ? -m : m, scale)
    }

    /// -1, 0 or 1.
    static func compare(_ a: RuleNumber, _ b: RuleNumber) -> Int {
        if case .exact(let x, let sx) = a, case .exact(let y, let sy) = b {
            if sx == sy { return x < y ? -1 : x > y ? 1 : 0 }
            if sx < sy {
                guard let xs = scaleUp(x, sy - sx) else { return x < 0 ? -1 : 1 }
                return xs < y ? -1 : xs > y ? 1 : 0
            }
            guard let ys = scaleUp(y, sx - sy) else { return y < 0 ? 1 : -1 }
            return x < ys ? -1 : x > ys ? 1 : 0
        }
        let x = a.double, y = b.double
        return x < y ? -1 : x > y ? 1 : 0
    }

    static func add(_ a: RuleNumber, _ b: RuleNumber) -> RuleNumber? {
        if case .exact(let x, let sx) = a, case .exact(let y, let sy) = b {
            let s = max(sx, sy)
            if let xs = scaleUp(x, s - sx), let ys = scaleUp(y, s - sy) {
                let (r, o) = xs.addingReportingOverflow(ys)
                if !o { return .exact(r, s) }
            }
        }
        return approx(checked: a.double + b.double)
    }

    static func negate(_ a: RuleNumber) -> RuleNumber? {
        switch a {
        case .exact(let m, let s) where m != .min: .exact(-m, s)
        default: approx(checked: -a.double)
        }
    }

    static func subtract(_ a: RuleNumber, _ b: RuleNumber) -> RuleNumber? { negate(b).flatMap { add(a, $0) } }

    static func abs(_ a: RuleNumber) -> RuleNumber? { compare(a, .exact(0, 0)) < 0 ? negate(a) : a }

    static func multiply(_ a: RuleNumber, _ b: RuleNumber) -> RuleNumber? {
        if case .exact(let x, let sx) = a, case .exact(let y, let sy) = b {
            let (r, o) = x.multipliedReportingOverflow(by: y)
            if !o { return rounded(r, sx + sy) }
        }
        return approx(checked: a.double * b.double)
    }

    /// Up to 18 decimal places, rounded half away from zero; nil on division by zero.
    static func divide(_ a: RuleNumber, _ b: RuleNumber) -> RuleNumber? {
        guard !b.isZero else { return nil }
        if case .exact(let x, let sx) = a, case .exact(let y, let sy) = b, y != .min {
            var k = maxScale - sx + sy
            while k >= 0, scaleUp(x, k) == nil { k -= 1 }
            if k >= 0, let n = scaleUp(x, k), sx + k - sy >= 0 {
                let (q, o) = n.dividedReportingOverflow(by: y)
                if !o {
                    let r = n % y  // safe: n / y did not overflow
                    let up = Swift.abs(r) >= Swift.abs(y) - Swift.abs(r)
                    let q2 = up ? q + ((n < 0) != (y < 0) ? -1 : 1) : q
                    return trimmed(q2, sx + k - sy)
                }
            }
        }
        return approx(checked: a.double / b.double)
    }

    /// Drops trailing zero decimals.
    static func trimmed(_ m: Int64, _ s: Int) -> RuleNumber {
        var m = m, s = s
        while s > 0, m % 10 == 0 { m /= 10; s -= 1 }
        return .exact(m, s)
    }

    /// Brings the scale down to `maxScale`, rounding half away from zero.
    static func rounded(_ m: Int64, _ s: Int) -> RuleNumber {
        var m = m, s = s
        while s > maxScale {
            let r = m % 10
            m = m / 10 + (r >= 5 ? 1 : r <= -5 ? -1 : 0)
            s -= 1
        }
        return trimmed(m, s)
    }
}
