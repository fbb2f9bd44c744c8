import Fluent
import Foundation
import Vapor
import DataBankCore

/// Dashboards: a titled grid of saved charts owned by a department, seen by its visibility
/// (``ChartVisibility``). Every tile is read as the viewer; a tile the viewer may not see or read
/// says so and the others render.
enum Dashboards {
    struct Input: Content, Sendable {
        var title: String
        var description: String?
        var visibility: String?
        var refreshSeconds: Int?
        var department: String?
        /// The grid in order; nil keeps the tiles as they are.
        var tiles: [DashboardTileSpec]?
    }

    static func check(_ input: Input, _ req: Request, existing: DashboardRow?) async throws -> (ChartSettings, ChartVisibility, String, [DashboardTileSpec]?) {
        let user = try req.requireUser()
        let settings = ChartSettings(
            title: input.title, description: input.description ?? "", refreshSeconds: input.refreshSeconds ?? existing?.refreshSeconds ?? 300)
        var problems = settings.problems()
        let visibility = ChartVisibility(rawValue: input.visibility ?? existing?.visibility ?? "department")
        if visibility == nil {
            problems.append(
                FieldError(
                    field: "visibility", code: "invalid_visibility", message: "可见范围为 private、department、platform 或 public",
                    messageEn: "visibility is private, department, platform or public"))
        }
        if let tiles = input.tiles {
            if tiles.count > DashboardTileSpec.maxTiles {
                problems.append(
                    FieldError(
                        field: "tiles", code: "too_many_tiles", message: "一个看板最多 \(DashboardTileSpec.maxTiles) 个图表",
                        messageEn: "A dashboard holds at most \(DashboardTileSpec.maxTiles) charts"))
            }
            for (i, t) in tiles.enumerated() {
                if !DashboardTileSpec.widths.contains(t.width) {
                    problems.append(
                        FieldError(field: "tiles[\(i)].width", code: "invalid_width", message: "宽度为 1–3 栏", messageEn: "The width is 1 to 3 columns"))
                }
                let chart = try await ChartRow.find(t.chart, on: req.db)
                if chart?.isVisible(to: req.actor) != true {
                    problems.append(
                        FieldError(field: "tiles[\(i)].chart", code: "unknown_chart", message: "未知图表：\(t.chart)", messageEn: "Unknown chart \(t.chart)"))
                }
            }
        }
        guard problems.isEmpty, let visibility else { throw AppError.validation(problems) }
        let department =
            existing?.departmentCode
            ?? {
                let asked = input.department?.trimmingCharacters(in: .whitespaces) ?? ""
                return asked.isEmpty ? user.departmentCode : asked
            }()
        if department != user.departmentCode, user.role != .platformAdmin {
            throw AppError.field(
                .forbidden, "forbidden", "department", zh: "只有平台管理员可以为其他部门建看板", en: "Only the platform admin makes dashboards for another department")
        }
        try req.authorize(.manageDashboards, department: department)
        return (settings, visibility, department, input.tiles)
    }

    static func create(_ input: Input, _ req: Request) async throws -> DashboardRow {
        let (settings, visibility, department, tiles) = try await check(input, req, existing: nil)
        let row = DashboardRow()
        row.title = settings.title
        row.description = settings.description
        row.visibility = visibility.rawValue
        row.refreshSeconds = settings.refreshSeconds
        row.departmentCode = department
        row.ownerID = try req.requireUser().requireID()
        try await req.db.transaction { tx in
            try await row.create(on: tx)
            try await replaceTiles(of: row, with: tiles ?? [], on: tx)
        }
        return row
    }

    static func update(_ row: DashboardRow, _ input: Input, _ req: Request) async throws -> DashboardRow {
        try authorizeEdit(row, req)
        let (settings, visibility, _, tiles) = try await check(input, req, existing: row)
        row.title = settings.title
        row.description = settings.description
        row.visibility = visibility.rawValue
        row.refreshSeconds = settings.refreshSeconds
        try await req.db.transaction { tx in
            try await row.save(on: tx)
            if let tiles { try await replaceTiles(of: row, with: tiles, on: tx) }
        }
        return row
    }

    static func replaceTiles(of row: DashboardRow, with tiles: [DashboardTileSpec], on db: any Database) async throws {
        let id = try row.requireID()
        try await DashboardTileRow.query(on: db).filter(\.$dashboardID == id).delete()
        for (i, t) in tiles.enumerated() {
            let tile = DashboardTileRow()
            tile.dashboardID = id
            tile.chartID = t.chart
            tile.position = i
            tile.width = t.width
            try await tile.create(on: db)
        }
    }

    static func delete(_ row: DashboardRow, _ req: Request) async throws {
        try authorizeEdit(row, req)
        let id = try row.requireID()
        try await req.db.transaction { tx in
            try await DashboardTileRow.query(on: tx).filter(\.$dashboardID == id).delete()
            try await row.delete(on: tx)
        }
    }

