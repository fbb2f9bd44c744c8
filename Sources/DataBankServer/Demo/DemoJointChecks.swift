import Fluent
import Vapor
import DataBankCore

/// The demo city's joint checks (一件事联办): the education bureau's window checks a non-local parent
/// for points-based school admission (积分入学资格联审) against the police, human resources, the housing
/// fund and market regulation at once; civil affairs cross-checks a minimum-allowance applicant's
/// household against property, vehicles and the housing fund (its property check still waits for the
/// provider's approval, so the window shows what a missing grant looks like).
///
/// Four applicants have records made for the story: one who qualifies, one whose residence is too recent
/// and whose social insurance is suspended, one whose employer is deregistered, and one with local
/// household registration (who does not need the points route).
enum DemoJointChecks {
    static let residence = "流动人口居住登记信息", household = "户籍人口信息", insurance = "社保缴费信息表", fund = "住房公积金账户信息"
    static let enterprises = "企业登记信息表", vehicles = "机动车登记信息"
    /// Row numbers whose generated people and enterprises the story uses: far past any register's size,
    /// so nobody else's records describe them.
    static let firstPerson = 300_000, firstEnterprise = 190_000

    static func load(on db: any Database) async throws {
        guard let residenceStore = try await DemoSharing.store(residence, db), let householdStore = try await DemoSharing.store(household, db),
            let insuranceStore = try await DemoSharing.store(insurance, db), let fundStore = try await DemoSharing.store(fund, db),
            let enterpriseStore = try await DemoSharing.store(enterprises, db)
        else { return }
        // The vehicle register may still be in review in a generated catalog: the welfare check then asks two departments.
        let vehicleStore = try await DemoSharing.store(vehicles, db)
        let today = GrantAccess.today()
        let applicants = try await people(on: db, residence: residenceStore, local: householdStore)
        let employers = try await loadEnterprises(enterpriseStore, on: db)
        let day = { (days: Int) in CivilDate(daysSinceEpoch: today.daysSinceEpoch - days).iso }
        // 0 qualifies; 1 moved in four months ago and paused social insurance; 2's employer is deregistered; 3 is local.
        try await load(residence, rows: applicants.prefix(3).enumerated().map { k, p in (p.number, ["move_in_date": day(k == 1 ? 120 : 760)]) }, on: db)
        try await load(
            insurance,
            rows: applicants.enumerated().map { k, p in
                let employer = employers[k == 2 ? 1 : 0]
                return (p.number, ["insured_status": k == 1 ? "2" : "1", "credit_code": employer.code, "org_name": employer.name])
            }, on: db)
        try await load(
            fund, rows: applicants.prefix(3).map { ($0.number, ["account_status": "1", "credit_code": employers[0].code, "org_name": employers[0].name]) },
            on: db)

        try await DemoSharing.define(
            residenceStore, code: "residence-1y", name: "居住登记满一年核验", nameEn: "Residence registered for a year",
            spec: VerificationSpec(
                parameters: [.init(name: "id_number", type: .C), .init(name: "since", type: .D)],
                predicate: .exists(where: [match("id_number"), .init(column: "move_in_date", op: .lte, operand: .parameter("since"))])), on: db)
        try await DemoSharing.define(
            householdStore, code: "non-local-household", name: "非本市户籍核验", nameEn: "Household registered outside the city",
            spec: absent("id_number"), on: db)
        try await DemoSharing.define(
            insuranceStore, code: "social-insurance-active", name: "社会保险正常缴费核验", nameEn: "Social insurance paid",
            spec: present("id_number", where: "insured_status", is: "1"), on: db)
        try await DemoSharing.define(
            fundStore, code: "housing-fund-active", name: "住房公积金正常缴存核验", nameEn: "Housing fund deposits current",
            spec: present("id_number", where: "account_status", is: "1"), on: db)
        try await DemoSharing.define(
            enterpriseStore, code: "enterprise-operating", name: "用人单位在营核验", nameEn: "Employer in business",
            spec: present("credit_code", where: "business_status", is: "1"), on: db)
        if let vehicleStore {
            try await DemoSharing.define(vehicleStore, code: "no-vehicle", name: "名下无机动车核验", nameEn: "No vehicle registered", spec: absent("id_number"), on: db)
        }

        let users = Dictionary(try await User.query(on: db).all().map { ($0.username, $0) }, uniquingKeysWith: { a, _ in a })
        guard let education = users["jyj_steward"], let civil = users["mzj_steward"] else { return }
        let until = CivilDate(daysSinceEpoch: today.daysSinceEpoch + 365).iso
        let deciders = Dictionary(users.values.map { ($0.departmentCode, $0) }, uniquingKeysWith: { a, b in a.username < b.username ? a : b })
        for (store, service) in [
            (residenceStore, "residence-1y"), (householdStore, "non-local-household"), (insuranceStore, "social-insurance-active"),
            (fundStore, "housing-fund-active"), (enterpriseStore, "enterprise-operating")
        ] {
            try await grant(
                store, service, to: education, purpose: "义务教育积分入学资格审核", law: "《佛山市流动人员随迁子女积分入学管理办法》", until: until,
                decider: deciders[store.departmentCode], on: db)
        }
        for (store, service) in [(vehicleStore, "no-vehicle"), (fundStore, "housing-fund-active")] {
            guard let store else { continue }
            try await grant(
                store, service, to: civil, purpose: "最低生活保障对象家庭经济状况核对", law: "《社会救助暂行办法》第十一条", until: until,
                decider: deciders[store.departmentCode], on: db)
        }

        let ids = applicants.map(\.id)
        try await save(
            JointCheck(
                code: "school-admission", name: "积分入学资格联审", nameEn: "Points-based school admission: eligibility",
                description:
                    "随迁子女积分入学：家长的居住登记、户籍、社保、公积金和用人单位由四个部门的五项核验服务同时核验，全部通过方可申请积分。演示申请人：\(ids[0])（符合）、\(ids[1])（居住不满一年、社保暂停）、\(ids[2])（用人单位已注销）、\(ids[3])（本市户籍）；用人单位统一社会信用代码 \(employers[0].code)（在营）、\(employers[1].code)（已注销）。",
                descriptionEn:
                    "Children of non-local residents apply for school places by points: four departments check the parent's residence, household registration, social insurance, housing fund and employer at once, and every check must pass. Demo applicants: \(ids[0]) (qualifies), \(ids[1]) (residence under a year, social insurance paused), \(ids[2]) (employer deregistered), \(ids[3]) (local household); employers \(employers[0].code) (in business), \(employers[1].code) (deregistered).",
                form: [
                    .init(name: "id_number", label: "家长公民身份号码", labelEn: "Parent's resident ID", kind: .residentID),
                    .init(name: "employer", label: "用人单位统一社会信用代码", labelEn: "Employer's credit code", kind: .creditCode)
                ],
                steps: [
                    .init(
                        service: "residence-1y", label: "居住登记满一年", labelEn: "Residence registered a year",
                        params: ["id_number": .field("id_number"), "since": .value(day(365))]),
                    .init(
                        service: "non-local-household", label: "非本市户籍", labelEn: "Household registered elsewhere", params: ["id_number": .field("id_number")]),
                    .init(service: "social-insurance-active", label: "社会保险正常缴费", labelEn: "Social insurance paid", params: ["id_number": .field("id_number")]),
                    .init(
                        service: "housing-fund-active", label: "住房公积金正常缴存", labelEn: "Housing fund deposits current", params: ["id_number": .field("id_number")]
                    ),
                    .init(service: "enterprise-operating", label: "用人单位在营", labelEn: "Employer in business", params: ["credit_code": .field("employer")])
                ], rule: .allPass), by: education, on: db)
        try await save(
            JointCheck(
                code: "dibao-household", name: "低保家庭经济状况联审", nameEn: "Minimum allowance: household means check",
                description: (vehicleStore == nil ? "低保申请家庭的住房和公积金由两个部门同时核对：名下无房、未在缴存公积金方为通过。" : "低保申请家庭的住房、车辆和公积金由三个部门同时核对：名下无房、无车、未在缴存公积金方为通过。")
                    + "演示申请人：\(DemoPeople.residentID(230))、\(ids[0])。",
                descriptionEn: (vehicleStore == nil
                    ? "The household of a minimum-allowance applicant is checked against property and the housing fund at once: no home and no current fund deposits pass."
                    : "The household of a minimum-allowance applicant is checked against property, vehicles and the housing fund at once: no home, no vehicle and no current fund deposits pass.")
                    + " Demo applicants: \(DemoPeople.residentID(230)), \(ids[0]).",
                form: [.init(name: "id_number", label: "申请人公民身份号码", labelEn: "Applicant's resident ID", kind: .residentID)],
                steps: [
                    .init(service: "first-home", label: "名下无住房", labelEn: "Owns no home", params: ["id_number": .field("id_number")]),
                    vehicleStore.map { _ in
                        .init(service: "no-vehicle", label: "名下无机动车", labelEn: "Owns no vehicle", params: ["id_number": .field("id_number")])
                    },
                    .init(
                        service: "housing-fund-active", label: "未在缴存公积金", labelEn: "No housing fund deposits", params: ["id_number": .field("id_number")],
                        pass: ["no"])
                ].compactMap { $0 }, rule: .allPass), by: civil, on: db)
    }

