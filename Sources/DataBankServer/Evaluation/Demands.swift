import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The demand registry (需求登记): a department (or a registered member of the public) registers a
/// data need; it is routed to the named provider, or to the data authority to assign one; the
/// provider accepts it, then meets it (linking the resource or grant that did) or says why it cannot.
/// Load → authorize → validate → act → history, audit and inbox, as for applications.
enum Demands {
    /// What a requester sends (the API's JSON and the form alike).
    struct Input: Content, BoundedText {
        var title: String?
        var reason: String?
        var items: String?
        /// Standard data elements (codes) the items should follow.
        var standards: [String]?
        var theme: String?
        var urgency: String?
        /// The provider department, if known; absent: the data authority assigns one.
        var provider: String?

        var boundedFields: [(field: String, value: String?, max: Int)] {
            [
                ("title", title, TextLimit.name), ("reason", reason, TextLimit.note), ("items", items, TextLimit.note),
                ("theme", theme, 40), ("urgency", urgency, 20), ("provider", provider, 64)
            ]
        }
    }

    /// Working days the provider (or the data authority) has to answer: the applications' deadline
    /// (`DATABANK_REVIEW_WORKING_DAYS`), counted by the same ``WorkingDays``.
    static var answerDays: Int { SharingAPI.reviewDays }

    static func register(_ input: Input, req: Request) async throws -> DemandRow {
        let user = try req.requireUser()
        guard req.app == nil else { throw AppError(.forbidden, "forbidden", "Apps read records; registering a demand needs a user") }
        try req.authorize(.registerDemand, department: user.departmentCode)
        try input.checkLengths()
        var problems: [FieldError] = []
        func problem(_ field: String, _ code: String, _ zh: String, _ en: String) {
            problems.append(FieldError(field: field, code: code, message: zh, messageEn: en))
        }
        let title = clean(input.title), reason = clean(input.reason), items = clean(input.items)
        if title == nil { problem("title", "title_required", "请填写需要什么数据", "title is required: say what data is needed") }
        if reason == nil { problem("reason", "reason_required", "请说明用途（为什么需要）", "reason is required: say why it is needed") }
        if items == nil { problem("items", "items_required", "请列出需要的数据项", "items is required: list the items wanted") }
        let urgency = DemandUrgency(rawValue: clean(input.urgency) ?? "normal")
        if urgency == nil { problem("urgency", "invalid_urgency", "紧急程度为 normal、urgent 或 critical", "urgency is normal, urgent or critical") }
        let theme = clean(input.theme)
        if let theme, Theme(rawValue: theme) == nil { problem("theme", "invalid_theme", "未知主题：\(theme)", "Unknown theme \(theme)") }
        let provider = clean(input.provider)
        if let provider {
            if try await Department.query(on: req.db).filter(\.$code == provider).first() == nil {
                problem("provider", "unknown_provider", "没有代码为 \(provider) 的部门", "No department \(provider)")
            } else if provider == user.departmentCode {
                problem("provider", "own_department", "本部门的数据无需登记需求", "Your own department provides it; no demand is needed")
            }
        }
        let standards = Array(Set((input.standards ?? []).compactMap { clean($0) })).sorted()
        if !standards.isEmpty {
            let known = Set(try await StandardRow.query(on: req.db).filter(\.$code ~~ standards).all().map(\.code))
            for code in standards where !known.contains(code) {
                problem("standards", "unknown_standard", "标准库中没有数据元 \(code)", "No standard data element \(code)")
            }
        }
        if let first = problems.first {
            throw AppError(.unprocessableEntity, first.code, problems.map(\.messageEn).joined(separator: "; "), details: problems)
        }
        let today = req.application.today
        let row = DemandRow()
        row.title = title!; row.reason = reason!; row.items = items!; row.standards = JSONText.encode(standards); row.theme = theme
        row.urgency = urgency!.rawValue; row.providerCode = provider; row.state = DemandState.pending.rawValue
        row.requesterCode = user.actor.consumerCode; row.requesterID = try user.requireID(); row.requesterName = user.username
        row.due = WorkingDays.add(answerDays, to: today).iso; row.voteCount = 0
        try await req.db.transaction { tx in
            try await row.create(on: tx)
            try await event(row, "registered", user: user, note: nil, on: tx)
            let n = try await names(row, on: tx)
            if let provider {
                try await Applications.notify(
                    provider, "demand.registered", zh: "\(n.requester) 登记了数据需求“\(row.title)”，请在 \(row.due) 前答复",
                    en: "\(n.requesterEn) registered the data demand “\(row.title)”; answer by \(row.due)", link: link(row), on: tx)
            } else {
                for authority in try await dataAuthorities(on: tx) {
                    try await Applications.notify(
                        authority, "demand.unassigned", zh: "\(n.requester) 登记了数据需求“\(row.title)”，未指明提供方，请指派",
                        en: "\(n.requesterEn) registered the data demand “\(row.title)” without a provider; assign one", link: link(row), on: tx)
                }
            }
        }
        try await audit(row, "register", req: req)
        return row
    }

