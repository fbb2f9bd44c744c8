import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The catalog's actions: load → authorize → validate → act (in a transaction) → answer.
///
/// Used by the API and the web pages alike, so both enforce the same rules.
struct CatalogService {
    let db: any Database
    let actor: Actor?
    let user: User?
    var noticeDays: Int = Lifecycle.defaultNoticeDays

    init(req: Request) {
        db = req.db; actor = req.actor; user = req.user; noticeDays = req.application.settings.noticeDays
    }

    init(db: any Database, user: User?, noticeDays: Int = Lifecycle.defaultNoticeDays) {
        self.db = db; self.user = user; self.actor = user?.actor; self.noticeDays = noticeDays
    }

    // MARK: Loading and visibility

    func find(code: String) async throws -> ResourceRow {
        guard let row = try await ResourceRow.query(on: db).filter(\.$code == code).first() else {
            throw AppError.notFound("Resource \(code)")
        }
        return row
    }

    /// Whether the resource is in the published catalog (public statement of what the city holds).
    static func isInCatalog(_ r: ResourceRow) -> Bool { r.publishedRevision != nil && r.state != .retired }

    /// Loads a resource the actor may see; answers 404 (not 403) for what they may not know exists.
    func visible(code: String) async throws -> ResourceRow {
        let row = try await find(code: code)
        // Whoever may not see it gets exactly what an unknown code gets.
        guard canSee(row) else { throw AppError.notFound("Resource \(code)") }
        return row
    }

    func canSee(_ r: ResourceRow) -> Bool { Self.canSee(r, actor: actor) }

    /// Whether `actor` may know of the resource: the published catalog and what is in public notice
    /// (公示: shown to everyone, anonymous visitors too — that is what a public notice is for), unless
    /// classified beyond them, and their own department's drafts.
    static func canSee(_ r: ResourceRow, actor: Actor?) -> Bool {
        func allowed(_ action: CatalogAction) -> Bool { Authorization.decide(actor, action, departmentCode: r.departmentCode).isAllowed }
        if r.classified && !allowed(.readClassified) { return false }
        return isInCatalog(r) || r.state == .notice || allowed(.readUnpublished)
    }

    /// Why publishing must wait: the public notice still runs (the data authority may cut it short).
    func noticeStillRuns(_ r: ResourceRow) -> Date? {
        guard let ends = r.noticeEndsAt, ends > Date(), actor?.role != .platformAdmin else { return nil }
        return ends
    }

    /// Whether the actor may see the working (unpublished) revision.
    func canSeeWorking(_ r: ResourceRow) -> Bool { allowed(.readUnpublished, r.departmentCode) }

    func allowed(_ action: CatalogAction, _ department: String?) -> Bool {
        Authorization.decide(actor, action, departmentCode: department).isAllowed
    }

    func authorize(_ action: CatalogAction, _ department: String?) throws {
        try AuthorizationGate.authorize(actor, action, department: department)
    }

    func signedInUser() throws -> User { try AuthorizationGate.signedIn(user) }

    /// The snapshot being edited: the working revision's.
    func workingSnapshot(_ r: ResourceRow) async throws -> ResourceSnapshot {
        try await revision(r, number: r.workingRevision).resourceSnapshot ?? r.catalogSnapshot!
    }

    /// One revision; inside a transaction pass its `db`, or the pool's single SQLite connection deadlocks.
    func revision(_ r: ResourceRow, number: Int, on db: (any Database)? = nil) async throws -> RevisionRow {
        guard
            let rev = try await RevisionRow.query(on: db ?? self.db).filter(\.$resourceID == r.requireID())
                .filter(\.$number == number).first()
        else { throw AppError.notFound("Revision \(number) of \(r.code)") }
        return rev
    }

    func revisions(_ r: ResourceRow) async throws -> [RevisionRow] {
        try await RevisionRow.query(on: db).filter(\.$resourceID == r.requireID()).sort(\.$number, .descending).all()
    }

    func transitions(_ r: ResourceRow) async throws -> [TransitionRow] {
        try await TransitionRow.query(on: db).filter(\.$resourceID == r.requireID()).sort(\.$at, .descending).all()
    }

    /// The comments the actor may read: all of them for the provider and the reviewers (who act on
    /// them), a commenter's own for everyone else — comments may hold contact details.
    func comments(_ r: ResourceRow) async throws -> [CommentRow] {
        guard let user else { return [] }
        let resourceID = try r.requireID(), authorID = try user.requireID()
        var q = CommentRow.query(on: db).filter(\.$resourceID == resourceID)
        if !canSeeWorking(r) { q = q.filter(\.$authorID == authorID) }
        return try await q.sort(\.$createdAt, .ascending).all()
    }

