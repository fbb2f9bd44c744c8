/// A calendar date, checked to exist.
public struct CivilDate: Hashable, Sendable, Comparable {
    public var year: Int, month: Int, day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= CivilDate.days(inMonth: month, year: year) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    public static func days(inMonth m: Int, year y: Int) -> Int {
        // A switch, not an array literal: every date of every row passes through here.
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(daysSinceEpoch z0: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0); self.month = m; self.day = d
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    public func appendISO(to out: inout [UInt8]) {
        DateParsing.appendDigits(year, 4, &out); out.append(0x2D)
        DateParsing.appendDigits(month, 2, &out); out.append(0x2D)
        DateParsing.appendDigits(day, 2, &out)
    }

    public var iso: String { var b: [UInt8] = []; appendISO(to: &b); return String(decoding: b, as: UTF8.self) }
}

/// A local date and time (the city's time zone), to the second.
public struct CivilDateTime: Hashable, Sendable {
    public var date: CivilDate
    public var hour: Int, minute: Int, second: Int

    public init(date: CivilDate, hour: Int, minute: Int, second: Int) {
        self.date = date; self.hour = hour; self.minute = minute; self.second = second
    }

    public func appendISO(to out: inout [UInt8]) {
        date.appendISO(to: &out); out.append(UInt8(ascii: "T"))
        DateParsing.appendDigits(hour, 2, &out); out.append(0x3A)
        DateParsing.appendDigits(minute, 2, &out); out.append(0x3A)
        DateParsing.appendDigits(second, 2, &out)
    }
}

/// Reads dates as departments write them: 2024-03-05, 2024/3/5, 2024.03.05, 20240305,
/// 2024年3月5日; date-times add " 08:30", " 08:30:15", "T08:30:15.250", "Z", "+08:00" or "+08"
/// (converted to the city's time, UTC+8).
public enum DateParsing {
    public static let cityUTCOffsetMinutes = 8 * 60

    public static func date(_ v: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        var p = Scanner(v)
        guard let d = p.date() else { return nil }
        // A date exported with a midnight time ("2024-03-05 00:00:00") is still a date.
        if p.atEnd { return d }
        guard p.skipDateTimeSeparator(), let t = p.time(), t.0 == 0, t.1 == 0, t.2 == 0, p.atEnd else { return nil }
        return d
    }

    public static func dateTime(_ v: UnsafeBufferPointer<UInt8>) -> CivilDateTime? {
        var p = Scanner(v)
        guard let d = p.date() else { return nil }
        if p.atEnd { return CivilDateTime(date: d, hour: 0, minute: 0, second: 0) }
        guard p.skipDateTimeSeparator(), let (h, m, s) = p.time() else { return nil }
        var stamp = CivilDateTime(date: d, hour: h, minute: m, second: s)
        if p.atEnd { return stamp }
        guard let offset = p.zoneOffsetMinutes(), p.atEnd else { return nil }
        if offset != cityUTCOffsetMinutes {
            let minutes = d.daysSinceEpoch * 1440 + h * 60 + m - offset + cityUTCOffsetMinutes
            let day = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440
            let rest = minutes - day * 1440
            stamp = CivilDateTime(date: CivilDate(daysSinceEpoch: day), hour: rest / 60, minute: rest % 60, second: s)
        }
        return stamp
    }

    public static func date(_ s: String) -> CivilDate? { var s = s; return s.withUTF8 { date($0) } }
    public static func dateTime(_ s: String) -> CivilDateTime? { var s = s; return s.withUTF8 { dateTime($0) } }

    /// The lowest `width` digits of `n`, zero-padded. No allocation: every date of every row comes here.
    static func appendDigits(_ n: Int, _ width: Int, _ out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<max(width, 1) { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(0x30 + (n / divisor) % 10))
            divisor /= 10
        }
    }

    struct Scanner {
        let v: UnsafeBufferPointer<UInt8>
        var i = 0
        init(_ v: UnsafeBufferPointer<UInt8>) { self.v = v }
        var atEnd: Bool { i == v.count }

        mutating func number(maxDigits: Int) -> (value: Int, digits: Int)? {
            var n = 0, count = 0
            while i < v.count, count < maxDigits, v[i] >= 0x30, v[i] <= 0x39 { n = n * 10 + Int(v[i] - 0x30); i += 1; count += 1 }
            return count == 0 ? nil : (n, count)
        }

        mutating func skip(_ bytes: [UInt8]) -> Bool {
            guard i + bytes.count <= v.count, Array(v[i..<i + bytes.count]) == bytes else { return false }
            i += bytes.count
            return true
        }

        static let nian = Array("年".utf8), yue = Array("月".utf8), ri = Array("日".utf8)

        mutating func date() -> CivilDate? {
            guard let (y, yd) = number(maxDigits: 8) else { return nil }
            if yd == 8 { return CivilDate(year: y / 10000, month: y / 100 % 100, day: y % 100) }  // 20240305
            guard yd == 4 else { return nil }
            if skip(Self.nian) {
                guard let (m, _) = number(maxDigits: 2), skip(Self.yue), let (d, _) = number(maxDigits: 2) else { return nil }
                _ = skip(Self.ri)
                return CivilDate(year: y, month: m, day: d)
            }
            guard i < v.count, [0x2D, 0x2F, 0x2E].contains(v[i]) else { return nil }  // - / .
            let sep = v[i]; i += 1
            guard let (m, _) = number(maxDigits: 2), i < v.count, v[i] == sep else { return nil }
            i += 1
            guard let (d, _) = number(maxDigits: 2) else { return nil }
            return CivilDate(year: y, month: m, day: d)
        }

        mutating func skipDateTimeSeparator() -> Bool {
            guard i < v.count, v[i] == 0x20 || v[i] == UInt8(ascii: "T") else { return false }
            while i < v.count && (v[i] == 0x20 || v[i] == UInt8(ascii: "T")) { i += 1 }
            return true
        }

        mutating func time() -> (Int, Int, Int)? {
            guard let (h, _) = number(maxDigits: 2), h < 24, skip([0x3A]), let (m, md) = number(maxDigits: 2), md == 2, m < 60 else { return nil }
            var s = 0
            if skip([0x3A]) {
                guard let (sec, sd) = number(maxDigits: 2), sd == 2, sec < 60 else { return nil }
                s = sec
                if skip([0x2E]) { guard number(maxDigits: 9) != nil else { return nil } }  // fraction dropped
            }
            return (h, m, s)
        }

        mutating func zoneOffsetMinutes() -> Int? {
            if skip([UInt8(ascii: "Z")]) { return 0 }
            guard i < v.count, v[i] == 0x2B || v[i] == 0x2D else { return nil }
            let sign = v[i] == 0x2D ? -1 : 1
            i += 1
            guard let (h, hd) = number(maxDigits: 2), hd == 2, h <= 14 else { return nil }
            // "+08": ISO 8601's whole-hour offset, as PostgreSQL prints a timestamptz.
            if atEnd { return sign * h * 60 }
            _ = skip([0x3A])
            guard let (m, md) = number(maxDigits: 2), md == 2, m < 60 else { return nil }
            return sign * (h * 60 + m)
        }
    }
}
