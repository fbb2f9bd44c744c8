extension Masker {
    /// One value made coarser, or nil when it does not have the expected shape (a value that
    /// cannot be generalized is withheld rather than shown in full).
    public static func generalize(_ value: String, to level: Generalization, today: CivilDate) -> String? {
        switch level {
        case .year: return DateParsing.dateTime(value).map { pad($0.date.year, 4) }
        case .yearMonth: return DateParsing.dateTime(value).map { pad($0.date.year, 4) + "-" + pad($0.date.month, 2) }
        case .district: return district(value)
        case .ageBand: return ageBand(value, today: today)
        }
    }

    /// "佛山市南海区桂城街道…" → "佛山市南海区": the text up to the first 区 or 县 after the city
    /// (市辖区 ends in 区 too). With no district, up to the city; with neither, nil. A region code
    /// of 6 or more digits → its first 6 digits, the county-level code.
    static func district(_ value: String) -> String? {
        let chars = Array(value.trimmingSpaces)
        if chars.count >= 6, chars.allSatisfy({ $0.isASCII && $0.isNumber }) { return String(chars.prefix(6)) }
        let city = chars.firstIndex(of: "市")
        let searchFrom = city.map { $0 + 1 } ?? 0
        if let end = chars[searchFrom...].firstIndex(where: { $0 == "区" || $0 == "县" }) {
            return String(chars[...end])
        }
        return city.map { String(chars[...$0]) }
    }

    /// An integer age, or a date (of birth) aged on `today`, as a 10-year band; nil for anything else.
    static func ageBand(_ value: String, today: CivilDate) -> String? {
        let text = value.trimmingSpaces
        let age: Int
        if let years = Int(text) {
            age = years
        } else if let born = DateParsing.dateTime(text)?.date {
            age = today.year - born.year - ((today.month, today.day) < (born.month, born.day) ? 1 : 0)
        } else {
            return nil
        }
        guard age >= 0 else { return nil }
        if age >= 80 { return "80+" }
        let low = age / 10 * 10
        return "\(low)-\(low + 9)"
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(width - digits.count, 0)) + digits
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks; Foundation-free.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
