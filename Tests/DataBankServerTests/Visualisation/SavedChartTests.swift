import DataBankCore
@testable import DataBankServer
import Fluent
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Saved charts and dashboards through the real HTTP app: who makes and edits them, bad input with
/// its field, every chart read as its viewer (a grant sees small groups suppressed, a reader without
/// one is refused), dashboards' visibility, embeds only for public charts, and the builder's form.
@Suite("Saved charts and dashboards")
struct SavedChartTests {
    static let consumer = AggregateTests.consumer  // transport, which holds a grant in these tests
    static let stranger = "rsj_steward"  // human resources: no grant on the enterprise register

    struct Chart: Decodable {
        var id: UUID
        var resource: String
        var type: String
        var group: String
        var measures: String
        var query: String
        var title: String
        var visibility: String
        var department: String
        var links: [String: String]
    }

    struct Charts: Decodable { var items: [Chart]; var count: Int }

    struct Dashboard: Decodable {
        struct Tile: Decodable { var chart: UUID; var width: Int; var title: String? }
        var id: UUID
        var title: String
        var visibility: String
        var tiles: [Tile]
    }

    struct Dashboards: Decodable { var items: [Dashboard] }

    func body(
        _ f: StoreFixture, type: String = "bar", group: String = "region_code", measures: String = "count", visibility: String = "platform",
        title: String = "各区企业数"
    )
        -> [String: AnyEncodable]
    {
        [
            "resource": AnyEncodable(f.code), "type": AnyEncodable(type), "group": AnyEncodable(group), "measures": AnyEncodable(measures),
            "title": AnyEncodable(title), "visibility": AnyEncodable(visibility), "unit": AnyEncodable("户")
        ]
    }

    func create(_ app: Application, _ f: StoreFixture, token: String, _ body: [String: AnyEncodable]) async throws -> Chart {
        let res = try await app.send(.POST, "/api/v1/charts", token: token, json: body)
        #expect(res.status == .created, "\(res.body.string)")
        return try res.decode(Chart.self)
    }

    /// The enterprise register with the aggregate tests' 40 records, and transport's grant on it.
    func fixture(_ app: Application, grant: Bool = true, openToPublic: Bool = false) async throws -> StoreFixture {
        let f = try await StoreFixture.enterprise(app, openToPublic: openToPublic)
        try await AggregateTests().load(app, f)
        if grant { try await AggregateTests().grant(app, f) }
        return f
    }

    // MARK: Charts

    @Test func chartCRUDByTheOwnerDepartment() async throws {
        try await withDataBank { app in
            let f = try await fixture(app, grant: false)
            let steward = try await app.token(f.steward)
            let chart = try await create(app, f, token: steward, body(f, group: "region_code", measures: "count,sum(registered_capital)"))
            #expect(chart.department == "440600001" || !chart.department.isEmpty)
            #expect(chart.query == "group=region_code&measures=count,sum(registered_capital)")
            #expect(chart.links["data"] == "/api/v1/charts/\(chart.id)/data")
            let list = try await app.send(.GET, "/api/v1/charts", token: steward).decode(Charts.self)
            #expect(list.items.contains { $0.id == chart.id })
            var changed = body(f, type: "hbar")
            changed["title"] = AnyEncodable("各区企业数（横向）")
            let put = try await app.send(.PUT, "/api/v1/charts/\(chart.id)", token: steward, json: changed)
            #expect(put.status == .ok, "\(put.body.string)")
            #expect(try put.decode(Chart.self).type == "hbar")
            // The department's admin and the data authority edit it too; another department does not.
            let admin = try await app.send(.PUT, "/api/v1/charts/\(chart.id)", token: try await app.token("scj_admin"), json: changed)
            #expect(admin.status == .ok)
            let platform = try await app.send(.PUT, "/api/v1/charts/\(chart.id)", token: try await app.token("admin"), json: changed)
            #expect(platform.status == .ok, "\(platform.body.string)")
            let other = try await app.send(.PUT, "/api/v1/charts/\(chart.id)", token: try await app.token(Self.consumer), json: changed)
            #expect(other.status == .forbidden)
            let otherDelete = try await app.send(.DELETE, "/api/v1/charts/\(chart.id)", token: try await app.token(Self.consumer))
            #expect(otherDelete.status == .forbidden)
            let viewer = try await app.send(.DELETE, "/api/v1/charts/\(chart.id)", token: try await app.token("viewer"))
            #expect(viewer.status == .forbidden)
            let gone = try await app.send(.DELETE, "/api/v1/charts/\(chart.id)", token: steward)
            #expect(gone.status == .noContent)
            #expect(try await app.send(.GET, "/api/v1/charts/\(chart.id)", token: steward).status == .notFound)
        }
    }

