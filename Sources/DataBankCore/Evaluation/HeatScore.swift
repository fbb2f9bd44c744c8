import Foundation

/// The window a heat figure covers: the last 1, 7, 30 or 365 days, today included.
public enum HeatPeriod: String, Sendable, Hashable, CaseIterable, Codable {
    case day = "1d", week = "7d", month = "30d", year = "365d"

    public var days: Int {
        switch self {
        case .day: 1
        case .week: 7
        case .month: 30
        case .year: 365
        }
    }

    /// The first day of the window that ends on `today`.
    public func firstDay(endingOn today: CivilDate) -> CivilDate { CivilDate(daysSinceEpoch: today.daysSinceEpoch - days + 1) }

    public static var allowed: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// What a resource's use adds up to over a period, from the recorded facts.
public struct HeatCounts: Sendable, Hashable, Codable {
    /// Audited read requests from consumers other than the provider (queries, downloads, verification
    /// calls and aggregates alike: every request `exchange_stats` counts).
    public var queries: Int
    public var recordsOut: Int
    /// Distinct consumer departments that read it.
    public var departments: Int
    /// Distinct apps that read it.
    public var apps: Int
    public var downloads: Int
    public var portalViews: Int
    /// Verification inputs answered from it.
    public var verifications: Int
    /// Applications filed for it.
    public var applications: Int

    public init(
        queries: Int = 0, recordsOut: Int = 0, departments: Int = 0, apps: Int = 0, downloads: Int = 0, portalViews: Int = 0,
        verifications: Int = 0, applications: Int = 0
    ) {
        self.queries = queries
        self.recordsOut = recordsOut
        self.departments = departments
        self.apps = apps
        self.downloads = downloads
        self.portalViews = portalViews
        self.verifications = verifications
        self.applications = applications
    }

    /// The use the 80/20 view adds up: requests plus portal page views (each an act of use, none
    /// counted twice: downloads and verification calls are already requests).
    public var use: Int { queries + portalViews }
}

/// The heat score: a log-scaled weighted sum of the counts, so one bulk consumer cannot outweigh
/// breadth of use (ten departments count for more than ten times the requests of one).
///
///     score = Σ wᵢ · ln(1 + xᵢ)
///
/// with the weights in ``weights``: queries 1, records out 0.5, departments 3, apps 2, downloads 1,
/// portal views 0.5, verifications 1, applications 2. Rounded to one decimal. 0 for no use.
public enum HeatScore {
    /// Each count's weight, by the API's field name.
    public static let weights: [(name: String, weight: Double)] = [
        ("queries", 1), ("recordsOut", 0.5), ("departments", 3), ("apps", 2), ("downloads", 1), ("portalViews", 0.5),
        ("verifications", 1), ("applications", 2)
    ]

    public static func score(_ c: HeatCounts) -> Double {
        let values = [c.queries, c.recordsOut, c.departments, c.apps, c.downloads, c.portalViews, c.verifications, c.applications]
        let raw = zip(values, weights).reduce(0.0) { sum, p in sum + p.1.weight * log1p(Double(max(0, p.0))) }
        return (raw * 10).rounded() / 10
    }

    /// The percentile rank (0–100) of each score among all of them: the share of the others that
    /// score strictly lower, rounded. The hottest resource is 100, unused ones 0; one resource alone is 100.
    public static func percentiles(_ scores: [Double]) -> [Int] {
        guard scores.count > 1 else { return scores.map { _ in 100 } }
        let sorted = scores.sorted()
        return scores.map { s in
            // Resources strictly below `s`: the first index holding `s` in sorted order.
            var lo = 0, hi = sorted.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if sorted[mid] < s { lo = mid + 1 } else { hi = mid }
            }
            return Int((100 * Double(lo) / Double(scores.count - 1)).rounded())
        }
    }
}

/// The 80/20 view: resources ordered by use, each with the cumulative share of all use, and the
/// smallest leading set whose use reaches 80 % (the core tables).
public struct HeatPareto: Sendable, Hashable {
    /// Indexes into the input, most used first (ties by input order).
    public var order: [Int]
    /// The cumulative share (0–1) of all use after each resource of ``order``.
    public var cumulative: [Double]
    /// How many of the first resources in ``order`` are core.
    public var coreCount: Int

    public static let threshold = 0.8

    public init(uses: [Int], threshold: Double = HeatPareto.threshold) {
        order = uses.indices.sorted { uses[$0] != uses[$1] ? uses[$0] > uses[$1] : $0 < $1 }
        let total = uses.reduce(0) { $0 + max(0, $1) }
        var running = 0
        cumulative = order.map { i in
            running += max(0, uses[i])
            return total == 0 ? 0 : Double(running) / Double(total)
        }
        // The first position whose cumulative share reaches the threshold closes the core set.
        coreCount = total == 0 ? 0 : (cumulative.firstIndex { $0 >= threshold - 1e-12 }.map { $0 + 1 } ?? order.count)
    }

    /// Whether the resource at input index `i` is core.
    public func isCore(_ i: Int) -> Bool { order.prefix(coreCount).contains(i) }

    /// The input indexes of the core set.
    public var core: Set<Int> { Set(order.prefix(coreCount)) }
}

/// Which audit operations count as what in the daily facts (``HeatCounts``).
public enum HeatOperation {
    /// Downloads: a whole export in a file format (`export.csv`, `export.xlsx`, `export.datapackage` …).
    public static let downloadPrefix = "export."
    /// Verification calls: `verify.<service>` and `verify.<service>.batch` (its inputs counted).
    public static let verificationPrefix = "verify."
}
