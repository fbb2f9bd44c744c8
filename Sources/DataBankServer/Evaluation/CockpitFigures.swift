import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Everything the leaders' cockpit shows, computed at once: a handful of `GROUP BY` statements
/// (never rows into Swift), each limited to the resources the viewer sees in the catalog
/// (``CatalogSearch/visibility()``), plus the quality roll-up and the demand counts those
/// capabilities already keep. Kept by ``CockpitCache`` for a short while.
struct CockpitFigures: Sendable {
    struct Day: Sendable { var day: String, requests: Int }
    struct Edge: Sendable { var provider: String, consumer: String, requests: Int }
    struct Cell: Sendable { var department: String, theme: String, use: Int }
    struct Overdue: Sendable { var id: UUID, resource: String, provider: String, consumer: String, deadline: String }

    /// The last day of the figures (UTC, as `exchange_stats` keys days) and the city's day for deadlines.
    var day: CivilDate
    var today: CivilDate
    var computedAt: Date
    /// How long the statements took (shown in the page's footnote and the bench).
    var seconds: Double

    // The catalog.
    var resources = 0, published = 0, items = 0, departments = 0, stores = 0, records = 0
    // Exchange: all-time totals and the year by day (reads by consumers other than the provider).
    var exchanges = 0, recordsOut = 0, exchanges30 = 0
    var perDay: [Day] = []
    var activeGrants = 0, applicationsYear = 0
    /// Provider → consumer volume over the last 30 days, departments only, largest first.
    var network: [Edge] = []
    /// Use (requests + portal views) over the last 30 days by provider department × theme.
    var heat: [Cell] = []
    var quality: [QualityAPI.DepartmentQuality] = []
    var overdueCount = 0
    var overdue: [Overdue] = []
    var demandByProvider: [String: DemandCounts] = [:]
    var gaps: [DemandCounting.Gap] = []

    static let networkDays = 30, heatDays = 30, trendDays = 365, listLimit = 8

