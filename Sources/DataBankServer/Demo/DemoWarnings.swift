import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The demo city's early warnings (预警), the seed's two stories:
///
/// - **Labour disputes**: the industry bureau's monthly electricity use of enterprises (reported by the
///   power company) is watched by the human resources bureau under its grant — an enterprise whose use
///   falls more than 40 % under its three-month mean is a warning sent to the labour inspectors. Thirteen
///   months are loaded before the rule; three enterprises dropped last month (their warnings already
///   acknowledged, assigned and closed), and the latest month, loaded after the rule, brings three more
///   drops that the running server's evaluator raises within seconds of starting.
/// - **Welfare cross-check**: civil affairs checks its minimum-allowance recipients against the market
///   regulator's register of enterprises' legal representatives (their ID numbers, shared to it for this
///   purpose): four recipients are legal representatives.
enum DemoWarnings {
    static let electricity = "企业用电量监测信息", enterprises = "企业登记信息表", welfare = "最低生活保障对象信息"
    static let legalReps = "企业法定代表人身份信息"
    /// Enterprises of the register (row numbers) whose use the power company reports.
    static let reported = 0..<360
    /// Those whose use drops: last month (warnings already handled) and this month (raised live).
    static let droppedLastMonth = [17, 58, 133], droppedThisMonth = [71, 204, 311]

    static func load(on db: any Database, logger: Logger) async throws {
        let users = Dictionary(try await User.query(on: db).all().map { ($0.username, $0) }, uniquingKeysWith: { a, _ in a })
        guard let admin = users["admin"], let labour = users["rsj_steward"], let civil = users["mzj_steward"], let market = users["scj_steward"],
            let register = try await DemoSharing.store(enterprises, db)
        else { return }
        let today = GrantAccess.today()
        let until = CivilDate(daysSinceEpoch: today.daysSinceEpoch + 365).iso
        if let power = try await publishedStore(electricity, admin: admin, on: db) {
            try await powerDrops(power, register: register, labour: labour, admin: admin, until: until, today: today, logger: logger, on: db)
        }
        if let recipients = try await DemoSharing.store(welfare, db) {
            try await welfareCheck(
                recipients, register: register, civil: civil, market: market, admin: admin, until: until, today: today, logger: logger, on: db)
        }
    }

    // MARK: Labour disputes

    static func powerDrops(
        _ power: RecordStoreRow, register: RecordStoreRow, labour: User, admin: User, until: String, today: CivilDate, logger: Logger,
        on db: any Database
    ) async throws {
        let firms = try await DemoJointChecks.generated(register, rows: Array(reported), on: db)
        let months = (0..<14).map { monthText(today, back: 14 - $0) }  // thirteen months of history, then the latest
        let columns = power.recordLayout.columns.map(\.name)
        func csv(_ months: ArraySlice<String>) -> String {
            var out = columns.joined(separator: ",") + "\n"
            for (n, firm) in zip(reported, firms) {
                for (k, month) in zip(months.indices, months) {
                    var row = firm
                    row["stat_period"] = month
                    row["electricity_consumption"] = use(n, month: k, text: month)  // k: the month's place in all 14
                    row["update_time"] = DemoWarnings.stamp(month)
                    out += CSVText.line(columns.map { row[$0] })
                }
            }
            return out
        }
        try await DemoSharing.loadCSV(power, csv(months.prefix(13)), on: db)
        try await DemoJointChecks.grant(
            power, nil, items: columns, to: labour, purpose: "劳资纠纷预警：企业用电量骤降排查欠薪风险", law: "《劳动保障监察条例》第十条、第十一条", until: until,
            decider: admin, on: db)
        let rule = WarningRule(
            code: "power-drop", name: "企业用电量骤降（劳资纠纷预警）", nameEn: "Electricity use drops (labour dispute warning)", resource: power.resourceCode,
            condition: "electricity_consumption < 0.6 * avg_prior(electricity_consumption, 3)", entity: ["credit_code"], order: "stat_period",
            show: ["enterprise_name", "industry_code", "region_code"], subscribers: [labour.departmentCode, power.departmentCode], mergeHours: 2_160)
        try await WarningRuleRow(rule, department: labour.departmentCode, createdBy: labour.username, cursor: 0).create(on: db)
        while try await WarningEvaluator.followAll(on: db, today: today, logger: logger) {}
        // Last month's figures were reported on the 5th of this month: its warnings fired then.
        try await handle(rule.code, by: labour, firedAt: reportedAt(months[12]), on: db)
        // The latest month arrives after the rule: the server's evaluator raises its warnings as it starts.
        try await DemoSharing.loadCSV(power, csv(months.suffix(1)), on: db)
    }

