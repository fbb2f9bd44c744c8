import Fluent
import SQLKit
import Vapor
import DataBankCore

/// One resource's daily facts for the last 365 days (every day present, zeros included) and its
/// distinct consumers per period, for its heat page section and `GET …/{code}/heat`.
struct HeatHistory: Sendable {
    var days: [HeatAPI.Day]
    var departments: [HeatPeriod: Int]
    var apps: [HeatPeriod: Int]

    static func load(_ code: String, today: CivilDate, on db: any Database) async throws -> HeatHistory {
        let sql = db.sql
        let start = HeatPeriod.year.firstDay(endingOn: today)
        let (first, last) = (start.iso, today.iso)
        var days = (0..<HeatPeriod.year.days).map { k in
            HeatAPI.Day(
                day: CivilDate(daysSinceEpoch: start.daysSinceEpoch + k).iso, queries: 0, recordsOut: 0, downloads: 0, portalViews: 0,
                verifications: 0, applications: 0)
        }
        func index(_ day: String) -> Int? {
            guard let d = DateParsing.date(day) else { return nil }
            let k = d.daysSinceEpoch - start.daysSinceEpoch
            return days.indices.contains(k) ? k : nil
        }
        for row in try await sql.raw(
            """
            SELECT day, CAST(SUM(requests) AS BIGINT) AS q, CAST(SUM(records_out) AS BIGINT) AS r FROM exchange_stats
            WHERE resource_code = \(bind: code) AND day >= \(bind: first) AND day <= \(bind: last) AND consumer_code <> provider_code
            GROUP BY day
            """
        ).all() {
            guard let k = index(try row.decode(column: "day", as: String.self)) else { continue }
            days[k].queries = try row.decode(column: "q", as: Int.self)
            days[k].recordsOut = try row.decode(column: "r", as: Int.self)
        }
        for row in try await sql.raw(
            """
            SELECT day, downloads, verifications, portal_views FROM heat_daily
            WHERE resource_code = \(bind: code) AND day >= \(bind: first) AND day <= \(bind: last)
            """
        ).all() {
            guard let k = index(try row.decode(column: "day", as: String.self)) else { continue }
            days[k].downloads = try row.decode(column: "downloads", as: Int.self)
            days[k].verifications = try row.decode(column: "verifications", as: Int.self)
            days[k].portalViews = try row.decode(column: "portal_views", as: Int.self)
        }
        let since = Date(timeIntervalSince1970: Double(start.daysSinceEpoch) * 86_400)
        for row in try await sql.raw(
            "SELECT created_at FROM access_applications WHERE resource_code = \(bind: code) AND created_at >= \(bind: since)"
        ).all() {
            guard let at = try row.decode(column: "created_at", as: Date?.self) else { continue }
            let k = HeatFacts.day(at).daysSinceEpoch - start.daysSinceEpoch
            if days.indices.contains(k) { days[k].applications += 1 }
        }
        // Distinct consumers per window: one conditional COUNT(DISTINCT …) per period.
        let kinds = HeatTable.nonDepartmentConsumers.map { k -> SQLQueryString in "\(bind: k)" }.joined(separator: ", ")
        let periods = HeatPeriod.allCases
        let deptColumns = periods.enumerated().map { i, p -> SQLQueryString in
            "COUNT(DISTINCT CASE WHEN day >= \(bind: p.firstDay(endingOn: today).iso) AND consumer_code NOT IN (\(kinds)) THEN consumer_code END) AS w\(literal: i)"
        }.joined(separator: ", ")
        let appColumns = periods.enumerated().map { i, p -> SQLQueryString in
            "COUNT(DISTINCT CASE WHEN day >= \(bind: p.firstDay(endingOn: today).iso) THEN app_id END) AS w\(literal: i)"
        }.joined(separator: ", ")
        let deptRow = try await sql.raw(
            """
            SELECT \(deptColumns) FROM exchange_stats
            WHERE resource_code = \(bind: code) AND day >= \(bind: first) AND day <= \(bind: last) AND consumer_code <> provider_code
            """
        ).first()
        let appRow = try await sql.raw(
            "SELECT \(appColumns) FROM heat_apps WHERE resource_code = \(bind: code) AND day >= \(bind: first) AND day <= \(bind: last)"
        ).first()
        var departments: [HeatPeriod: Int] = [:], apps: [HeatPeriod: Int] = [:]
        for (i, p) in periods.enumerated() {
            departments[p] = try deptRow?.decode(column: "w\(i)", as: Int.self) ?? 0
            apps[p] = try appRow?.decode(column: "w\(i)", as: Int.self) ?? 0
        }
        return HeatHistory(days: days, departments: departments, apps: apps)
    }

    /// The counts of the last `period.days` days.
    func counts(_ period: HeatPeriod) -> HeatCounts {
        var c = HeatCounts(departments: departments[period] ?? 0, apps: apps[period] ?? 0)
        for d in days.suffix(period.days) {
            c.queries += d.queries
            c.recordsOut += d.recordsOut
            c.downloads += d.downloads
            c.portalViews += d.portalViews
            c.verifications += d.verifications
            c.applications += d.applications
        }
        return c
    }
}
