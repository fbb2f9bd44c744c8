import Fluent
import SQLKit
import Vapor
import DataBankCore

/// A reader's answer for one store: what every path out of it applies.
struct StoreRead: Sendable {
    let store: RecordStoreRow
    let resource: ResourceRow
    /// `.full`, `.grant` or `.openPortal` (the refusals are thrown).
    let access: ReadAccess
    /// What the reader sees of the store; `nil` when they read everything in clear.
    let view: GrantView?
    /// Why they read (required for other departments' data under a grant, and for the data authority).
    let purpose: String?
    /// Whether this reader must state a purpose before seeing records.
    let needsPurpose: Bool
}

/// Gathers the facts for ``ReadAccess/decide(_:)`` — the one decision of what a caller may read of a
/// store — and turns its answer into a view or an error. Records, exports, the Data Package, the
/// change feed, SSE, objections, profiles and quality examples all call this; none decides for itself.
enum StoreReading {
    /// The resource named by the route's `:code` (or `code`), its store and the caller's view.
    ///
    /// Refusals are audited (who tried to read what, and why) and answered: 404 exactly as for an
    /// unknown code when the caller may not know the resource exists, 401, 403 `no_grant`, 400
    /// `purpose_required`; 409 `not_published` for a visible resource without a store.
    static func read(_ req: Request, code: String? = nil, purposeRequired: Bool = true) async throws -> StoreRead {
        try checkPurpose(req)
        let decided = try await decide(req, code: code)
        let code = decided.resource.code
        switch decided.access {
        case .hidden:
            try await refuse(req, code, "hidden")
            throw unknown(code)
        case .needsSignIn:
            try await refuse(req, code, "unauthenticated")
            throw AppError(.unauthorized, "unauthenticated", "Sign in or send an API token to read the records of \(code)")
        case .noGrant:
            try await refuse(req, code, "no_grant")
            throw AppError(
                .forbidden, "no_grant",
                req.app == nil
                    ? "Your department holds no active grant on \(code); apply for access first"
                    : "This app is bound to no active grant on \(code)")
        case .full, .grant, .openPortal:
            break
        }
        guard let store = decided.store else { throw RecordStores.notPublished(code) }
        let purpose = statedPurpose(req)
        if purposeRequired, ReadAccess.needsPurpose(decided.access, decided.facts), purpose == nil {
            try await refuse(req, code, "purpose_required")
            throw AppError.field(
                .badRequest, "purpose_required", "purpose", zh: "跨部门读取数据须说明用途（purpose 参数或 X-Purpose 请求头）",
                en: "Reading another department's records needs a purpose (purpose= or X-Purpose)")
        }
        return StoreRead(
            store: store, resource: decided.resource, access: decided.access,
            view: try await view(decided, store: store, req: req), purpose: purpose,
            needsPurpose: ReadAccess.needsPurpose(decided.access, decided.facts))
    }

    /// The open portal's read: the decision taken for the public (no user, no app) whoever asks, so
    /// the portal shows staff exactly what it shows everyone. Only `.openPortal` reads; a resource in
    /// the catalog but open only on conditions (有条件开放) is refused 403 `apply_required`; anything
    /// else answers as an unknown code. Refusals are audited like every other.
    static func readAsPublic(_ req: Request, code: String) async throws -> StoreRead {
        guard let decided = try await decide(actor: nil, app: nil, code: code, today: req.application.today, on: req.db) else { throw unknown(code) }
        switch decided.access {
        case .openPortal:
            break
        case .needsSignIn where decided.resource.openType == OpenType.conditional.rawValue:
            try await refuse(req, code, "apply_required")
            throw AppError.field(
                .forbidden, "apply_required", "code", zh: "该数据集为有条件开放，须申请后使用，不提供预览和下载",
                en: "This dataset is open on conditions: apply to use it; it has no preview or download")
        default:
            try await refuse(req, code, "not_open")
            throw unknown(code)
        }
        guard let store = decided.store else { throw RecordStores.notPublished(code) }
        return StoreRead(
            store: store, resource: decided.resource, access: .openPortal,
            view: try await view(decided, store: store, reader: "public", app: req.application, on: req.db), purpose: nil, needsPurpose: false)
    }

    /// A cached store row's load counters as they are now: loads move them without moving the
    /// access epoch (migration `AddAccessEpoch`), and totals, pages and profiles rely on them.
    /// Read with the epoch when the route names the store (``SignInThrottle/waitReadingEpoch(_:_:)``), else here.
    static func refreshCounters(_ store: RecordStoreRow, _ req: Request) async throws {
        if let c = AccessEpoch.counters(of: store.resourceCode, req) {
            store.rowCount = c.rowCount; store.lastSeq = c.lastSeq; store.version = c.version; store.lastLoadAt = c.lastLoadAt
            return
        }
        guard
            let row = try await req.readSQL.raw(
                "SELECT row_count, last_seq, version, last_load_at FROM record_stores WHERE resource_code = \(bind: store.resourceCode)"
            ).first()
        else { throw RecordStores.notPublished(store.resourceCode) }
        store.rowCount = try row.decode(column: "row_count", as: Int.self)
        store.lastSeq = try row.decode(column: "last_seq", as: Int.self)
        store.version = try row.decode(column: "version", as: Int.self)
        store.lastLoadAt = try row.decode(column: "last_load_at", as: Date?.self)
    }

