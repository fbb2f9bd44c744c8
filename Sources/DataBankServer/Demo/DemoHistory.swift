import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The demo city's year of work besides its use (``DemoUsageHistory``): the data bus's loads of
/// every store on its resource's update cycle (a few late, a few failed), applications between
/// departments answered in realistic times (most within the ten working days, some late, some
/// refused with a reason, the recent ones waiting — a few past their deadline), and objections
/// settled in time or late — so the cockpit's trends and overdue lists and the evaluation show real
/// shapes on first start. Written with batched `INSERT`s into the real tables, every row as the
/// workflows would leave it: an application's deadline is ``WorkingDays/add(_:to:holidays:workdays:)``
/// of its filing day, a decision follows its filing, an approval has its grant, a refusal its reason.
enum DemoHistory {
    static let reviewDays = 10

    struct Store { var code: String, department: String, cycle: UpdateCycle, sharing: SharingType, columns: [String], keys: [String], rows: Int }

    static func load(on db: any Database, now: Date = Date()) async throws {
        let today = GrantAccess.today(now)
        let stores = try await RecordStoreRow.query(on: db).sort(\.$resourceCode).all()
        let resources = Dictionary(
            try await ResourceRow.query(on: db).filter(\.$publishedRevision != nil).all().map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let planned: [Store] = stores.compactMap { s in
            guard let r = resources[s.resourceCode], r.status != LifecycleState.retired.rawValue else { return nil }
            let layout = s.recordLayout
            return Store(
                code: s.resourceCode, department: s.departmentCode, cycle: UpdateCycle(rawValue: r.updateCycle) ?? .irregular,
                sharing: SharingType(rawValue: r.sharingType) ?? .conditional, columns: layout.columns.map(\.name), keys: layout.keyNames,
                rows: Int(s.rowCount))
        }
        guard !planned.isEmpty else { return }
        var random = HistoryRandom(SplitMix(seed: 0x4849_5354_4F52_5901))
        try await loads(planned, today: today, now: now, random: &random, on: db)
        try await applications(planned, today: today, now: now, random: &random, on: db)
        try await objections(planned, today: today, now: now, random: &random, on: db)
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not later).
    static func workingDays(from: CivilDate, to: CivilDate) -> Int {
        var n = 0
        var d = from.daysSinceEpoch + 1
        while d <= to.daysSinceEpoch {
            if WorkingDays.isWorkingDay(CivilDate(daysSinceEpoch: d)) { n += 1 }
            d += 1
        }
        return n
    }

    /// `day` at a time of the working day in the city (UTC+8), `minutes` after 09:00.
    static func at(_ day: CivilDate, minutes: Int) -> Date { DemoTimeline.at(day, hour: 9, minute: minutes) }

    // MARK: Loads

    /// Days between loads for each update cycle (real-time streams are summarised as a daily load).
    static func interval(_ cycle: UpdateCycle) -> Int? {
        switch cycle {
        case .realtime, .daily: 1
        case .weekly: 7
        case .monthly: 30
        case .quarterly: 91
        case .semiannual: 182
        case .yearly: 365
        case .irregular: 45
        }
    }

    static func loads(_ stores: [Store], today: CivilDate, now: Date, random: inout HistoryRandom, on db: any Database) async throws {
        var values: [SQLQueryString] = []
        for s in stores {
            guard let every = interval(s.cycle) else { continue }
            // Back from today: one load per cycle; one in twelve is a few days late, one in forty fails and is rerun the next day.
            var day = today.daysSinceEpoch - random.int(0..<min(every, 7))
            while day > today.daysSinceEpoch - 365 {
                let late = every > 1 && random.int(0..<12) == 0 ? random.int(2..<min(every, 6) + 2) : 0
                let d = CivilDate(daysSinceEpoch: min(today.daysSinceEpoch, day + late))
                let rows = max(1, s.rows / max(1, 365 / every)) + random.int(0..<50)
                let start = at(d, minutes: 60 + random.int(0..<300))
                // Today's load happens at its hour: before it (the city's early morning) it is not history yet.
                guard start.addingTimeInterval(Double(95 + rows / 2_000)) <= now else {
                    day -= every
                    continue
                }
                if random.int(0..<40) == 0 {
                    values.append(loadRow(s, start, status: "failed", inserted: 0, rejected: 0, error: "数据源连接超时", seconds: 30))
                }
                let rejected = random.int(0..<20) == 0 ? random.int(1..<12) : 0
                values.append(
                    loadRow(s, start.addingTimeInterval(90), status: "committed", inserted: rows, rejected: rejected, error: nil, seconds: 5 + rows / 2_000))
                day -= every
            }
        }
        for chunk in stride(from: 0, to: values.count, by: 500) {
            try await db.sql.raw(
                """
                INSERT INTO loads (id, resource_code, mode, format, encoding, source, actor_name, status, inserted, updated, rejected, error,
                                   started_at, heartbeat_at, finished_at)
                VALUES \(values[chunk..<min(chunk + 500, values.count)].joined(separator: ", "))
                """
            ).run()
        }
    }

    static func loadRow(_ s: Store, _ start: Date, status: String, inserted: Int, rejected: Int, error: String?, seconds: Int) -> SQLQueryString {
        let end = start.addingTimeInterval(Double(seconds))
        return """
            (\(bind: UUID()), \(bind: s.code), 'append', 'csv', 'utf-8', 'bus', 'bus', \(bind: status), \(bind: inserted), 0, \(bind: rejected), \
            \(bind: error), \(bind: start), \(bind: end), \(bind: end))
            """
    }

    // MARK: Applications

    static let purposes: [(purpose: String, basis: String)] = [
        ("行政审批材料核验", "《优化营商环境条例》第三十五条"), ("监管对象信息比对", "《政务信息资源共享管理暂行办法》第十条"),
        ("社会救助家庭经济状况核对", "《社会救助暂行办法》第十一条"), ("信用联合奖惩", "《社会信用体系建设规划纲要》"),
        ("统计分析与决策支持", "《统计法》第七条"), ("一网通办数据复用", "《广东省政务数据资源共享管理办法（试行）》")
    ]
    static let refusals = [
        "申请用途与所列数据项不相符，请缩小数据项范围后重新申请。", "该资源涉及个人敏感信息，申请未说明法定依据。", "申请的行过滤条件超出用途所需范围。",
        "所需数据已通过核验服务提供，请改为申请核验服务。"
    ]

    static func applications(_ stores: [Store], today: CivilDate, now: Date, random: inout HistoryRandom, on db: any Database) async throws {
        let users = try await User.query(on: db).sort(\.$username).all().filter { $0.role == .steward || $0.role == .departmentAdmin }
        var applicants: [String: User] = [:]
        for u in users where applicants[u.departmentCode] == nil { applicants[u.departmentCode] = u }
        let reviewers = applicants
        let shareable = stores.filter { $0.sharing != .none && !$0.columns.isEmpty }
        let consumers = applicants.keys.sorted()
        guard !shareable.isEmpty, consumers.count > 1 else { return }
        var apps: [SQLQueryString] = [], events: [SQLQueryString] = [], grants: [SQLQueryString] = []
        // About two a working day over the year, the last weeks' still waiting.
        for k in 0..<480 {
            let filed = WorkingDays.add(-(1 + k * 250 / 480 + random.int(0..<2)), to: today)
            guard filed.daysSinceEpoch > today.daysSinceEpoch - 365 else { continue }
            let store = shareable[random.int(0..<shareable.count)]
            let others = consumers.filter { $0 != store.department }
            guard let consumer = others.isEmpty ? nil : others[random.int(0..<others.count)], let applicant = applicants[consumer],
                let applicantID = applicant.id
            else { continue }
            let p = purposes[random.int(0..<purposes.count)]
            let id = UUID()
            let filedAt = at(filed, minutes: random.int(0..<420))
            let items = Array(store.columns.prefix(max(1, min(store.columns.count, 3 + random.int(0..<4)))))
            let scope = JSONText.encode(GrantScope(items: Array(Set(items + store.keys)).sorted()))
            let validUntil = CivilDate(daysSinceEpoch: filed.daysSinceEpoch + 365).iso
            let deadline = WorkingDays.add(reviewDays, to: filed)
            // The answer: at once (无条件共享), or by the provider after some working days — late for one in seven.
            let age = workingDays(from: filed, to: today)
            var status = ApplicationStatus.pending, decidedAt: Date?, reason: String?, decidedBy: String?, action = ""
            if store.sharing == .unconditional {
                status = .approved; decidedAt = filedAt.addingTimeInterval(60); decidedBy = "system"; action = "approvedAtOnce"
            } else {
                let after = random.int(0..<7) == 0 ? reviewDays + 1 + random.int(0..<8) : 1 + random.int(0..<reviewDays)
                // One in three of those past their deadline in the last weeks is still unanswered (overdue).
                let waiting = age > reviewDays && age <= reviewDays + 12 && random.int(0..<3) == 0
                if !waiting, after <= age - 1 || age > reviewDays + 12 {
                    let roll = random.int(0..<20)
                    status = roll < 3 ? .rejected : roll < 5 ? .partiallyApproved : .approved
                    let day = WorkingDays.add(min(after, max(1, age - 1)), to: filed)
                    decidedAt = at(day, minutes: 120 + random.int(0..<300))
                    decidedBy = reviewers[store.department]?.username ?? "admin"
                    reason =
                        status == .rejected ? refusals[random.int(0..<refusals.count)] : status == .partiallyApproved ? "部分数据项涉及个人隐私，仅同意非敏感数据项。" : "同意，按申请用途使用。"
                    action = status == .rejected ? "rejected" : "approved"
                }
            }
            let granted = status == .approved || status == .partiallyApproved
            let grantedItems = status == .partiallyApproved ? Array(Set(Array(items.prefix(max(1, items.count - 1))) + store.keys)).sorted() : nil
            let grantedScope = granted ? (grantedItems.map { JSONText.encode(GrantScope(items: $0)) } ?? scope) : nil
            apps.append(
                """
                (\(bind: id), 'resource', \(bind: store.code), NULL, \(bind: store.department), \(bind: consumer), \(bind: applicantID), \
                \(bind: applicant.username), NULL, \(bind: store.sharing.rawValue), \(bind: p.purpose), \(bind: p.basis), \(bind: scope), NULL, \
                \(bind: filed.iso), \(bind: validUntil), \(bind: status.rawValue), \(bind: store.sharing == .unconditional ? nil : deadline.iso), \
                \(bind: decidedBy), \(bind: decidedAt), \(bind: reason), \(bind: grantedScope), \(bind: granted ? validUntil : nil), NULL, \(bind: filedAt))
                """)
            events.append("(\(bind: UUID()), \(bind: id), 'applied', \(bind: applicant.username), \(bind: p.purpose), \(bind: filedAt))")
            if let decidedAt, let decidedBy {
                events.append("(\(bind: UUID()), \(bind: id), \(bind: action), \(bind: decidedBy), \(bind: reason), \(bind: decidedAt))")
                if granted {
                    grants.append(
                        """
                        (\(bind: UUID()), \(bind: id), 'resource', \(bind: store.code), NULL, \(bind: store.department), \(bind: consumer), \
                        \(bind: grantedScope ?? scope), NULL, \(bind: filed.iso), \(bind: validUntil), NULL, NULL, NULL, \(bind: decidedAt))
                        """)
                }
            }
        }
        try await insert(
            "access_applications",
            "id, kind, resource_code, service_code, provider_code, consumer_code, applicant_id, applicant_name, app_id, sharing_type, purpose, legal_basis, scope, unmask_reason, valid_from, valid_until, status, deadline, decided_by, decided_at, decision_reason, granted_scope, granted_until, escalated_at, created_at",
            apps, on: db)
        try await insert("application_events", "id, application_id, action, actor_name, note, at", events, on: db)
        try await insert(
            "grants",
            "id, application_id, kind, resource_code, service_code, provider_code, consumer_code, scope, unmask_reason, valid_from, valid_until, revoked_at, revoked_by, revoke_reason, created_at",
            grants, on: db)
    }

    static func insert(_ table: String, _ columns: String, _ values: [SQLQueryString], on db: any Database) async throws {
        for chunk in stride(from: 0, to: values.count, by: 400) {
            try await db.sql.raw(
                "INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: columns)) VALUES \(values[chunk..<min(chunk + 400, values.count)].joined(separator: ", "))"
            ).run()
        }
    }

    // MARK: Objections

    static let notes: [(note: String, resolution: String)] = [
        ("联系电话位数不正确，疑似录入错误。", "已核实并更正联系电话。"), ("地址与实际经营地址不一致。", "已按现场核查结果更正地址。"),
        ("状态已变更，目录数据未同步。", "已同步最新状态。"), ("姓名含错别字。", "已核对原始材料并更正。")
    ]
    static let objectionRefusals = ["经核对原始登记材料，现有数据无误。", "所述情况属于正常业务变更，数据已按规定更新。"]

    static func objections(_ stores: [Store], today: CivilDate, now: Date, random: inout HistoryRandom, on db: any Database) async throws {
        let users = try await User.query(on: db).sort(\.$username).all().filter { $0.role == .steward }
        let withRecords = stores.filter { $0.rows > 0 && !$0.keys.isEmpty }.prefix(12)
        guard !withRecords.isEmpty else { return }
        var values: [SQLQueryString] = []
        for store in withRecords {
            guard let dbStore = try await RecordStoreRow.query(on: db).filter(\.$resourceCode == store.code).first() else { continue }
            let page = try await RecordQuery(store: dbStore, params: [], fields: nil, sort: nil).csvPage(after: nil, limit: 12, on: db.sql)
            let names = dbStore.recordLayout.columns.map(\.name)
            let raisers = users.filter { $0.departmentCode != store.department }
            guard !raisers.isEmpty else { continue }
            for (n, row) in page.rows.enumerated() where n % 2 == 0 {
                let key = store.keys.map { k in names.firstIndex(of: k).flatMap { row[$0] } ?? "" }.joined(separator: ",")
                let column = store.columns.first { !store.keys.contains($0) } ?? store.columns[0]
                let seen = names.firstIndex(of: column).flatMap { row[$0] }
                let raiser = raisers[random.int(0..<raisers.count)]
                guard let raiserID = raiser.id else { continue }
                let raised = WorkingDays.add(-(2 + random.int(0..<240)), to: today)
                let raisedAt = at(raised, minutes: random.int(0..<420))
                let age = workingDays(from: raised, to: today)
                // Settled within ten working days mostly, one in five late; the recent ones still open.
                let after = random.int(0..<5) == 0 ? reviewDays + 2 + random.int(0..<15) : 1 + random.int(0..<reviewDays)
                let text = notes[random.int(0..<notes.count)]
                var state = ObjectionState.open, resolution: String?, resolvedAt: Date?, resolvedBy: String?
                var correctedValue: String?, correctedColumn: String?
                if after < age {
                    let roll = random.int(0..<10)
                    state = roll < 6 ? .accepted : roll < 9 ? .rejected : .withdrawn
                    resolvedAt = at(WorkingDays.add(after, to: raised), minutes: 200 + random.int(0..<200))
                    resolvedBy = state == .withdrawn ? raiser.username : users.first { $0.departmentCode == store.department }?.username ?? "admin"
                    resolution = state == .accepted ? text.resolution : state == .rejected ? objectionRefusals[random.int(0..<2)] : "已与提供方沟通，撤回纠错。"
                    if state == .accepted, let seen { correctedColumn = column; correctedValue = seen }
                }
                values.append(
                    """
                    (\(bind: UUID()), \(bind: store.code), \(bind: store.department), \(bind: key), \(bind: column), \(bind: seen), NULL, \
                    \(bind: text.note), \(bind: state.rawValue), \(bind: raiser.username), \(bind: raiserID), \(bind: raiser.departmentCode), \
                    \(bind: resolution), \(bind: correctedValue), \(bind: correctedColumn), NULL, \(bind: resolvedBy), \(bind: resolvedAt), \(bind: raisedAt))
                    """)
            }
        }
        try await insert(
            "objections",
            "id, resource_code, provider_code, record_key, column_name, seen_value, suggested_value, note, state, raised_by, raised_by_id, consumer_code, resolution, corrected_value, corrected_column, correction_load_id, resolved_by, resolved_at, created_at",
            values, on: db)
    }
}

/// The history's seeded generator (the same history on every run).
struct HistoryRandom {
    var source: SplitMix
    init(_ source: SplitMix) { self.source = source }
    /// An integer in `range` (not empty).
    mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(source.next() % UInt64(max(1, range.count))) }
}
