/// The profile of one column, built one value at a time: how many values and nulls, how many
/// distinct (exact up to 10,000, then a HyperLogLog), the smallest and largest (by the column's
/// ``DataType``), the most frequent values, the lengths, and the most frequent shapes
/// (``ValuePattern``).
///
/// Values are canonical text as the record store gives them back (nil: null). Memory is bounded
/// whatever the number of values: about 100 KB while counting distinct values exactly, 16 KB of
/// registers after, 1,024 counters for values and 64 for shapes. Two profilers of the same
/// column merge (each part is a mergeable summary), which is how a load's profile joins the
/// resource's; a profiler is `Codable`, so the merged state is stored between runs.
public struct ColumnProfiler: Codable, Sendable, Equatable {
    /// Counters kept for the most frequent values: exact up to 1,024 distinct values (code lists,
    /// months, names of a district), and past that any value more frequent than 1 in 1,025 is found.
    public static let valueCounters = 1_024
    /// Counters kept for the most frequent shapes (a column rarely has many).
    public static let patternCounters = 64
    /// Values and shapes reported.
    public static let reported = 10

    public let name: String
    public let type: DataType
    /// Values that are not null.
    public private(set) var count = 0
    public private(set) var nulls = 0
    public private(set) var min: String?
    public private(set) var max: String?
    public private(set) var distinct = DistinctCounter()
    public private(set) var topValues = FrequentItems(capacity: valueCounters)
    public private(set) var patterns = FrequentItems(capacity: patternCounters)
    public private(set) var lengths = LengthHistogram()

    public init(name: String, type: DataType) { self.name = name; self.type = type }

    // MARK: Adding values

    /// Adds one value: counted, bounded, and sketched.
    public mutating func add(_ value: String?) {
        guard var value else { nulls += 1; return }
        if ValueOrder.isNumeric(type) { value = ValueOrder.canonicalNumber(value) }
        count += 1
        observeBounds(min: value, max: value)
        value.withUTF8 { addToSketches($0) }
    }

    /// Adds one value's bytes to the sketches only: distinct, top values, lengths and shapes.
    /// The full scan counts values and nulls and finds the bounds with SQL aggregates instead
    /// (``addAggregates(count:nulls:min:max:)``), so they are not counted twice.
    @inline(__always) public mutating func addToSketches(_ raw: UnsafeBufferPointer<UInt8>) {
        var bytes = raw
        if ValueOrder.isNumeric(type) {
            let r = ValueOrder.canonicalNumber(raw)
            bytes = UnsafeBufferPointer(rebasing: raw[r])
            if bytes.count == 2 && bytes[0] == UInt8(ascii: "-") && bytes[1] == UInt8(ascii: "0") { bytes = UnsafeBufferPointer(rebasing: bytes[1...]) }
        }
        let hash = StableHash.hash(bytes)
        distinct.add(hash: hash)
        topValues.add(bytes, hash: hash)
        var characters = 0
        for b in bytes where b & 0xC0 != 0x80 { characters += 1 }
        lengths.add(length: characters)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ValuePattern.maxBytes) { out in
            let shape = UnsafeBufferPointer(rebasing: out[..<ValuePattern.write(bytes, into: out)])
            patterns.add(shape, hash: StableHash.hash(shape))
        }
    }

    /// Adds what SQL aggregates counted over some rows: values, nulls and the bounds.
    public mutating func addAggregates(count: Int, nulls: Int, min: String?, max: String?) {
        self.count += count
        self.nulls += nulls
        observeBounds(min: min.map(canonical), max: max.map(canonical))
    }

    /// Adds nulls the sketches need not see.
    public mutating func addNulls(_ n: Int) { nulls += n }

    func canonical(_ value: String) -> String {
        switch type {
        case .L: return value == "1" ? "true" : value == "0" ? "false" : value
        case _ where ValueOrder.isNumeric(type): return ValueOrder.canonicalNumber(value)
        default: return value
        }
    }

    mutating func observeBounds(min low: String?, max high: String?) {
        if let low, min.map({ ValueOrder.less(low, $0, type: type) }) ?? true { min = low }
        if let high, max.map({ ValueOrder.less($0, high, type: type) }) ?? true { max = high }
    }

    // MARK: Merging

    /// Adds another profiler's values (the same column, other rows).
    public mutating func merge(_ other: ColumnProfiler) {
        count += other.count
        nulls += other.nulls
        observeBounds(min: other.min, max: other.max)
        distinct.merge(other.distinct)
        topValues.merge(other.topValues)
        patterns.merge(other.patterns)
        lengths.merge(other.lengths)
    }

    // MARK: Reporting

    /// What the profile says about the column.
    public var summary: ColumnSummary {
        ColumnSummary(name: name, type: type, count: count, nulls: nulls,
                      nullRatio: count + nulls == 0 ? 0 : Double(nulls) / Double(count + nulls),
                      distinct: Swift.min(distinct.count, count), distinctExact: distinct.isExact,
                      min: min, max: max,
                      topValues: topValues.top(Self.reported).map { ValueCount(value: $0.value, count: $0.count) },
                      topValuesExact: topValues.isExact,
                      lengths: lengths.buckets, meanLength: lengths.meanLength,
                      patterns: patterns.top(Self.reported).map { ValueCount(value: $0.value, count: $0.count) },
                      patternsExact: patterns.isExact)
    }
}
