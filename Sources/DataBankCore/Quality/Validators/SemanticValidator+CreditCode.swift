/// Unified social credit code (GB 32100-2015) and its embedded organisation code (GB 11714).
extension SemanticValidator {
    static let usccAlphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let usccValue: [Character: Int] = Dictionary(uniqueKeysWithValues: usccAlphabet.enumerated().map { ($1, $0) })
    static let usccWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    static let orgWeights = [3, 7, 9, 10, 5, 8, 4, 2]

    /// Registration authority (character 1) → the entity types (character 2) it may assign.
    ///
    /// GB 32100-2015 Annex A lists 1 机构编制, 5 民政, 9 工商 and Y 其他; the code administration
    /// has since assigned the other authorities, as published with the code rules:
    /// - 1 机构编制: 1 机关, 2 事业单位, 3 中央编办直接管理机构编制的群众团体, 9 其他
    /// - 2 外交: 1 外国常驻新闻机构, 9 其他
    /// - 3 司法行政: 1 律师执业机构, 2 公证处, 3 基层法律服务所, 4 司法鉴定机构, 5 仲裁委员会, 9 其他
    /// - 4 文化: 1 外国在华文化中心, 9 其他
    /// - 5 民政: 1 社会团体, 2 民办非企业单位（社会服务机构）, 3 基金会, 9 其他
    /// - 6 旅游: 1 外国旅游部门常驻代表机构, 2 港澳台地区旅游部门常驻内地（大陆）代表机构, 9 其他
    /// - 7 宗教: 1 宗教活动场所, 2 宗教院校, 9 其他
    /// - 8 工会: 1 基层工会, 9 其他
    /// - 9 工商（市场监管）: 1 企业, 2 个体工商户, 3 农民专业合作社
    /// - A 中央军委改革和编制办公室: 1 军队事业单位, 9 其他
    /// - N 农业: 1 组级, 2 村级, 3 乡镇级集体经济组织, 9 其他
    /// - Y 其他: 1 (no further classes)
    static let usccTypes: [Character: Set<Character>] = [
        "1": ["1", "2", "3", "9"], "2": ["1", "9"], "3": ["1", "2", "3", "4", "5", "9"], "4": ["1", "9"],
        "5": ["1", "2", "3", "9"], "6": ["1", "2", "9"], "7": ["1", "2", "9"], "8": ["1", "9"],
        "9": ["1", "2", "3"], "A": ["1", "9"], "N": ["1", "2", "3", "9"], "Y": ["1"],
    ]

    /// 18 characters from the 31-symbol alphabet (no I, O, S, V, Z; capitals only); a known
    /// authority/type pair; a GB/T 2260 region (retired codes and 100000 for national
    /// registrations accepted); the organisation code's own check (character 17); the final
    /// MOD 31 check character.
    public static func creditCode(_ v: String) -> ValueFinding? {
        let c = Array(v)
        if let f = ValueScan.precheck(c) { return f }
        guard c.count == 18 else { return ValueScan.length("uscc_length", "统一社会信用代码", "A unified social credit code", expected: "18", got: c.count) }
        if let i = c.firstIndex(where: { usccValue[$0] == nil }) { return badSymbol(c[i], at: i) }
        guard let types = usccTypes[c[0]] else {
            return ValueFinding("uscc_type", zh: "登记管理部门代码“\(c[0])”未定义", en: "Registration authority code '\(c[0])' is not defined", at: 0)
        }
        guard types.contains(c[1]) else {
            return ValueFinding("uscc_type", zh: "登记管理部门“\(c[0])”下没有机构类别“\(c[1])”", en: "Registration authority '\(c[0])' has no entity type '\(c[1])'", at: 1)
        }
        let region = String(c[2..<8])
        guard ValueScan.firstNonDigit(c, 2..<8) == nil, region == "100000" || RegionCodes.isKnown(region) else {
            return ValueFinding("uscc_region", zh: "登记管理机关行政区划码 \(region) 不是行政区划代码", en: "Registration region \(region) is not an administrative division code", at: 2)
        }
        let org = orgCheckCharacter(Array(c[8..<16]))
        guard c[16] == org else {
            return ValueFinding("uscc_org_check", zh: "组织机构代码（第 9–17 位）校验码错误：第 17 位应为 \(org)，实际为 \(c[16])", en: "Wrong organisation code (characters 9–17) check: character 17 should be \(org), found \(c[16])", at: 16)
        }
        let expected = usccCheckCharacter(c)
        guard c[17] == expected else {
            return ValueFinding("uscc_check", zh: "校验码错误：应为 \(expected)，实际为 \(c[17])", en: "Wrong check character: expected \(expected), found \(c[17])", at: 17)
        }
        return nil
    }

    static func badSymbol(_ ch: Character, at i: Int) -> ValueFinding {
        if ch.isASCII, ch.isLowercase, usccValue[Character(ch.uppercased())] != nil {
            return ValueFinding("uscc_alphabet", zh: "第 \(i + 1) 位“\(ch)”应为大写字母", en: "Character \(i + 1) '\(ch)' must be a capital letter", at: i)
        }
        if "IOSVZiosvz".contains(ch) {
            return ValueFinding("uscc_alphabet", zh: "第 \(i + 1) 位“\(ch)”：统一社会信用代码不使用字母 I、O、S、V、Z", en: "Character \(i + 1) '\(ch)': the code never uses the letters I, O, S, V, Z", at: i)
        }
        return ValueFinding("uscc_alphabet", zh: "第 \(i + 1) 位“\(ch)”不是统一社会信用代码字符", en: "Character \(i + 1) '\(ch)' is not a credit code symbol", at: i)
    }

    /// GB 11714: weights 3 7 9 10 5 8 4 2 over the values (digits, A=10 … Z=35) of the first
    /// 8 characters; c = 11 − S mod 11, written X for 10 and 0 for 11.
    static func orgCheckCharacter(_ body: [Character]) -> Character {
        let s = zip(body, orgWeights).reduce(0) { sum, p in
            let v = ValueScan.isDigit(p.0) ? ValueScan.digit(p.0) : Int(p.0.asciiValue! - 55)
            return sum + v * p.1
        }
        let check = 11 - s % 11
        return check == 10 ? "X" : check == 11 ? "0" : Character(String(check))
    }

    /// GB 32100: weights 3^(i−1) mod 31 over the alphabet values of the first 17 characters;
    /// the check is alphabet[(31 − S mod 31) mod 31].
    static func usccCheckCharacter(_ c: [Character]) -> Character {
        let s = (0..<17).reduce(0) { $0 + usccValue[c[$1]]! * usccWeights[$1] }
        return usccAlphabet[(31 - s % 31) % 31]
    }
}
