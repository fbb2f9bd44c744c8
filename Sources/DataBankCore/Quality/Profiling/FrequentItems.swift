/// The most frequent values of a stream, in bounded memory: a Misra–Gries summary.
///
/// It keeps at most ``capacity`` counters. A value already counted is incremented; a new one
/// takes a free counter; when none is free every counter (and the newcomer) is decremented
/// once and the counters at zero are dropped. A value seen more than n/(capacity + 1) times is
/// always kept, and each count is short by at most ``maxError`` (the number of decrement rounds).
/// While no round has happened (at most `capacity` distinct values) the counts are exact.
///
/// Values are kept as bytes in one arena, keyed by their ``StableHash``, so counting a value
/// costs a dictionary lookup and no allocation — a profile feeds it millions of values. Two
/// summaries merge (Agarwal et al., "Mergeable summaries", 2012): add the counters, then
/// subtract the (capacity + 1)-th largest count from all and keep what stays positive.
public struct FrequentItems: Sendable {
    public let capacity: Int
    /// Values counted, including those no longer kept.
    public private(set) var total = 0
    /// The most any kept count falls short of the true count.
    public private(set) var maxError = 0

    var index: [UInt64: Int] = [:]
    var hashes: [UInt64] = []
    var counts: [Int] = []
    var ranges: [Range<Int>] = []
    var arena: [UInt8] = []

    public init(capacity: Int) {
        self.capacity = Swift.max(capacity, 1)
        index.reserveCapacity(self.capacity)
    }

    /// Whether the counts are exact (no counter was ever decremented).
    public var isExact: Bool { maxError == 0 }

    @inline(__always) public mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) {
        total += 1
        if let slot = index[hash] {
            counts[slot] += 1
            return
        }
        if counts.count < capacity {
            index[hash] = counts.count
            hashes.append(hash); counts.append(1)
            ranges.append(arena.count..<(arena.count + bytes.count))
            arena.append(contentsOf: bytes)
            return
        }
        maxError += 1
        subtract(1)
    }

    public mutating func add(_ value: String) {
        var value = value
        value.withUTF8 { add($0, hash: StableHash.hash($0)) }
    }

    /// Subtracts `amount` from every counter and drops those that reach zero.
    mutating func subtract(_ amount: Int) {
        var newArena: [UInt8] = []
        var newHashes: [UInt64] = [], newCounts: [Int] = [], newRanges: [Range<Int>] = []
        index.removeAll(keepingCapacity: true)
        for i in counts.indices where counts[i] > amount {
            index[hashes[i]] = newCounts.count
            newHashes.append(hashes[i]); newCounts.append(counts[i] - amount)
            newRanges.append(newArena.count..<(newArena.count + ranges[i].count))
            newArena.append(contentsOf: arena[ranges[i]])
        }
        hashes = newHashes; counts = newCounts; ranges = newRanges; arena = newArena
    }

    /// The kept values, most frequent first (ties in value order).
    public var items: [(value: String, count: Int)] {
        counts.indices.map { (String(decoding: arena[ranges[$0]], as: UTF8.self), counts[$0]) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
    }

    /// The `k` most frequent values worth reporting: all kept values while the counts are exact;
    /// after decrements only those counted more often than ``maxError`` — below that a kept value
    /// may be any of the many rare ones (in a column of unique IDs, none is reported).
    public func top(_ k: Int) -> [(value: String, count: Int)] {
        Array(items.lazy.filter { isExact || $0.count > maxError }.prefix(k))
    }

    public mutating func merge(_ other: FrequentItems) {
        total += other.total
        maxError += other.maxError
        for i in other.counts.indices {
            if let slot = index[other.hashes[i]] {
                counts[slot] += other.counts[i]
            } else {
                index[other.hashes[i]] = counts.count
                hashes.append(other.hashes[i]); counts.append(other.counts[i])
                ranges.append(arena.count..<(arena.count + other.ranges[i].count))
                arena.append(contentsOf: other.arena[other.ranges[i]])
            }
        }
        guard counts.count > capacity else { return }
        let cut = counts.sorted(by: >)[capacity]
        maxError += cut
        subtract(cut)
    }
}

extension FrequentItems: Codable {
    struct Item: Codable { var value: String; var count: Int }
    enum CodingKeys: String, CodingKey { case capacity, total, maxError, items }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(capacity: try c.decode(Int.self, forKey: .capacity))
        for item in try c.decode([Item].self, forKey: .items) {
            var value = item.value
            value.withUTF8 { bytes in
                index[StableHash.hash(bytes)] = counts.count
                hashes.append(StableHash.hash(bytes)); counts.append(item.count)
                ranges.append(arena.count..<(arena.count + bytes.count))
                arena.append(contentsOf: bytes)
            }
        }
        total = try c.decode(Int.self, forKey: .total)
        maxError = try c.decode(Int.self, forKey: .maxError)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(capacity, forKey: .capacity)
        try c.encode(total, forKey: .total)
        try c.encode(maxError, forKey: .maxError)
        try c.encode(items.map { Item(value: $0.value, count: $0.count) }, forKey: .items)
    }
}

extension FrequentItems: Equatable {
    public static func == (a: FrequentItems, b: FrequentItems) -> Bool {
        a.capacity == b.capacity && a.total == b.total && a.maxError == b.maxError && a.items.elementsEqual(b.items) { $0 == $1 }
    }
}
