import DataBankCore
@testable import DataBankServer
import Fluent
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Heat through the real HTTP app on whichever database the run uses: counts from the daily facts
/// over each period, the score and percentile, the 80/20 core set on a crafted distribution, the
/// catalog's visibility, sorting the catalog by heat, bad input, and the demo's year of use.
@Suite("Heat")
struct HeatTests {
    struct Entry: Decodable {
        var code: String
        var departmentCode: String
        var counts: HeatCounts
        var use: Int
        var score: Double
        var percentile: Int
        var rank: Int
        var core: Bool
        var cumulativeShare: Double
    }

    struct List: Decodable {
        struct Department: Decodable { var code: String; var coreTables: Int }
        var period: String
        var totalUse: Int
        var resources: Int
        var coreCount: Int
        var coreDepartments: [Department]
        var items: [Entry]
    }

    struct Day: Decodable { var day: String; var queries: Int; var recordsOut: Int; var downloads: Int; var portalViews: Int }
    struct One: Decodable {
        struct Figures: Decodable { var counts: HeatCounts; var score: Double }
        var code: String
        var counts: HeatCounts
        var score: Double
        var percentile: Int
        var core: Bool
        var periods: [String: Figures]
        var daily: [Day]
    }

    static func today(_ app: Application) -> CivilDate { HeatFacts.day(app.settings.now()) }
    static func day(_ app: Application, minus k: Int) -> String { CivilDate(daysSinceEpoch: today(app).daysSinceEpoch - k).iso }

    /// Published resources of the small city with their providers, by code.
    static func published(_ app: Application, count: Int) async throws -> [(code: String, provider: String)] {
        let rows = try await app.db.sql.raw(
            """
            SELECT code, department_code FROM resources WHERE published_revision IS NOT NULL AND status <> 'retired' AND classified = \(bind: false)
            ORDER BY code
            """
        ).all()
        let all = try rows.map { (try $0.decode(column: "code", as: String.self), try $0.decode(column: "department_code", as: String.self)) }
        try #require(all.count >= count)
        return Array(all.prefix(count))
    }

    /// A consumer department other than `provider`.
    static func consumer(_ app: Application, not provider: String, _ k: Int = 0) async throws -> String {
        let codes = try await Department.query(on: app.db).sort(\.$code).all().map(\.code).filter { $0 != provider }
        return codes[k % codes.count]
    }

    static func stat(_ app: Application, day: String, resource: String, provider: String, consumer: String, requests: Int, out: Int = 0) async throws {
        try await app.db.sql.raw(
            """
            INSERT INTO exchange_stats (day, resource_code, provider_code, consumer_code, records_in, records_out, requests)
            VALUES (\(bind: day), \(bind: resource), \(bind: provider), \(bind: consumer), 0, \(bind: out), \(bind: requests))
            """
        ).run()
    }

    func list(_ app: Application, _ period: String = "30d", token: String?) async throws -> List {
        let res = try await app.send(.GET, "/api/v1/heat?period=\(period)", token: token)
        #expect(res.status == .ok, "\(res.body.string)")
        return try res.decode(List.self)
    }

    /// Uses 500, 300, 100, 50, 20, 10, 10, 5, 5 and none: the first two carry 80 % and are the core set;
    /// their departments are named; percentiles run from 100 down; unused resources rank 0.
    @Test func coreSetOnACraftedDistribution() async throws {
        try await withDataBank { app in
            let resources = try await Self.published(app, count: 10)
            let uses = [500, 300, 100, 50, 20, 10, 10, 5, 5, 0]
            for (r, n) in zip(resources, uses) where n > 0 {
                try await Self.stat(
                    app, day: Self.day(app, minus: 1), resource: r.code, provider: r.provider, consumer: try await Self.consumer(app, not: r.provider),
                    requests: n)
            }
            let heat = try await list(app, token: try await app.token("admin"))
            let byCode = Dictionary(uniqueKeysWithValues: heat.items.map { ($0.code, $0) })
            #expect(heat.totalUse == 1_000)
            #expect(heat.coreCount == 2)
            #expect(heat.items.filter(\.core).map(\.code) == [resources[0].code, resources[1].code])
            #expect(Set(heat.coreDepartments.map(\.code)) == Set([resources[0].provider, resources[1].provider]))
            #expect(heat.items.first?.code == resources[0].code && heat.items.first?.rank == 1)
            #expect(byCode[resources[0].code]?.percentile == 100)
            #expect(byCode[resources[1].code]?.cumulativeShare == 0.8)
            #expect(byCode[resources[9].code]?.percentile == 0 && byCode[resources[9].code]?.score == 0)
            #expect(byCode[resources[0].code]?.score == HeatScore.score(HeatCounts(queries: 500, departments: 1)))
            #expect(heat.resources == heat.items.count)  // admin sees the whole catalog
        }
    }