    @Test func privateAndDepartmentChartsAreHiddenFromOthers() async throws {
        try await withDataBank { app in
            let f = try await fixture(app, grant: false)
            let steward = try await app.token(f.steward)
            let mine = try await create(app, f, token: steward, body(f, visibility: "private", title: "我的草稿"))
            let dept = try await create(app, f, token: steward, body(f, visibility: "department", title: "本部门"))
            let admin = try await app.token("scj_admin")
            #expect(try await app.send(.GET, "/api/v1/charts/\(mine.id)", token: admin).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/charts/\(dept.id)", token: admin).status == .ok)
            let other = try await app.token(Self.consumer)
            #expect(try await app.send(.GET, "/api/v1/charts/\(dept.id)", token: other).status == .notFound)
            let seen = try await app.send(.GET, "/api/v1/charts", token: other).decode(Charts.self)
            #expect(!seen.items.contains { $0.id == mine.id || $0.id == dept.id })
            #expect(try await app.send(.GET, "/api/v1/charts/\(mine.id)").status == .notFound)
        }
    }

    // MARK: Bad input

    @Test func badInputIsAClear4xxWithItsField() async throws {
        try await withDataBank { app in
            let f = try await fixture(app, grant: false)
            let steward = try await app.token(f.steward)
            func refused(_ body: [String: AnyEncodable], _ status: HTTPStatus, _ code: String, _ field: String) async throws {
                let res = try await app.send(.POST, "/api/v1/charts", token: steward, json: body)
                #expect(res.status == status, "\(code): \(res.body.string)")
                let error = try res.errorBody()
                #expect(error.code == code || error.details.first?.code == code, "\(res.body.string)")
                #expect(error.details.first?.field == field, "\(res.body.string)")
            }
            var unknown = body(f)
            unknown["resource"] = AnyEncodable("999999-99999")
            try await refused(unknown, .unprocessableEntity, "unknown_resource", "resource")
            try await refused(body(f, group: "no_such_item"), .badRequest, "unknown_item", "group")
            try await refused(body(f, measures: "sum(enterprise_name)"), .badRequest, "measure_not_numeric", "measures")
            try await refused(body(f, type: "sankey"), .unprocessableEntity, "unknown_chart_type", "type")
            try await refused(body(f, title: ""), .unprocessableEntity, "required", "title")
            var colours = body(f)
            colours["colours"] = AnyEncodable(["red"])
            try await refused(colours, .unprocessableEntity, "invalid_colour", "colours")
            #expect(try await ChartRow.query(on: app.db).count() == 0)
        }
    }

    @Test func aGrantCannotChartAMaskedItem() async throws {
        try await withDataBank { app in
            let f = try await fixture(app)
            let res = try await app.send(.POST, "/api/v1/charts", token: try await app.token(Self.consumer), json: body(f, group: "legal_rep"))
            #expect(res.status == .forbidden)
            #expect(try res.errorBody().code == "item_masked")
            #expect(try res.errorBody().details.first?.field == "group")
        }
    }

