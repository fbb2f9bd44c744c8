import Fluent
import Vapor
import DataBankCore

/// `/api/v1/resources`: search, register, edit, move through review, history, comments.
struct ResourceAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("resources")
        r.get(use: search).gate(.action(.readPublished))
        r.post(use: create).gate(.action(.createResource))
        r.get(":code", use: show).gate(.action(.readPublished))
        r.put(":code", use: update).gate(.action(.editResource))
        r.post(":code", "transitions", use: transition).gate(.signedIn)
        r.get(":code", "transitions", use: transitions).gate(.action(.readPublished))
        r.get(":code", "revisions", use: revisions).gate(.action(.readPublished))
        r.get(":code", "revisions", ":number", use: revision).gate(.action(.readPublished))
        r.get(":code", "diff", use: diff).gate(.action(.readPublished))
        r.get(":code", "comments", use: comments).gate(.action(.readPublished))
        r.post(":code", "comments", use: addComment).gate(.action(.comment))
        routes.get("reviews", use: reviews).gate(.action(.readReviewQueue))
    }

    func search(req: Request) async throws -> SearchPage {
        // Out-of-range paging is a 400 naming the parameter, as on every list.
        _ = try ListPaging.parse(req, defaultLimit: 20, maxLimit: ResourceQuery.maxLimit, minLimit: 0)
        let query = try req.query.decode(ResourceQuery.self)
        if query.sort == "-heat" { try await HeatScores.ensureFresh(req) }
        return try await CatalogSearch(sql: req.sql, actor: req.actor)
            .run(query, departmentNames: try await Directory.departmentNames(on: req.db, language: req.language), language: req.language)
    }

    func create(req: Request) async throws -> Response {
        let snapshot = try req.content.decode(ResourceSnapshot.self)
        let row = try await CatalogService(req: req).create(snapshot)
        let response = try await ResourceDetail.make(row, req: req).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/resources/\(row.code)")
        return response
    }

    func show(req: Request) async throws -> ResourceDetail {
        let row = try await CatalogService(req: req).visible(code: try req.parameters.require("code"))
        return try await ResourceDetail.make(row, req: req)
    }

    struct UpdateBody: Content { var version: Int; var resource: ResourceSnapshot }

    func update(req: Request) async throws -> ResourceDetail {
        let body = try req.content.decode(UpdateBody.self)
        let row = try await CatalogService(req: req).update(code: try req.parameters.require("code"), version: body.version, snapshot: body.resource)
        return try await ResourceDetail.make(row, req: req)
    }

    struct TransitionBody: Content, BoundedText {
        var action: String; var reason: String?; var version: Int?
        var boundedFields: [(field: String, value: String?, max: Int)] { [("action", action, 40), ("reason", reason, TextLimit.note)] }
    }

    func transition(req: Request) async throws -> ResourceDetail {
        let body = try req.decodeBody(TransitionBody.self)
        guard let action = LifecycleAction(rawValue: body.action) else {
            throw AppError.field(
                .badRequest, "invalid_action", "action", zh: "未知操作：\(body.action)",
                en: "Unknown action \(body.action); one of \(LifecycleAction.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let row = try await CatalogService(req: req).transition(
            code: try req.parameters.require("code"), action: action, reason: body.reason, version: body.version)
        return try await ResourceDetail.make(row, req: req)
    }

    struct TransitionView: Content {
        var revision: Int; var action: String; var from: String; var to: String; var actor: String; var reason: String?; var at: Date?
        init(_ t: TransitionRow) {
            revision = t.revision; action = t.action; from = t.fromState; to = t.toState; actor = t.actorName; reason = t.reason; at = t.at
        }
    }

    func transitions(req: Request) async throws -> ListPage<TransitionView> {
        let service = CatalogService(req: req)
        let row = try await service.visible(code: try req.parameters.require("code"))
        try service.authorize(.readUnpublished, row.departmentCode)
        return ListPage(items: try await service.transitions(row).map(TransitionView.init))
    }

    struct RevisionView: Content {
        var number: Int; var author: String; var createdAt: Date?; var publishedAt: Date?; var resource: ResourceSnapshot?
    }

    func revisions(req: Request) async throws -> ListPage<RevisionView> {
        let service = CatalogService(req: req)
        let row = try await service.visible(code: try req.parameters.require("code"))
        let all = try await service.revisions(row)
        let shown = service.canSeeWorking(row) ? all : all.filter { $0.publishedAt != nil }
        return ListPage(
            items: shown.map { RevisionView(number: $0.number, author: $0.authorName, createdAt: $0.createdAt, publishedAt: $0.publishedAt, resource: nil) })
    }

    func revision(req: Request) async throws -> RevisionView {
        let service = CatalogService(req: req)
        let row = try await service.visible(code: try req.parameters.require("code"))
        guard let number = req.parameters.get("number", as: Int.self) else { throw AppError.notFound("Revision") }
        let rev = try await service.revision(row, number: number)
        guard rev.publishedAt != nil || service.canSeeWorking(row) else { throw AppError.notFound("Revision \(number)") }
        return RevisionView(number: rev.number, author: rev.authorName, createdAt: rev.createdAt, publishedAt: rev.publishedAt, resource: rev.resourceSnapshot)
    }

    struct DiffView: Content { var code: String; var from: Int; var to: Int; var changes: [FieldChange] }

    /// `?from=1&to=2`; defaults: the published revision against the working one.
    func diff(req: Request) async throws -> DiffView {
        let service = CatalogService(req: req)
        let row = try await service.visible(code: try req.parameters.require("code"))
        let from = (try? req.query.get(Int.self, at: "from")) ?? row.publishedRevision ?? 1
        let to = (try? req.query.get(Int.self, at: "to")) ?? row.workingRevision
        let a = try await service.revision(row, number: from), b = try await service.revision(row, number: to)
        guard (a.publishedAt != nil && b.publishedAt != nil) || service.canSeeWorking(row) else { throw AppError.notFound("Revision") }
        return DiffView(code: row.code, from: from, to: to, changes: ResourceDiff.changes(from: a.resourceSnapshot!, to: b.resourceSnapshot!))
    }

    struct CommentView: Content {
        var id: UUID?; var revision: Int; var author: String; var body: String; var createdAt: Date?
        init(_ c: CommentRow) { id = c.id; revision = c.revision; author = c.authorName; body = c.body; createdAt = c.createdAt }
    }

    func comments(req: Request) async throws -> ListPage<CommentView> {
        let service = CatalogService(req: req)
        _ = try service.signedInUser()
        let row = try await service.visible(code: try req.parameters.require("code"))
        return ListPage(items: try await service.comments(row).map(CommentView.init))
    }

    struct CommentBody: Content, BoundedText {
        var body: String
        var boundedFields: [(field: String, value: String?, max: Int)] { [("body", body, TextLimit.note)] }
    }

    func addComment(req: Request) async throws -> Response {
        let body = try req.decodeBody(CommentBody.self)
        let c = try await CatalogService(req: req).comment(code: try req.parameters.require("code"), body: body.body)
        try await Self.auditComment(req, c)
        return try await CommentView(c).encodeResponse(status: .created, for: req)
    }

    /// Every comment is in the audit log: who gave an opinion on which resource, when (no records: count 0, no exchange statistics).
    static func auditComment(_ req: Request, _ c: CommentRow) async throws {
        let code = try await ResourceRow.find(c.resourceID, on: req.db)?.code
        try await AuditLog.append(
            .of(req), resource: code, operation: "catalog.comment", fields: [], count: 0, purpose: nil,
            requestID: req.id, requestHash: nil, on: req.db, trail: req.application.auditTrail)
    }

    /// The reviewers' queue: resources submitted or in public notice.
    func reviews(req: Request) async throws -> SearchPage {
        try req.authorize(.readReviewQueue)
        var page = try await CatalogSearch(sql: req.sql, actor: req.actor).run(
            ResourceQuery(status: LifecycleState.submitted.rawValue, limit: 200, sort: "-updated"),
            departmentNames: try await Directory.departmentNames(on: req.db, language: req.language), language: req.language)
        let notice = try await CatalogSearch(sql: req.sql, actor: req.actor).run(
            ResourceQuery(status: LifecycleState.notice.rawValue, limit: 200, sort: "-updated"),
            departmentNames: [:], language: req.language)
        page.items += notice.items
        page.total += notice.total
        page.facets = [:]
        return page
    }
}

