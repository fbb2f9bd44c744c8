import Foundation

/// A year of simulated use for the demo city, as a plan the database expands: one row per day
/// (its shape factor) and one per (resource, consumer department) pair (its base rate), so the
/// server writes a year of daily statistics with one `INSERT … SELECT` over their product instead
/// of a row per day from Swift.
///
/// Shape: weekdays busy, weekends quiet, a dip around the Spring Festival and in the summer
/// holidays, a slow rise over the year; popularity is skewed (Zipf, exponent 0.9, over resources
/// ordered by whether they hold records and a stable hash), so about a fifth of the resources
/// carry 80 % of the use, as the 80/20 view expects.
public struct DemoUsage: Sendable {
    public struct Day: Sendable, Hashable {
        public var day: String
        public var index: Int
        /// Per mille of a plain weekday's use.
        public var factor: Int
    }

    public struct Pair: Sendable, Hashable {
        public var resource: String
        public var provider: String
        public var consumer: String
        /// Requests on a plain weekday (before noise), times 1,000.
        public var base: Int
        /// Records per request.
        public var perRequest: Int
        public var seed: Int
    }

    public struct Resource: Sendable, Hashable {
        public var code: String
        public var department: String
        public var holdsRecords: Bool

        public init(code: String, department: String, holdsRecords: Bool) {
            self.code = code
            self.department = department
            self.holdsRecords = holdsRecords
        }
    }

    public var days: [Day]
    public var pairs: [Pair]
    /// Popularity weight (0–1] per resource code: portal views and downloads follow it too.
    public var weights: [String: Double]

    public static let exponent = 0.9

    public init(resources: [Resource], departments: [String], endingOn today: CivilDate, days count: Int = 365) {
        days = (0..<count).map { k in
            let date = CivilDate(daysSinceEpoch: today.daysSinceEpoch - count + 1 + k)
            return Day(day: date.iso, index: k, factor: Self.factor(date, index: k, of: count))
        }
        let ordered = resources.sorted { a, b in
            a.holdsRecords != b.holdsRecords ? a.holdsRecords : (Self.hash(a.code), a.code) < (Self.hash(b.code), b.code)
        }
        var weights: [String: Double] = [:]
        var pairs: [Pair] = []
        for (rank, r) in ordered.enumerated() {
            let w = 1 / pow(Double(rank + 1), Self.exponent)
            weights[r.code] = w
            let h = Self.hash(r.code)
            let others = departments.filter { $0 != r.department }
            guard !others.isEmpty else { continue }
            // Popular resources are read by more departments; the first consumer reads most.
            let consumers = min(others.count, 1 + Int(w * 14) + Int(h % 2))
            // Consumers seven apart in the list, or one apart when seven divides its length (seven
            // apart would come back to the same department, and a pair must be planned once).
            let step: UInt64 = others.count % 7 == 0 ? 1 : 7
            for k in 0..<consumers {
                let consumer = others[Int(((h >> 8) &+ UInt64(k) &* step) % UInt64(others.count))]
                let share = 1 / Double(k + 1)
                // 2,400 requests a weekday for the hottest resource's first consumer.
                let base = Int(2_400_000 * w * share) + 40
                pairs.append(
                    Pair(
                        resource: r.code, provider: r.department, consumer: consumer, base: base, perRequest: 1 + Int((h >> 16) % 50),
                        seed: Int((h >> 24) % 997) + k * 101))
            }
        }
        self.pairs = pairs
        self.weights = weights
    }

    /// A day's use per mille of a plain weekday: the week, the season and the year's rise.
    static func factor(_ d: CivilDate, index: Int, of count: Int) -> Int {
        let weekday = ((d.daysSinceEpoch % 7) + 7 + 3) % 7  // 0 = Monday (1970-01-01 was a Thursday)
        let week = [1.0, 1.05, 1.05, 1.0, 0.9, 0.3, 0.2][weekday]
        var season = 1.0
        if d.month == 2 { season = 0.55 }  // the Spring Festival
        if d.month == 7 || d.month == 8 { season = 0.85 }
        if d.month == 10, d.day <= 7 { season = 0.3 }  // National Day week
        if d.month == 12 || d.month == 3 { season = 1.15 }  // year-end and spring reporting
        let rise = 0.75 + 0.5 * Double(index) / Double(max(1, count - 1))
        return Int((1000 * week * season * rise).rounded())
    }

    /// FNV-1a: the same on every machine and run.
    public static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        return h
    }
}