    /// The facts and the decision, refusals included (nothing thrown for them, nothing audited):
    /// for pages that show less, rather than nothing, to a reader who may not read the records.
    struct Decided: Sendable {
        var resource: ResourceRow
        var store: RecordStoreRow?
        var grant: GrantAccess.ActiveGrant?
        var facts: ReadAccess.Facts
        var access: ReadAccess

        /// A copy whose store row is the request's own (a handler may change and save it); the
        /// resource row is only read.
        func forRequest() -> Decided {
            var copy = self
            copy.store = store?.copy()
            return copy
        }
    }

    /// Loads the resource (404 for an unknown code), its store and the reader's grant, and decides.
    ///
    /// The facts are cached per (reader, code, day) for the access epoch this request saw
    /// (``AccessEpoch``): any change to a grant, token, user, app, resource, store or standard moves
    /// the epoch, so the next request — on any instance — gathers them afresh.
    static func decide(_ req: Request, code: String? = nil) async throws -> Decided {
        let code = try code ?? req.parameters.require("code")
        let today = req.application.today
        let cache = req.application.readCaches.decisions
        let key = [code, req.user?.id?.uuidString ?? "-", req.app?.id.uuidString ?? "-", today.iso].joined(separator: "\u{1F}")
        let epoch = try await AccessEpoch.current(req)
        if let epoch, let cached = cache.value(key, epoch: epoch) {
            let decided = cached.forRequest()
            if let store = decided.store { try await refreshCounters(store, req) }
            return decided
        }
        // Gathered after the epoch was read, so the facts are at least as new as the epoch they are kept under.
        guard let decided = try await decide(actor: req.actor, app: req.app, code: code, today: today, on: req.database) else { throw unknown(code) }
        if let epoch {
            _ = decided.store?.recordLayout  // decoded before the row is shared (``RecordStoreRow/copy()`` reads it)
            cache.store(decided, key, epoch: epoch)
            return decided.forRequest()
        }
        return decided
    }

    /// The one place the facts are gathered — for a request, a stream taking the decision again, or a
    /// webhook delivering with its owner's identity. Nil when no resource has the code.
    static func decide(actor: Actor?, app: AppPrincipal?, code: String, today: CivilDate, on db: any Database) async throws -> Decided? {
        // A department, or a registered member of the public (`user:<id>`): who holds the grant.
        let reader = app?.departmentCode ?? actor?.consumerCode
        // The three look-ups at once: the resource, its store, and the reader's grant.
        async let resourceRow = ResourceRow.query(on: db).filter(\.$code == code).first()
        async let storeRow = RecordStoreRow.query(on: db).filter(\.$resourceCode == code).first()
        async let grantRow = activeGrant(reader, appID: app?.id, resource: code, today: today, on: db)
        let (resource, store, grant) = try await (resourceRow, storeRow, grantRow)
        guard let resource else { return nil }
        let facts = ReadAccess.Facts(
            actor: actor, appDepartment: app?.departmentCode, provider: resource.departmentCode,
            inCatalogForReader: CatalogService.canSee(resource, actor: actor), hasGrant: grant != nil,
            openToPublic: CatalogService.isInCatalog(resource) && resource.openType == OpenType.unconditional.rawValue)
        return Decided(resource: resource, store: store, grant: grant, facts: facts, access: ReadAccess.decide(facts))
    }

    /// Who reads, for a decision taken again later (a stream): the user is loaded afresh each time,
    /// so a changed role or department counts.
    struct Reader: Sendable {
        var userID: UUID?
        var app: AppPrincipal?
    }

    /// The decision as it stands now for `reader` (no view, no error: the stream compares answers).
    static func currentAccess(_ reader: Reader, code: String, today: CivilDate, on db: any Database) async throws -> ReadAccess {
        var actor: Actor?
        if let id = reader.userID { actor = try await User.find(id, on: db)?.actor }
        return try await decide(actor: actor, app: reader.app, code: code, today: today, on: db)?.access ?? .hidden
    }

    /// The same decision for a reader who is not asking now: a webhook delivers with its owner's
    /// identity (as the owner is today: a changed role or a lost grant takes effect on the next delivery).
    /// Returns the store and the view (nil: full), or throws 403 `no_grant` when the owner may not read.
    static func readAs(ownerID: UUID, code: String, app: Application, on db: any Database) async throws -> (store: RecordStoreRow, view: GrantView?) {
        let owner = try await User.find(ownerID, on: db)
        guard let decided = try await decide(actor: owner?.actor, app: nil, code: code, today: app.today, on: db), let store = decided.store else {
            throw RecordStores.notPublished(code)
        }
        guard [.full, .grant, .openPortal].contains(decided.access) else { throw AppError(.forbidden, "no_grant", "No active grant on \(code)") }
        return (store, try await view(decided, store: store, reader: owner?.actor.consumerCode, app: app, on: db))
    }