    /// The record whose `key` is the parameter of that name.
    static func match(_ key: String) -> VerificationSpec.Comparison { .init(column: key, op: .eq, operand: .parameter(key)) }

    /// "yes" when a record of the subject has `column` = `value`.
    static func present(_ key: String, where column: String, is value: String) -> VerificationSpec {
        VerificationSpec(
            parameters: [.init(name: key, type: .C)], predicate: .exists(where: [match(key), .init(column: column, op: .eq, operand: .constant(value))]))
    }

    /// "yes" when no record of the subject exists.
    static func absent(_ key: String) -> VerificationSpec {
        VerificationSpec(parameters: [.init(name: key, type: .C)], predicate: .not(.exists(where: [match(key)])))
    }

    /// The applicants, by row number: three non-local people (row numbers past the household register's
    /// size) and a local one (a household row). Stores keyed by a person generate the same person for the
    /// same row number, so the rows loaded below describe them alike.
    static func people(on db: any Database, residence: RecordStoreRow, local: RecordStoreRow) async throws -> [(id: String, number: Int)] {
        let outside = Array(firstPerson..<firstPerson + 3)
        let ids = try await generated(residence, rows: outside, on: db).map { $0["id_number"] ?? "" }
        let localID = try await generated(local, rows: [7], on: db).first?["id_number"] ?? ""
        return zip(ids, outside).map { ($0, $1) } + [(localID, 7)]
    }

