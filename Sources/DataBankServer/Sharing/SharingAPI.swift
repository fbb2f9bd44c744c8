import Fluent
import Vapor
import DataBankCore

/// Applications, decisions, grants, the inbox and apps over HTTP.
struct SharingAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let applications = routes.grouped("applications")
        applications.post(use: apply).gate(.action(.applyForAccess))
        applications.get(use: list).gate(.signedIn)
        applications.get(":id", use: show).gate(.signedIn)
        applications.post(":id", "decision", use: decide).gate(.action(.reviewApplication))
        applications.post(":id", "countersign", use: countersign).gate(.action(.countersign))
        applications.post(":id", "escalate", use: escalate).gate(.signedIn)
        applications.post(":id", "withdraw", use: withdraw).gate(.signedIn)
        routes.get("grants", use: grants).gate(.action(.readGrants))
        routes.post("grants", ":id", "revoke", use: revoke).gate(.signedIn)
        routes.get("inbox", use: inbox).gate(.signedIn)
        routes.post("notifications", "read", use: markRead).gate(.signedIn)
        routes.post("apps", use: createApp).gate(.action(.manageApps))
        routes.get("apps", use: apps).gate(.action(.manageApps))
        routes.delete("apps", ":id", use: revokeApp).gate(.action(.manageApps))
    }

    static let reviewDays = Environment.get("DATABANK_REVIEW_WORKING_DAYS").flatMap(Int.init) ?? 10

    func apply(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let input = try req.decodeBody(ApplicationInput.self)
        let row = try await Applications.apply(input, by: user, reviewDays: Self.reviewDays, today: req.application.today, on: req.db)
        return try await ApplicationInfo(row, events: [], grant: try await grant(of: row, req), today: req.application.today).encodeResponse(
            status: .created, for: req)
    }

    func list(req: Request) async throws -> ListPage<ApplicationInfo> {
        let user = try req.requireUser()
        var q = ApplicationRow.query(on: req.db)
        switch req.query[String.self, at: "box"] ?? "all" {
        case "review": q = q.filter(\.$providerCode == user.departmentCode)
        case "mine": q = q.filter(\.$consumerCode == user.departmentCode)
        case "overdue":
            try AuthorizationGate.authorize(user.actor, .countersign, department: nil)
            q = q.filter(\.$status == ApplicationStatus.pending.rawValue).filter(\.$deadline < req.application.today.iso)
        default:
            if user.role != .platformAdmin {
                q = q.group(.or) { $0.filter(\.$providerCode == user.departmentCode).filter(\.$consumerCode == user.departmentCode) }
            }
        }
        if let status = req.query[String.self, at: "status"] { q = q.filter(\.$status == status) }
        let rows = try await q.sort(\.$createdAt, .descending).range(0..<500).all()
        return ListPage(items: rows.map { ApplicationInfo($0, events: nil, grant: nil, today: req.application.today) })
    }

    func show(req: Request) async throws -> ApplicationInfo {
        let row = try await load(req)
        let events = try await ApplicationEventRow.query(on: req.db).filter(\.$applicationID == (try row.requireID())).sort(\.$at).all()
        return ApplicationInfo(row, events: events.map(EventInfo.init), grant: try await grant(of: row, req), today: req.application.today)
    }

    func decide(req: Request) async throws -> ApplicationInfo {
        let row = try await load(req)
        try await Applications.decide(
            row, try req.decodeBody(DecisionInput.self), by: try req.requireUser(), countersign: false, today: req.application.today, on: req.db)
        return try await show(req: req)
    }

    func countersign(req: Request) async throws -> ApplicationInfo {
        let row = try await load(req)
        try await Applications.decide(
            row, try req.decodeBody(DecisionInput.self), by: try req.requireUser(), countersign: true, today: req.application.today, on: req.db)
        return try await show(req: req)
    }

    struct Note: Content, BoundedText {
        var note: String?; var reason: String?
        var boundedFields: [(field: String, value: String?, max: Int)] { [("note", note, TextLimit.note), ("reason", reason, TextLimit.note)] }
    }

    func escalate(req: Request) async throws -> ApplicationInfo {
        let row = try await load(req)
        try await Applications.escalate(row, note: try req.decodeOptionalBody(Note.self)?.note, by: try req.requireUser(), on: req.db)
        return try await show(req: req)
    }

    func withdraw(req: Request) async throws -> ApplicationInfo {
        let row = try await load(req)
        try await Applications.withdraw(row, by: try req.requireUser(), on: req.db)
        return try await show(req: req)
    }

    func grants(req: Request) async throws -> ListPage<GrantInfo> {
        let user = try req.requireUser()
        try AuthorizationGate.authorize(user.actor, .readGrants, department: nil)
        var q = GrantRow.query(on: req.db)
        if let resource = req.query[String.self, at: "resource"] { q = q.filter(\.$resourceCode == resource) }
        if let consumer = req.query[String.self, at: "consumer"] { q = q.filter(\.$consumerCode == consumer) }
        let today = req.application.today.iso
        let rows = try await q.sort(\.$createdAt, .descending).range(0..<1000).all()
        // Who holds which grant is open inside government, but only on resources the caller may see;
        // a row scope can quote values (an ID, a region), so it is shown to the two parties and the authority.
        let codes = Array(Set(rows.map(\.resourceCode)))
        let visible = Set(
            try await ResourceRow.query(on: req.db).filter(\.$code ~~ codes).all()
                .filter { CatalogService.canSee($0, actor: user.actor) }.map(\.code))
        let authority = user.role == .platformAdmin
        return ListPage(
            items: rows.compactMap { row in
                let party = authority || row.consumerCode == user.departmentCode || row.providerCode == user.departmentCode
                guard party || visible.contains(row.resourceCode) else { return nil }
                var info = GrantInfo(row, today: today)
                if !party { info.scope.rowFilter = [] }
                return info
            })
    }

    func revoke(req: Request) async throws -> GrantInfo {
        guard let grant = try await GrantRow.find(req.parameters.get("id", as: UUID.self), on: req.db) else { throw AppError.notFound("Grant") }
        try await Applications.revoke(grant, reason: try req.decodeOptionalBody(Note.self)?.reason, by: try req.requireUser(), on: req.db)
        return GrantInfo(grant, today: req.application.today.iso)
    }

    struct Inbox: Content {
        var toReview: [ApplicationInfo]
        var overdue: [ApplicationInfo]
        var mine: [ApplicationInfo]
        var expiringGrants: [GrantInfo]
        var notifications: [NotificationInfo]
    }

    /// A department's inbox: applications to review, its own applications and their decisions,
    /// grants expiring within 30 days, and notifications.
    func inbox(req: Request) async throws -> Inbox {
        let user = try req.requireUser()
        let dept = user.departmentCode
        let today = req.application.today
        let open = [ApplicationStatus.pending.rawValue, ApplicationStatus.escalated.rawValue]
        let toReview = try await ApplicationRow.query(on: req.db).filter(\.$providerCode == dept).filter(\.$status ~~ open).sort(\.$createdAt).all()
        let overdue =
            user.role == .platformAdmin
            ? try await ApplicationRow.query(on: req.db).filter(\.$status == ApplicationStatus.pending.rawValue).filter(\.$deadline < today.iso).all() : []
        let mine = try await ApplicationRow.query(on: req.db).filter(\.$consumerCode == dept).sort(\.$createdAt, .descending).range(0..<100).all()
        let soon = CivilDate(daysSinceEpoch: today.daysSinceEpoch + 30).iso
        let expiring = try await GrantRow.query(on: req.db).filter(\.$consumerCode == dept).filter(\.$revokedAt == nil)
            .filter(\.$validUntil >= today.iso).filter(\.$validUntil <= soon).all()
        let notes = try await NotificationRow.query(on: req.db).filter(\.$departmentCode == dept).sort(\.$createdAt, .descending).range(0..<50).all()
        return Inbox(
            toReview: toReview.map { ApplicationInfo($0, events: nil, grant: nil, today: req.application.today) },
            overdue: overdue.map { ApplicationInfo($0, events: nil, grant: nil, today: req.application.today) },
            mine: mine.map { ApplicationInfo($0, events: nil, grant: nil, today: req.application.today) },
            expiringGrants: expiring.map { GrantInfo($0, today: today.iso) },
            notifications: notes.map(NotificationInfo.init))
    }

    struct ReadRequest: Content { var ids: [UUID]? }
    struct ReadCount: Content { var marked: Int }

    /// Marks the department's notifications read: the ones named, or all of them.
    func markRead(req: Request) async throws -> ReadCount {
        let user = try req.requireUser()
        return ReadCount(marked: try await Self.markRead(department: user.departmentCode, ids: try req.decodeOptionalBody(ReadRequest.self)?.ids, on: req.db))
    }

    static func markRead(department: String, ids: [UUID]?, on db: any Database) async throws -> Int {
        func unread() -> QueryBuilder<NotificationRow> {
            let q = NotificationRow.query(on: db).filter(\.$departmentCode == department).filter(\.$readAt == nil)
            return ids.map { q.filter(\.$id ~~ $0) } ?? q
        }
        let count = try await unread().count()
        try await unread().set(\.$readAt, to: Date()).update()
        return count
    }

    // MARK: Apps

    struct NewApp: Content, BoundedText {
        var name: String; var ratePerMinute: Int?; var grants: [UUID]?; var department: String?
        var boundedFields: [(field: String, value: String?, max: Int)] { [("name", name, TextLimit.name), ("department", department, 64)] }
    }

    func createApp(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let body = try req.decodeBody(NewApp.self)
        let department = body.department ?? user.departmentCode
        try AuthorizationGate.authorize(user.actor, .manageApps, department: department)
        guard !body.name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw AppError.field(.unprocessableEntity, "required", "name", zh: "应用名称必填", en: "name is required")
        }
        let rate = body.ratePerMinute ?? 600
        guard (1...600_000).contains(rate) else {
            throw AppError.field(.unprocessableEntity, "invalid", "ratePerMinute", zh: "每分钟请求数为 1–600000", en: "ratePerMinute is 1 to 600000")
        }
        let asked = Set(body.grants ?? [])
        let grants = try await GrantRow.query(on: req.db).filter(\.$id ~~ Array(asked)).filter(\.$consumerCode == department).all()
        let bad = asked.subtracting(grants.compactMap(\.id))
        guard bad.isEmpty else {
            throw AppError.field(
                .unprocessableEntity, "unknown_grant", "grants", zh: "只能绑定本部门的授权",
                en: "Bind only your department's grants (not: \(bad.map(\.uuidString).sorted().joined(separator: ", ")))")
        }
        let token = Apps.generateToken()
        let app = AppRow()
        app.departmentCode = department; app.name = body.name; app.tokenHash = UserToken.hash(token); app.prefix = String(token.prefix(12))
        app.ratePerMinute = rate; app.createdBy = user.username
        try await req.db.transaction { tx in
            try await app.create(on: tx)
            for g in grants { try await AppGrantRow(appID: try app.requireID(), grantID: try g.requireID()).create(on: tx) }
        }
        return try await AppInfo(app, grants: grants.compactMap(\.id), token: token).encodeResponse(status: .created, for: req)
    }

    func apps(req: Request) async throws -> ListPage<AppInfo> {
        let user = try req.requireUser()
        var q = AppRow.query(on: req.db)
        if user.role != .platformAdmin { q = q.filter(\.$departmentCode == user.departmentCode) }
        let rows = try await q.sort(\.$createdAt).all()
        let bindings = try await AppGrantRow.query(on: req.db).filter(\.$appID ~~ rows.compactMap(\.id)).all()
        return ListPage(items: rows.map { app in AppInfo(app, grants: bindings.filter { $0.appID == app.id }.map(\.grantID), token: nil) })
    }

    func revokeApp(req: Request) async throws -> HTTPStatus {
        let user = try req.requireUser()
        guard let app = try await AppRow.find(req.parameters.get("id", as: UUID.self), on: req.db) else { throw AppError.notFound("App") }
        try AuthorizationGate.authorize(user.actor, .manageApps, department: app.departmentCode)
        app.revokedAt = Date()
        try await app.save(on: req.db)
        return .noContent
    }

    // MARK: Helpers

    func load(_ req: Request) async throws -> ApplicationRow {
        let user = try req.requireUser()
        guard let row = try await ApplicationRow.find(req.parameters.get("id", as: UUID.self), on: req.db) else { throw AppError.notFound("Application") }
        // The applicant, the provider and the platform see an application; nobody else.
        guard [row.consumerCode, row.providerCode].contains(user.departmentCode) || user.role == .platformAdmin else {
            throw AppError.notFound("Application")
        }
        return row
    }

    func grant(of row: ApplicationRow, _ req: Request) async throws -> GrantInfo? {
        guard let g = try await GrantRow.query(on: req.db).filter(\.$applicationID == (try row.requireID())).first() else { return nil }
        return GrantInfo(g, today: req.application.today.iso)
    }
}