    /// A fact 0, 10 and 100 days old: in 7 days only the first, in 30 days two, in 365 days all three;
    /// the provider's own use and loads never count; each consumer department counts once.
    @Test func periodWindows() async throws {
        try await withDataBank { app in
            let r = try await Self.published(app, count: 1)[0]
            let a = try await Self.consumer(app, not: r.provider, 0), b = try await Self.consumer(app, not: r.provider, 1)
            try await Self.stat(app, day: Self.day(app, minus: 0), resource: r.code, provider: r.provider, consumer: a, requests: 1, out: 10)
            try await Self.stat(app, day: Self.day(app, minus: 10), resource: r.code, provider: r.provider, consumer: b, requests: 2, out: 20)
            try await Self.stat(app, day: Self.day(app, minus: 100), resource: r.code, provider: r.provider, consumer: a, requests: 4, out: 40)
            try await Self.stat(app, day: Self.day(app, minus: 400), resource: r.code, provider: r.provider, consumer: a, requests: 8, out: 80)
            try await Self.stat(app, day: Self.day(app, minus: 0), resource: r.code, provider: r.provider, consumer: r.provider, requests: 100)
            let token = try await app.token("admin")
            for (period, queries, out, departments) in [("1d", 1, 10, 1), ("7d", 1, 10, 1), ("30d", 3, 30, 2), ("365d", 7, 70, 2)] {
                let e = try #require(try await list(app, period, token: token).items.first { $0.code == r.code })
                #expect(e.counts.queries == queries, "\(period)")
                #expect(e.counts.recordsOut == out, "\(period)")
                #expect(e.counts.departments == departments, "\(period)")
            }
            let res = try await app.send(.GET, "/api/v1/resources/\(r.code)/heat?period=7d", token: token)
            #expect(res.status == .ok, "\(res.body.string)")
            let one = try res.decode(One.self)
            #expect(one.counts.queries == 1)
            #expect(one.periods["30d"]?.counts.queries == 3 && one.periods["365d"]?.counts.departments == 2)
            #expect(one.daily.count == 365 && one.daily.last?.day == Self.day(app, minus: 0) && one.daily.last?.queries == 1)
            #expect(one.daily[364 - 10].queries == 2 && one.daily[364 - 100].recordsOut == 40)
        }
    }

