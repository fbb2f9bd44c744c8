import Fluent
import Foundation
import Plot
import Vapor
import DataBankCore

/// The dashboard pages: `/dashboards` (list), `/dashboards/new`, `/dashboards/:id` (the grid, each
/// tile refreshed on the dashboard's interval by fetching `/dashboards/:id/tiles/:tile`),
/// `/dashboards/:id/edit` (settings and tiles); the open portal's `/open/dashboards[/:id]`; and
/// `/embed/charts/:id`, one public chart on a minimal page that other sites may frame.
enum DashboardPages {
    static func register(on app: Application) {
        let web = app.grouped(WebMiddleware())
        web.get("dashboards", use: list).gate(.signedIn)
        web.get("dashboards", "new", use: newForm).gate(.action(.manageDashboards))
        web.post("dashboards", "new", use: create).gate(.action(.manageDashboards))
        web.get("dashboards", ":id", use: show).gate(.signedIn)
        web.get("dashboards", ":id", "tiles", ":tile", use: tile).gate(.signedIn)
        web.get("dashboards", ":id", "edit", use: editForm).gate(.action(.manageDashboards))
        web.post("dashboards", ":id", "edit", use: edit).gate(.action(.manageDashboards))
        web.post("dashboards", ":id", "delete", use: delete).gate(.action(.manageDashboards))
        web.get("open", "dashboards", use: openList).gate(.open)
        web.get("open", "dashboards", ":id", use: openShow).gate(.open)
        web.get("open", "dashboards", ":id", "tiles", ":tile", use: openTile).gate(.open)
        web.get("embed", "charts", ":id", use: embed).gate(.open).frameable()
    }

    // MARK: Tiles

    /// One tile: the chart read as the viewer, or a sentence saying why it is not shown.
    static func tileBody(
        _ tile: DashboardTileRow, _ chart: ChartRow?, _ req: Request, viewer: ChartReading.Viewer, refreshURL: String?, refresh: Int
    ) async -> Body {
        let s = req.strings
        let mayDeny: Bool
        switch viewer {
        case .request: mayDeny = chart?.isVisible(to: req.actor) != true
        case .openPortal: mayDeny = chart?.chartVisibility != .public
        }
        var content: Body
        var state = "ok"
        if let chart, !mayDeny {
            do {
                let answer = try await ChartReading.answer(chart, req, as: viewer)
                content = ChartView.figure(answer.data, ChartReading.spec(chart, req, width: Self.drawnWidth(tile.width), height: 300))
            } catch let e as AppError where e.status.code < 500 {
                state = "denied"
                content = .p(
                    .cls("tile-denied"), .testid("tile-denied"),
                    .esc(
                        e.code == "chart_not_readable"
                            ? s.t("你无权读取“\(chart.title)”所用的数据。", "You may not read the data of “\(chart.title)”.")
                            : s.t("“\(chart.title)”无法显示：", "“\(chart.title)” cannot be shown: ") + Layout.localized(e, s)))
            } catch {
                state = "error"
                content = .p(.cls("tile-denied"), .esc(s.t("图表暂时无法显示。", "The chart cannot be shown just now.")))
            }
        } else {
            state = "denied"
            content = .p(.cls("tile-denied"), .testid("tile-denied"), .esc(s.t("你无权查看此图表。", "You may not see this chart.")))
        }
        return .section(
            .cls("card dash-tile w\(tile.width)"), .testid("dash-tile"), .attr("data-state", state),
            refreshURL.map { Body.attr("data-refresh-url", $0) } ?? .empty, refresh > 0 ? .attr("data-refresh", String(refresh)) : .empty,
            content)
    }

    /// The width a tile's chart is drawn at: about its share of a 1,140-pixel grid (CSS scales it down).
    static func drawnWidth(_ columns: Int) -> Double { [1: 380, 2: 760][columns] ?? 1_120 }