    // MARK: Reading

    /// A demand the caller may see: inside government every demand (needs are no secret, so others can
    /// say "we need it too"); a registered member of the public only their own. 404 otherwise.
    static func find(_ id: UUID?, req: Request) async throws -> DemandRow {
        let user = try req.requireUser()
        guard let id, let row = try await DemandRow.find(id, on: req.db), user.role.isStaff || row.requesterCode == user.actor.consumerCode else {
            throw AppError.notFound("Demand")
        }
        return row
    }

    /// The list's filters: `state`, `provider` (`none`: not yet assigned), `theme`, `mine` (registered by
    /// my department), `toMe` (routed to my department).
    struct Filter {
        var state: DemandState?
        var provider: String?
        var theme: String?
        var mine = false
        var toMe = false
        var overdue = false
    }

    static func filter(_ req: Request) throws -> Filter {
        var f = Filter()
        if let text = req.query[String.self, at: "state"], !text.isEmpty, text != "all" {
            guard let s = DemandState(rawValue: text) else {
                throw AppError.field(
                    .badRequest, "invalid_state", "state", zh: "状态为 pending、accepted、fulfilled 或 declined",
                    en: "state is pending, accepted, fulfilled or declined")
            }
            f.state = s
        }
        f.provider = clean(req.query[String.self, at: "provider"])
        f.theme = clean(req.query[String.self, at: "theme"])
        f.mine = ["1", "true", "yes"].contains(req.query[String.self, at: "mine"] ?? "")
        f.toMe = ["1", "true", "yes"].contains(req.query[String.self, at: "toMe"] ?? "")
        f.overdue = ["1", "true", "yes"].contains(req.query[String.self, at: "overdue"] ?? "")
        return f
    }

    static func list(_ req: Request, _ f: Filter, limit: Int = 500) async throws -> [DemandRow] {
        let user = try req.requireUser()
        var q = DemandRow.query(on: req.db)
        if !user.role.isStaff || f.mine { q = q.filter(\.$requesterCode == user.actor.consumerCode) }
        if f.toMe { q = q.filter(\.$providerCode == user.departmentCode) }
        if let state = f.state { q = q.filter(\.$state == state.rawValue) }
        if let provider = f.provider { q = provider == "none" ? q.filter(\.$providerCode == nil) : q.filter(\.$providerCode == provider) }
        if let theme = f.theme { q = q.filter(\.$theme == theme) }
        if f.overdue { q = q.filter(\.$state == DemandState.pending.rawValue).filter(\.$due < req.application.today.iso) }
        return try await q.sort(\.$createdAt, .descending).range(0..<limit).all()
    }

    static func history(_ row: DemandRow, on db: any Database) async throws -> (events: [DemandEventRow], votes: [DemandVoteRow]) {
        let id = try row.requireID()
        return (
            try await DemandEventRow.query(on: db).filter(\.$demandID == id).sort(\.$at).all(),
            try await DemandVoteRow.query(on: db).filter(\.$demandID == id).sort(\.$createdAt).all()
        )
    }

    // MARK: Parts

    /// Where a notification about the demand leads.
    static func link(_ row: DemandRow) -> String { SiteURL.demand(row.id ?? UUID()).path }

    /// The departments of the data authority: where the platform admins work.
    static func dataAuthorities(on db: any Database) async throws -> [String] {
        let admins = try await User.query(on: db).filter(\.$roleName == Role.platformAdmin.rawValue).all()
        return Array(Set(admins.map(\.departmentCode))).sorted()
    }

    static func event(_ row: DemandRow, _ action: String, user: User, note: String?, on db: any Database) async throws {
        try await DemandEventRow(demandID: try row.requireID(), action: action, actorName: user.username, departmentCode: user.departmentCode, note: note)
            .create(on: db)
    }

    /// Every step is in the audit trail as well as the demand's history: `demand.<action>`, the demand named in `fields`.
    static func audit(_ row: DemandRow, _ action: String, req: Request) async throws {
        _ = try await AuditLog.append(
            .of(req), resource: row.fulfilledResource, operation: "demand.\(action)", fields: ["demand:\(row.id?.uuidString ?? "")"], count: 0,
            purpose: "需求登记", requestID: req.id, requestHash: nil, on: req.db, trail: req.application.auditTrail)
    }

    /// The requester as notifications name them.
    static func names(_ row: DemandRow, on db: any Database) async throws -> (requester: String, requesterEn: String) {
        if row.requesterCode.hasPrefix(Actor.publicConsumerPrefix) { return ("注册用户 \(row.requesterName)", "Registered user \(row.requesterName)") }
        let d = try await Department.query(on: db).filter(\.$code == row.requesterCode).first()
        return (d?.name ?? row.requesterCode, d?.nameEn ?? row.requesterCode)
    }

    /// Trimmed text, nil when empty.
    static func clean(_ raw: String?) -> String? { raw?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty }
}