    /// Whether the actor reads every comment of the resource (else only their own).
    func seesAllComments(_ r: ResourceRow) -> Bool { user != nil && canSeeWorking(r) }

    // MARK: Validation

    func validator() async throws -> ResourceValidator {
        let departments = try await Department.query(on: db).all(\.$code)
        let standards = try await StandardRow.query(on: db).all().map(\.standard.summary)
        return ResourceValidator(departments: Set(departments), standards: Dictionary(uniqueKeysWithValues: standards.map { ($0.code, $0) }))
    }

    func validate(_ s: ResourceSnapshot) async throws {
        let errors = try await validator().validate(s)
        if !errors.isEmpty { throw AppError.validation(errors) }
    }

    // MARK: Writing

    /// Registers a new resource as a draft (revision 1).
    func create(_ s: ResourceSnapshot) async throws -> ResourceRow {
        let user = try signedInUser()
        try authorize(.createResource, s.departmentCode)
        try await validate(s)
        if try await ResourceRow.query(on: db).filter(\.$code == s.code).first() != nil {
            throw AppError.field(.conflict, "duplicate_code", "code", zh: "资源代码 \(s.code) 已存在", en: "Resource code \(s.code) already exists")
        }
        return try await db.transaction { tx in
            let row = ResourceRow()
            row.apply(s)
            row.searchText = try await Self.searchText(s, on: tx)
            row.status = LifecycleState.draft.rawValue
            row.workingRevision = 1
            row.version = 1
            try await row.create(on: tx)
            try await RevisionRow(resourceID: row.requireID(), number: 1, snapshot: s, author: user).create(on: tx)
            try await CatalogIndex.reindex([(row.requireID(), s, row.searchText)], on: tx)
            return row
        }
    }

    /// Saves a new working snapshot. `version` must be the version the editor read.
    func update(code: String, version: Int, snapshot s: ResourceSnapshot) async throws -> ResourceRow {
        let user = try signedInUser()
        let row = try await visible(code: code)
        try authorize(.editResource, row.departmentCode)
        if s.departmentCode != row.departmentCode { try authorize(.editResource, s.departmentCode) }
        guard row.state.isEditable else {
            throw AppError(.conflict, "not_editable", "Resource \(code) is \(row.state.en.lowercased()); request a change to edit it")
        }
        guard s.code == row.code else {
            throw AppError.field(.unprocessableEntity, "code_immutable", "code", zh: "资源代码登记后不可更改", en: "A resource code cannot change once registered")
        }
        guard version == row.version else { throw Self.stale(code, row.version) }
        try await validate(s)
        return try await db.transaction { tx in
            let rev = try await revision(row, number: row.workingRevision, on: tx)
            rev.snapshot = JSONText.encode(s)
            rev.authorID = try user.requireID(); rev.authorName = user.displayName
            try await rev.update(on: tx)
            if row.publishedRevision == nil {  // never published: the draft is what the catalog shows
                row.apply(s)
                row.searchText = try await Self.searchText(s, on: tx)
                try await CatalogIndex.reindex([(row.requireID(), s, row.searchText)], on: tx)
            }
            try await Self.bumpVersion(row, expected: version, on: tx)
            return row
        }
    }

    /// Moves the resource through the review flow and records who, when and why.
    func transition(code: String, action: LifecycleAction, reason: String?, version: Int?) async throws -> ResourceRow {
        let user = try signedInUser()
        let row = try await visible(code: code)
        try authorize(CatalogAction(action), row.departmentCode)
        if let version, version != row.version { throw Self.stale(code, row.version) }
        let from = row.state
        guard let to = Lifecycle.next(from: from, by: action, hasPublishedRevision: row.publishedRevision != nil) else {
            let allowed = Lifecycle.actions(from: from, hasPublishedRevision: row.publishedRevision != nil).map(\.rawValue)
            throw AppError.field(
                .conflict, "invalid_transition", "action",
                zh: "“\(from.zh)”状态下不能“\(action.zh)”",
                en: "Cannot \(action.rawValue) a resource that is \(from.rawValue); allowed: \(allowed.joined(separator: ", "))")
        }
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if action.needsReason && (reason ?? "").isEmpty {
            throw AppError.field(.unprocessableEntity, "reason_required", "reason", zh: "“\(action.zh)”须说明理由", en: "\(action.en) needs a reason")
        }
        if action == .publish, let ends = noticeStillRuns(row) {
            throw AppError.field(.conflict, "notice_period", "action", zh: "公示期未满（至 \(ends.ymd)）", en: "The public notice runs until \(ends.ymd)")
        }
        if action == .submit { try await validate(try await workingSnapshot(row)) }
        let expected = row.version
        return try await db.transaction { tx in
            switch action {
            case .approve: row.noticeEndsAt = Date().addingTimeInterval(Double(noticeDays) * 86_400)
            case .publish: try await publishWorkingRevision(row, on: tx)
            case .requestChange: try await openChange(row, by: user, on: tx)
            case .withdraw where from == .changeRequested: try await dropChange(row, on: tx)
            default: break
            }
            row.status = to.rawValue
            let t = TransitionRow()
            t.resourceID = try row.requireID(); t.revision = row.workingRevision; t.action = action.rawValue
            t.fromState = from.rawValue; t.toState = to.rawValue; t.actorID = try user.requireID()
            t.actorName = user.displayName; t.reason = reason
            try await t.create(on: tx)
            try await Self.bumpVersion(row, expected: expected, on: tx)
            return row
        }
    }

