import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The leaders' cockpit through the HTTP app on the demo's stories (a year of use, loads,
/// applications, objections and demands): every section drawn, who may open it, every link on it
/// answering, the tiles' own refresh URLs, and the demo history's shape month by month.
@Suite("Cockpit")
struct CockpitTests {
    static func demo(_ app: Application) async throws {
        _ = try await DemoCommand.loadStories(volume: .small, on: app.db)
    }

    /// Every section is drawn for the data authority in both languages: the figures, the trend,
    /// the network (an SVG of nodes and edges), the heat grid, quality, overdue applications, demand.
    @Test func rendersEverySection() async throws {
        try await withDataBank { app in
            try await Self.demo(app)
            for lang in ["zh", "en"] {
                let web = try await WebSession.signIn(app, "admin")
                let page = try await web.request(.GET, "/cockpit?lang=\(lang)", body: nil)
                #expect(page.status == .ok)
                let html = page.body.string
                for section in CockpitPage.Section.allCases {
                    #expect(html.contains("data-testid=\"cockpit-\(section.rawValue)\""), "\(section)")
                    #expect(html.contains("data-refresh-url=\"/cockpit/tiles/\(section.rawValue)\""), "\(section)")
                }
                #expect(html.contains("data-testid=\"cockpit-trend-chart\"") && html.contains("data-chart-type=\"line\""))
                #expect(html.contains("data-testid=\"cockpit-network-chart\"") && html.contains("class=\"edge\"") && html.contains("class=\"node\""))
                #expect(html.contains("data-testid=\"cockpit-heat-chart\"") && html.contains("data-chart-type=\"heat_grid\""))
                #expect(html.contains("data-testid=\"cockpit-quality-chart\""))
                #expect(html.contains("data-testid=\"cockpit-overdue-application\""))
                #expect(html.contains("data-testid=\"cockpit-gap\""))
                #expect(html.contains(lang == "en" ? "Sharing between departments" : "部门共享网络"))
                #expect(html.contains("data-testid=\"nav-cockpit\""))
                // The demo stories end with last year's frozen report and this year's open run.
                #expect(html.contains("data-testid=\"cockpit-ranking\"") && html.contains("data-testid=\"cockpit-ranked-unit\""))
            }
        }
    }

    /// Nothing evaluated: no ranking tile and no placeholder; once periods are evaluated (the demo
    /// stories end with last year's frozen report and this year's open run) the ranking shows per
    /// unit type, from the frozen report, each unit linking to its report.
    @Test func showsTheEvaluationRankingOnceEvaluated() async throws {
        try await withDataBank { app in
            let web = try await WebSession.signIn(app, "admin")
            #expect(!(try await web.request(.GET, "/cockpit?lang=en", body: nil).body.string.contains("cockpit-ranking")))
            try await Self.demo(app)
            let ranking = try #require(try await EvaluationRanking.latest(on: app.db))
            #expect(ranking.state == "frozen" && ranking.period == String(app.today.year - 1))
            #expect(ranking.unitTypes.map(\.code) == EvaluationScheme.standard.unitTypes.map(\.code))
            let html = try await web.request(.GET, "/cockpit?lang=en", body: nil).body.string
            #expect(html.contains("data-testid=\"cockpit-ranking\"") && html.contains("Evaluation ranking") && html.contains(ranking.period))
            let unit = try #require(html.range(of: "href=\"/evaluation/runs/[^\"]+/units/[^\"]+\"", options: .regularExpression))
            let href = String(html[unit].dropFirst(6).dropLast())
            #expect(try await web.request(.GET, href, body: nil).status == .ok, "\(href)")
        }
    }

    /// The figures are the database's: exchanges add up `exchange_stats` (a provider's own reads
    /// left out), overdue applications are the pending ones past their deadline.
    @Test func figuresAgreeWithTheTables() async throws {
        try await withDataBank { app in
            try await Self.demo(app)
            let f = try await CockpitFigures.compute(
                actor: try #require(try await User.query(on: app.db).filter(\.$username == "admin").first()).actor, now: app.settings.now(), today: app.today,
                on: app.db)
            let total =
                try await app.db.sql.raw(
                    "SELECT CAST(COALESCE(SUM(requests), 0) AS BIGINT) AS n FROM exchange_stats WHERE consumer_code <> provider_code"
                ).first()?.decode(column: "n", as: Int.self) ?? -1
            #expect(f.exchanges == total && total > 0)
            #expect(f.perDay.count == 365 && f.perDay.filter { $0.requests > 0 }.count > 300)
            let overdue = try await ApplicationRow.query(on: app.db).filter(\.$status == "pending").filter(\.$deadline < app.today.iso).count()
            #expect(f.overdueCount == overdue && overdue > 0)
            #expect(!f.network.isEmpty && f.network.allSatisfy { $0.provider != $0.consumer })
            #expect(!f.heat.isEmpty)
            #expect(f.unmetDemands > 0)
        }
    }

    /// Only the data authority opens it: a steward and a viewer get 403 (page and tiles), nobody signed in is sent to sign in.
    @Test func whoMayOpenIt() async throws {
        try await withDataBank { app in
            for user in ["scj_steward"] {
                let web = try await WebSession.signIn(app, user)
                #expect(try await web.request(.GET, "/cockpit", body: nil).status == .forbidden)
                #expect(try await web.request(.GET, "/cockpit/tiles/totals", body: nil).status == .forbidden)
                let home = try await web.request(.GET, "/catalog", body: nil)
                #expect(!home.body.string.contains("data-testid=\"nav-cockpit\""))
            }
            let anonymous = try await app.send(.GET, "/cockpit")
            #expect(anonymous.status != .ok)
            #expect(Authorization.decide(Actor(userID: "x", role: .platformAdmin, departmentCode: "A"), .readCockpit) == .allow)
            #expect(!Authorization.decide(Actor(userID: "x", role: .reviewer, departmentCode: "A"), .readCockpit).isAllowed)
            let admin = try await WebSession.signIn(app, "admin")
            #expect(try await admin.request(.GET, "/cockpit/tiles/nonsense", body: nil).status == .notFound)
        }
    }

    /// Every link on the page answers 200 for the admin, and every tile's refresh URL returns that tile alone.
    @Test func linksResolve() async throws {
        try await withDataBank { app in
            try await Self.demo(app)
            let web = try await WebSession.signIn(app, "admin")
            let html = try await web.request(.GET, "/cockpit", body: nil).body.string
            let start = try #require(html.range(of: "data-testid=\"cockpit\""))
            let grid = String(html[start.lowerBound...])
            let hrefs = Set(
                grid.components(separatedBy: "href=\"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
                    .filter { $0.hasPrefix("/") }
                    .map { $0.replacingOccurrences(of: "&amp;", with: "&") })
            #expect(hrefs.count >= 15, "\(hrefs)")
            for href in hrefs.sorted() {
                let path = href.split(separator: "#").first.map(String.init) ?? href
                let res = try await web.request(.GET, path, body: nil)
                #expect(res.status == .ok, "\(href): \(res.status)")
            }
            for section in CockpitPage.Section.allCases {
                let tile = try await web.request(.GET, "/cockpit/tiles/\(section.rawValue)?lang=en", body: nil)
                #expect(tile.status == .ok)
                #expect(tile.body.string.hasPrefix("<section") && tile.body.string.contains("cockpit-\(section.rawValue)"))
                #expect(!tile.body.string.contains("<html"))
            }
        }
    }

    /// The demo's history never runs ahead of the clock: in the city's early morning, today's loads
    /// (due at working hours) are not there yet, and every load that is has finished by now.
    @Test func demoLoadsAreNeverInTheFuture() async throws {
        try await withDataBank { app in
            let today = GrantAccess.today(Date())
            let now = DemoTimeline.at(today, hour: 0, minute: 30)
            let store = DemoHistory.Store(
                code: "109001-00001", department: "440600002", cycle: .daily, sharing: .conditional, columns: ["k"], keys: ["k"], rows: 3_650)
            var random = HistoryRandom(SplitMix(seed: 5))
            try await DemoHistory.loads([store], today: today, now: now, random: &random, on: app.db)
            let row = try #require(try await app.db.sql.raw("SELECT COUNT(*) AS n, MAX(finished_at) AS last FROM loads").first())
            #expect(try row.decode(column: "n", as: Int.self) >= 360)
            #expect(try row.decode(column: "last", as: Date.self) <= now)
        }
    }

    /// The demo's year: loads, applications and objections in every month of the past year, some
    /// applications answered late, some refused with a reason, some overdue; objections settled late.
    @Test func demoHasAYearOfWork() async throws {
        try await withDataBank { app in
            try await Self.demo(app)
            let sql = app.db.sql
            let now = app.settings.now()
            func months(_ table: String, _ column: String, where extra: String = "1 = 1") async throws -> Set<String> {
                let rows = try await sql.raw("SELECT \(unsafeRaw: column) AS t FROM \(unsafeRaw: table) WHERE \(unsafeRaw: extra)").all()
                return Set(try rows.compactMap { try $0.decode(column: "t", as: Date?.self) }.map { String(DisplayTime.plain($0).prefix(7)) })
            }
            var expected = Set<String>()
            for k in 1...11 { expected.insert(String(DisplayTime.plain(now.addingTimeInterval(-Double(k) * 30.4 * 86_400)).prefix(7))) }
            let loads = try await months("loads", "started_at", where: "source = 'bus'")
            let applications = try await months("access_applications", "created_at")
            let objections = try await months("objections", "created_at")
            #expect(expected.isSubset(of: loads), "loads: \(expected.subtracting(loads))")
            #expect(expected.isSubset(of: applications), "applications: \(expected.subtracting(applications))")
            #expect(objections.count >= 6, "objections in \(objections.sorted())")
            let apps = try await ApplicationRow.query(on: app.db).all()
            let late = apps.filter { a in
                guard let decided = a.decidedAt, let deadline = a.deadline else { return false }
                return String(DisplayTime.plain(decided).prefix(10)) > deadline
            }
            #expect(late.count >= 5, "late answers: \(late.count)")
            let refused = apps.filter { $0.status == ApplicationStatus.rejected.rawValue }
            #expect(refused.count >= 5 && refused.allSatisfy { !($0.decisionReason ?? "").isEmpty })
            #expect(apps.filter { $0.isOverdue(today: app.today) }.count >= 2)
            // Every approval has its grant; every decision follows its filing; deadlines follow filing by ten working days.
            let granted = Set(try await GrantRow.query(on: app.db).all().map(\.applicationID))
            for a in apps where a.status == ApplicationStatus.approved.rawValue || a.status == ApplicationStatus.partiallyApproved.rawValue {
                #expect(granted.contains(try a.requireID()))
            }
            for a in apps { if let d = a.decidedAt, let c = a.createdAt { #expect(d >= c) } }
            let settledLate = try await sql.raw(
                "SELECT resolved_at, created_at FROM objections WHERE resolved_at IS NOT NULL"
            ).all().filter { r in
                let resolved = try r.decode(column: "resolved_at", as: Date.self), created = try r.decode(column: "created_at", as: Date.self)
                return resolved.timeIntervalSince(created) > 14 * 86_400
            }
            #expect(!settledLate.isEmpty)
            let failed = try await LoadRow.query(on: app.db).filter(\.$source == "bus").filter(\.$status == "failed").count()
            #expect(failed > 0)
        }
    }
}