    /// Downloads, verification inputs and apps come from the audit log, each entry counted once
    /// however often heat is asked for (the roll-up's cursor); portal page views are counted per day.
    @Test func auditEntriesAndPortalViewsAreCountedOnce() async throws {
        try await withDataBank { app in
            let open = try #require(
                try await app.db.sql.raw(
                    "SELECT code FROM resources WHERE open_type = 'unconditional' AND published_revision IS NOT NULL AND classified = \(bind: false) ORDER BY code"
                ).all().first?.decode(column: "code", as: String.self))
            let who = AuditLog.Who(kind: "app", id: "app-1", name: "某应用", departmentCode: "x")
            for op in ["export.csv", "export.xlsx", "verify.svc", "query"] {
                try await AuditLog.append(
                    who, resource: open, operation: op, fields: [], count: op == "verify.svc" ? 3 : 0, purpose: nil, requestID: nil, requestHash: nil,
                    on: app.db, trail: app.auditTrail)
            }
            let page = try await app.send(.GET, "/datasets/\(open)")
            #expect(page.status == .ok)
            let token = try await app.token("admin")
            for _ in 0..<2 {
                let e = try #require(try await list(app, "7d", token: token).items.first { $0.code == open })
                #expect(e.counts.downloads == 2)
                #expect(e.counts.verifications == 3)
                #expect(e.counts.apps == 1)
                #expect(e.counts.portalViews == 1)
            }
        }
    }

    /// The list holds what the caller sees in the catalog: a classified resource of another
    /// department is missing for a viewer (and its heat is an unknown resource) but there for the admin.
    @Test func visibilityFollowsTheCatalog() async throws {
        try await withDataBank { app in
            let r = try await Self.published(app, count: 1)[0]
            try await app.db.sql.raw("UPDATE resources SET classified = \(bind: true) WHERE code = \(bind: r.code)").run()
            let viewer = try await app.token("viewer")
            #expect(!(try await list(app, token: viewer).items.contains { $0.code == r.code }))
            #expect(try await list(app, token: try await app.token("admin")).items.contains { $0.code == r.code })
            let hidden = try await app.send(.GET, "/api/v1/resources/\(r.code)/heat", token: viewer)
            #expect(hidden.status == .notFound)
            #expect(try hidden.errorBody().details.first?.field == "code")
        }
    }

    /// `sort=-heat` orders the catalog hottest first (API and page).
    @Test func catalogSortsByHeat() async throws {
        try await withDataBank { app in
            let resources = try await Self.published(app, count: 3)
            let hot = resources[2], warm = resources[1]
            try await Self.stat(
                app, day: Self.day(app, minus: 0), resource: hot.code, provider: hot.provider, consumer: try await Self.consumer(app, not: hot.provider),
                requests: 90)
            try await Self.stat(
                app, day: Self.day(app, minus: 0), resource: warm.code, provider: warm.provider, consumer: try await Self.consumer(app, not: warm.provider),
                requests: 9)
            let res = try await app.send(.GET, "/api/v1/resources?sort=-heat&limit=3", token: try await app.token("admin"))
            #expect(res.status == .ok, "\(res.body.string)")
            struct Page: Decodable { struct Item: Decodable { var code: String }; var items: [Item] }
            #expect(try res.decode(Page.self).items.prefix(2).map(\.code) == [hot.code, warm.code])
            let page = try await app.send(.GET, "/catalog?sort=-heat")
            #expect(page.status == .ok)
            let html = page.body.string
            let first = try #require(html.range(of: hot.code)), second = try #require(html.range(of: warm.code))
            #expect(first.lowerBound < second.lowerBound)
        }
    }

    /// Unknown period: 400 naming the parameter and the allowed values; unknown resource: 404 naming the code.
    @Test func badInput() async throws {
        try await withDataBank { app in
            let token = try await app.token("admin")
            let bad = try await app.send(.GET, "/api/v1/heat?period=2d", token: token)
            #expect(bad.status == .badRequest)
            let e = try bad.errorBody()
            #expect(e.code == "invalid_period" && e.details.first?.field == "period" && e.message.contains("1d, 7d, 30d, 365d"))
            let r = try await Self.published(app, count: 1)[0]
            #expect(try await app.send(.GET, "/api/v1/resources/\(r.code)/heat?period=week", token: token).status == .badRequest)
            let unknown = try await app.send(.GET, "/api/v1/resources/999999-99999/heat", token: token)
            #expect(unknown.status == .notFound)
            #expect(try unknown.errorBody().code == "unknown_resource")
        }
    }

    /// The pages: the 80/20 view for the admin (chart, core tables, departments) and a steward (their
    /// department marked), both languages; a resource page's heat card with its two trend charts.
    @Test func pagesShowHeat() async throws {
        try await withDataBank { app in
            try await DemoUsageHistory.load(on: app.db, now: app.settings.now())
            for (user, lang) in [("admin", "zh"), ("scj_steward", "en")] {
                let web = try await WebSession.signIn(app, user)
                let page = try await web.request(.GET, "/heat?period=365d&lang=\(lang)", body: nil)
                #expect(page.status == .ok)
                let html = page.body.string
                #expect(html.contains("data-testid=\"heat-pareto\"") && html.contains("data-testid=\"core-tables\""))
                #expect(html.contains(lang == "en" ? "Core tables" : "核心表"))
                if user == "scj_steward" { #expect(html.contains("data-testid=\"own-department\"")) }
            }
            let r = try await Self.published(app, count: 1)[0]
            let resource = try await WebSession.signIn(app, "admin").request(.GET, "/catalog/resources/\(r.code)", body: nil)
            let html = resource.body.string
            #expect(html.contains("data-testid=\"resource-heat\""))
            #expect(html.contains("data-testid=\"heat-trend-30\"") && html.contains("data-testid=\"heat-trend-365\""))
        }
    }

    /// The demo's year of use: every day of the year has requests, weekends are quieter, and the
    /// core set is about a fifth of the catalog.
    @Test func demoHasAYearOfHistory() async throws {
        try await withDataBank { app in
            try await DemoUsageHistory.load(on: app.db, now: app.settings.now())
            let token = try await app.token("admin")
            let heat = try await list(app, "365d", token: token)
            let share = Double(heat.coreCount) / Double(heat.resources)
            #expect(share > 0.1 && share < 0.5, "core share \(share) of \(heat.resources)")  // 28 resources: Zipf is coarse
            let hottest = try #require(heat.items.first)
            let one = try await app.send(.GET, "/api/v1/resources/\(hottest.code)/heat", token: token).decode(One.self)
            #expect(one.daily.filter { $0.queries > 0 }.count >= 360)
            #expect(one.daily.first?.day == Self.day(app, minus: 364))
            let weekday = one.daily.filter { d in (DateParsing.date(d.day)!.daysSinceEpoch + 3) % 7 < 5 }.map(\.queries)
            let weekend = one.daily.filter { d in (DateParsing.date(d.day)!.daysSinceEpoch + 3) % 7 >= 5 }.map(\.queries)
            #expect(weekday.reduce(0, +) / weekday.count > 2 * weekend.reduce(0, +) / weekend.count)
        }
    }

    /// On the seed city the demo starts with (512 resources), about a fifth of the catalog is core.
    @Test func demoCoreSetIsAboutAFifthOfTheSeedCity() async throws {
        try await withSeedCityInMemory { app in
            try await DemoUsageHistory.load(on: app.db, now: app.settings.now())
            let heat = try await list(app, "365d", token: try await app.token("admin"))
            let share = Double(heat.coreCount) / Double(heat.resources)
            #expect(heat.resources > 400)
            #expect(share > 0.12 && share < 0.3, "core share \(share) of \(heat.resources)")
        }
    }
}
