import Fluent
import Vapor
import DataBankCore

/// The demo city's governed sharing: the property register and the welfare rolls get records,
/// each offers a verification service (首套房核验, 低保资格核验), and a few applications show
/// the workflow — one granted at once, one waiting for review, one overdue for the platform.
enum DemoSharing {
    static let property = "不动产登记信息", welfare = "最低生活保障对象信息", enterprises = "企业登记信息表"

    static func load(on db: any Database) async throws {
        try await loadRecords(property, rows: 400, person: { $0 % 250 }, on: db)
        try await loadRecords(welfare, rows: 300, person: { 200 + $0 }, on: db)
        guard let propertyStore = try await store(property, db), let welfareStore = try await store(welfare, db) else { return }
        try await define(
            propertyStore, code: "first-home", name: "首套房核验", nameEn: "First-home check",
            spec: VerificationSpec(
                parameters: [.init(name: "id_number", type: .C)],
                predicate: .count(where: [.init(column: "id_number", op: .eq, operand: .parameter("id_number"))], op: .eq, value: 0)), on: db)
        try await define(
            welfareStore, code: "dibao-status", name: "低保资格核验", nameEn: "Minimum-allowance status",
            spec: VerificationSpec(
                parameters: [.init(name: "id_number", type: .C)],
                predicate: .exists(where: [.init(column: "id_number", op: .eq, operand: .parameter("id_number"))]),
                answer: .category(
                    cases: [
                        .init(
                            label: "最低生活保障",
                            predicate: .exists(where: [
                                .init(column: "id_number", op: .eq, operand: .parameter("id_number")),
                                .init(column: "assistance_type", op: .eq, operand: .constant("1"))
                            ])),
                        .init(label: "其他社会救助", predicate: .exists(where: [.init(column: "id_number", op: .eq, operand: .parameter("id_number"))]))
                    ], otherwise: "非救助对象")), on: db)

        let users = Dictionary(try await User.query(on: db).all().map { ($0.username, $0) }, uniquingKeysWith: { a, _ in a })
        guard let hr = users["rsj_steward"], let transport = users["jtj_steward"], let civil = users["mzj_steward"] else { return }
        // A timeline over the past weeks: each application is filed on its day (so its deadline follows it),
        // decided some days later, and its events, grant and notifications carry those times.
        let today = GrantAccess.today()
        let until = CivilDate(daysSinceEpoch: today.daysSinceEpoch + 365).iso
        // Human resources checks first homes for its talent-housing subsidy: filed six weeks ago, approved four days later.
        let filed1 = WorkingDays.add(-30, to: today)
        let firstHome = try await Applications.apply(
            ApplicationInput(
                resource: propertyStore.resourceCode, service: "first-home", purpose: "人才安居补贴资格审核", legalBasis: "《佛山市人才安居办法》",
                validUntil: until), by: hr, reviewDays: 10, today: filed1, on: db)
        if let provider = users["zrj_steward"] {
            try await Applications.decide(firstHome, DecisionInput(decision: "approve", reason: "符合人才安居补贴审核用途"), by: provider, countersign: false, on: db)
        }
        try await DemoTimeline.date(
            firstHome, filed: DemoTimeline.at(filed1, hour: 10), decided: DemoTimeline.at(WorkingDays.add(4, to: filed1), hour: 15), on: db)
        // Transport reads enterprise registrations (无条件共享: granted at once), three weeks ago.
        if let enterpriseStore = try await store(enterprises, db) {
            let filed2 = WorkingDays.add(-15, to: today)
            let open = try await Applications.apply(
                ApplicationInput(
                    resource: enterpriseStore.resourceCode, purpose: "道路运输经营许可核查", legalBasis: "《道路运输条例》",
                    items: ["enterprise_name", "legal_rep", "business_status", "contact_phone"], validUntil: until), by: transport, reviewDays: 10,
                today: filed2, on: db)
            try await DemoTimeline.date(open, filed: DemoTimeline.at(filed2, hour: 9), decided: DemoTimeline.at(filed2, hour: 9, minute: 1), on: db)
        }
        // Civil affairs cross-checks welfare applicants against property: filed three working days ago, waiting for review.
        let filed3 = WorkingDays.add(-3, to: today)
        let waiting = try await Applications.apply(
            ApplicationInput(
                resource: propertyStore.resourceCode, service: "first-home", purpose: "最低生活保障对象家庭财产核查", legalBasis: "《社会救助暂行办法》第十一条",
                validUntil: until), by: civil, reviewDays: 10, today: filed3, on: db)
        try await DemoTimeline.date(waiting, filed: DemoTimeline.at(filed3, hour: 11), decided: nil, on: db)
        // Human resources asked for welfare data 12 working days ago: its 10-day deadline has passed, for the platform to countersign.
        let filed4 = WorkingDays.add(-12, to: today)
        let overdue = try await Applications.apply(
            ApplicationInput(
                resource: welfareStore.resourceCode, purpose: "就业援助对象认定", legalBasis: "《就业促进法》第五十二条",
                items: ["person_name", "assistance_type", "region_code"], validUntil: until), by: hr, reviewDays: 10, today: filed4, on: db)
        try await DemoTimeline.date(overdue, filed: DemoTimeline.at(filed4, hour: 14), decided: nil, on: db)
    }