    static func authorizeEdit(_ row: DashboardRow, _ req: Request) throws {
        try req.authorize(.manageDashboards, department: row.departmentCode)
    }

    /// The dashboard `id` if `actor` may see it; 404 exactly as for an unknown id otherwise.
    static func find(_ id: String?, _ req: Request, publicOnly: Bool = false) async throws -> DashboardRow {
        guard let id = id.flatMap(UUID.init(uuidString:)), let row = try await DashboardRow.find(id, on: req.db),
            publicOnly ? row.dashboardVisibility == .public : row.isVisible(to: req.actor)
        else { throw AppError.notFound("Dashboard \(id ?? "")") }
        return row
    }

    static func tiles(_ row: DashboardRow, on db: any Database) async throws -> [(tile: DashboardTileRow, chart: ChartRow?)] {
        let tiles = try await DashboardTileRow.query(on: db).filter(\.$dashboardID == row.requireID()).sort(\.$position).all()
        let charts = try await ChartRow.query(on: db).filter(\.$id ~~ tiles.map(\.chartID)).all()
        let byID = Dictionary(charts.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        return tiles.map { ($0, byID[$0.chartID]) }
    }

    static func visible(_ req: Request, publicOnly: Bool = false) async throws -> [DashboardRow] {
        let q = DashboardRow.query(on: req.db)
        if publicOnly {
            q.filter(\.$visibility == ChartVisibility.public.rawValue)
        } else {
            VisibilityFilter.restrict(q, to: req.actor, visibility: \.$visibility, department: \.$departmentCode, owner: \.$ownerID)
        }
        return try await q.sort(\.$title).range(0..<1_000).all()
    }

    struct Output: Content {
        struct Tile: Content {
            var id: UUID
            var chart: UUID
            var title: String?
            var type: String?
            var width: Int
            var position: Int
        }
        var id: UUID
        var title: String
        var description: String
        var department: String
        var visibility: String
        var refreshSeconds: Int
        var owner: UUID
        var tiles: [Tile]
        var links: [String: String]
    }

    static func output(_ row: DashboardRow, _ req: Request) async throws -> Output {
        let id = try row.requireID()
        let tiles = try await tiles(row, on: req.db)
        var links = ["page": SiteURL.dashboard(id).path]
        if row.dashboardVisibility == .public { links["portal"] = SiteURL.openDashboard(id).path }
        return Output(
            id: id, title: row.title, description: row.description, department: row.departmentCode, visibility: row.visibility,
            refreshSeconds: row.refreshSeconds, owner: row.ownerID,
            tiles: tiles.map { t in
                // A chart the caller may not see is listed by id only.
                let seen = t.chart?.isVisible(to: req.actor) == true
                return Output.Tile(
                    id: t.tile.id ?? UUID(), chart: t.tile.chartID, title: seen ? t.chart?.title : nil, type: seen ? t.chart?.chartType : nil,
                    width: t.tile.width, position: t.tile.position)
            }, links: links)
    }
}

/// `/api/v1/dashboards`: create, list, show, update (settings and the grid), delete.
struct DashboardsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let d = routes.grouped("dashboards")
        d.get(use: Self.list).gate(.open)
        d.post(use: Self.create).gate(.action(.manageDashboards))
        d.get(":id", use: Self.show).gate(.open)
        d.put(":id", use: Self.update).gate(.action(.manageDashboards))
        d.delete(":id", use: Self.delete).gate(.action(.manageDashboards))
    }

    struct Page: Content {
        var items: [Dashboards.Output]
        var count: Int
    }

    static func list(req: Request) async throws -> Page {
        var items: [Dashboards.Output] = []
        for row in try await Dashboards.visible(req) { items.append(try await Dashboards.output(row, req)) }
        return Page(items: items, count: items.count)
    }

    static func create(req: Request) async throws -> Response {
        let row = try await Dashboards.create(try req.content.decode(Dashboards.Input.self), req)
        return try await Dashboards.output(row, req).encodeResponse(status: .created, for: req)
    }

    static func show(req: Request) async throws -> Dashboards.Output {
        try await Dashboards.output(try await Dashboards.find(req.parameters.get("id"), req), req)
    }

    static func update(req: Request) async throws -> Dashboards.Output {
        let row = try await Dashboards.find(req.parameters.get("id"), req)
        return try await Dashboards.output(try await Dashboards.update(row, try req.content.decode(Dashboards.Input.self), req), req)
    }

    static func delete(req: Request) async throws -> HTTPStatus {
        try await Dashboards.delete(try await Dashboards.find(req.parameters.get("id"), req), req)
        return .noContent
    }
}