    @Test func tooManyGroupsAreRefusedOnSave() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            try await AggregateTests().load(app, f, rows: 0..<(AggregateRequest.maxResultGroups + 2))
            let res = try await app.send(.POST, "/api/v1/charts", token: try await app.token(f.steward), json: body(f, group: f.keyColumn.name))
            #expect(res.status == .unprocessableEntity)
            #expect(try res.errorBody().code == "too_many_groups")
            #expect(try res.errorBody().details.first?.field == "group")
        }
    }

    // MARK: Read as the viewer

    @Test func theDataIsReadAsTheViewer() async throws {
        try await withDataBank { app in
            let f = try await fixture(app)
            let chart = try await create(app, f, token: try await app.token(f.steward), body(f))
            // The provider reads every group …
            let own = try await app.send(.GET, "/api/v1/charts/\(chart.id)/data", token: try await app.token(f.steward)).decode(AggregateTests.Answer.self)
            #expect(own.byKey["440607"] == ["3"])
            #expect(own.suppressed == 0)
            // … a department with a grant sees the small group suppressed, and the read is audited as its own …
            let consumer = try await app.token(Self.consumer)
            let granted = try await app.send(.GET, "/api/v1/charts/\(chart.id)/data", token: consumer)
            #expect(granted.status == .ok, "\(granted.body.string)")
            let answer = try granted.decode(AggregateTests.Answer.self)
            #expect(answer.byKey["440607"] == ["<5"])
            #expect(answer.suppressed == 1)
            let consumerDepartment = try #require(try await User.query(on: app.db).filter(\.$username == Self.consumer).first()).departmentCode
            let audited = try await app.db.sql.raw(
                """
                SELECT purpose FROM audit_log WHERE resource_code = \(bind: f.code) AND operation = 'query.aggregate' AND department_code = \(bind: consumerDepartment)
                """
            ).all()
            #expect(audited.count == 1)
            #expect(try audited.first?.decode(column: "purpose", as: String?.self)?.contains("chart") == true)
            // … and a department without one is refused, in every render.
            let stranger = try await app.token(Self.stranger)
            for file in ["data", "data.csv", "chart.svg", "chart.png"] {
                let res = try await app.send(.GET, "/api/v1/charts/\(chart.id)/\(file)", token: stranger)
                #expect(res.status == .forbidden, "\(file)")
                #expect(try res.errorBody().code == "chart_not_readable")
                #expect(try res.errorBody().details.first?.field == "resource")
            }
        }
    }

    @Test func rendersAsSVGCSVAndPNG() async throws {
        try await withDataBank { app in
            let f = try await fixture(app, grant: false)
            let steward = try await app.token(f.steward)
            let chart = try await create(app, f, token: steward, body(f))
            let svg = try await app.send(.GET, "/api/v1/charts/\(chart.id)/chart.svg", token: steward)
            #expect(svg.status == .ok)
            #expect(svg.headers.contentType?.description.hasPrefix("image/svg+xml") == true)
            #expect(svg.body.string.hasPrefix("<svg") && svg.body.string.contains("各区企业数"))
            let csv = try await app.send(.GET, "/api/v1/charts/\(chart.id)/data.csv", token: steward)
            #expect(csv.body.string.hasPrefix("\u{FEFF}region_code,count"))
            let png = try await app.send(.GET, "/api/v1/charts/\(chart.id)/chart.png", token: steward)
            if ChartRaster.toolPath() != nil {
                #expect(png.status == .ok)
                #expect(png.headers.contentType == .png)
            } else {
                #expect(png.status == .serviceUnavailable)
            }
        }
    }

    // MARK: Dashboards

    func dashboard(_ app: Application, token: String, visibility: String, charts: [UUID]) async throws -> Dashboard {
        let body: [String: AnyEncodable] = [
            "title": AnyEncodable("看板 \(visibility)"), "visibility": AnyEncodable(visibility),
            "tiles": AnyEncodable(charts.map { DashboardTileSpec(chart: $0, width: 2) })
        ]
        let res = try await app.send(.POST, "/api/v1/dashboards", token: token, json: body)
        #expect(res.status == .created, "\(res.body.string)")
        return try res.decode(Dashboard.self)
    }

    @Test func dashboardsAreSeenByTheirVisibility() async throws {
        try await withDataBank { app in
            let f = try await fixture(app, grant: false, openToPublic: true)
            let steward = try await app.token(f.steward)
            let chart = try await create(app, f, token: steward, body(f, visibility: "public"))
            var ids: [String: UUID] = [:]
            for v in ChartVisibility.allCases { ids[v.rawValue] = try await dashboard(app, token: steward, visibility: v.rawValue, charts: [chart.id]).id }
            func sees(_ token: String?) async throws -> Set<String> {
                let list = try await app.send(.GET, "/api/v1/dashboards", token: token).decode(Dashboards.self)
                return Set(list.items.filter { ids.values.contains($0.id) }.map(\.visibility))
            }
            #expect(try await sees(steward) == ["private", "department", "platform", "public"])
            #expect(try await sees(try await app.token("scj_admin")) == ["department", "platform", "public"])
            #expect(try await sees(try await app.token(Self.consumer)) == ["platform", "public"])
            #expect(try await sees(try await app.token("admin")) == ["private", "department", "platform", "public"])
            #expect(try await sees(nil) == ["public"])
            // Pages: a department dashboard is not found for another department; the public one is on the portal.
            let other = try await WebSession.signIn(app, Self.consumer)
            #expect(try await other.get("/dashboards/\(ids["department"]!)").status == .notFound)
            #expect(try await other.get("/dashboards/\(ids["platform"]!)").status == .ok)
            let portal = try await app.send(.GET, "/open/dashboards")
            #expect(portal.body.string.contains("/open/dashboards/\(ids["public"]!)"))
            #expect(!portal.body.string.contains("/open/dashboards/\(ids["platform"]!)"))
            #expect(try await app.send(.GET, "/open/dashboards/\(ids["platform"]!)").status == .notFound)
            let open = try await app.send(.GET, "/open/dashboards/\(ids["public"]!)")
            #expect(open.status == .ok)
            #expect(open.body.string.contains("data-testid=\"dash-tile\""))
            #expect(!open.body.string.contains("tile-denied"))
        }
    }

    @Test func aTileTheViewerMayNotReadSaysSoAndTheOthersRender() async throws {
        try await withDataBank { app in
            let f = try await fixture(app)
            let steward = try await app.token(f.steward)
            let readable = try await create(app, f, token: steward, body(f, title: "可读"))
            // A resource of another department that human resources holds no grant on, charted by transport.
            let transport = try await app.token(Self.consumer)
            let granted = try await create(app, f, token: transport, body(f, title: "经授权的分布"))
            let board = try await dashboard(app, token: steward, visibility: "platform", charts: [readable.id, granted.id])
            let web = try await WebSession.signIn(app, Self.stranger)
            let page = try await web.get("/dashboards/\(board.id)")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.components(separatedBy: "data-testid=\"tile-denied\"").count - 1 == 2)
            // The consumer's own view: both tiles render, with the small group suppressed.
            let consumerWeb = try await WebSession.signIn(app, Self.consumer)
            let consumerPage = try await consumerWeb.get("/dashboards/\(board.id)").body.string
            #expect(!consumerPage.contains("tile-denied"))
            #expect(consumerPage.contains("&lt;5"))
            // A tile's own fragment (what the page's script fetches on its interval).
            let tiles = try await DashboardTileRow.query(on: app.db).sort(\.$position).all()
            let fragment = try await consumerWeb.get("/dashboards/\(board.id)/tiles/\(try tiles[0].requireID())")
            #expect(fragment.status == .ok)
            #expect(fragment.body.string.hasPrefix("<section"))
        }
    }

    @Test func onlyPublicChartsEmbed() async throws {
        try await withDataBank { app in
            let f = try await fixture(app, grant: false, openToPublic: true)
            let steward = try await app.token(f.steward)
            let open = try await create(app, f, token: steward, body(f, visibility: "public"))
            let closed = try await create(app, f, token: steward, body(f, visibility: "platform"))
            let page = try await app.send(.GET, "/embed/charts/\(open.id)")
            #expect(page.status == .ok)
            #expect(page.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors *") == true)
            #expect(page.headers.first(name: "X-Frame-Options") == nil)
            #expect(page.body.string.contains("embed-chart"))
            let refused = try await app.send(.GET, "/embed/charts/\(closed.id)")
            #expect(refused.status == .notFound)
            #expect(refused.headers.first(name: "X-Frame-Options") == nil || refused.status == .notFound)
            // Every other page still refuses framing.
            #expect(try await app.send(.GET, "/open/dashboards").headers.first(name: "X-Frame-Options") == "DENY")
        }
    }

    @Test func theDashboardEditorAddsMovesResizesAndRemovesTiles() async throws {
        try await withDataBank { app in
            let f = try await fixture(app, grant: false)
            let steward = try await app.token(f.steward)
            let first = try await create(app, f, token: steward, body(f, title: "第一张"))
            let second = try await create(app, f, token: steward, body(f, type: "pie", title: "第二张"))
            let web = try await WebSession.signIn(app, f.steward)
            // A settings error re-shows the form with its message; a good one redirects to the editor.
            let bad = try await web.post("/dashboards/new", [("title", ""), ("visibility", "department"), ("refreshSeconds", "300")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("error-title"))
            let made = try await web.post("/dashboards/new", [("title", "编辑测试"), ("visibility", "department"), ("refreshSeconds", "5")])
            #expect(made.status == .unprocessableEntity)  // 5 seconds is below the 30-second floor
            let created = try await web.post("/dashboards/new", [("title", "编辑测试"), ("visibility", "department"), ("refreshSeconds", "60")])
            #expect(created.status == .seeOther)
            let edit = try #require(created.headers.first(name: .location))
            for chart in [first, second] {
                let added = try await web.post(edit, [("op", "add"), ("chart", chart.id.uuidString), ("width", "1")])
                #expect(added.status == .seeOther, "\(added.body.string.prefix(300))")
            }
            func order() async throws -> [(UUID, Int)] {
                try await DashboardTileRow.query(on: app.db).sort(\.$position).all().map { ($0.chartID, $0.width) }
            }
            #expect(try await order().map(\.0) == [first.id, second.id])
            _ = try await web.post(edit, [("op", "down:0")])
            #expect(try await order().map(\.0) == [second.id, first.id])
            _ = try await web.post(edit, [("op", "wider:1")])
            #expect(try await order().map(\.1) == [1, 2])
            _ = try await web.post(edit, [("op", "remove:0")])
            #expect(try await order().map(\.0) == [first.id])
            // The grid names districts, not their codes, in every chart but the map.
            let id = try #require(try await DashboardRow.query(on: app.db).first()?.requireID())
            let page = try await web.get("/dashboards/\(id)").body.string
            #expect(page.contains("禅城区"))
            // Another department may not edit it.
            let other = try await WebSession.signIn(app, Self.consumer)
            #expect(try await other.post(edit, [("op", "remove:0")]).status != .seeOther)
            #expect(try await order().count == 1)
        }
    }

    // MARK: The builder

    @Test func theBuilderReshowsErrorsAndRedirectsAfterSaving() async throws {
        try await withDataBank { app in
            let f = try await fixture(app, grant: false)
            let web = try await WebSession.signIn(app, f.steward)
            let form = try await web.get("/charts/new?resource=\(f.code)")
            #expect(form.status == .ok)
            #expect(form.body.string.contains("name=\"_csrf\""))
            #expect(form.body.string.contains("value=\"region_code\""))
            let fields = [("resource", f.code), ("group", "region_code"), ("fn", "sum"), ("item", "enterprise_name"), ("type", "bar"), ("title", "")]
            let bad = try await web.post("/charts/new", fields + [("action", "save")])
            #expect(bad.status == .unprocessableEntity || bad.status == .badRequest)
            #expect(bad.body.string.contains("error-banner"))
            #expect(bad.body.string.contains("name=\"_csrf\""))
            // Preview without script: the same form with the drawn chart.
            let preview = try await web.post(
                "/charts/new", [("resource", f.code), ("group", "region_code"), ("fn", "count"), ("type", "bar"), ("title", ""), ("action", "preview")])
            #expect(preview.status == .ok)
            #expect(preview.body.string.contains("<svg"))
            let svg = try await web.get("/charts/preview.svg?resource=\(f.code)&group=region_code&fn=count&type=pie")
            #expect(svg.status == .ok)
            #expect(svg.body.string.hasPrefix("<svg"))
            let saved = try await web.post(
                "/charts/new",
                [
                    ("resource", f.code), ("group", "region_code"), ("fn", "count"), ("type", "bar"), ("title", "各区企业数"), ("visibility", "department"),
                    ("action", "save")
                ])
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers.first(name: .location))
            #expect(location.hasPrefix("/charts/"))
            let shown = try await web.get(location)
            #expect(shown.status == .ok)
            #expect(shown.body.string.contains("chart-figure"))
            // The resource page links the builder.
            #expect(try await web.get("/catalog/resources/\(f.code)").body.string.contains("make-chart-link"))
        }
    }
}

