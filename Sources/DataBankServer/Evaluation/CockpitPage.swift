import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /cockpit` (驾驶舱, the leaders' cockpit): the city's data work on one page for the data
/// authority — catalog and exchange totals, exchanges per day over a year, the sharing network
/// between departments, use by department × theme, quality by department, overdue applications
/// and unmet demand (and the evaluation ranking, ``CockpitRankingSection``). Every section is a
/// tile that refreshes itself as dashboards' tiles do (`data-refresh-url`, `app.js`), from
/// `GET /cockpit/tiles/{section}`; every figure links to the page that details it.
enum CockpitPage {
    /// The sections, in page order; the raw value is the tile's path segment.
    enum Section: String, CaseIterable {
        case totals, trend, overdue, network, demand, heat, quality

        /// Columns of the three-column grid (one on a phone).
        var width: Int {
            switch self {
            case .totals, .heat: 3
            case .trend, .network, .quality: 2
            case .overdue, .demand: 1
            }
        }
    }

    /// Tiles refresh once a minute (the cache's default TTL; `app.js` refreshes nothing under 30 s).
    static let refreshSeconds = 60

    static func register(on app: Application) {
        _ = app.cockpitCache
        let web = app.grouped(WebMiddleware())
        web.get("cockpit", use: show).gate(.action(.readCockpit))
        web.get("cockpit", "tiles", ":section", use: tile).gate(.action(.readCockpit))
    }

    /// The viewer's figures, from the cache (keyed by what the viewer may see and the day).
    static func figures(_ req: Request) async throws -> CockpitFigures {
        try req.authorize(.readCockpit)
        let actor = req.actor
        let app = req.application
        let now = app.settings.now()
        let today = app.today
        let key = [actor?.role.rawValue ?? "", actor?.departmentCode ?? "", HeatFacts.day(now).iso, today.iso].joined(separator: "|")
        let db = app.db
        return try await app.cockpitCache.figures(key) { try await CockpitFigures.compute(actor: actor, now: now, today: today, on: db) }
    }

    static func show(req: Request) async throws -> Response {
        let s = req.strings
        let f = try await figures(req)
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        var tiles: [Body] = []
        for section in Section.allCases {
            tiles.append(tileBody(section, f, req, names: names, refresh: true))
            if section == .quality { tiles.append(try await CockpitRankingSection.render(req)) }
        }
        let asOf = s.t(
            "数据截至 \(DisplayTime.format(f.computedAt, s.lang))，每 \(refreshSeconds) 秒自动刷新。",
            "Figures as of \(DisplayTime.format(f.computedAt, s.lang)); refreshed every \(refreshSeconds) seconds.")
        return Layout.render(
            req, title: s.t("驾驶舱", "Cockpit"), path: SiteURL.cockpit.path,
            [
                Layout.heading(
                    s.t("数据共享驾驶舱", "Data sharing cockpit"),
                    sub: s.t(
                        "全市政务数据的编目、交换、质量与需求一览；点击任一数字查看明细。", "The city's catalog, exchange, quality and demand at a glance; every figure links to its detail.")),
                .p(.cls("muted cockpit-as-of"), .testid("cockpit-as-of"), .esc(asOf)),
                .div(.cls("dash-grid cockpit"), .testid("cockpit"), .group(tiles))
            ])
    }

    /// One section alone: what a tile's refresh swaps in.
    static func tile(req: Request) async throws -> Response {
        guard let section = req.parameters.get("section").flatMap(Section.init(rawValue:)) else { throw AppError.notFound("Cockpit section") }
        let f = try await figures(req)
        let names = try await Directory.departmentNames(on: req.db, language: req.strings.lang)
        let body = tileBody(section, f, req, names: names, refresh: false)
        let response = Response(status: .ok, body: .init(string: Node<HTML.BodyContext>.group([body]).render()))
        response.headers.contentType = .html
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    static func tileBody(_ section: Section, _ f: CockpitFigures, _ req: Request, names: [String: String], refresh: Bool) -> Body {
        let content = CockpitSections(s: req.strings, f: f, names: names).body(section)
        return .section(
            .cls("card dash-tile cockpit-tile w\(section.width)"), .testid("cockpit-\(section.rawValue)"),
            refresh ? .attr("data-refresh-url", SiteURL.cockpitTile(section.rawValue).path) : .empty,
            refresh ? .attr("data-refresh", String(refreshSeconds)) : .empty,
            content)
    }
}