    static func compute(actor: Actor?, now: Date, today: CivilDate, on db: any Database) async throws -> CockpitFigures {
        let started = ContinuousClock.now
        let sql = db.sql
        let day = HeatFacts.day(now)
        var f = CockpitFigures(day: day, today: today, computedAt: now, seconds: 0)
        let visibility = CatalogSearch(sql: sql, actor: actor).visibility()
        let visible: SQLQueryString = "resource_code IN (SELECT resources.code FROM resources WHERE \(visibility))"
        let kinds = HeatTable.nonDepartmentConsumers.map { k -> SQLQueryString in "\(bind: k)" }.joined(separator: ", ")
        let isDepartment: SQLQueryString = "consumer_code NOT IN (\(kinds)) AND consumer_code NOT LIKE \(bind: Actor.publicConsumerPrefix + "%")"

        if let row = try await sql.raw(
            """
            SELECT COUNT(*) AS n,
                   COUNT(CASE WHEN resources.published_revision IS NOT NULL AND resources.status <> 'retired' THEN 1 END) AS p,
                   CAST(COALESCE(SUM(resources.item_count), 0) AS BIGINT) AS i, COUNT(DISTINCT resources.department_code) AS d
            FROM resources WHERE \(visibility)
            """
        ).first() {
            f.resources = try row.decode(column: "n", as: Int.self)
            f.published = try row.decode(column: "p", as: Int.self)
            f.items = try row.decode(column: "i", as: Int.self)
            f.departments = try row.decode(column: "d", as: Int.self)
        }
        if let row = try await sql.raw(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(row_count), 0) AS BIGINT) AS r FROM record_stores WHERE row_count > 0 AND \(visible)"
        ).first() {
            f.stores = try row.decode(column: "n", as: Int.self)
            f.records = try row.decode(column: "r", as: Int.self)
        }
        // Every day ever, grouped in the database: the all-time totals and the year's trend from one pass.
        let firstOfYear = CivilDate(daysSinceEpoch: day.daysSinceEpoch - trendDays + 1).iso
        let firstOfMonth = CivilDate(daysSinceEpoch: day.daysSinceEpoch - networkDays + 1).iso
        var byDay: [String: Int] = [:]
        for row in try await sql.raw(
            """
            SELECT day, CAST(SUM(requests) AS BIGINT) AS q, CAST(SUM(records_out) AS BIGINT) AS r FROM exchange_stats
            WHERE consumer_code <> provider_code AND \(visible) GROUP BY day
            """
        ).all() {
            let d = try row.decode(column: "day", as: String.self), q = try row.decode(column: "q", as: Int.self)
            f.exchanges += q
            f.recordsOut += try row.decode(column: "r", as: Int.self)
            if d >= firstOfYear, d <= day.iso { byDay[d] = q }
            if d >= firstOfMonth, d <= day.iso { f.exchanges30 += q }
        }
        f.perDay = (0..<trendDays).map { k in
            let d = CivilDate(daysSinceEpoch: day.daysSinceEpoch - trendDays + 1 + k).iso
            return Day(day: d, requests: byDay[d] ?? 0)
        }
        f.network = try await sql.raw(
            """
            SELECT provider_code, consumer_code, CAST(SUM(requests) AS BIGINT) AS q FROM exchange_stats
            WHERE day >= \(bind: firstOfMonth) AND day <= \(bind: day.iso) AND consumer_code <> provider_code AND \(isDepartment) AND \(visible)
            GROUP BY provider_code, consumer_code
            """
        ).all().map {
            Edge(
                provider: try $0.decode(column: "provider_code", as: String.self), consumer: try $0.decode(column: "consumer_code", as: String.self),
                requests: try $0.decode(column: "q", as: Int.self))
        }.sorted { $0.requests != $1.requests ? $0.requests > $1.requests : ($0.provider, $0.consumer) < ($1.provider, $1.consumer) }
        // Heat's "use" (requests + portal views) per resource, then by provider × theme: a resource
        // with two themes counts under both.
        let firstOfHeat = CivilDate(daysSinceEpoch: day.daysSinceEpoch - heatDays + 1).iso
        f.heat = try await sql.raw(
            """
            SELECT resources.department_code AS d, resource_themes.theme AS t, CAST(SUM(u.n) AS BIGINT) AS n
            FROM (
                SELECT resource_code, SUM(requests) AS n FROM exchange_stats
                WHERE day >= \(bind: firstOfHeat) AND day <= \(bind: day.iso) AND consumer_code <> provider_code GROUP BY resource_code
                UNION ALL
                SELECT resource_code, SUM(portal_views) AS n FROM heat_daily
                WHERE day >= \(bind: firstOfHeat) AND day <= \(bind: day.iso) GROUP BY resource_code
            ) AS u
            JOIN resources ON resources.code = u.resource_code
            JOIN resource_themes ON resource_themes.resource_id = resources.id
            WHERE \(visibility)
            GROUP BY resources.department_code, resource_themes.theme
            """
        ).all().map {
            Cell(
                department: try $0.decode(column: "d", as: String.self), theme: try $0.decode(column: "t", as: String.self),
                use: try $0.decode(column: "n", as: Int.self))
        }
        f.activeGrants =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM grants WHERE revoked_at IS NULL AND valid_until >= \(bind: today.iso) AND \(visible)"
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        let yearAgo = Date(timeIntervalSince1970: now.timeIntervalSince1970 - Double(trendDays) * 86_400)
        f.applicationsYear =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM access_applications WHERE created_at >= \(bind: yearAgo) AND \(visible)"
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        // Overdue applications: pending past their deadline (what the data authority countersigns).
        let overdue = ApplicationRow.query(on: db).filter(\.$status == ApplicationStatus.pending.rawValue).filter(\.$deadline < today.iso)
        f.overdueCount = try await overdue.copy().count()
        f.overdue = try await overdue.sort(\.$deadline).sort(\.$createdAt).range(0..<listLimit).all().compactMap { r in
            guard let id = r.id else { return nil }
            return Overdue(id: id, resource: r.resourceCode, provider: r.providerCode, consumer: r.consumerCode, deadline: r.deadline ?? "")
        }
        f.quality = try await DepartmentQualityRollup.all(on: db)
        f.demandByProvider = try await DemandCounting.byProvider(on: db)
        f.gaps = try await DemandCounting.gaps(today: today, limit: listLimit, on: db)
        f.seconds = (ContinuousClock.now - started).seconds
        return f
    }

    /// Unmet demands in all (pending, accepted or declined).
    var unmetDemands: Int { demandByProvider.values.reduce(0) { $0 + $1.unmet } }
}
