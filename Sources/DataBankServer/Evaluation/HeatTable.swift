import Fluent
import SQLKit
import Vapor
import DataBankCore

/// One resource's heat over a period.
struct HeatEntry: Content, Sendable {
    var code: String
    var name: String
    var nameEn: String?
    var departmentCode: String
    var counts: HeatCounts
    /// Requests plus portal views: what the 80/20 view adds up.
    var use: Int
    var score: Double
    /// 0–100 among every resource of the catalog.
    var percentile: Int
    /// 1 = the most used.
    var rank: Int
    /// In the smallest set of resources that delivers 80 % of use.
    var core: Bool
    /// The share of all use of this resource and every more used one (0–1).
    var cumulativeShare: Double
}

/// Heat for every resource of the catalog over a period: a handful of `GROUP BY` statements over
/// the daily facts (never their rows into Swift), merged per resource, scored (``HeatScore``),
/// ranked and cut at 80 % of use (``HeatPareto``).
struct HeatTable: Sendable {
    var period: HeatPeriod
    var from: CivilDate
    var to: CivilDate
    /// Every resource of the published catalog, most used first.
    var entries: [HeatEntry]
    var totalUse: Int

    /// Consumers that are not departments (`exchange_stats.consumer_code` holds the actor's kind then).
    static let nonDepartmentConsumers = ["anonymous", "user", "token", "app", "cli"]

    static func compute(_ period: HeatPeriod, today: CivilDate, on db: any Database) async throws -> HeatTable {
        try await HeatFacts.rollUp(on: db)
        let sql = db.sql
        let from = period.firstDay(endingOn: today)
        let (first, last) = (from.iso, today.iso)
        var counts: [String: HeatCounts] = [:]
        // Requests and records read by consumers other than the provider, and how many departments:
        // grouped per (resource, consumer) first, in the order of `idx_exchange_stats_heat`, so the
        // distinct consumers are the inner groups (no COUNT(DISTINCT …) sort over every row).
        let kinds = nonDepartmentConsumers.map { k -> SQLQueryString in "\(bind: k)" }.joined(separator: ", ")
        for row in try await sql.raw(
            """
            SELECT resource_code, CAST(SUM(q) AS BIGINT) AS q, CAST(SUM(r) AS BIGINT) AS r,
                   COUNT(CASE WHEN consumer_code NOT IN (\(kinds)) THEN 1 END) AS d
            FROM (
                SELECT resource_code, consumer_code, SUM(requests) AS q, SUM(records_out) AS r FROM exchange_stats
                WHERE day >= \(bind: first) AND day <= \(bind: last) AND consumer_code <> provider_code
                GROUP BY resource_code, consumer_code
            ) AS per_consumer
            GROUP BY resource_code
            """
        ).all() {
            let code = try row.decode(column: "resource_code", as: String.self)
            counts[code, default: HeatCounts()].queries = try row.decode(column: "q", as: Int.self)
            counts[code, default: HeatCounts()].recordsOut = try row.decode(column: "r", as: Int.self)
            counts[code, default: HeatCounts()].departments = try row.decode(column: "d", as: Int.self)
        }
        for row in try await sql.raw(
            """
            SELECT resource_code, CAST(SUM(downloads) AS BIGINT) AS dl, CAST(SUM(verifications) AS BIGINT) AS v,
                   CAST(SUM(portal_views) AS BIGINT) AS pv
            FROM heat_daily WHERE day >= \(bind: first) AND day <= \(bind: last) GROUP BY resource_code
            """
        ).all() {
            let code = try row.decode(column: "resource_code", as: String.self)
            counts[code, default: HeatCounts()].downloads = try row.decode(column: "dl", as: Int.self)
            counts[code, default: HeatCounts()].verifications = try row.decode(column: "v", as: Int.self)
            counts[code, default: HeatCounts()].portalViews = try row.decode(column: "pv", as: Int.self)
        }
        for row in try await sql.raw(
            """
            SELECT resource_code, COUNT(DISTINCT app_id) AS a FROM heat_apps
            WHERE day >= \(bind: first) AND day <= \(bind: last) GROUP BY resource_code
            """
        ).all() {
            counts[try row.decode(column: "resource_code", as: String.self), default: HeatCounts()].apps = try row.decode(column: "a", as: Int.self)
        }
        let since = Date(timeIntervalSince1970: Double(from.daysSinceEpoch) * 86_400)
        for row in try await sql.raw(
            "SELECT resource_code, COUNT(*) AS n FROM access_applications WHERE created_at >= \(bind: since) GROUP BY resource_code"
        ).all() {
            counts[try row.decode(column: "resource_code", as: String.self), default: HeatCounts()].applications = try row.decode(column: "n", as: Int.self)
        }
        // Every resource of the published catalog is ranked, used or not.
        let resources = try await sql.raw(
            """
            SELECT code, name, name_en, department_code FROM resources
            WHERE published_revision IS NOT NULL AND status <> 'retired' ORDER BY code
            """
        ).all()
        var entries: [HeatEntry] = try resources.map { r in
            let code = try r.decode(column: "code", as: String.self)
            let c = counts[code] ?? HeatCounts()
            return HeatEntry(
                code: code, name: try r.decode(column: "name", as: String.self), nameEn: try r.decode(column: "name_en", as: String?.self),
                departmentCode: try r.decode(column: "department_code", as: String.self), counts: c, use: c.use, score: HeatScore.score(c),
                percentile: 0, rank: 0, core: false, cumulativeShare: 0)
        }
        let percentiles = HeatScore.percentiles(entries.map(\.score))
        let pareto = HeatPareto(uses: entries.map(\.use))
        for (i, p) in percentiles.enumerated() { entries[i].percentile = p }
        for (k, i) in pareto.order.enumerated() {
            entries[i].rank = k + 1
            entries[i].core = k < pareto.coreCount
            entries[i].cumulativeShare = (pareto.cumulative[k] * 10_000).rounded() / 10_000
        }
        let ordered = pareto.order.map { entries[$0] }
        return HeatTable(period: period, from: from, to: today, entries: ordered, totalUse: ordered.reduce(0) { $0 + $1.use })
    }

