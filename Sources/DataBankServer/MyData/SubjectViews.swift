import Fluent
import SQLKit
import Vapor
import DataBankCore

/// A resource's subject view (migration 037): what its provider shows the residents or enterprises
/// its records are about.
final class SubjectViewRow: Model, @unchecked Sendable {
    static let schema = "subject_views"
    @ID(custom: "resource_code", generatedBy: .user) var id: String?
    @Field(key: "view") var viewJSON: String
    @Field(key: "updated_by") var updatedBy: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(resource: String, view: SubjectView, by: String) {
        id = resource; viewJSON = JSONText.encode(view); updatedBy = by
    }

    var view: SubjectView? { JSONText.decode(SubjectView.self, viewJSON) }
}

/// Setting, reading and removing subject views, and the views a subject's page reads.
enum SubjectViews {
    /// Saves `view` for the store's resource after checking it against the store's layout (422 with
    /// the field at fault), and makes sure a look-up by subject key reads an index, never the table.
    static func set(_ view: SubjectView, store: RecordStoreRow, by who: String, on db: any Database) async throws {
        let problems = view.problems(layout: store.recordLayout)
        guard problems.isEmpty else {
            throw AppError.validation(problems.map { FieldError(field: $0.field, code: "invalid_subject_view", message: $0.zh, messageEn: $0.en) })
        }
        try await LookupServices.ensureIndexes([view.subjectColumn], store: store, on: db.sql)
        try await db.transaction { tx in
            if let row = try await SubjectViewRow.find(store.resourceCode, on: tx) {
                row.viewJSON = JSONText.encode(view); row.updatedBy = who
                try await row.update(on: tx)
            } else {
                try await SubjectViewRow(resource: store.resourceCode, view: view, by: who).create(on: tx)
            }
            try await markStore(store.resourceCode, column: view.subjectColumn, on: tx)
        }
    }

    /// Removes the view (reads of the store no longer record their subjects).
    static func remove(_ row: SubjectViewRow, on db: any Database) async throws {
        try await db.transaction { tx in
            try await row.delete(on: tx)
            try await markStore(row.id ?? "", column: nil, on: tx)
        }
    }

    /// The store row names the subject column, so every read of it knows (it moves the access epoch).
    static func markStore(_ resource: String, column: String?, on db: any Database) async throws {
        try await db.sql.update("record_stores").set("subject_column", to: column).where("resource_code", .equal, resource).run()
    }

    static func get(_ resource: String, on db: any Database) async throws -> SubjectView? {
        try await SubjectViewRow.find(resource, on: db)?.view
    }

    /// Every subject-visible resource with a store, for subjects of `kind`: the resource, its store, its view.
    static func all(kind: SubjectKind, on db: any Database) async throws -> [(resource: ResourceRow, store: RecordStoreRow, view: SubjectView)] {
        let rows = try await SubjectViewRow.query(on: db).all()
        let views = rows.compactMap { row in row.view.flatMap { $0.kind == kind ? (row.id ?? "", $0) : nil } }
        guard !views.isEmpty else { return [] }
        let codes = views.map(\.0)
        async let resourceRows = ResourceRow.query(on: db).filter(\.$code ~~ codes).all()
        async let storeRows = RecordStoreRow.query(on: db).filter(\.$resourceCode ~~ codes).all()
        let (resources, stores) = try await (resourceRows, storeRows)
        let resourceBy = Dictionary(resources.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let storeBy = Dictionary(stores.map { ($0.resourceCode, $0) }, uniquingKeysWith: { a, _ in a })
        return views.compactMap { code, view in
            guard let r = resourceBy[code], let s = storeBy[code] else { return nil }
            return (r, s, view)
        }.sorted { ($0.resource.departmentCode, $0.resource.code) < ($1.resource.departmentCode, $1.resource.code) }
    }
}

/// `GET|PUT|DELETE /api/v1/resources/{code}/subject-view`: the provider's stewards mark the resource
/// subject-visible (which column holds the subject key, which items are shown under which mask).
/// Changes are audited (`subject_view.set`, `subject_view.remove`, with the items shown).
struct SubjectViewsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let view = routes.grouped("resources", ":code", "subject-view")
        view.get(use: get).gate(.action(.manageSubjectViews))
        view.put(use: put).gate(.action(.manageSubjectViews))
        view.delete(use: delete).gate(.action(.manageSubjectViews))
    }

    struct Body: Content {
        var resource: String
        var subjectColumn: String
        var kind: SubjectKind
        var masks: [String: MaskRule]
    }

    func get(req: Request) async throws -> Body {
        let (store, _) = try await StoreReading.forAction(req, .manageSubjectViews)
        guard let view = try await SubjectViews.get(store.resourceCode, on: req.db) else { throw AppError.notFound("Subject view of \(store.resourceCode)") }
        return Body(resource: store.resourceCode, subjectColumn: view.subjectColumn, kind: view.kind, masks: view.masks)
    }

    func put(req: Request) async throws -> Body {
        let (store, _) = try await StoreReading.forAction(req, .manageSubjectViews)
        let view = try req.content.decode(SubjectView.self)
        try await Self.set(req, view, store: store)
        return Body(resource: store.resourceCode, subjectColumn: view.subjectColumn, kind: view.kind, masks: view.masks)
    }

    /// Saves and audits (also the resource page's form).
    static func set(_ req: Request, _ view: SubjectView, store: RecordStoreRow) async throws {
        try await SubjectViews.set(view, store: store, by: req.user?.username ?? "-", on: req.db)
        try await AuditLog.append(
            .of(req), resource: store.resourceCode, operation: "subject_view.set", fields: view.masks.keys.sorted(), count: 0, purpose: nil,
            requestID: req.id, requestHash: nil, on: req.db, trail: req.application.auditTrail)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        let (store, _) = try await StoreReading.forAction(req, .manageSubjectViews)
        guard let row = try await SubjectViewRow.find(store.resourceCode, on: req.db) else { throw AppError.notFound("Subject view of \(store.resourceCode)") }
        try await SubjectViews.remove(row, on: req.db)
        try await AuditLog.append(
            .of(req), resource: store.resourceCode, operation: "subject_view.remove", fields: [], count: 0, purpose: nil,
            requestID: req.id, requestHash: nil, on: req.db, trail: req.application.auditTrail)
        return .noContent
    }
}
