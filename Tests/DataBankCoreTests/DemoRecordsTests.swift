import Testing
@testable import DataBankCore

/// The demo's records: every published store's generated rows pass its own rules.
@Suite("Demo records")
struct DemoRecordsTests {
    static let city = DemoCity.generate(scale: .seed)
    /// 2026-11-28 10:15 in Foshan.
    static let now = CivilDate(year: 2026, month: 11, day: 28)!.daysSinceEpoch * 86_400 + 36_900

    static func setup(_ r: DemoResource) -> (layout: RecordLayout, rules: [QualityRule]) {
        let standards = Dictionary(city.standards.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let precision = Dictionary(city.standards.compactMap { s in s.precision.map { (s.code, $0) } }, uniquingKeysWith: { a, _ in a })
        return (RecordLayout(r.snapshot, precision: precision), DerivedRules.rules(items: r.snapshot.items, standards: standards))
    }

    static func validate(_ r: DemoResource, rows: Int) throws -> (ValidationReport, DemoRecordGenerator) {
        let (layout, rules) = setup(r)
        var g = DemoRecordGenerator(layout: layout, rules: rules, resourceName: r.snapshot.name, rows: rows, nowLocalSeconds: now)
        if g.capacity < rows {
            g = DemoRecordGenerator(layout: layout, rules: rules, resourceName: r.snapshot.name, rows: g.capacity, nowLocalSeconds: now)
        }
        let v = CSVValidation(layout: layout, rules: rules, today: CivilDate(daysSinceEpoch: now / 86_400))
        let text = Array((g.header + "\n" + g.csv(0..<g.rows)).utf8)
        try text.withUnsafeBufferPointer { try v.feed($0) }
        return (try v.finish(), g)
    }

    /// Every published store of the seed city: 80 generated rows, checked cell by cell (type,
    /// length, required, key uniqueness) and by every derived rule, without a finding.
    @Test func everyPublishedStorePassesItsRules() throws {
        var failures: [String] = []
        for r in Self.city.resources where r.state == .published {
            let (report, _) = try Self.validate(r, rows: 80)
            if !report.valid {
                let lines = report.lines.prefix(3).map { "\($0.column ?? "") \($0.value ?? "nil"): \($0.messageEn)" }
                failures.append("\(r.snapshot.name): " + lines.joined(separator: "; "))
            }
        }
        #expect(failures.isEmpty, "\(failures.count) stores: \(failures.prefix(10).joined(separator: "\n"))")
    }

    /// The enterprise register's rows read like a register: distinct names, districts of Foshan,
    /// capital in 万元, past establishment dates, credit codes whose check characters hold.
    @Test func enterprisesLookReal() throws {
        let r = try #require(Self.city.resources.first { $0.snapshot.name == "企业登记信息表" })
        let (report, g) = try Self.validate(r, rows: 2_000)
        #expect(report.valid)
        let names = g.layout.columns.map(\.name)
        let rows = (0..<2_000).map { g.row($0) }
        func column(_ name: String) -> [String] { let k = names.firstIndex(of: name)!; return rows.map { $0[k] } }
        #expect(Set(column("enterprise_name")).count > 1_500)
        #expect(column("enterprise_name").allSatisfy { name in name.hasPrefix("佛山市") && ["禅城区", "南海区", "顺德区", "三水区", "高明区"].contains { name.contains($0) } })
        #expect(Set(column("legal_rep")).count > 300)
        #expect(Set(column("establish_date")).count > 1_000)
        #expect(column("establish_date").allSatisfy { $0 <= "2026-11-28" })
        #expect(column("approval_date").allSatisfy { $0 <= "2026-11-28" })
        #expect(Set(column("region_code")).count == 5)
        #expect(column("residence").allSatisfy { $0.hasPrefix("佛山市") && $0.contains("号") })
        #expect(column("credit_code").allSatisfy { SemanticValidator.creditCode($0) == nil })
        // The region is the district in the name; the record was last updated after its approval.
        let codes = ["禅城区": "440604", "南海区": "440605", "顺德区": "440606", "三水区": "440607", "高明区": "440608"]
        for (name, (region, (approved, updated))) in zip(
            column("enterprise_name"), zip(column("region_code"), zip(column("approval_date"), column("update_time"))))
        {
            #expect(codes.first { name.contains($0.key) }?.value == region, "\(name) in \(region)")
            #expect(String(updated.prefix(10)) >= approved, "\(name): updated \(updated), approved \(approved)")
        }
    }

    /// People's ID numbers carry their birth date and gender; births are in the past.
    @Test func peopleAgreeWithTheirIDNumbers() throws {
        let r = try #require(Self.city.resources.first { $0.snapshot.name == "户籍人口信息" })
        let (report, g) = try Self.validate(r, rows: 3_000)
        #expect(report.valid)
        let names = g.layout.columns.map(\.name)
        let id = names.firstIndex(of: "id_number")!, birth = names.firstIndex(of: "birth_date")!, gender = names.firstIndex(of: "gender")!
        for i in 0..<3_000 {
            let row = g.row(i)
            #expect(SemanticValidator.birthDate(fromResidentID: row[id])?.iso == row[birth])
            #expect(SemanticValidator.gender(fromResidentID: row[id]) == row[gender])
            #expect(row[id].hasPrefix("4406"))
        }
    }

    /// A case is accepted before it is finished, a record created before it is updated, and none after now.
    @Test func timesAreInOrderAndPast() throws {
        let r = try #require(Self.city.resources.first { $0.snapshot.name == "政务服务办件信息" })
        let (report, g) = try Self.validate(r, rows: 1_500)
        #expect(report.valid)
        let names = g.layout.columns.map(\.name)
        let accept = names.firstIndex(of: "accept_time")!, finish = names.firstIndex(of: "finish_time")!, update = names.firstIndex(of: "update_time")!
        let now = DemoValues.stamp(localSeconds: Self.now)
        for i in 0..<1_500 {
            let row = g.row(i)
            #expect(row[accept] <= row[finish], "\(row[accept]) \(row[finish])")
            #expect(row[finish] <= now && row[update] <= now)
        }
    }

    /// Buses stay inside Foshan at bus speeds, and each bus's reports form a track (no jumps).
    @Test func busesDriveAlongTheirRoutes() {
        for bus in 0..<40 {
            var last: DemoBusFleet.Fix?
            for t in stride(from: Self.now - 3_600, through: Self.now, by: 30) {
                let f = DemoBusFleet.fix(bus: bus, at: t)
                #expect((112.6...113.5).contains(f.lon) && (22.5...23.6).contains(f.lat))
                #expect((0...60).contains(f.speed))
                if let last {
                    let metres = DemoBusFleet.metres(.init(name: "", lon: last.lon, lat: last.lat), .init(name: "", lon: f.lon, lat: f.lat))
                    #expect(metres <= 30 * 60 / 3.6 + 1)  // never faster than 60 km/h between reports
                }
                last = f
            }
        }
    }

    /// At the seed volume the car parks report every 15 minutes for a whole day, so the transport
    /// dashboard's "free spaces by hour" has all 24 hours.
    @Test func parkingHistoryCoversEveryHourOfADay() throws {
        let r = try #require(Self.city.resources.first { $0.snapshot.name == "停车场空余泊位" })
        let rows = try #require(DemoRecordPlan.targets(Self.city, volume: .seed).first { $0.name == r.snapshot.name }?.rows)
        let (layout, rules) = Self.setup(r)
        let g = DemoRecordGenerator(layout: layout, rules: rules, resourceName: r.snapshot.name, rows: rows, nowLocalSeconds: Self.now)
        let column = try #require(layout.columns.firstIndex { $0.name == "update_time" })
        let hours = Set((0..<rows).map { g.row($0)[column].dropFirst(11).prefix(2) })
        #expect(hours.count == 24, "\(hours.sorted())")
    }

    /// The property and welfare registers' people live where their resident IDs say (region item and
    /// address agree), spread over the districts as Foshan's people are, not evenly.
    @Test func peopleLiveInOneDistrictSpreadUnevenly() {
        var counts: [String: Int] = [:]
        for p in 0..<500 {
            let d = DemoPeople.district(p), i = DemoPeople.districtIndex(p)
            #expect(DemoPeople.residentID(p).hasPrefix(d))
            #expect(DemoPeople.address(p, variant: 7).contains(DemoPeople.districtNames[i]))
            counts[d, default: 0] += 1
        }
        #expect(counts.count == 5)
        #expect((counts["440605"] ?? 0) > 2 * (counts["440608"] ?? 0), "\(counts)")
    }

    /// At the seed volume at least 60 stores get records, the flagship ones thousands; at the full volume 10,000 and more.
    @Test func planFillsManyStores() {
        let plan = DemoRecordPlan.targets(Self.city, volume: .seed)
        #expect(plan.count >= 60)
        #expect(plan.first { $0.name == "企业登记信息表" }?.rows ?? 0 >= 2_000)
        let full = DemoRecordPlan.targets(Self.city, volume: .full)
        #expect(full.filter { $0.rows >= 10_000 }.count >= 5)
    }
}
