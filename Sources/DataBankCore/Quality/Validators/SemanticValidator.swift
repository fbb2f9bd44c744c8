/// Semantic checks of single values against the Chinese identifier and format standards
/// (GB 11643, GB 32100, GB 11714, GB/T 2260) and the formats departments use.
///
/// Each check returns nil for a valid value, or the first problem found. Values are expected
/// trimmed; see `ValueScan` for the checks shared by every kind (`empty`, `whitespace`,
/// `fullwidth`). Pure functions: no I/O, no clock (`today` is passed in).
public enum SemanticValidator {
    /// nil when valid. `today` decides "birth date not in the future". The kinds with no
    /// semantic rule here (plain, personName, address, plate) always pass.
    public static func check(_ value: String, as kind: SemanticKind, today: CivilDate) -> ValueFinding? {
        if quicklyValid(value, as: kind, today: today) { return nil }
        return switch kind {
        case .residentID: residentID(value, today: today)
        case .creditCode: creditCode(value)
        case .mobile: mobile(value)
        case .landline: landline(value)
        case .regionCode: regionCode(value)
        case .postalCode: postalCode(value)
        case .email: email(value)
        case .date: date(value)
        case .plain, .personName, .address, .plate: nil
        }
    }

    // MARK: Resident identity number (GB 11643)

    static let idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let idCheckChars = Array("10X98765432")

    /// 18 characters: region (GB/T 2260, retired codes and province/prefecture codes accepted),
    /// birth date (real, 1900-01-01…today), sequence, and the ISO 7064 MOD 11-2 check character.
    /// The 15-digit numbers of before 1999 are refused (`id_legacy_15`); a lowercase `x` is
    /// refused (`id_format`): the standard writes the check character as a capital X.
    public static func residentID(_ v: String, today: CivilDate) -> ValueFinding? {
        let c = Array(v)
        if let f = ValueScan.precheck(c) { return f }
        if c.count == 15, ValueScan.firstNonDigit(c, 0..<15) == nil {
            return ValueFinding("id_legacy_15", zh: "15 位旧版身份证号码，应换用 18 位号码", en: "A 15-digit pre-1999 ID number; the 18-character number is required")
        }
        guard c.count == 18 else { return ValueScan.length("id_length", "公民身份号码", "A resident ID number", expected: "18", got: c.count) }
        if let i = ValueScan.firstNonDigit(c, 0..<17) {
            return ValueFinding("id_format", zh: "第 \(i + 1) 位“\(c[i])”应为数字", en: "Character \(i + 1) '\(c[i])' must be a digit", at: i)
        }
        if c[17] == "x" {
            return ValueFinding("id_format", zh: "校验码应为大写 X，不是小写 x", en: "The check character must be a capital X, not a lowercase x", at: 17)
        }
        guard ValueScan.isDigit(c[17]) || c[17] == "X" else {
            return ValueFinding("id_format", zh: "第 18 位“\(c[17])”应为数字或 X", en: "Character 18 '\(c[17])' must be a digit or X", at: 17)
        }
        let region = String(c[0..<6])
        guard RegionCodes.isKnown(region) else {
            return ValueFinding("id_region", zh: "地址码 \(region) 不是行政区划代码", en: "Address code \(region) is not an administrative division code", at: 0)
        }
        guard let birth = idBirthDate(c), birth.year >= 1900, birth <= today else {
            let text = String(c[6..<14])
            return ValueFinding("id_birth_date", zh: "出生日期 \(text) 无效（须为 1900 年以后、不晚于今天的真实日期）", en: "Birth date \(text) is invalid (a real date from 1900 on, not after today)", at: 6)
        }
        let expected = idCheckCharacter(c)
        guard c[17] == expected else {
            return ValueFinding("id_check", zh: "校验码错误：应为 \(expected)，实际为 \(c[17])", en: "Wrong check character: expected \(expected), found \(c[17])", at: 17)
        }
        return nil
    }

    /// The ISO 7064 MOD 11-2 check character of the first 17 digits.
    static func idCheckCharacter(_ c: [Character]) -> Character {
        let s = (0..<17).reduce(0) { $0 + ValueScan.digit(c[$1]) * idWeights[$1] }
        return idCheckChars[s % 11]
    }

    static func idBirthDate(_ c: [Character]) -> CivilDate? {
        CivilDate(year: ValueScan.number(c, 6, 4), month: ValueScan.number(c, 10, 2), day: ValueScan.number(c, 12, 2))
    }

    /// 18 characters, the first 17 digits, the last a digit or X.
    static func idShape(_ v: String) -> [Character]? {
        let c = Array(v)
        guard c.count == 18, ValueScan.firstNonDigit(c, 0..<17) == nil, ValueScan.isDigit(c[17]) || c[17] == "X" else { return nil }
        return c
    }

    /// The birth date written in an 18-character resident ID (nil when the value is not shaped
    /// like one or the date does not exist). The check character is not verified: run
    /// `residentID` for that.
    public static func birthDate(fromResidentID v: String) -> CivilDate? {
        idShape(v).flatMap(idBirthDate)
    }

    /// The gender written in an 18-character resident ID, as GB/T 2261.1 codes it: "1" male
    /// (odd sequence), "2" female (even). nil when the value is not shaped like an ID.
    public static func gender(fromResidentID v: String) -> String? {
        guard let c = idShape(v) else { return nil }
        return ValueScan.digit(c[16]) % 2 == 1 ? "1" : "2"
    }
}