    /// The resources of `entries` the actor may see in the catalog, by the catalog's own rule.
    static func visibleCodes(actor: Actor?, on sql: any SQLDatabase) async throws -> Set<String> {
        let visibility = CatalogSearch(sql: sql, actor: actor).visibility()
        return Set(try await sql.raw("SELECT resources.code FROM resources WHERE \(visibility)").all().map { try $0.decode(column: "code", as: String.self) })
    }

    /// The departments that own core tables, with how many each owns, most first.
    func coreDepartments() -> [(code: String, tables: Int)] {
        Dictionary(grouping: entries.filter(\.core), by: \.departmentCode).map { ($0.key, $0.value.count) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    }
}

/// The 30-day scores kept for sorting the catalog by heat (`heat_scores`), recomputed when older
/// than ``maxAge`` (by the catalog's sort, a resource page, or the heat API's 30-day table).
enum HeatScores {
    static let maxAge: TimeInterval = 600

    static func store(_ table: HeatTable, now: Date, on db: any Database) async throws {
        guard table.period == .month else { return }
        try await db.transaction { tx in
            let sql = tx.sql
            // The state row first: it serialises concurrent refreshes (PostgreSQL's row lock), so
            // one's DELETE always sees the other's rows.
            try await sql.raw("UPDATE heat_state SET scored_at = \(bind: now.timeIntervalSince1970) WHERE id = 1").run()
            try await sql.raw("DELETE FROM heat_scores").run()
            for chunk in stride(from: 0, to: table.entries.count, by: 2_000) {
                let rows = table.entries[chunk..<min(chunk + 2_000, table.entries.count)]
                let values = rows.map { e -> SQLQueryString in "(\(bind: e.code), \(bind: e.score), \(bind: e.percentile))" }
                try await sql.raw("INSERT INTO heat_scores (resource_code, score, percentile) VALUES \(values.joined(separator: ", "))").run()
            }
        }
    }

    /// Whether the kept scores were computed less than ``maxAge`` ago.
    static func isFresh(now: Date, on db: any Database) async throws -> Bool {
        let at = try await db.sql.raw("SELECT scored_at FROM heat_state WHERE id = 1").first()?.decode(column: "scored_at", as: Double?.self)
        guard let at else { return false }
        return now.timeIntervalSince1970 - at < maxAge && now.timeIntervalSince1970 >= at
    }

    /// Recomputes the kept scores if they are missing or stale.
    static func ensureFresh(_ req: Request) async throws {
        let now = req.application.settings.now()
        if try await isFresh(now: now, on: req.db) { return }
        let table = try await HeatTable.compute(.month, today: HeatFacts.day(now), on: req.db)
        try await store(table, now: now, on: req.db)
    }
}