    static func activeGrant(_ reader: String?, appID: UUID?, resource: String, today: CivilDate, on db: any Database) async throws -> GrantAccess.ActiveGrant? {
        guard let reader else { return nil }
        return try await GrantAccess.activeGrant(consumer: reader, resource: resource, appID: appID, today: today, on: db)
    }

    /// The reader's view for an allowed decision: nil (everything in clear), the grant's, or the open portal's.
    static func view(_ decided: Decided, store: RecordStoreRow, req: Request) async throws -> GrantView? {
        try await view(
            decided, store: store, reader: req.app?.departmentCode ?? req.actor?.consumerCode, app: req.application,
            epoch: try await AccessEpoch.current(req), on: req.database)
    }

    /// `epoch`: the access epoch the request saw, for cached default masks (nil: read them).
    static func view(
        _ decided: Decided, store: RecordStoreRow, reader: String?, app: Application, epoch: Int64? = nil, on db: any Database
    ) async throws -> GrantView? {
        switch decided.access {
        case .grant:
            // Never a clear view by accident: a grant decision without its grant is a refusal.
            guard let grant = decided.grant else { throw AppError(.forbidden, "no_grant", "No active grant on \(decided.resource.code)") }
            return try await GrantAccess.view(grant, store: store, app: app, on: db)
        case .openPortal:
            return try await openPortalView(decided.resource, store: store, reader: reader ?? "public", app: app, epoch: epoch, on: db)
        default:
            return nil
        }
    }

    /// Loads the store for a provider's action (`writeRecords`, rules, policy …): 404 exactly as for an
    /// unknown code when the caller may not see the resource, then the authorization table (401/403).
    static func forAction(_ req: Request, _ action: CatalogAction, code: String? = nil) async throws -> (store: RecordStoreRow, resource: ResourceRow) {
        let code = try code ?? req.parameters.require("code")
        async let resourceRow = ResourceRow.query(on: req.db).filter(\.$code == code).first()
        async let storeRow = RecordStoreRow.query(on: req.db).filter(\.$resourceCode == code).first()
        let (resource, store) = try await (resourceRow, storeRow)
        guard let resource else { throw unknown(code) }
        if !CatalogService.canSee(resource, actor: req.actor), !req.can(action, department: resource.departmentCode) {
            try await refuse(req, code, "hidden")
            throw unknown(code)
        }
        if req.app != nil { throw AppError(.forbidden, "forbidden", "Apps read records; writing needs a user") }
        try req.authorize(action, department: resource.departmentCode)
        guard let store else { throw RecordStores.notPublished(code) }
        return (store, resource)
    }

    /// What an unknown code gets: the same status, code and message for a hidden resource.
    static func unknown(_ code: String) -> AppError { AppError.notFound("Resource \(code)") }

    /// `purpose=` or `X-Purpose`, trimmed; nil when blank. Kept to its first ``TextLimit/purpose``
    /// characters where it is only recorded; ``read(_:code:purposeRequired:)`` refuses a longer one.
    static func statedPurpose(_ req: Request) -> String? {
        let text = (req.queryValue("purpose") ?? req.headers.first(name: "X-Purpose"))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard let text, !text.isEmpty else { return nil }
        return String(text.prefix(TextLimit.purpose))
    }

    /// 422 `too_long` for a purpose longer than ``TextLimit/purpose``.
    static func checkPurpose(_ req: Request) throws {
        let text = req.queryValue("purpose") ?? req.headers.first(name: "X-Purpose")
        try TextLimit.check([("purpose", text?.trimmingCharacters(in: .whitespacesAndNewlines), TextLimit.purpose)])
    }

    /// A refused read, written to the audit trail: who tried to read what, and why it was refused.
    static func refuse(_ req: Request, _ code: String, _ reason: String) async throws {
        try await AuditLog.append(
            .of(req), resource: code, operation: "refused.\(reason)", fields: [], count: 0,
            purpose: statedPurpose(req), requestID: req.id, requestHash: nil, on: req.db, trail: req.application.auditTrail)
    }

    /// Stands for "no grant: the open portal's view" where a view names its grant.
    static let openPortalGrant = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// Every item under its default mask, every row: the resource as the open portal publishes it.
    static func openPortalView(
        _ resource: ResourceRow, store: RecordStoreRow, reader: String, app: Application, epoch: Int64? = nil, on db: any Database
    ) async throws -> GrantView {
        let masks = try await GrantAccess.defaultMasks(resource: resource, epoch: epoch, app: app, on: db)
        // An item the published catalog no longer lists is not published at all.
        return GrantView(
            grantID: openPortalGrant, consumerCode: reader, columns: store.recordLayout.columns.filter { masks[$0.name] != nil },
            conditions: [], masks: masks,
            pseudonymKey: try await Pseudonyms.key(app: app, on: db))
    }
}
