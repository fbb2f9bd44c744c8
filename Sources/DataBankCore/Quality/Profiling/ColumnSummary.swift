/// One column's profile as it is reported: plain numbers and values, no sketch state.
public struct ColumnSummary: Codable, Hashable, Sendable {
    public var name: String
    public var type: DataType
    public var count: Int
    public var nulls: Int
    /// Nulls as a share of all rows (0 when there are none).
    public var nullRatio: Double
    /// Distinct values: exact when `distinctExact`, otherwise a HyperLogLog estimate (±1–2 %).
    public var distinct: Int
    public var distinctExact: Bool
    public var min: String?
    public var max: String?
    /// The most frequent values; counts are exact when `topValuesExact`, otherwise lower bounds.
    public var topValues: [ValueCount]
    public var topValuesExact: Bool
    /// Value lengths in characters.
    public var lengths: [LengthBucket]
    public var meanLength: Double?
    /// The most frequent shapes (``ValuePattern``), e.g. `DDDDDD-DDDD`.
    public var patterns: [ValueCount]
    public var patternsExact: Bool
    /// True when values were hidden or masked for this reader (sensitive items of another department's resource).
    public var masked: Bool = false

    /// The same summary with every value shown to this reader passed through `mask`
    /// (nil: withheld). Counts, lengths and shapes are kept; they reveal no value.
    public func masking(_ mask: (String) -> String?) -> ColumnSummary {
        var copy = self
        copy.min = min.flatMap(mask)
        copy.max = max.flatMap(mask)
        copy.topValues = topValues.map { ValueCount(value: $0.value.flatMap(mask), count: $0.count) }
        copy.masked = true
        return copy
    }
}

/// A value (nil when withheld from this reader) or a shape, and how often it occurs.
public struct ValueCount: Codable, Hashable, Sendable {
    public var value: String?
    public var count: Int
    public init(value: String?, count: Int) { self.value = value; self.count = count }
}