    static func grid(_ row: DashboardRow, _ req: Request, viewer: ChartReading.Viewer) async throws -> Body {
        let s = req.strings
        let id = try row.requireID()
        var tiles: [Body] = []
        for t in try await Dashboards.tiles(row, on: req.db) {
            let tileID = try t.tile.requireID()
            let url = viewer == .openPortal ? SiteURL.openDashboardTile(id, tileID).path : SiteURL.dashboardTile(id, tileID).path
            tiles.append(await tileBody(t.tile, t.chart, req, viewer: viewer, refreshURL: url, refresh: row.refreshSeconds))
        }
        if tiles.isEmpty { return .p(.cls("muted"), .testid("dash-empty"), .esc(s.t("这个看板还没有图表。", "This dashboard has no charts yet."))) }
        return .div(.cls("dash-grid"), .testid("dash-grid"), .group(tiles))
    }

    static func tile(req: Request) async throws -> Response {
        try await tileResponse(req, row: try await Dashboards.find(req.parameters.get("id"), req), viewer: .request)
    }

    static func openTile(req: Request) async throws -> Response {
        try await tileResponse(req, row: try await Dashboards.find(req.parameters.get("id"), req, publicOnly: true), viewer: .openPortal)
    }

    /// The fragment a dashboard's script swaps in on each refresh.
    static func tileResponse(_ req: Request, row: DashboardRow, viewer: ChartReading.Viewer) async throws -> Response {
        guard let tileID = req.parameters.get("tile").flatMap(UUID.init(uuidString:)),
            let t = try await Dashboards.tiles(row, on: req.db).first(where: { $0.tile.id == tileID })
        else { throw AppError.notFound("Tile") }
        let body = await tileBody(t.tile, t.chart, req, viewer: viewer, refreshURL: nil, refresh: 0)
        let response = Response(status: .ok, body: .init(string: Node<HTML.BodyContext>.group([body]).render()))
        response.headers.contentType = .html
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    // MARK: Pages

    static func list(req: Request) async throws -> Response {
        let s = req.strings
        let rows = try await Dashboards.visible(req)
        let table: Body =
            rows.isEmpty
            ? .p(.cls("muted"), .esc(s.t("还没有看板。", "No dashboards yet.")))
            : .dataTable(
                [s.t("看板", "Dashboard"), s.t("部门", "Department"), s.t("可见范围", "Visibility")],
                rows.map { r in
                    [
                        .link(SiteURL.dashboard(r.id!).path, r.title, .testid("dashboard-link")), .el("code", .esc(r.departmentCode)),
                        .esc(s.t(r.dashboardVisibility.zh, r.dashboardVisibility.en))
                    ]
                }, testid: "dashboards")
        let actions: Body =
            req.can(.manageDashboards, department: req.user?.departmentCode)
            ? .p(
                .link(SiteURL.newDashboard.path, s.t("新建看板", "New dashboard"), .cls("button"), .testid("new-dashboard")), .text(" "),
                .link(SiteURL.charts.path, s.t("图表", "Charts"), .cls("button secondary")))
            : .empty
        return Layout.render(
            req, title: s.t("看板", "Dashboards"), path: SiteURL.dashboards.path,
            [
                Layout.heading(
                    s.t("看板", "Dashboards"), sub: s.t("由已保存图表组成的看板；每张图表按查看者的权限读取数据。", "Grids of saved charts; every chart reads its data as the viewer may."),
                    actions), .section(.cls("card"), table)
            ])
    }

    static func show(req: Request) async throws -> Response {
        let s = req.strings
        let row = try await Dashboards.find(req.parameters.get("id"), req)
        let id = try row.requireID()
        let actions: Body =
            req.can(.manageDashboards, department: row.departmentCode)
            ? .p(.cls("no-print"), .link(SiteURL.editDashboard(id).path, s.t("编辑看板", "Edit dashboard"), .cls("button secondary"), .testid("edit-dashboard")))
            : .empty
        let sub = [row.description, refreshNote(row.refreshSeconds, s)].filter { !$0.isEmpty }.joined(separator: " ")
        return Layout.render(
            req, title: row.title, path: SiteURL.dashboard(id).path,
            [
                .p(.cls("crumbs no-print"), .link(SiteURL.dashboards.path, s.t("看板", "Dashboards"))),
                Layout.heading(row.title, sub: sub, actions), try await grid(row, req, viewer: .request)
            ])
    }

    static func refreshNote(_ seconds: Int, _ s: Strings) -> String {
        seconds > 0 ? s.t("每 \(seconds) 秒刷新。", "Refreshes every \(seconds) seconds.") : ""
    }

    static func openList(req: Request) async throws -> Response {
        let s = req.strings
        let rows = try await Dashboards.visible(req, publicOnly: true)
        let cards: [Body] = rows.map { r in
            .section(.cls("card"), .testid("open-dashboard"), .h2(.link(SiteURL.openDashboard(r.id!).path, r.title)), .p(.esc(r.description)))
        }
        return OpenLayout.render(
            req, title: s.t("数据看板", "Dashboards"),
            [
                Layout.heading(s.t("数据看板", "Dashboards"), sub: s.t("政府部门公开的统计图表。", "Statistics the departments publish as charts.")),
                cards.isEmpty ? .p(.cls("muted"), .esc(s.t("还没有公开的看板。", "No public dashboards yet."))) : .group(cards)
            ])
    }

    static func openShow(req: Request) async throws -> Response {
        let s = req.strings
        let row = try await Dashboards.find(req.parameters.get("id"), req, publicOnly: true)
        let sub = [row.description, refreshNote(row.refreshSeconds, s)].filter { !$0.isEmpty }.joined(separator: " ")
        return OpenLayout.render(
            req, title: row.title, scripts: ["/app.js"],
            [
                .p(.cls("crumbs no-print"), .link(SiteURL.openDashboards.path, s.t("数据看板", "Dashboards"))),
                Layout.heading(row.title, sub: sub), try await grid(row, req, viewer: .openPortal)
            ])
    }

    /// One public chart alone, for an iframe on another site (CSP `frame-ancestors *` on this route only).
    static func embed(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)), let chart = try await ChartRow.find(id, on: req.db),
            chart.chartVisibility == .public
        else { throw AppError.notFound("Chart") }
        let s = req.strings
        let body: Body
        do {
            let answer = try await ChartReading.answer(chart, req, as: .openPortal)
            body = ChartView.figure(answer.data, ChartReading.spec(chart, req), testid: "embed-chart")
        } catch let e as AppError where e.status.code < 500 {
            body = .p(.cls("tile-denied"), .esc(Layout.localized(e, s)))
        }
        let doc = HTML(
            .attribute(named: "lang", value: s.isEnglish ? "en" : "zh-CN"),
            .head(
                .meta(.charset(.utf8)), .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .element(named: "title", nodes: [.esc(chart.title)]), .link(.rel(.stylesheet), .href("/style.css"))),
            .body(
                .cls("embed"),
                .element(
                    named: "main",
                    nodes: [
                        body,
                        .p(.cls("hint"), .link(SiteURL.openDashboards.path, s.t("来源：佛山市政务数据", "Source: Foshan government data"), .attr("target", "_blank")))
                    ])))
        let response = Response(status: .ok, body: .init(string: doc.render()))
        response.headers.contentType = .html
        return response
    }

    // MARK: Forms

    static func newForm(req: Request) async throws -> Response {
        try req.authorize(.manageDashboards, department: req.user?.departmentCode)
        return settingsPage(req, row: nil, form: FormData(""), error: nil)
    }

    static func input(_ form: FormData) -> Dashboards.Input {
        Dashboards.Input(
            title: form["title"] ?? "", description: form.raw("description"), visibility: form["visibility"],
            refreshSeconds: Int(form["refreshSeconds"] ?? "") ?? 0, department: nil, tiles: nil)
    }

    static func create(req: Request) async throws -> Response {
        let form = FormData(body: req)
        switch try await formAction({ try await Dashboards.create(input(form), req) }) {
        case .success(let row): return Layout.seeOther(SiteURL.editDashboard(try row.requireID()).path)
        case .failure(let e): return settingsPage(req, row: nil, form: form, error: e, status: e.status)
        }
    }

    static func settingsFields(_ req: Request, _ f: OpenForm, row: DashboardRow?, form: FormData) -> [Body] {
        let s = req.strings
        let visibility = form["visibility"] ?? row?.visibility ?? "department"
        return [
            f.input("title", s.t("标题", "Title"), value: form["title"] ?? row?.title ?? ""),
            f.textarea("description", s.t("说明", "Description"), value: form["description"] ?? row?.description ?? ""),
            f.field(
                "visibility", s.t("可见范围", "Visibility"),
                .select("visibility", ChartVisibility.allCases.map { ($0.rawValue, s.t($0.zh, $0.en)) }, selected: visibility)),
            f.input(
                "refreshSeconds", s.t("刷新间隔（秒，0 为不刷新）", "Refresh every (seconds, 0: never)"), type: "number",
                value: form["refreshSeconds"] ?? String(row?.refreshSeconds ?? 300))
        ]
    }

    static func settingsPage(_ req: Request, row: DashboardRow?, form: FormData, error: AppError?, status: HTTPResponseStatus = .ok) -> Response {
        let s = req.strings
        let f = OpenForm(req, error)
        let body: Body = .postForm(
            SiteURL.newDashboard.path, csrf: req.csrfToken,
            [.testid("dashboard-form")] + settingsFields(req, f, row: row, form: form) + [
                .submit(s.t("创建", "Create"), .cls("primary"), .testid("dashboard-save"))
            ])
        return Layout.render(
            req, title: s.t("新建看板", "New dashboard"), status: status, path: SiteURL.newDashboard.path, banners: f.banner(),
            [.div(.cls("narrow"), Layout.heading(s.t("新建看板", "New dashboard")), .section(.cls("card"), body))])
    }

    static func editForm(req: Request) async throws -> Response {
        let row = try await Dashboards.find(req.parameters.get("id"), req)
        try Dashboards.authorizeEdit(row, req)
        return try await editPage(req, row: row, form: FormData(""), error: nil)
    }

    /// One form, several buttons (`op`): save the settings, add a chart, move, resize or remove a tile.
    static func edit(req: Request) async throws -> Response {
        let row = try await Dashboards.find(req.parameters.get("id"), req)
        try Dashboards.authorizeEdit(row, req)
        let form = FormData(body: req)
        var tiles = try await Dashboards.tiles(row, on: req.db).map { DashboardTileSpec(chart: $0.tile.chartID, width: $0.tile.width) }
        let op = form["op"] ?? "save"
        let parts = op.split(separator: ":").map(String.init)
        if parts.count == 2, let i = Int(parts[1]), tiles.indices.contains(i) {
            switch parts[0] {
            case "up" where i > 0: tiles.swapAt(i, i - 1)
            case "down" where i < tiles.count - 1: tiles.swapAt(i, i + 1)
            case "remove": tiles.remove(at: i)
            case "wider": tiles[i].width = min(3, tiles[i].width + 1)
            case "narrower": tiles[i].width = max(1, tiles[i].width - 1)
            default: break
            }
        } else if op == "add" {
            tiles.append(DashboardTileSpec(chart: UUID(uuidString: form["chart"] ?? "") ?? UUID(), width: Int(form["width"] ?? "") ?? 1))
        }
        var input = input(form)
        if op != "save" {
            input = Dashboards.Input(
                title: row.title, description: row.description, visibility: row.visibility, refreshSeconds: row.refreshSeconds, tiles: tiles)
        } else {
            input.tiles = tiles
        }
        switch try await formAction({ try await Dashboards.update(row, input, req) }) {
        case .success: return Layout.seeOther(SiteURL.editDashboard(try row.requireID()).with([("done", op == "save" ? "saved" : "tiles")]))
        case .failure(let e): return try await editPage(req, row: row, form: form, error: e, status: e.status)
        }
    }

    static func editPage(_ req: Request, row: DashboardRow, form: FormData, error: AppError?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let s = req.strings
        let f = OpenForm(req, error)
        let id = try row.requireID()
        let action = SiteURL.editDashboard(id).path
        let current = try await Dashboards.tiles(row, on: req.db)
        let settings: Body = .postForm(
            action, csrf: req.csrfToken,
            [.testid("dashboard-form")] + settingsFields(req, f, row: row, form: form) + [
                .hidden("op", "save"), .submit(s.t("保存设置", "Save settings"), .cls("primary"), .testid("dashboard-save"))
            ])
        let rows: [[Body]] = current.enumerated().map { i, t in
            func button(_ op: String, _ label: String) -> Body {
                .postForm(
                    action, csrf: req.csrfToken, [.cls("inline"), .hidden("op", "\(op):\(i)"), .submit(label, .cls("small secondary"), .testid("tile-\(op)"))])
            }
            return [
                .esc(t.chart?.title ?? s.t("（已删除）", "(deleted)")), .esc(String(t.tile.width)),
                .group([
                    button("up", "↑"), button("down", "↓"), button("narrower", s.t("变窄", "Narrower")), button("wider", s.t("变宽", "Wider")),
                    button("remove", s.t("移除", "Remove"))
                ])
            ]
        }
        let charts = try await SavedCharts.visible(req)
        let add: Body = .postForm(
            action, csrf: req.csrfToken,
            [
                .testid("tile-add-form"), .hidden("op", "add"),
                f.field("chart", s.t("图表", "Chart"), .select("chart", charts.map { ($0.id!.uuidString, $0.title) }, selected: nil)),
                f.field("width", s.t("宽度（栏）", "Width (columns)"), .select("width", [("1", "1"), ("2", "2"), ("3", "3")], selected: "1")),
                .submit(s.t("加入看板", "Add to dashboard"), .cls("primary"), .testid("tile-add"))
            ])
        let banners: [Body] = f.banner() + (FormData(query: req)["done"] != nil ? [Layout.okBanner(s.t("已保存。", "Saved."))] : [])
        return Layout.render(
            req, title: s.t("编辑看板", "Edit dashboard"), status: status, path: action, banners: banners,
            [
                .p(.cls("crumbs"), .link(SiteURL.dashboard(id).path, row.title)),
                Layout.heading(s.t("编辑看板", "Edit dashboard")),
                .section(.cls("card"), .h2(.esc(s.t("设置", "Settings"))), settings),
                .section(
                    .cls("card"), .h2(.esc(s.t("图表", "Charts"))),
                    rows.isEmpty
                        ? .p(.cls("muted"), .esc(s.t("还没有图表。", "No charts yet.")))
                        : .dataTable([s.t("图表", "Chart"), s.t("宽度", "Width"), ""], rows, testid: "tiles"),
                    charts.isEmpty
                        ? .p(.link(SiteURL.newChart.path, s.t("先制作一张图表", "Make a chart first"))) : add,
                    .p(.link(SiteURL.newChart.path, s.t("制作新图表", "Make a new chart")))),
                .section(
                    .cls("card"),
                    .postForm(
                        SiteURL.deleteDashboard(id).path, csrf: req.csrfToken,
                        [.submit(s.t("删除看板", "Delete dashboard"), .cls("danger"), .testid("dashboard-delete"))]))
            ])
    }

    static func delete(req: Request) async throws -> Response {
        let row = try await Dashboards.find(req.parameters.get("id"), req)
        try await Dashboards.delete(row, req)
        return Layout.seeOther(SiteURL.dashboards.path)
    }
}

extension Route {
    static let frameableKey = "databank.frameable"

    /// Lets other sites frame this route's pages (CSP `frame-ancestors *`, no `X-Frame-Options`).
    @discardableResult
    func frameable() -> Route {
        userInfo[Self.frameableKey] = true
        return self
    }

    var isFrameable: Bool { userInfo[Self.frameableKey] as? Bool ?? false }
}
