/// Reading canonical value text (what ingest produces per value) and the text functions.
/// Dates are days since 1970-01-01; date-times are seconds since then, in the city's local time.
enum RuleText {
    @inline(__always)
    static func digits(_ v: UnsafeBufferPointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        var n = 0
        for j in at..<at + count {
            let d = v[j] &- 0x30
            guard d < 10 else { return nil }
            n = n * 10 + Int(d)
        }
        return n
    }

    /// `YYYY-MM-DD` fast; other spellings through `DateParsing`.
    static func days(_ v: UnsafeBufferPointer<UInt8>) -> Int? {
        if v.count == 10, v[4] == 0x2D, v[7] == 0x2D {
            guard let y = digits(v, 0, 4), let m = digits(v, 5, 2), let d = digits(v, 8, 2) else { return nil }
            return days(y, m, d)
        }
        return DateParsing.date(v)?.daysSinceEpoch
    }

    static let monthDays = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

    /// Days since 1970-01-01 of a checked date; `CivilDate`'s arithmetic without its per-call month table.
    static func days(_ y: Int, _ m: Int, _ d: Int) -> Int? {
        guard y >= 1, m >= 1, m <= 12, d >= 1, d <= monthDays[m] else { return nil }
        if m == 2, d == 29, !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) { return nil }
        let yy = m <= 2 ? y - 1 : y
        let era = yy / 400, yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }

    /// `YYYY-MM-DDTHH:MM:SS` fast; other spellings through `DateParsing`.
    static func seconds(_ v: UnsafeBufferPointer<UInt8>) -> Int? {
        if v.count == 19, v[10] == 0x54 || v[10] == 0x20, v[13] == 0x3A, v[16] == 0x3A,
           let day = days(UnsafeBufferPointer(rebasing: v[0..<10])),
           let h = digits(v, 11, 2), let m = digits(v, 14, 2), let s = digits(v, 17, 2), h < 24, m < 60, s < 60 {
            return day * 86_400 + h * 3600 + m * 60 + s
        }
        guard let t = DateParsing.dateTime(v) else { return nil }
        return t.date.daysSinceEpoch * 86_400 + t.hour * 3600 + t.minute * 60 + t.second
    }

    static func days(_ s: String) -> Int? { var s = s; return s.withUTF8 { days($0) } }
    static func seconds(_ s: String) -> Int? { var s = s; return s.withUTF8 { seconds($0) } }

    static func bool(_ s: String) -> Bool? {
        switch s {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// Floor of a date-time's seconds to its day.
    static func day(ofSeconds s: Int) -> Int { s >= 0 ? s / 86_400 : (s - 86_399) / 86_400 }

    /// Text order: UTF-8 bytes (= code points), -1, 0 or 1.
    static func compare(_ a: String, _ b: String) -> Int {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let n = min(x.count, y.count)
                var j = 0
                while j < n {
                    if x[j] != y[j] { return x[j] < y[j] ? -1 : 1 }
                    j += 1
                }
                return x.count < y.count ? -1 : x.count > y.count ? 1 : 0
            }
        }
    }

    // MARK: 公民身份号码 (18-character resident ID)

    /// The ID's bytes when it has the shape of one: 17 digits, then a digit or X, with a real birth date.
    static func residentID<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>, Int) -> R?) -> R? {
        var s = s
        return s.withUTF8 { v in
            guard v.count == 18, allDigits(v, 17),
                  v[17] &- 0x30 < 10 || v[17] == 0x58 || v[17] == 0x78,
                  let y = digits(v, 6, 4), let m = digits(v, 10, 2), let d = digits(v, 12, 2),
                  let birth = days(y, m, d) else { return nil }
            return body(v, birth)
        }
    }

    static func allDigits(_ v: UnsafeBufferPointer<UInt8>, _ count: Int) -> Bool {
        for j in 0..<count where v[j] &- 0x30 >= 10 { return false }
        return true
    }

    static func idBirthDate(_ s: String) -> Int? { residentID(s) { _, birth in birth } }

    static func idGender(_ s: String) -> String? { residentID(s) { v, _ in (v[16] - 0x30) % 2 == 1 ? "1" : "2" } }

    // MARK: text functions (characters are Unicode scalars, as column lengths count them)

    static func length(_ s: String) -> Int { s.unicodeScalars.count }

    static func trim(_ s: String) -> String {
        let u = s.unicodeScalars
        guard let first = u.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = u.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(u[first...last])
    }

    /// 1-based `start`, `count` characters (to the end when nil); out-of-range parts are empty.
    static func substr(_ s: String, _ start: Int, _ count: Int?) -> String {
        let u = s.unicodeScalars
        let from = start - 1
        let (end, overflow) = from.addingReportingOverflow(count ?? Int.max)
        let to = overflow ? Int.max : end
        let lo = max(from, 0)
        guard to > lo, let a = u.index(u.startIndex, offsetBy: lo, limitedBy: u.endIndex) else { return "" }
        let b = u.index(a, offsetBy: to - lo, limitedBy: u.endIndex) ?? u.endIndex
        return String(u[a..<b])
    }

    static func startsWith(_ s: String, _ p: String) -> Bool { s.utf8.starts(with: p.utf8) }

    static func endsWith(_ s: String, _ p: String) -> Bool {
        let a = s.utf8, b = p.utf8
        return a.count >= b.count && a.reversed().starts(with: b.reversed())
    }
}

/// A compiled `matches` pattern: found anywhere in the value (anchors make it whole), in
/// linear time (``LinearPattern``).
struct RuleRegex: Sendable {
    let pattern: LinearPattern

    init(_ source: String) throws(PatternError) { pattern = try LinearPattern(source) }

    func matches(_ s: String) -> Bool { pattern.contains(s) }
}
