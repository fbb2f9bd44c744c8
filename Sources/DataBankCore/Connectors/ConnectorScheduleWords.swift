/// A schedule as people read it: "每 5 分钟" / "every 5 minutes", "每天 02:30" / "daily at 02:30",
/// "每周一 08:00" / "Mondays at 08:00". Cron expressions with lists, ranges or steps beyond these
/// common shapes are shown as written (the pages add the raw text beside the words anyway).
public enum ConnectorScheduleWords {
    /// The words for `text` in `lang` ("zh" or "en"); the text itself when it does not parse.
    public static func describe(_ text: String, lang: String) -> String {
        let en = lang == "en"
        guard case .success(let schedule) = ConnectorSchedule.parse(text) else { return text }
        let fields = text.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        switch schedule {
        case .every(let n):
            return en ? (n == 1 ? "every minute" : "every \(n) minutes") : (n == 1 ? "每分钟" : "每 \(n) 分钟")
        case .cron:
            guard fields.count == 5 else { return text }
            let (minute, hour, day, month, weekday) = (fields[0], fields[1], fields[2], fields[3], fields[4])
            if month != "*" { return text }
            if let step = minute.stepOfStar, hour == "*", day == "*", weekday == "*" {
                return en ? "every \(step) minutes" : "每 \(step) 分钟"
            }
            guard let m = Int(minute) else { return text }
            if hour == "*", day == "*", weekday == "*" {
                return en ? "hourly at :\(pad(m))" : "每小时第 \(m) 分"
            }
            if let step = hour.stepOfStar, day == "*", weekday == "*" {
                return en ? "every \(step) hours at :\(pad(m))" : "每 \(step) 小时（第 \(m) 分）"
            }
            guard let h = Int(hour) else { return text }
            let at = "\(pad(h)):\(pad(m))"
            switch (day, weekday) {
            case ("*", "*"): return en ? "daily at \(at)" : "每天 \(at)"
            case ("*", "1-5"): return en ? "weekdays at \(at)" : "工作日（周一至周五）\(at)"
            case ("*", let w):
                guard let d = Int(w), (0...7).contains(d) else { return text }
                return en ? "\(weekdaysEn[d % 7])s at \(at)" : "每\(weekdaysZh[d % 7]) \(at)"
            case (let d, "*"):
                guard let n = Int(d) else { return text }
                return en ? "monthly on day \(n) at \(at)" : "每月 \(n) 日 \(at)"
            default: return text
            }
        }
    }

    static let weekdaysZh = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"]
    static let weekdaysEn = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}

extension String {
    /// `*/n` → n.
    fileprivate var stepOfStar: Int? {
        guard hasPrefix("*/") else { return nil }
        return Int(dropFirst(2))
    }
}
