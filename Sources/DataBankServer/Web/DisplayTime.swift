import Foundation

/// The one way a moment is shown to people: minutes, in the city's zone (Asia/Shanghai), with the
/// zone named — "2026-12-05 12:00 (北京时间)" / "2026-12-05 12:00 (China Standard Time)". Pages,
/// mails and notifications all go through it, so no two screens disagree about the time.
enum DisplayTime {
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    static func format(_ d: Date, _ lang: String) -> String {
        "\(plain(d)) \(zoneName(lang))"
    }

    /// "2026-12-05 12:00", in the city's zone, for a column whose heading names the zone.
    static func plain(_ d: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: d)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    /// "2026-12-05 12:00:07+08:00": seconds and the offset, for command-line output read by people and scripts alike.
    static func stamp(_ d: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: d)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d+08:00", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    static func zoneName(_ lang: String) -> String { lang == "en" ? "(China Standard Time)" : "(北京时间)" }

    /// The instant a day of the city's calendar ("2026-12-05") starts, for date filters.
    static func startOfDay(_ ymd: String) -> Date? {
        let parts = ymd.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        return cal.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }

    /// An ISO 8601 text as stored (audit entries), or nil.
    static func parse(_ iso: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: iso) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: iso)
    }
}
