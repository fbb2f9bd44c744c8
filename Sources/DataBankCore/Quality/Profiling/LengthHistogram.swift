/// How long a column's values are, in characters (Unicode scalars: 张三 is 2).
///
/// Lengths 0–64 are counted one by one (an 18-character ID shows as exactly 18); longer values
/// fall into doubling buckets 65–128 … 513–1024 and a last one for anything longer.
public struct LengthHistogram: Codable, Hashable, Sendable {
    static let exactUpTo = 64
    /// Upper bounds of the buckets past `exactUpTo`; the last bucket is open.
    static let wideBounds = [128, 256, 512, 1024]

    public private(set) var counts: [Int]
    /// Characters over all values, for the mean length.
    public private(set) var totalCharacters = 0

    public init() { counts = [Int](repeating: 0, count: Self.exactUpTo + 1 + Self.wideBounds.count + 1) }

    @inline(__always) public mutating func add(length: Int) {
        totalCharacters += length
        counts[Self.bucket(length)] += 1
    }

    static func bucket(_ length: Int) -> Int {
        if length <= exactUpTo { return length }
        var i = exactUpTo + 1
        for bound in wideBounds {
            if length <= bound { return i }
            i += 1
        }
        return i
    }

    /// Bucket `i`'s range of lengths (`to` nil: open-ended).
    static func range(_ i: Int) -> (from: Int, to: Int?) {
        if i <= exactUpTo { return (i, i) }
        let k = i - exactUpTo - 1
        let from = (k == 0 ? exactUpTo : wideBounds[k - 1]) + 1
        return (from, k < wideBounds.count ? wideBounds[k] : nil)
    }

    public mutating func merge(_ other: LengthHistogram) {
        for i in counts.indices { counts[i] += other.counts[i] }
        totalCharacters += other.totalCharacters
    }

    public var total: Int { counts.reduce(0, +) }

    /// The buckets that hold values, shortest first.
    public var buckets: [LengthBucket] {
        counts.indices.filter { counts[$0] > 0 }.map { i in
            let r = Self.range(i)
            return LengthBucket(from: r.from, to: r.to, count: counts[i])
        }
    }

    public var meanLength: Double? { total == 0 ? nil : Double(totalCharacters) / Double(total) }
}

/// Values whose length is in `from…to` (nil: no upper bound).
public struct LengthBucket: Codable, Hashable, Sendable {
    public var from: Int
    public var to: Int?
    public var count: Int
    public init(from: Int, to: Int?, count: Int) { self.from = from; self.to = to; self.count = count }
}
