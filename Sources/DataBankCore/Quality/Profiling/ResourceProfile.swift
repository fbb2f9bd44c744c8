import Foundation

/// The profile of a resource's record store: its rows and one ``ColumnProfiler`` per column,
/// as of a point in its change log.
///
/// A full scan reads every record and is exact (up to the sketches' own bounds). After a load,
/// only the change-log entries past ``coveredSeq`` are profiled and merged in:
/// - an insert adds its values — exact;
/// - a `reset` (a `replace` load) empties the store, so the profile starts again from nothing — exact;
/// - an update adds the row's new values, but the change log does not hold the old ones, which
///   stay counted: value counts, nulls, top values and lengths then count the row twice, and a
///   minimum or maximum the update removed is still shown;
/// - a delete removes the record, but its values cannot be taken out of the sketches.
/// So after updates or deletes the column figures describe every value the store has held since
/// the last full scan, not exactly what it holds now; ``isExact`` says so, with the numbers of
/// ``updatesSinceFullScan`` and ``deletesSinceFullScan``. The row count is always exact (the
/// store counts it). A full scan makes everything exact again.
public struct ResourceProfile: Codable, Sendable, Equatable {
    public var resourceCode: String
    /// Records in the store when profiled.
    public var rowCount: Int
    /// The last change-log entry this profile includes.
    public var coveredSeq: Int
    public var profiledAt: Date
    /// When the last full scan ran (nil: the profile was built from the change log alone).
    public var fullScanAt: Date?
    public var updatesSinceFullScan = 0
    public var deletesSinceFullScan = 0
    /// Set on a change-log profile that began with a reset: it replaces, rather than adds to, the profile before.
    public var startsAfresh = false
    public var columns: [ColumnProfiler]

    public init(resourceCode: String, layout: RecordLayout, rowCount: Int = 0, coveredSeq: Int = 0, profiledAt: Date = Date(), fullScanAt: Date? = nil) {
        self.resourceCode = resourceCode; self.rowCount = rowCount; self.coveredSeq = coveredSeq
        self.profiledAt = profiledAt; self.fullScanAt = fullScanAt
        columns = layout.columns.map { ColumnProfiler(name: $0.name, type: $0.type) }
    }

    public var isExact: Bool { updatesSinceFullScan == 0 && deletesSinceFullScan == 0 }

    /// This profile with `delta` (the profile of the change-log entries after ``coveredSeq``)
    /// merged in. Columns are matched by name; a column the layout gained since starts with the
    /// delta's values alone.
    public func merging(_ delta: ResourceProfile) -> ResourceProfile {
        var out = delta
        out.fullScanAt = fullScanAt
        out.startsAfresh = false
        if delta.startsAfresh { return out }
        out.updatesSinceFullScan = updatesSinceFullScan + delta.updatesSinceFullScan
        out.deletesSinceFullScan = deletesSinceFullScan + delta.deletesSinceFullScan
        let mine = Dictionary(columns.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        out.columns = delta.columns.map { c in
            guard var merged = mine[c.name], merged.type == c.type else { return c }
            merged.merge(c)
            return merged
        }
        return out
    }

    /// What the profile says, without the sketches' state.
    public var summary: ProfileSummary {
        ProfileSummary(resourceCode: resourceCode, rowCount: rowCount, coveredSeq: coveredSeq, profiledAt: profiledAt,
                       fullScanAt: fullScanAt, exact: isExact, updatesSinceFullScan: updatesSinceFullScan,
                       deletesSinceFullScan: deletesSinceFullScan, columns: columns.map(\.summary))
    }
}

/// A resource's profile as it is reported and kept per run.
public struct ProfileSummary: Codable, Hashable, Sendable {
    public var resourceCode: String
    public var rowCount: Int
    public var coveredSeq: Int
    public var profiledAt: Date
    public var fullScanAt: Date?
    /// False after updates or deletes were merged from the change log (see ``ResourceProfile``).
    public var exact: Bool
    public var updatesSinceFullScan: Int
    public var deletesSinceFullScan: Int
    public var columns: [ColumnSummary]
}
