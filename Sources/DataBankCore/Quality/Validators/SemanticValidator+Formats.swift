/// Phone numbers, postal and region codes, dates.
extension SemanticValidator {
    /// 11 digits, 1[3-9]…. Tolerated, because the number is the same: a country prefix `+86`,
    /// `0086` or `86` (then 13/15 digits), and single spaces or hyphens between digit groups
    /// (`138 0013 8000`, `+86-138-0013-8000`). Any other character is refused (`mobile_format`).
    public static func mobile(_ v: String) -> ValueFinding? {
        let c = Array(v)
        if let f = ValueScan.precheck(c) { return f }
        var digits: [(Character, Int)] = []
        for (i, ch) in c.enumerated() {
            if ValueScan.isDigit(ch) { digits.append((ch, i)); continue }
            let separator = (ch == " " || ch == "-") && i > 0 && ValueScan.isDigit(c[i - 1])
            guard separator || (ch == "+" && i == 0) else {
                return ValueFinding("mobile_format", zh: "第 \(i + 1) 位“\(ch)”不应出现在手机号码中", en: "Character \(i + 1) '\(ch)' does not belong in a mobile number", at: i)
            }
        }
        let text = String(digits.map(\.0))
        if c.first == "+" || (digits.count == 13 && text.hasPrefix("86")) || (digits.count == 15 && text.hasPrefix("0086")) {
            let prefix = text.hasPrefix("0086") ? 4 : 2
            guard text.hasPrefix("86") || prefix == 4 else {
                return ValueFinding("mobile_format", zh: "只接受 +86 国家代码", en: "Only the +86 country code is accepted", at: 0)
            }
            digits.removeFirst(min(prefix, digits.count))
        }
        guard digits.count == 11 else { return ValueScan.length("mobile_length", "手机号码", "A mobile number", expected: "11", got: digits.count) }
        guard digits[0].0 == "1", "3456789".contains(digits[1].0) else {
            return ValueFinding("mobile_prefix", zh: "手机号码应以 13–19 开头", en: "A mobile number starts with 13–19", at: digits[0].1)
        }
        return nil
    }

    /// `0` + 2–3 digit area code, an optional hyphen (or space), 7–8 digits, then an optional
    /// extension of 1–6 digits after `-` or `转`: `0757-86281234`, `02088889999`, `010 12345678-123`.
    /// Parentheses around the area code are not accepted.
    public static func landline(_ v: String) -> ValueFinding? {
        let c = Array(v)
        if let f = ValueScan.precheck(c) { return f }
        if let i = c.firstIndex(where: { !ValueScan.isDigit($0) && !"- 转".contains($0) }) {
            return ValueFinding("landline_format", zh: "第 \(i + 1) 位“\(c[i])”不应出现在固定电话中", en: "Character \(i + 1) '\(c[i])' does not belong in a landline number", at: i)
        }
        var main = c[...], ext: ArraySlice<Character>? = nil
        if let t = c.firstIndex(of: "转") { main = c[..<t]; ext = c[(t + 1)...] }
        var groups = main.split(omittingEmptySubsequences: false) { $0 == "-" || $0 == " " }
        guard groups.count <= (ext == nil ? 3 : 2), groups.allSatisfy({ !$0.isEmpty }) else {
            return ValueFinding("landline_format", zh: "分隔符位置不对：应为 区号-号码[-分机]", en: "Misplaced separators: area-number[-extension]")
        }
        if ext == nil, groups.count == 3 || (groups.count == 2 && groups[0].count >= 10) { ext = groups.removeLast() }
        if let ext, ext.isEmpty || ext.count > 6 || !ext.allSatisfy(ValueScan.isDigit) { return extensionFinding }
        let all = Array(groups.joined())
        guard all.first == "0" else {
            return ValueFinding("landline_area", zh: "缺少以 0 开头的区号", en: "The area code starting with 0 is missing", at: 0)
        }
        if groups.count == 2 {
            guard (3...4).contains(groups[0].count) else {
                return ValueFinding("landline_area", zh: "区号应为 0 加 2–3 位数字", en: "The area code must be 0 and 2–3 digits", at: 0)
            }
            guard (7...8).contains(groups[1].count) else {
                return ValueScan.length("landline_length", "电话号码（不含区号）", "The number without the area code", expected: "7–8", got: groups[1].count)
            }
        } else {
            guard (10...12).contains(all.count) else {
                return ValueScan.length("landline_length", "区号加号码", "Area code and number", expected: "10–12", got: all.count)
            }
        }
        return nil
    }

    static let extensionFinding = ValueFinding("landline_extension", zh: "分机号应在“-”或“转”之后，为 1–6 位数字", en: "An extension is 1–6 digits after '-' or '转'")

    /// 6 ASCII digits whose first two are 01–86 (the province ranges of China Post's codes;
    /// 00 and 87–99 are unassigned), or 999077, the code written for Hong Kong and Macao.
    public static func postalCode(_ v: String) -> ValueFinding? {
        let c = Array(v)
        if let f = ValueScan.precheck(c) { return f }
        if let i = ValueScan.firstNonDigit(c, 0..<c.count) {
            return ValueFinding("postal_format", zh: "第 \(i + 1) 位“\(c[i])”应为数字", en: "Character \(i + 1) '\(c[i])' must be a digit", at: i)
        }
        guard c.count == 6 else { return ValueScan.length("postal_length", "邮政编码", "A postal code", expected: "6", got: c.count) }
        guard (1...86).contains(ValueScan.number(c, 0, 2)) || v == "999077" else {
            return ValueFinding("postal_range", zh: "邮政编码前两位应在 01–86 之间", en: "A postal code's first two digits are 01–86", at: 0)
        }
        return nil
    }

    /// 6 ASCII digits present in the GB/T 2260 table; retired codes are accepted (old records
    /// keep them): `RegionCodes.isRetired` tells them apart.
    public static func regionCode(_ v: String) -> ValueFinding? {
        let c = Array(v)
        if let f = ValueScan.precheck(c) { return f }
        if let i = ValueScan.firstNonDigit(c, 0..<c.count) {
            return ValueFinding("region_format", zh: "第 \(i + 1) 位“\(c[i])”应为数字", en: "Character \(i + 1) '\(c[i])' must be a digit", at: i)
        }
        guard c.count == 6 else { return ValueScan.length("region_length", "行政区划代码", "A region code", expected: "6", got: c.count) }
        guard RegionCodes.isKnown(v) else {
            return ValueFinding("region_unknown", zh: "\(v) 不在行政区划代码表中", en: "\(v) is not in the administrative division code table")
        }
        return nil
    }

    /// The formats departments use — 2024-03-05, 2024/3/5, 20240305, 2024年3月5日, 2024.03.05 —
    /// read by `DateParsing`; the date must exist (2023-02-29 is refused).
    public static func date(_ v: String) -> ValueFinding? {
        let c = Array(v)
        if let f = ValueScan.precheck(c) { return f }
        guard DateParsing.date(v) != nil else {
            return ValueFinding("date_format", zh: "不是有效日期（如 2024-03-05、2024/3/5、20240305、2024年3月5日）", en: "Not a valid date (e.g. 2024-03-05, 2024/3/5, 20240305, 2024年3月5日)")
        }
        return nil
    }
}
