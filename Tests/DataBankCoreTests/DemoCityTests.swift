import DataBankCore
import Testing

@Suite struct DemoCityTests {
    static let seed = DemoCity.generate(scale: .seed)
    static let small = DemoCity.generate(scale: .small)

    static func isColumnName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, ("a"..."z").contains(first), s.utf8.count <= 63 else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// The seed city reproduces the seed's catalog: 57 departments, 512 tables, 6,361 items.
    @Test func seedCountsMatchTheSeed() {
        #expect(Self.seed.departments.count == 57)
        #expect(Self.seed.resources.count == 512)
        #expect(Self.seed.informationItemCount == 6_361)
    }

    /// Two generations with the same arguments are equal.
    @Test func generationIsDeterministic() {
        #expect(DemoCity.generate(scale: .seed) == Self.seed)
        #expect(DemoCity.generate(scale: .small) == Self.small)
        #expect(DemoCity.synthetic(resourceCount: 700) == DemoCity.synthetic(resourceCount: 700))
    }

    /// Departments model Foshan: the city root, its bureaus, five districts and their units, parents first.
    @Test func departmentsModelFoshan() throws {
        let depts = Self.seed.departments
        let root = try #require(depts.first)
        #expect(root.code == "440600000" && root.level == .city && root.parentCode == nil)
        let districts = depts.filter { $0.level == .district }
        #expect(districts.map { String($0.code.prefix(6)) } == ["440604", "440605", "440606", "440607", "440608"])
        #expect(districts.map(\.name).allSatisfy { ["禅城区", "南海区", "顺德区", "三水区", "高明区"].contains(where: $0.hasPrefix) })
        for d in depts.filter({ $0.level == .unit }) {
            #expect(districts.contains { $0.code == d.parentCode })
        }
        var seen: Set<String> = []
        for d in depts {
            if let parent = d.parentCode { #expect(seen.contains(parent), "\(d.code) comes before its parent") }
            #expect(seen.insert(d.code).inserted)
            #expect(!d.name.isEmpty && !d.nameEn.isEmpty && d.contact != nil)
        }
        #expect(depts.contains { $0.name == "佛山市政务服务数据管理局" })
        #expect(depts.contains { $0.name == "佛山市市场监督管理局" })
    }

    /// Every item binds an existing standard with the same type and sensitivity and no longer length.
    @Test(arguments: [DemoScale.small, .seed])
    func itemsMatchTheirStandards(scale: DemoScale) {
        let city = scale == .seed ? Self.seed : Self.small
        let standards = Dictionary(uniqueKeysWithValues: city.standards.map { ($0.code, $0) })
        for r in city.resources {
            for item in r.snapshot.items {
                guard let s = standards[item.standardCode] else {
                    Issue.record("\(r.snapshot.name): unknown standard \(item.standardCode)"); continue
                }
                #expect(item.dataType == s.dataType)
                #expect(item.sensitivity == s.sensitivity)
                if let length = item.length, let max = s.length { #expect(length <= max) }
            }
        }
    }

    /// Columns are unique and well formed; the first item is the key — with, for a real-time
    /// stream, the time of each report (vehicle + GPS time), and for a monthly series of an entity
    /// (enterprises' electricity use), the period.
    @Test func columnsAndPrimaryKeysAreWellFormed() {
        for r in Self.seed.resources {
            let items = r.snapshot.items
            #expect(Set(items.map(\.column)).count == items.count, "\(r.snapshot.name)")
            #expect(items.allSatisfy { Self.isColumnName($0.column) })
            #expect(items.first?.primaryKey == true)
            let keys = items.filter(\.primaryKey)
            if r.snapshot.format == .stream && keys.count == 2 {
                #expect(keys[1].dataType == .T, "\(r.snapshot.name)")
            } else if keys.count == 2, keys[1].column == "stat_period" {
                #expect(r.snapshot.updateCycle == .monthly, "\(r.snapshot.name)")
            } else {
                #expect(keys.count == 1, "\(r.snapshot.name)")
            }
        }
    }

    /// Resource codes are unique across the city, match classification-sequence, and names are unique per department.
    @Test(arguments: [DemoScale.small, .seed])
    func codesAndNamesAreUnique(scale: DemoScale) {
        let city = scale == .seed ? Self.seed : Self.small
        let snapshots = city.resources.map(\.snapshot)
        #expect(Set(snapshots.map(\.code)).count == snapshots.count)
        #expect(Set(snapshots.map { $0.departmentCode + "|" + $0.name }).count == snapshots.count)
        #expect(Set(city.standards.map(\.code)).count == city.standards.count)
        for s in snapshots {
            let parsed = ResourceCode.parse(s.code)
            #expect(parsed?.classification == s.classification)
            #expect(parsed?.sequence.count == 5)
            #expect(ResourceCode.catalogKind(ofClassification: s.classification) == s.catalogKind)
        }
    }

    /// Conditional and refused sharing always cite a legal basis; conditional sharing states its condition.
    @Test func legalBasisPresentWhenRequired() {
        let all = Self.seed.resources + Self.small.resources + DemoCity.synthetic(resourceCount: 2_000).resources
        for r in all.map(\.snapshot) where r.sharing.type.needsLegalBasis {
            #expect(!(r.sharing.legalBasis ?? "").isEmpty, "\(r.name)")
            if r.sharing.type == .conditional { #expect(!(r.sharing.condition ?? "").isEmpty) }
        }
    }

    /// The catalog's own validator accepts every generated resource.
    @Test(arguments: [DemoScale.small, .seed])
    func validatorAcceptsEveryResource(scale: DemoScale) {
        let city = scale == .seed ? Self.seed : Self.small
        let validator = ResourceValidator(
            departments: Set(city.departments.map(\.code)),
            standards: Dictionary(uniqueKeysWithValues: city.standards.map { ($0.code, $0.summary) }))
        for r in city.resources {
            let errors = validator.validate(r.snapshot)
            #expect(errors.isEmpty, "\(r.snapshot.name): \(errors)")
        }
    }

    /// Related codes point at resources of the same city.
    @Test func relatedCodesResolve() {
        let codes = Set(Self.seed.resources.map(\.snapshot.code))
        let related = Self.seed.resources.flatMap(\.snapshot.relatedCodes)
        #expect(!related.isEmpty)
        #expect(related.allSatisfy(codes.contains))
    }

    /// The small city holds the named tables and covers every sharing type, open type, state and a classified resource.
    @Test func smallCityCoversTheVocabulary() throws {
        let city = Self.small
        #expect((10...14).contains(city.departments.count))
        #expect((25...35).contains(city.resources.count))
        let snapshots = city.resources.map(\.snapshot)
        let enterprise = try #require(snapshots.first { $0.name == "企业登记信息表" })
        #expect(enterprise.departmentCode == "440600002")
        #expect(enterprise.nameEn == "Enterprise registration information")
        #expect(snapshots.contains { $0.name.contains("社保") })
        #expect(Set(snapshots.map(\.sharing.type)) == Set(SharingType.allCases))
        #expect(Set(snapshots.map(\.open.type)) == Set(OpenType.allCases))
        #expect(Set(city.resources.map(\.state)) == Set(DemoResourceState.allCases))
        #expect(snapshots.contains { $0.classified })
    }

    /// Most resources are published; a few sit in draft, submitted and notice; only published ones have a date.
    @Test func mostResourcesArePublished() {
        let states = Self.seed.resources.map(\.state)
        let published = states.filter { $0 == .published }.count
        #expect(published * 10 >= states.count * 8)
        #expect(Set(states) == Set(DemoResourceState.allCases))
        for r in Self.seed.resources { #expect((r.snapshot.publishDate != nil) == (r.state == .published)) }
    }

    /// Sharing is mostly unconditional, and classified resources are few, never shared and never open.
    @Test func sharingIsMostlyUnconditional() {
        let snapshots = Self.seed.resources.map(\.snapshot)
        #expect(snapshots.filter { $0.sharing.type == .unconditional }.count * 2 > snapshots.count)
        let classified = snapshots.filter(\.classified)
        #expect((1...5).contains(classified.count))
        #expect(classified.allSatisfy { $0.sharing.type == .none && $0.open.type == .closed })
    }

    /// Bus positions and parking vacancies are real-time streams.
    @Test func realtimeTransportResourcesAreStreams() throws {
        for name in ["公交车辆实时位置", "停车场空余泊位"] {
            let r = try #require(Self.seed.resources.first { $0.snapshot.name == name }?.snapshot)
            #expect(r.format == .stream && r.updateCycle == .realtime)
        }
    }

    /// The standards library has a few hundred standards, with identifier patterns and the district code list.
    @Test func standardsLibraryIsRich() throws {
        let standards = Self.seed.standards
        #expect(standards.count >= 200)
        #expect(standards.allSatisfy { $0.code.hasPrefix("DE") && $0.code.count == 7 && !$0.definition.isEmpty })
        let credit = try #require(standards.first { $0.name == "统一社会信用代码" })
        #expect(credit.semanticKind == .creditCode && credit.dataType == .C && credit.length == 18)
        let id = try #require(standards.first { $0.name == "公民身份号码" })
        #expect(id.semanticKind == .residentID && id.sensitivity == .sensitive && id.pattern == "^[0-9]{17}[0-9X]$")
        let region = try #require(standards.first { $0.semanticKind == .regionCode })
        #expect(region.codeList.map(\.code) == ["440604", "440605", "440606", "440607", "440608"])
        let gender = try #require(standards.first { $0.name == "性别" })
        #expect(gender.codeList.map(\.label) == ["男", "女"])
    }

    /// The demo accounts exist at both scales with valid roles and the shared demo password.
    @Test(arguments: [DemoScale.small, .seed])
    func demoUsersBelongToExistingDepartments(scale: DemoScale) {
        let city = scale == .seed ? Self.seed : Self.small
        let codes = Set(city.departments.map(\.code))
        let all = [
            "admin", "reviewer", "scj_admin", "scj_steward", "rsj_steward", "jtj_steward", "zrj_steward", "mzj_steward", "gaj_steward", "gjj_steward",
            "jyj_steward", "viewer"
        ]
        // The small city has no natural resources or education bureau, so no account for them.
        #expect(city.users.map(\.username) == (scale == .seed ? all : all.filter { !["zrj_steward", "jyj_steward"].contains($0) }))
        for u in city.users {
            #expect(Role(rawValue: u.role) != nil)
            #expect(codes.contains(u.departmentCode))
            #expect(u.password == "databank-demo")
        }
    }

    /// A synthetic catalog has the requested size, unique codes and names, and about a dozen items per resource.
    @Test func syntheticCatalogHasRequestedSize() {
        let city = DemoCity.synthetic(resourceCount: 5_000)
        #expect(city.resources.count == 5_000)
        #expect(city.departments == Self.seed.departments)
        #expect(city.standards == Self.seed.standards)
        let snapshots = city.resources.map(\.snapshot)
        #expect(Set(snapshots.map(\.code)).count == 5_000)
        #expect(Set(snapshots.map { $0.departmentCode + "|" + $0.name }).count == 5_000)
        let average = Double(city.informationItemCount) / 5_000
        #expect((10.0...15.0).contains(average))
        #expect(DemoCity.synthetic(resourceCount: 0).resources.isEmpty)
    }
}
