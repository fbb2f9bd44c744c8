import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Yearly editions of the catalog: each freezes the revisions published at its creation.
enum Editions {
    /// Freezes every resource in the catalog (published, not retired) as a new edition.
    static func create(year: Int, phase: Int, title: String?, by user: User, on db: any Database) async throws -> EditionRow {
        guard (2000...2100).contains(year) else {
            throw AppError.field(.unprocessableEntity, "invalid", "year", zh: "年份须在 2000–2100 之间", en: "Year must be between 2000 and 2100")
        }
        guard (1...12).contains(phase) else {
            throw AppError.field(.unprocessableEntity, "invalid", "phase", zh: "期数须在 1–12 之间", en: "Phase must be between 1 and 12")
        }
        let slug = "\(year)-\(phase)"
        if try await EditionRow.query(on: db).filter(\.$slug == slug).first() != nil {
            throw AppError.field(.conflict, "duplicate_edition", "year", zh: "\(year) 年第 \(phase) 期目录已发布", en: "Edition \(slug) already exists")
        }
        return try await db.transaction { tx in
            let sql = tx.sql
            let rows = try await sql.raw(
                """
                SELECT id, code, published_revision FROM resources
                WHERE published_revision IS NOT NULL AND status <> 'retired'
                """
            ).all()
            let edition = EditionRow()
            edition.slug = slug; edition.year = year; edition.phase = phase
            edition.title = title?.isEmpty == false ? title! : "\(year)年版第\(phase)期政务信息资源目录"
            edition.resourceCount = rows.count; edition.createdBy = user.displayName
            try await edition.create(on: tx)
            let id = try edition.requireID()
            let entries: [[any Encodable & Sendable]] = try rows.map {
                [
                    id, try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "code", as: String.self),
                    try $0.decode(column: "published_revision", as: Int.self)
                ]
            }
            try await CatalogIndex.insert(into: "edition_entries", ["edition_id", "resource_id", "resource_code", "revision"], entries, on: sql)
            return edition
        }
    }

    static func find(_ slug: String, on db: any Database) async throws -> EditionRow {
        guard let e = try await EditionRow.query(on: db).filter(\.$slug == slug).first() else { throw AppError.notFound("Edition \(slug)") }
        return e
    }

    /// The frozen snapshots of an edition, minus what the actor may not see (classified).
    static func snapshots(of edition: EditionRow, actor: Actor?, on db: any Database) async throws -> [ResourceSnapshot] {
        let rows = try await db.sql.raw(
            """
            SELECT resource_revisions.snapshot AS s FROM edition_entries
            JOIN resource_revisions ON resource_revisions.resource_id = edition_entries.resource_id
              AND resource_revisions.number = edition_entries.revision
            WHERE edition_entries.edition_id = \(bind: edition.requireID())
            ORDER BY edition_entries.resource_code
            """
        ).all()
        return try rows.compactMap { JSONText.decode(ResourceSnapshot.self, try $0.decode(column: "s", as: String.self)) }
            .filter { !$0.classified || Authorization.decide(actor, .readClassified, departmentCode: $0.departmentCode).isAllowed }
    }

    /// Editions that hold the given resource, with the revision each froze.
    static func membership(resourceID: UUID, on db: any Database) async throws -> [(slug: String, title: String, revision: Int)] {
        let rows = try await db.sql.raw(
            """
            SELECT editions.slug AS slug, editions.title AS title, edition_entries.revision AS revision FROM edition_entries
            JOIN editions ON editions.id = edition_entries.edition_id
            WHERE edition_entries.resource_id = \(bind: resourceID) ORDER BY editions.year, editions.phase
            """
        ).all()
        return try rows.map {
            (try $0.decode(column: "slug", as: String.self), try $0.decode(column: "title", as: String.self), try $0.decode(column: "revision", as: Int.self))
        }
    }
}

struct EditionView: Content {
    var slug: String; var year: Int; var phase: Int; var title: String; var resourceCount: Int; var createdBy: String; var createdAt: Date?
    init(_ e: EditionRow) {
        slug = e.slug; year = e.year; phase = e.phase; title = e.title; resourceCount = e.resourceCount; createdBy = e.createdBy; createdAt = e.createdAt
    }
}

/// `/api/v1/editions`.
struct EditionAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let e = routes.grouped("editions")
        e.get(use: list).gate(.action(.readPublished))
        e.post(use: create).gate(.action(.createEdition))
        e.get(":slug", use: show).gate(.action(.readPublished))
        e.get(":slug", "diff", ":other", use: diff).gate(.action(.readPublished))
    }

    func list(req: Request) async throws -> ListPage<EditionView> {
        ListPage(items: try await EditionRow.query(on: req.db).sort(\.$year, .descending).sort(\.$phase, .descending).all().map(EditionView.init))
    }

    struct CreateBody: Content { var year: Int; var phase: Int?; var title: String? }

    func create(req: Request) async throws -> Response {
        try req.authorize(.createEdition)
        let body = try req.content.decode(CreateBody.self)
        let e = try await Editions.create(year: body.year, phase: body.phase ?? 1, title: body.title, by: try req.requireUser(), on: req.db)
        return try await EditionView(e).encodeResponse(status: .created, for: req)
    }

    struct EditionDetail: Content {
        var edition: EditionView
        var items: [EditionDiff.Listed]
        var total: Int
    }

    func show(req: Request) async throws -> EditionDetail {
        let e = try await Editions.find(try req.parameters.require("slug"), on: req.db)
        let snaps = try await Editions.snapshots(of: e, actor: req.actor, on: req.db)
        return EditionDetail(edition: EditionView(e), items: snaps.map { .init(code: $0.code, name: $0.name) }, total: snaps.count)
    }

    func diff(req: Request) async throws -> EditionDiff {
        let a = try await Editions.find(try req.parameters.require("slug"), on: req.db)
        let b = try await Editions.find(try req.parameters.require("other"), on: req.db)
        return EditionDiff.between(
            try await Editions.snapshots(of: a, actor: req.actor, on: req.db),
            try await Editions.snapshots(of: b, actor: req.actor, on: req.db))
    }
}