    /// An enterprise's use in month `k` of 14 (kWh, two places): its own level, a gentle trend, the Spring
    /// Festival dip, a few per cent of noise — and the drops of the story.
    static func use(_ n: Int, month k: Int, text: String) -> String {
        var x = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15 &+ 0x1234_5678
        func unit() -> Double {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(x >> 11) / Double(1 << 53)
        }
        let level = 30_000 * pow(100, unit())  // 30,000 to 3,000,000 kWh a month
        let trend = 1 + (unit() - 0.4) * 0.01 * Double(k)
        for _ in 0..<k { _ = unit() }
        let noise = 1 + (unit() - 0.5) * 0.08
        // The Spring Festival falls in the second month of a year.
        let calendarMonth = Int(text.suffix(2)) ?? 1
        let season = calendarMonth == 2 ? 0.78 : (calendarMonth == 1 ? 0.95 : 1)
        var value = level * trend * season * noise
        // Two stay low the month after; the third (whose warning was closed) is back to its level.
        if droppedLastMonth.contains(n), k == 12 || (k == 13 && n != droppedLastMonth[2]) { value *= 0.42 }
        if droppedThisMonth.contains(n), k == 13 { value *= 0.38 }
        return String(format: "%.2f", value)
    }

    /// What the labour bureau did with last month's warnings: one acknowledged, one assigned to its
    /// inspector, one closed once the enterprise explained.
    static func handle(_ rule: String, by user: User, firedAt: Date, on db: any Database) async throws {
        let rows = try await WarningRow.query(on: db).filter(\.$ruleCode == rule).sort(\.$seq).all()
        let steps: [(state: WarningState, events: [(WarningState.Action, String?)])] = [
            (.acknowledged, [(.ack, nil)]),
            (.assigned, [(.ack, nil), (.assign, "请劳动保障监察大队上门核实工资发放情况")]),
            (.closed, [(.ack, nil), (.close, "经核实为设备检修停产两周，已恢复生产，工资按时发放，无欠薪")])
        ]
        for (row, step) in zip(rows, steps) {
            row.state = step.state.rawValue
            row.firstFiredAt = firedAt; row.lastFiredAt = firedAt
            if step.state == .assigned { row.assignedTo = user.username }
            try await row.save(on: db)
            for (k, (action, note)) in step.events.enumerated() {
                let event = WarningEventRow()
                event.warningID = try row.requireID(); event.action = action.rawValue; event.byUser = user.username
                event.departmentCode = user.departmentCode; event.assignedTo = action == .assign ? user.username : nil; event.note = note
                event.at = firedAt.addingTimeInterval(Double(k + 1) * 86_400 + 5_400)
                try await event.create(on: db)
            }
        }
    }

    // MARK: Welfare cross-check

    static func welfareCheck(
        _ recipients: RecordStoreRow, register: RecordStoreRow, civil: User, market: User, admin: User, until: String, today: CivilDate,
        logger: Logger, on db: any Database
    ) async throws {
        guard let reps = try await legalRepRegister(register: register, market: market, admin: admin, on: db) else { return }
        // Four recipients are legal representatives of enterprises of the register.
        let found = try await db.sql.raw(
            "SELECT id_number, person_name FROM \(ident: recipients.tables.records) ORDER BY id_number LIMIT 4 OFFSET 20"
        ).all().map { (try $0.decode(column: "id_number", as: String.self), try $0.decode(column: "person_name", as: String.self)) }
        let firms = try await DemoJointChecks.generated(register, rows: Array(0..<300), on: db)
        let columns = reps.recordLayout.columns.map(\.name)
        var csv = columns.joined(separator: ",") + "\n"
        for (n, firm) in firms.enumerated() {
            var row = firm
            let person = [12, 45, 160, 277].firstIndex(of: n).flatMap { $0 < found.count ? found[$0] : nil }
            row["legal_rep"] = person?.1 ?? firm["legal_rep"]
            row["legal_rep_id"] = person?.0 ?? DemoPeople.residentID(600_000 + n)
            csv += CSVText.line(columns.map { row[$0] })
        }
        try await DemoSharing.loadCSV(reps, csv, on: db)
        try await DemoJointChecks.grant(
            reps, nil, items: ["credit_code", "enterprise_name", "legal_rep_id"], to: civil, purpose: "最低生活保障对象经济状况核查比对",
            law: "《社会救助暂行办法》第十一条", until: until, decider: market, on: db)
        let rule = WarningRule(
            code: "dibao-legal-rep", name: "低保对象担任企业法定代表人", nameEn: "Allowance recipient is a company's legal representative",
            resource: recipients.resourceCode, condition: "listed_in('\(reps.resourceCode)', 'legal_rep_id', id_number)", entity: ["id_number"],
            show: ["person_name", "assistance_amount", "region_code"], subscribers: [civil.departmentCode], mergeHours: 8_760)
        try await WarningRuleRow(rule, department: civil.departmentCode, createdBy: civil.username, cursor: 0).create(on: db)
        while try await WarningEvaluator.followAll(on: db, today: today, logger: logger) {}
    }

