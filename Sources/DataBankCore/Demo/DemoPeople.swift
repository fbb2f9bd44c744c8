/// The demo city's residents, as the property register and the welfare rolls name them: person
/// `p` always has the same resident ID (with a valid GB 11643 check character), name and gender.
///
/// The registers overlap on purpose: persons 0–249 own homes, persons 200–499 receive
/// assistance — so 200–249 are the cases a cross-check (核查比对) should find.
public enum DemoPeople {
    static let surnames = Array("陈李黄张梁何罗林吴刘周郑冯邓叶谭苏卢")
    static let given = ["伟明", "晓琳", "志强", "嘉欣", "丽华", "国强", "淑芬", "建华", "秀英", "俊杰", "美玲", "家豪"]
    static let districts = ["440604", "440605", "440606", "440607", "440608"]
    static let districtNames = ["禅城区", "南海区", "顺德区", "三水区", "高明区"]

    /// 18 characters: district, birth date (1950–1999), sequence, check character.
    public static func residentID(_ p: Int) -> String {
        let birth = CivilDate(daysSinceEpoch: -7_300 + (p &* 3_677) % 18_000)
        let body =
            districts[districtIndex(p)] + birth.iso.replacingOccurrences(of: "-", with: "")
            + String(100 + p % 900).suffix(3)
        return body + String(checkCharacter(body))
    }

    /// GB 11643-1999: the weighted sum of the 17 digits mod 11 picks the check character.
    public static func checkCharacter(_ body17: String) -> Character {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body17.compactMap(\.wholeNumberValue), weights).reduce(0) { $0 + $1.0 * $1.1 }
        return Array("10X98765432")[sum % 11]
    }

    public static func name(_ p: Int) -> String { String(surnames[p % surnames.count]) + given[(p / surnames.count) % given.count] }
    public static func gender(_ p: Int) -> String { p % 2 == 0 ? "1" : "2" }
    public static func district(_ p: Int) -> String { districts[districtIndex(p)] }

    /// Person `p`'s district, spread as Foshan's people are (南海 and 顺德 the largest, 高明 the
    /// smallest), the same in the resident ID, the region item and the address.
    static func districtIndex(_ p: Int) -> Int {
        let share = Int((UInt64(truncatingIfNeeded: p) &* 2_654_435_761) % 100)
        return [16, 50, 80, 91].firstIndex { share < $0 } ?? 4
    }

    /// An address in person `p`'s district (`variant`: another home of the same person).
    public static func address(_ p: Int, variant: Int = 0) -> String {
        let d = districtIndex(p), n = p + variant
        return "佛山市\(districtNames[d])\(["祖庙", "桂城", "大良", "西南", "荷城"][d])街道\(n % 80 + 1)号\(n % 30 + 1)座\(n % 20 + 1)0\(n % 4 + 1)房"
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