/// A list answer without facets: `{"items": […], "total": N, "facets": {}}`.
struct ListPage<T: Content>: Content {
    var items: [T]
    var total: Int
    var facets: [String: [FacetCount]]
    init(items: [T], total: Int? = nil, facets: [String: [FacetCount]] = [:]) {
        self.items = items; self.total = total ?? items.count; self.facets = facets
    }
}

/// A resource as the API shows it: the catalog entry, plus the working revision and the
/// allowed next steps for those who may act on it.
struct ResourceDetail: Content {
    var code: String
    var status: String
    var version: Int
    var publishedRevision: Int?
    var workingRevision: Int
    var noticeEndsAt: Date?
    var resource: ResourceSnapshot
    var working: ResourceSnapshot?
    var allowedActions: [String]
    var editable: Bool

    static func make(_ row: ResourceRow, req: Request) async throws -> ResourceDetail {
        let service = CatalogService(req: req)
        let seesWorking = service.canSeeWorking(row)
        let working = seesWorking ? try await service.workingSnapshot(row) : nil
        let actions = Lifecycle.actions(from: row.state, hasPublishedRevision: row.publishedRevision != nil)
            .filter { service.allowed(CatalogAction($0), row.departmentCode) }
            // Offered only when it would succeed: publishing waits for the end of the public notice.
            .filter { $0 != .publish || service.noticeStillRuns(row) == nil }
        return ResourceDetail(
            code: row.code, status: row.status, version: row.version, publishedRevision: row.publishedRevision,
            workingRevision: row.workingRevision, noticeEndsAt: row.noticeEndsAt, resource: row.catalogSnapshot!,
            working: working, allowedActions: actions.map(\.rawValue),
            editable: row.state.isEditable && service.allowed(.editResource, row.departmentCode))
    }
}
