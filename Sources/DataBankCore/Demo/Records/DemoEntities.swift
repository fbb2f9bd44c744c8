import Foundation

/// The demo city's people and enterprises, each a pure function of its number: person 17 has
/// the same ID number, name and address in the household register, the social-insurance
/// contributions and the housing fund, so the registers can be cross-checked like real ones.
struct DemoPerson: Sendable {
    var idNumber: String, name: String, gender: String, birth: CivilDate, district: Int, street: String, address: String, mobile: String
}

struct DemoEnterprise: Sendable {
    var creditCode: String, registrationNo: String, name: String, legalRep: String, district: Int, street: String, address: String
    var industry: Int, capitalWan: Double, established: CivilDate, phone: String
}

enum DemoEntities {
    /// People are 18–78 years old; one birth day per residue of `ageDays`, so IDs never collide.
    static let ageDays = 21_900

    static func person(_ n: Int, today: CivilDate) -> DemoPerson {
        var rng = DemoRandom(seed: 0x00_9E50_0000 &+ UInt64(n) &* 0x9E37_79B9)
        let d = DemoFoshan.district(&rng)
        let birth = CivilDate(daysSinceEpoch: today.daysSinceEpoch - 6_575 - (n % ageDays) &* 7_919 % ageDays)
        let male = rng.int(2) == 0
        // The 3-digit sequence: distinct for the rows sharing a birth day, odd for men (GB 11643).
        let k = (n / ageDays + (n % ageDays) &* 131) % 500
        var body = Array(
            DemoFoshan.districts[d].code + demoPad(birth.year, 4) + demoPad(birth.month, 2) + demoPad(birth.day, 2) + demoPad(k * 2 + (male ? 1 : 0), 3))
        let sum = zip(body, SemanticValidator.idWeights).reduce(0) { $0 + Int($1.0.asciiValue! - 48) * $1.1 }
        body.append(SemanticValidator.idCheckChars[sum % 11])
        let (street, address) = DemoValues.address(district: d, &rng, home: true)
        let name = DemoFoshan.personName(&rng, male: male)
        return DemoPerson(
            idNumber: String(body), name: name, gender: male ? "1" : "2", birth: birth, district: d, street: street,
            address: address, mobile: DemoValues.mobile(&rng))
    }

    /// `kind`: the credit code's first two characters (91 enterprise, 92 individual business, 52 social organisation).
    static func enterprise(_ n: Int, today: CivilDate, kind: String = "91") -> DemoEnterprise {
        var rng = DemoRandom(seed: 0x00_C0DE_0000 &+ UInt64(n) &* 0x9E37_79B9)
        let d = DemoFoshan.district(&rng)
        let district = DemoFoshan.districts[d]
        // The organisation code: a bijection of n over 10^8 (the multiplier is prime to 10), so codes never repeat.
        var org = Array(demoPad((n &* 7_368_787 &+ 12_345_678) % 100_000_000, 8))
        org.append(SemanticValidator.orgCheckCharacter(org))
        var code = Array(kind + district.code) + org
        code.append(SemanticValidator.usccCheckCharacter(code))
        let industry = DemoFoshan.industry(&rng)
        let x = DemoFoshan.industries[industry]
        let trade = String(DemoFoshan.tradeFirst[rng.int(DemoFoshan.tradeFirst.count)]) + String(DemoFoshan.tradeSecond[rng.int(DemoFoshan.tradeSecond.count)])
        let name: String
        switch kind {
        case "92": name = district.name + trade + x.word + (rng.int(2) == 0 ? "店" : "经营部")
        case "52": name = "佛山市" + district.name + rng.pick(["", "青年", "民营", "家电", "陶瓷", "家具"]) + rng.pick(["商会", "行业协会", "志愿者协会", "社会工作服务中心", "慈善会"])
        default: name = "佛山市" + district.name + trade + x.word + (rng.int(6) == 0 ? "股份有限公司" : "有限公司")
        }
        // Capital is log-uniform inside the industry's range, rounded as registrations are (whole 万元 or tens).
        let capital = (DemoValues.logUniform(x.capital, &rng) / (rng.int(3) == 0 ? 10 : 1)).rounded()
        // Founding dates as a register's surviving firms show them: ages fall off exponentially (a
        // firm lives about nine years on average), so recent months hold somewhat more firms than older
        // ones — not the ten-fold spike of the last months that a squared uniform gave; at most 30 years.
        let u = rng.unit()
        let age = min(10_950, Int(-3_300 * log(1 - u * 0.999)))
        let established = CivilDate(daysSinceEpoch: today.daysSinceEpoch - 20 - age)
        let (street, address) = DemoValues.address(district: d, &rng, home: false)
        let phone = rng.int(3) == 0 ? DemoValues.mobile(&rng) : DemoValues.landline(&rng)
        return DemoEnterprise(
            creditCode: String(code), registrationNo: district.code + demoPad((n &* 3_999_971 &+ 7) % 1_000_000_000, 9),
            name: name, legalRep: DemoFoshan.personName(&rng), district: d, street: street, address: address,
            industry: industry, capitalWan: max(capital, 1), established: established, phone: phone)
    }
}