    /// Two employers: one in business, one deregistered (their registrations loaded now): code and name.
    static func loadEnterprises(_ store: RecordStoreRow, on db: any Database) async throws -> [(code: String, name: String)] {
        try await load(enterprises, rows: [(firstEnterprise, ["business_status": "1"]), (firstEnterprise + 1, ["business_status": "3"])], on: db)
        return try await generated(store, rows: [firstEnterprise, firstEnterprise + 1], on: db).map { ($0["credit_code"] ?? "", $0["enterprise_name"] ?? "") }
    }

    /// Generated rows of a store by row number, by column name.
    static func generated(_ store: RecordStoreRow, rows: [Int], on db: any Database) async throws -> [[String: String]] {
        let layout = store.recordLayout
        let resource = try await ResourceRow.query(on: db).filter(\.$code == store.resourceCode).first()
        let g = DemoRecordGenerator(
            layout: layout, rules: try await QualitySetup.load(store, on: db).rules, resourceName: resource?.name ?? store.resourceCode,
            rows: rows.count, nowLocalSeconds: DemoRecords.localNow())
        return rows.map { i in Dictionary(uniqueKeysWithValues: zip(layout.columns.map(\.name), g.row(i))) }
    }

    /// Loads a store's generated rows (by row number), each with the values of `set`, through the real pipeline.
    static func load(_ name: String, rows: [(number: Int, set: [String: String])], on db: any Database) async throws {
        guard let store = try await DemoSharing.store(name, db), !rows.isEmpty else { return }
        let columns = store.recordLayout.columns.map(\.name)
        let made = try await generated(store, rows: rows.map(\.number), on: db)
        var csv = columns.joined(separator: ",") + "\n"
        for (row, (_, set)) in zip(made, rows) {
            csv += CSVText.line(columns.map { set[$0] ?? row[$0] ?? "" })
        }
        try await DemoSharing.loadCSV(store, csv, on: db)
    }

    /// The window's department applies for the service; its provider approves two working days later.
    /// A service's grant (`service`), or the records' (`items`, no service).
    static func grant(
        _ store: RecordStoreRow, _ service: String?, items: [String]? = nil, to user: User, purpose: String, law: String, until: String, decider: User?,
        on db: any Database
    ) async throws {
        let filed = WorkingDays.add(-20, to: GrantAccess.today())
        let application = try await Applications.apply(
            ApplicationInput(resource: store.resourceCode, service: service, purpose: purpose, legalBasis: law, items: items, validUntil: until), by: user,
            reviewDays: 10, today: filed, on: db)
        if application.status == "pending", let decider {
            let reason = service == nil ? "用途明确，按所列数据项共享" : "用途明确，仅答复核验结论"
            try await Applications.decide(application, DecisionInput(decision: "approve", reason: reason), by: decider, countersign: false, on: db)
        }
        try await DemoTimeline.date(
            application, filed: DemoTimeline.at(filed, hour: 9, minute: 30), decided: DemoTimeline.at(WorkingDays.add(2, to: filed), hour: 16), on: db)
    }

    static func save(_ check: JointCheck, by user: User, on db: any Database) async throws {
        let services = try await JointChecksAPI.specs(of: [check], on: db).mapValues(\.spec)
        guard check.problems(services: services).isEmpty else { return }
        try await JointCheckRow(check, department: user.departmentCode, createdBy: user.username).create(on: db)
    }
}