    /// Leaves a comment; open to any signed-in user on what they can see.
    func comment(code: String, body: String) async throws -> CommentRow {
        let user = try signedInUser()
        try authorize(.comment, nil)
        let row = try await visible(code: code)
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 4000 else {
            throw AppError.field(.unprocessableEntity, "invalid", "body", zh: "意见内容须为 1–4000 字", en: "A comment holds 1 to 4000 characters")
        }
        let c = CommentRow()
        c.resourceID = try row.requireID(); c.revision = row.workingRevision
        c.authorID = try user.requireID(); c.authorName = user.displayName; c.body = text
        try await c.create(on: db)
        return c
    }

    // MARK: Steps inside a transition

    private func publishWorkingRevision(_ row: ResourceRow, on tx: any Database) async throws {
        let rev = try await revision(row, number: row.workingRevision, on: tx)
        guard var s = rev.resourceSnapshot else { return }
        if s.publishDate == nil { s.publishDate = Date().ymd; rev.snapshot = JSONText.encode(s) }
        rev.publishedAt = Date()
        try await rev.update(on: tx)
        row.apply(s)
        row.searchText = try await Self.searchText(s, on: tx)
        row.publishedRevision = rev.number
        row.noticeEndsAt = nil
        try await CatalogIndex.reindex([(row.requireID(), s, row.searchText)], on: tx)
        try await RecordStores.ensure(row, snapshot: s, on: tx)
    }

    private func openChange(_ row: ResourceRow, by user: User, on tx: any Database) async throws {
        let current = try await revision(row, number: row.workingRevision, on: tx)
        let next = row.workingRevision + 1
        try await RevisionRow(resourceID: row.requireID(), number: next, snapshot: current.resourceSnapshot!, author: user).create(on: tx)
        row.workingRevision = next
    }

    private func dropChange(_ row: ResourceRow, on tx: any Database) async throws {
        try await revision(row, number: row.workingRevision, on: tx).delete(on: tx)
        row.workingRevision -= 1
    }

    // MARK: Helpers

    static func stale(_ code: String, _ current: Int) -> AppError {
        AppError.field(
            .conflict, "stale_revision", "version", zh: "资源已被他人修改（当前版本 \(current)），请刷新后重试",
            en: "Resource \(code) was changed by someone else (now version \(current)); reload and retry")
    }

    /// Optimistic lock: claims the next version with a conditional UPDATE, so of two writers
    /// that read the same version exactly one wins; then saves the row's other changes.
    static func bumpVersion(_ row: ResourceRow, expected: Int, on tx: any Database) async throws {
        let claimed = try await tx.sql.update("resources")
            .set("version", to: expected + 1)
            .where("id", .equal, row.requireID()).where("version", .equal, expected)
            .returning("version").all()
        guard !claimed.isEmpty else { throw stale(row.code, expected + 1) }
        row.version = expected + 1
        try await row.update(on: tx)
    }

    static func searchText(_ s: ResourceSnapshot, on db: any Database) async throws -> String {
        let dept = try await Department.query(on: db).filter(\.$code == s.departmentCode).first()
        let codes = Array(Set(s.items.map(\.standardCode)))
        let standards = codes.isEmpty ? [] : try await StandardRow.query(on: db).filter(\.$code ~~ codes).all()
        return CatalogIndex.searchText(
            s, departmentName: dept.map { "\($0.name) \($0.nameEn)" },
            standardNames: Dictionary(uniqueKeysWithValues: standards.map { ($0.code, $0.name) }))
    }
}

extension Date {
    /// `YYYY-MM-DD` in China Standard Time.
    var ymd: String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        let c = cal.dateComponents([.year, .month, .day], from: self)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}