    static func store(_ name: String, _ db: any Database) async throws -> RecordStoreRow? {
        guard let resource = try await ResourceRow.query(on: db).filter(\.$name == name).first() else { return nil }
        return try? await RecordStores.find(resource.code, on: db)
    }

    /// Records whose people come from ``DemoPeople`` (the rest from ``DemoRecordGenerator``), loaded through the real pipeline.
    static func loadRecords(_ name: String, rows: Int, person: (Int) -> Int, on db: any Database) async throws {
        guard let store = try await store(name, db) else { return }
        let layout = store.recordLayout
        let g = DemoRecordGenerator(
            layout: layout, rules: try await QualitySetup.load(store, on: db).rules, resourceName: name,
            rows: rows, nowLocalSeconds: DemoRecords.localNow())
        var csv = g.header + "\n"
        for i in 0..<rows {
            let p = person(i)
            var row = g.row(i)
            for (k, c) in layout.columns.enumerated() {
                switch c.name {
                case "id_number": row[k] = DemoPeople.residentID(p)
                case "person_name": row[k] = DemoPeople.name(p)
                case "gender": row[k] = DemoPeople.gender(p)
                case "region_code": row[k] = DemoPeople.district(p)
                case "house_address", "domicile_address": row[k] = DemoPeople.address(p, variant: i)
                case "assistance_type": row[k] = String(p % 4 == 0 ? 3 : 1)
                case "land_use": row[k] = "07"
                default: break
                }
            }
            csv += CSVText.line(row)
        }
        try await loadCSV(store, csv, on: db)
    }

    /// Loads CSV text (a header line, then rows) into a store through the real pipeline, as the demo's system user.
    static func loadCSV(_ store: RecordStoreRow, _ csv: String, on db: any Database) async throws {
        let bytes = Array(csv.utf8)
        _ = try await Loads.run(
            store: store, mode: .upsert, format: .csv, encoding: .utf8, source: "demo",
            who: AuditLog.Who(kind: "system", id: nil, name: "demo", departmentCode: store.departmentCode),
            on: db
        ) { ingest in try await ingest.feed(bytes) }
    }

    static func define(_ store: RecordStoreRow, code: String, name: String, nameEn: String, spec: VerificationSpec, on db: any Database) async throws {
        guard spec.problems(layout: store.recordLayout).isEmpty else { return }
        let row = VerificationServiceRow()
        row.code = code; row.name = name; row.nameEn = nameEn; row.resourceCode = store.resourceCode
        row.providerCode = store.departmentCode; row.spec = JSONText.encode(spec.canonicalized(layout: store.recordLayout))
        try await row.create(on: db)
    }
}
