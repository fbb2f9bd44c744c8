/// One group as the database computed it: its keys and measures as text, and its record count
/// (always computed, asked for or not: suppression is decided on it).
public struct AggregateGroupRow: Sendable, Equatable {
    public var keys: [String?]
    public var count: Int
    public var measures: [String?]

    public init(keys: [String?], count: Int, measures: [String?]) {
        self.keys = keys; self.count = count; self.measures = measures
    }
}

/// The small-cell rule for readers who see statistics instead of records (a grant, the open portal).
///
/// A group of fewer than k records (but at least one) is suppressed: it is listed, its measures
/// become `"<k"`, and it is counted in `suppressed`. So that no published figure lets a reader
/// subtract a suppressed group back out, **a suppressed group's records are left out of every other
/// figure of the answer**: `total` is the number of records in the groups that are shown (not the
/// filter's count), and the "其他/other" row of `top=N` folds only the unsuppressed groups after the
/// first N (each has at least k records, so the row has at least k too). Suppressed groups after the
/// first N appear nowhere but in `suppressed`. Full readers (the provider, the platform) get every
/// group, the true total, and the other row over all the rest.
///
/// The rule holds within one answer. Two answers with different filters can still be differenced
/// (the classic tracker attack); every aggregate is audited with its parameters so such probing shows.
public struct AggregateSuppression: Sendable, Equatable {
    /// The first N groups (all of them without `top`), in order.
    public var shown: [AggregateGroupRow]
    /// Whether each shown group is suppressed.
    public var shownSuppressed: [Bool]
    /// The groups folded into the other row: after the first N, unsuppressed.
    public var folded: [AggregateGroupRow]
    /// The groups after the first N left out entirely (suppressed).
    public var dropped: [AggregateGroupRow]
    /// Suppressed groups, shown or not.
    public var suppressed: Int
    /// Records in the groups the answer does not suppress.
    public var total: Int

    /// - Parameter k: the smallest group shown (nil: nothing is suppressed).
    public init(_ rows: [AggregateGroupRow], k: Int?, top: Int?) {
        let cut = min(top ?? rows.count, rows.count)
        shown = Array(rows[..<cut])
        shownSuppressed = shown.map { Self.isSuppressed($0.count, k: k) }
        let rest = rows[cut...]
        folded = rest.filter { !Self.isSuppressed($0.count, k: k) }
        dropped = rest.filter { Self.isSuppressed($0.count, k: k) }
        suppressed = shownSuppressed.filter { $0 }.count + dropped.count
        total = rows.filter { !Self.isSuppressed($0.count, k: k) }.reduce(0) { $0 + $1.count }
    }

    /// A group of 1 to k − 1 records (an empty total is no one's).
    public static func isSuppressed(_ count: Int, k: Int?) -> Bool {
        guard let k else { return false }
        return count > 0 && count < k
    }

    /// The default k when the provider set none.
    public static let defaultMinGroupSize = 5
}
