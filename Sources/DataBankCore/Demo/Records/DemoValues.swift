/// Small generators shared by the demo's records: places, phones, numbers and dates with a
/// realistic spread. Each draws from the caller's seeded generator.
enum DemoValues {
    static func address(district d: Int, _ rng: inout DemoRandom, home: Bool) -> (street: String, address: String) {
        let district = DemoFoshan.districts[d]
        let street = rng.pick(district.streets)
        let road = rng.pick(district.roads)
        var text = "佛山市\(district.name)\(street)\(road)\(1 + rng.int(288))号"
        if home {
            text += "\(1 + rng.int(30))座\(1 + rng.int(32))\(demoPad(1 + rng.int(6), 2))房"
        } else if rng.int(3) == 0 {
            text += rng.pick(["之一", "首层", "\(1 + rng.int(20))楼\(demoPad(1 + rng.int(20), 2))室", "\(rng.pick(["A", "B", "C"]))座\(1 + rng.int(25))层"])
        }
        return (street, text)
    }

    static let mobilePrefixes = [
        "134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158", "159", "182", "183",
        "187", "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "181", "189", "199", "177"
    ]

    static func mobile(_ rng: inout DemoRandom) -> String { rng.pick(mobilePrefixes) + demoPad(rng.int(100_000_000), 8) }

    /// Foshan's numbers: 0757 and eight digits starting 8, 2 or 6.
    static func landline(_ rng: inout DemoRandom) -> String { "0757-" + rng.pick(["8", "2", "6"]) + demoPad(rng.int(10_000_000), 7) }

    static func logUniform(_ range: ClosedRange<Double>, _ rng: inout DemoRandom) -> Double {
        let lo = range.lowerBound.squareRoot().squareRoot(), hi = range.upperBound.squareRoot().squareRoot()
        let r = lo + (hi - lo) * rng.unit()
        return r * r * r * r  // a fourth-power stretch: most values small, a long tail of large ones
    }

    /// `value` with exactly `places` decimals, clamped to `length` total digits.
    static func decimal(_ value: Double, places: Int, length: Int?) -> String {
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        var limit = Int.max / 4
        if let length, length - places < 16 {
            limit = 1
            for _ in 0..<max(0, length - places) { limit *= 10 }
            limit = limit * scale - 1
        }
        let scaled = min(max(Int((abs(value) * Double(scale)).rounded()), 0), limit)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        return places == 0 ? sign + String(scaled) : sign + String(scaled / scale) + "." + demoPad(scaled % scale, places)
    }

    /// Relative activity by calendar month: a Spring Festival trough in February, busy March and December.
    static let monthWeight = [10, 6, 11, 10, 10, 10, 9, 9, 10, 9, 11, 12]

    /// A day in the 24 months up to `today`, more in recent months (the city grows) and by season.
    static func eventDay(_ today: CivilDate, months: Int = 24, _ rng: inout DemoRandom) -> CivilDate {
        var weights: [Int] = [], total = 0
        for back in 0..<months {
            let m = ((today.month - 1 - back) % 12 + 12) % 12
            let w = monthWeight[m] * (100 + 2 * (months - back))
            weights.append(w); total += w
        }
        var r = rng.int(total), back = 0
        while back < months - 1 && r >= weights[back] { r -= weights[back]; back += 1 }
        var y = today.year, m = today.month - back
        while m < 1 { m += 12; y -= 1 }
        let last = back == 0 ? today.day : CivilDate.days(inMonth: m, year: y)
        return CivilDate(year: y, month: m, day: 1 + rng.int(last))!
    }

    static func month(_ d: CivilDate) -> String { demoPad(d.year, 4) + demoPad(d.month, 2) }

    static func stamp(_ day: CivilDate, seconds: Int) -> String {
        let s = ((seconds % 86_400) + 86_400) % 86_400
        return day.iso + " " + demoPad(s / 3600, 2) + ":" + demoPad(s / 60 % 60, 2) + ":" + demoPad(s % 60, 2)
    }

    static func stamp(localSeconds t: Int) -> String {
        let day = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        return stamp(CivilDate(daysSinceEpoch: day), seconds: t - day * 86_400)
    }

    /// Office hours: 08:30–17:30.
    static func officeSeconds(_ rng: inout DemoRandom) -> Int { 30_600 + rng.int(32_400) }

    /// `unique`: distinct for distinct `n` (a key), so never the new-energy form.
    static func plate(_ n: Int, _ rng: inout DemoRandom, unique: Bool = false) -> String {
        // 粤E is Foshan; 粤X and 粤Y were Shunde's and Nanhai's. Five symbols, or D/F + five digits for new-energy cars.
        let letters = Array("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
        let city = rng.int(10) < 7 ? "E" : (rng.int(2) == 0 ? "X" : "Y")
        if !unique && rng.int(5) == 0 { return "粤" + city + (rng.int(2) == 0 ? "D" : "F") + demoPad(n % 100_000, 5) }
        var x = n &* 7_368_787 % 45_435_424, out = ""
        for _ in 0..<5 { out.append(letters[x % 34]); x /= 34 }
        return "粤" + city + out
    }
}
