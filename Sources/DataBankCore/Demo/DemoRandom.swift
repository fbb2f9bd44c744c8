/// SplitMix64: a tiny seeded generator, so demo data is identical on every run and platform.
///
/// The helpers below are written out rather than delegated to the standard library's
/// `random(in:using:)`, whose algorithm is not promised to stay the same between releases.
struct DemoRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An integer in `0..<n` (`n` > 0).
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// An integer in the closed range.
    mutating func int(in range: ClosedRange<Int>) -> Int { range.lowerBound + int(range.count) }

    /// A number in `0..<1`.
    mutating func unit() -> Double { Double(next() >> 11) / 9_007_199_254_740_992.0 }

    /// One element of a non-empty array.
    mutating func pick<T>(_ values: [T]) -> T { values[int(values.count)] }

    /// The array in a seeded Fisher–Yates order.
    mutating func shuffled<T>(_ values: [T]) -> [T] {
        var out = values
        var i = out.count - 1
        while i > 0 {
            out.swapAt(i, int(i + 1))
            i -= 1
        }
        return out
    }
}

/// `n` in decimal, left-padded with zeros to `width` digits.
func demoPad(_ n: Int, _ width: Int) -> String {
    let digits = String(n)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