    /// The market regulator's register of legal representatives with their ID numbers: a resource of its
    /// own (made from the enterprise register's entry), shared on conditions.
    static func legalRepRegister(register: RecordStoreRow, market: User, admin: User, on db: any Database) async throws -> RecordStoreRow? {
        if let store = try await DemoSharing.store(legalReps, db) { return store }
        guard let registerRow = try await ResourceRow.query(on: db).filter(\.$code == register.resourceCode).first(),
            let idStandard = try await StandardRow.query(on: db).filter(\.$name == "公民身份号码").first()
        else { return nil }
        var s = try await CatalogService(db: db, user: market).workingSnapshot(registerRow)
        let prefix = String(register.resourceCode.prefix(7))
        let taken = try await ResourceRow.query(on: db).filter(\.$code >= prefix).filter(\.$code < prefix + "~").all().map(\.code)
        let next = (taken.compactMap { Int($0.dropFirst(7)) }.max() ?? 0) + 1
        s.code = prefix + String(format: "%05d", next)
        s.name = legalReps; s.nameEn = "Legal representatives' identities"
        s.abstract = "各类企业法定代表人的姓名和公民身份号码，用于社会救助、信用监管等比对核查，不对社会开放。"
        s.items = s.items.filter { ["credit_code", "enterprise_name", "legal_rep"].contains($0.column) }.map {
            var item = $0
            item.primaryKey = $0.column == "credit_code"
            return item
        }
        s.items.append(
            InformationItem(
                name: "法定代表人公民身份号码", column: "legal_rep_id", standardCode: idStandard.code, dataType: .C, length: idStandard.length, required: true,
                sensitivity: Sensitivity(rawValue: idStandard.sensitivity) ?? .sensitive, queryField: true))
        s.tags = ["法定代表人", "比对核查"]
        s.open = OpenAttributes(type: .closed)
        s.sharing = SharingAttributes(
            type: .conditional, condition: "仅用于社会救助、信用监管等法定比对核查", method: .api, legalBasis: "《社会救助暂行办法》第十一条")
        let row = try await CatalogService(db: db, user: market).create(s)
        _ = try await CatalogService(db: db, user: market).transition(code: row.code, action: .submit, reason: nil, version: nil)
        _ = try await CatalogService(db: db, user: admin).transition(code: row.code, action: .approve, reason: nil, version: nil)
        try await endNotice(row.code, on: db)
        _ = try await CatalogService(db: db, user: admin).transition(code: row.code, action: .publish, reason: nil, version: nil)
        return try await RecordStores.find(row.code, on: db)
    }

    // MARK: Parts

    /// The store of a resource the demo's catalog may have left in review or public notice: published now.
    static func publishedStore(_ name: String, admin: User, on db: any Database) async throws -> RecordStoreRow? {
        guard let row = try await ResourceRow.query(on: db).filter(\.$name == name).first() else { return nil }
        let service = CatalogService(db: db, user: admin)
        for action in [LifecycleAction.submit, .approve, .publish] where row.status != "published" {
            guard Lifecycle.next(from: row.state, by: action, hasPublishedRevision: row.publishedRevision != nil) != nil else { continue }
            if action == .publish { try await endNotice(row.code, on: db) }
            _ = try await service.transition(code: row.code, action: action, reason: nil, version: nil)
            if let fresh = try await ResourceRow.query(on: db).filter(\.$code == row.code).first() { row.status = fresh.status }
        }
        return try? await RecordStores.find(row.code, on: db)
    }

    /// The public notice (公示) ended yesterday.
    static func endNotice(_ code: String, on db: any Database) async throws {
        try await db.sql.raw("UPDATE resources SET notice_ends_at = \(bind: Date().addingTimeInterval(-86_400)) WHERE code = \(bind: code)").run()
    }

    /// `YYYYMM` of the month `back` months before today's.
    static func monthText(_ today: CivilDate, back: Int) -> String {
        let m = today.year * 12 + (today.month - 1) - back
        return String(format: "%04d%02d", m / 12, m % 12 + 1)
    }

    /// When a month's figure was reported: the 5th of the next month, 09:00 (Beijing time).
    static func stamp(_ month: String) -> String {
        guard let y = Int(month.prefix(4)), let m = Int(month.suffix(2)) else { return "" }
        let next = y * 12 + m  // the following month, zero-based
        return String(format: "%04d-%02d-05 09:00:00", next / 12, next % 12 + 1)
    }

    /// ``stamp(_:)`` as a moment.
    static func reportedAt(_ month: String) -> Date {
        let parts = stamp(month).prefix(10).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let day = CivilDate(year: parts[0], month: parts[1], day: parts[2]) else { return Date() }
        return Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400 + 3_600)  // 09:00 in UTC+8
    }
}
