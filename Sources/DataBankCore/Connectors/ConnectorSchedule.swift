import Foundation

/// When a connector runs: a 5-field cron expression (`minute hour day-of-month month day-of-week`,
/// with `*`, lists, ranges and steps) or `every N minutes`. Times are the city's (Asia/Shanghai,
/// UTC+8 all year: China has kept no daylight saving since 1991, so a fixed offset is exact).
public enum ConnectorSchedule: Hashable, Sendable {
    case every(minutes: Int)
    case cron(Cron)

    /// The city's offset from UTC, in seconds.
    public static let cityOffset: Int64 = 8 * 3600

    /// A parsed cron expression: the allowed values of each field.
    public struct Cron: Hashable, Sendable {
        public var minutes: Set<Int>
        public var hours: Set<Int>
        public var days: Set<Int>
        public var months: Set<Int>
        public var weekdays: Set<Int>
        /// Cron's rule: when both day fields are restricted, a day matching either runs.
        public var daysRestricted: Bool
        public var weekdaysRestricted: Bool
    }

    /// Parses `text`; the error names what is wrong, for the `schedule` field.
    public static func parse(_ text: String) -> Result<ConnectorSchedule, FieldError> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let words = trimmed.lowercased().split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if words.first == "every" {
            guard words.count == 3, let n = Int(words[1]), ["minute", "minutes", "min"].contains(words[2]) else {
                return .failure(problem("\(trimmed) 不是有效的周期（应为 every N minutes）", "\(trimmed) is not a valid period (write every N minutes)"))
            }
            guard (1...10_080).contains(n) else {
                return .failure(problem("周期应为 1 到 10080 分钟", "every N minutes needs N from 1 to 10080"))
            }
            return .success(.every(minutes: n))
        }
        guard words.count == 5 else {
            return .failure(
                problem(
                    "计划应为 5 段 cron 表达式（分 时 日 月 周）或 every N minutes，而不是“\(trimmed)”",
                    "a schedule is a 5-field cron expression (minute hour day month weekday) or every N minutes, not \"\(trimmed)\""))
        }
        let names = ["minute", "hour", "day of month", "month", "day of week"]
        let bounds = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
        var sets: [Set<Int>] = []
        for (i, word) in words.enumerated() {
            guard var values = field(word, bounds[i].0, bounds[i].1) else {
                return .failure(
                    problem(
                        "cron 的第 \(i + 1) 段（\(names[i])）“\(word)”无效，取值范围 \(bounds[i].0)–\(bounds[i].1)",
                        "cron field \(i + 1) (\(names[i])) \"\(word)\" is not valid; values run \(bounds[i].0)–\(bounds[i].1)"))
            }
            if i == 4, values.contains(7) { values.remove(7); values.insert(0) }  // Sunday is 0 or 7
            sets.append(values)
        }
        return .success(
            .cron(
                Cron(
                    minutes: sets[0], hours: sets[1], days: sets[2], months: sets[3], weekdays: sets[4],
                    daysRestricted: words[2] != "*", weekdaysRestricted: words[4] != "*")))
    }

    private static func problem(_ zh: String, _ en: String) -> FieldError {
        FieldError(field: "schedule", code: "invalid_schedule", message: zh, messageEn: en)
    }

    /// One cron field: `*`, `*/n`, `a`, `a-b`, `a-b/n`, and comma lists of these.
    private static func field(_ text: String, _ low: Int, _ high: Int) -> Set<Int>? {
        var out: Set<Int> = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { return nil }
            var step = 1
            if pieces.count == 2 {
                guard let s = Int(pieces[1]), s > 0 else { return nil }
                step = s
            }
            var from = low, to = high
            if pieces[0] != "*" {
                let range = pieces[0].split(separator: "-", omittingEmptySubsequences: false)
                guard range.count <= 2, let a = Int(range[0]) else { return nil }
                from = a
                to = range.count == 2 ? (Int(range[1]) ?? -1) : (pieces.count == 2 ? high : a)
            }
            guard from >= low, to <= high, from <= to else { return nil }
            out.formUnion(stride(from: from, through: to, by: step))
        }
        return out.isEmpty ? nil : out
    }

    /// The first run strictly after `after` (seconds since 1970, UTC), on a whole minute; nil when a
    /// cron expression never matches (31 February) within eight years.
    public func next(after: Int64) -> Int64? {
        switch self {
        case .every(let minutes):
            // Aligned on the city's clock: every 15 minutes runs at :00, :15, :30, :45.
            let period = Int64(minutes) * 60
            let local = after + Self.cityOffset
            return (local / period + 1) * period - Self.cityOffset
        case .cron(let cron):
            var local = (after + Self.cityOffset) / 60 * 60 + 60  // the next whole minute, city time
            let limit = local + 8 * 366 * 86_400
            while local < limit {
                let day = local / 86_400
                let date = CivilDate(daysSinceEpoch: Int(day))
                let (m, d) = (date.month, date.day)
                let weekday = Int((day + 4) % 7)  // 1970-01-01 was a Thursday (4)
                let dayMatches: Bool
                switch (cron.daysRestricted, cron.weekdaysRestricted) {
                case (true, true): dayMatches = cron.days.contains(d) || cron.weekdays.contains(weekday)
                default: dayMatches = cron.days.contains(d) && cron.weekdays.contains(weekday)
                }
                guard cron.months.contains(m), dayMatches else {
                    local = (day + 1) * 86_400
                    continue
                }
                let minuteOfDay = Int(local % 86_400) / 60
                let hour = minuteOfDay / 60, minute = minuteOfDay % 60
                guard cron.hours.contains(hour) else {
                    local = day * 86_400 + Int64(hour + 1) * 3600
                    continue
                }
                if cron.minutes.contains(minute) { return local - Self.cityOffset }
                local += 60
            }
            return nil
        }
    }
}
