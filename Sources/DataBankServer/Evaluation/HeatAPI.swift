import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `GET /api/v1/heat?period=30d` (every resource the caller sees in the catalog, most used first,
/// with its counts, score, percentile and `core` for the 80/20 set) and
/// `GET /api/v1/resources/{code}/heat` (one resource: its figures over every period and its daily
/// series for a year).
struct HeatAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("heat", use: list).gate(.action(.readPublished))
        routes.get("resources", ":code", "heat", use: resource).gate(.action(.readPublished))
    }

    struct Department: Content {
        var code: String
        var name: String
        var coreTables: Int
    }

    struct ListAnswer: Content {
        var period: String
        var from: String
        var to: String
        /// Use (requests + portal views) of every resource of the catalog, seen or not.
        var totalUse: Int
        /// Resources in the catalog, and how many of them are core.
        var resources: Int
        var coreCount: Int
        var coreDepartments: [Department]
        var items: [HeatEntry]
    }

    static func period(_ req: Request) throws -> HeatPeriod {
        let raw = (try? req.query.get(String.self, at: "period")) ?? HeatPeriod.month.rawValue
        guard let p = HeatPeriod(rawValue: raw) else {
            throw AppError.field(
                .badRequest, "invalid_period", "period", zh: "不支持的统计周期：\(raw)（可选 \(HeatPeriod.allowed)）",
                en: "Unknown period \(raw); one of \(HeatPeriod.allowed)")
        }
        return p
    }

    func list(req: Request) async throws -> ListAnswer {
        let period = try Self.period(req)
        let table = try await Self.table(period, req)
        let visible = try await HeatTable.visibleCodes(actor: req.actor, on: req.sql)
        let names = try await Directory.departmentNames(on: req.db, language: req.language)
        return ListAnswer(
            period: period.rawValue, from: table.from.iso, to: table.to.iso, totalUse: table.totalUse, resources: table.entries.count,
            coreCount: table.entries.filter(\.core).count,
            coreDepartments: table.coreDepartments().map { Department(code: $0.code, name: names[$0.code] ?? $0.code, coreTables: $0.tables) },
            items: table.entries.filter { visible.contains($0.code) })
    }

    /// The table for `period`, today by the platform clock; the 30-day one also refreshes the kept
    /// scores when they are stale (a read must not rewrite the whole score table every time).
    static func table(_ period: HeatPeriod, _ req: Request) async throws -> HeatTable {
        let now = req.application.settings.now()
        let table = try await HeatTable.compute(period, today: HeatFacts.day(now), on: req.db)
        if period == .month, try await !HeatScores.isFresh(now: now, on: req.db) { try await HeatScores.store(table, now: now, on: req.db) }
        return table
    }

    struct PeriodFigures: Content {
        var counts: HeatCounts
        var use: Int
        var score: Double
    }

    struct Day: Content {
        var day: String
        var queries: Int
        var recordsOut: Int
        var downloads: Int
        var portalViews: Int
        var verifications: Int
        var applications: Int
    }

    struct ResourceAnswer: Content {
        var code: String
        var name: String
        var departmentCode: String
        var period: String
        var counts: HeatCounts
        var use: Int
        var score: Double
        var percentile: Int
        var rank: Int
        var resources: Int
        var core: Bool
        var periods: [String: PeriodFigures]
        /// The last 365 days, oldest first, every day present.
        var daily: [Day]
    }

    func resource(req: Request) async throws -> ResourceAnswer {
        let code = try req.parameters.require("code")
        let period = try Self.period(req)
        guard let row = try await ResourceRow.query(on: req.db).filter(\.$code == code).first(), CatalogService(req: req).canSee(row) else {
            throw AppError.field(
                .notFound, "unknown_resource", "code", zh: "没有代码为 \(code) 的资源", en: "No resource with the code \(code)")
        }
        let table = try await Self.table(period, req)
        let history = try await HeatHistory.load(code, today: table.to, on: req.db)
        let entry = table.entries.first { $0.code == code }
        let figures = Dictionary(
            uniqueKeysWithValues: HeatPeriod.allCases.map { p in
                let c = history.counts(p)
                return (p.rawValue, PeriodFigures(counts: c, use: c.use, score: HeatScore.score(c)))
            })
        let counts = entry?.counts ?? history.counts(period)
        return ResourceAnswer(
            code: code, name: row.name, departmentCode: row.departmentCode, period: period.rawValue, counts: counts, use: counts.use,
            score: entry?.score ?? HeatScore.score(counts), percentile: entry?.percentile ?? 0, rank: entry?.rank ?? 0,
            resources: table.entries.count, core: entry?.core ?? false, periods: figures, daily: history.days)
    }
}