/// The demo city's dashboards: built on the seed city in memory (the small city has no welfare
/// rolls or streams), each renders for its owner with every tile drawn, and human resources —
/// holding the demo's statistics grant — sees the civil-affairs one with small groups suppressed.
@Suite("Demo dashboards")
struct DemoDashboardTests {
    @Test func theDemoDashboardsExistAndRender() async throws {
        try await withSeedCityInMemory { app in
            let names: Set<String> = ["企业登记信息表", "最低生活保障对象信息", "公交车辆实时位置", "停车场空余泊位"]
            _ = try await DemoRecords.load(volume: .small, on: app.db) { names.contains($0.name) }
            try await DemoSharing.load(on: app.db)
            try await DemoDashboards.load(on: app.db)
            let boards = try await DashboardRow.query(on: app.db).sort(\.$title).all()
            #expect(Set(boards.map(\.title)) == Set(DemoDashboardPlan.all.map(\.title)))
            let owners = ["市场主体登记看板": "scj_steward", "社会救助看板": "mzj_steward", "交通出行看板": "jtj_steward"]
            for board in boards {
                let web = try await WebSession.signIn(app, try #require(owners[board.title]))
                let page = try await web.get("/dashboards/\(try board.requireID())")
                #expect(page.status == .ok, "\(board.title)")
                let html = page.body.string
                #expect(!html.contains("tile-denied"), "\(board.title): \(html.components(separatedBy: "tile-denied").dropFirst().first?.prefix(300) ?? "")")
                #expect(!html.contains("data-state=\"empty\""), "\(board.title) has an empty chart")
                #expect(html.contains("data-testid=\"dash-tile\""))
            }
            // Human resources reads the welfare statistics under its grant: some cells are hidden.
            let welfare = try #require(boards.first { $0.title == "社会救助看板" })
            let hr = try await WebSession.signIn(app, "rsj_steward")
            let html = try await hr.get("/dashboards/\(try welfare.requireID())").body.string
            #expect(!html.contains("tile-denied"))
            #expect(html.contains("&lt;5"))
            // The public ones are on the portal.
            let portal = try await app.send(.GET, "/open/dashboards").body.string
            #expect(portal.contains("市场主体登记看板") && portal.contains("交通出行看板") && !portal.contains("社会救助看板"))
        }
    }
}
