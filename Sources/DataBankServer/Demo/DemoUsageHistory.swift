import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Writes the demo city's year of use (``DemoUsage``): daily `exchange_stats` per resource ×
/// consumer department, and per resource and day portal views, downloads and verification inputs
/// (`heat_daily`), so heat, trends and the 80/20 view show real shapes on first start. The
/// database expands the plan: one `INSERT … SELECT` over (pairs × days) per 1,000 pairs.
enum DemoUsageHistory {
    static func load(on db: any Database, now: Date = Date()) async throws {
        let sql = db.sql
        let today = HeatFacts.day(now)
        let resources = try await sql.raw(
            """
            SELECT resources.code, resources.department_code, resources.open_type,
                   (SELECT COUNT(*) FROM record_stores WHERE record_stores.resource_code = resources.code AND record_stores.row_count > 0) AS stores,
                   (SELECT COUNT(*) FROM verification_services WHERE verification_services.resource_code = resources.code) AS services
            FROM resources WHERE resources.published_revision IS NOT NULL AND resources.status <> 'retired' ORDER BY resources.code
            """
        ).all()
        struct Row { var code: String, department: String, open: Bool, stores: Int, services: Int }
        let rows = try resources.map { r in
            Row(
                code: try r.decode(column: "code", as: String.self), department: try r.decode(column: "department_code", as: String.self),
                open: try r.decode(column: "open_type", as: String.self) == OpenType.unconditional.rawValue,
                stores: try r.decode(column: "stores", as: Int.self), services: try r.decode(column: "services", as: Int.self))
        }
        let departments = try await sql.raw("SELECT code FROM departments ORDER BY code").all().map { try $0.decode(column: "code", as: String.self) }
        let plan = DemoUsage(
            resources: rows.map { DemoUsage.Resource(code: $0.code, department: $0.department, holdsRecords: $0.stores > 0) },
            departments: departments, endingOn: today)
        guard !plan.pairs.isEmpty else { return }
        let days = plan.days.map { d -> SQLQueryString in "(\(bind: d.day), \(bind: d.index), \(bind: d.factor))" }.joined(separator: ", ")
        for start in stride(from: 0, to: plan.pairs.count, by: 1_000) {
            let pairs = plan.pairs[start..<min(start + 1_000, plan.pairs.count)].map { p -> SQLQueryString in
                "(\(bind: p.resource), \(bind: p.provider), \(bind: p.consumer), \(bind: p.base), \(bind: p.perRequest), \(bind: p.seed))"
            }.joined(separator: ", ")
            // requests = base (×1,000) × day factor (‰) × noise (70–130 %).
            try await sql.raw(
                """
                WITH pairs(resource_code, provider_code, consumer_code, base, per_request, seed) AS (VALUES \(pairs)),
                days(day, idx, factor) AS (VALUES \(days)),
                planned AS (
                    SELECT days.day AS day, pairs.resource_code AS resource_code, pairs.provider_code AS provider_code,
                           pairs.consumer_code AS consumer_code, pairs.per_request AS per_request,
                           pairs.base * days.factor * (70 + (pairs.seed + days.idx * 7919) % 61) / 100000000 AS requests
                    FROM pairs CROSS JOIN days)
                INSERT INTO exchange_stats (day, resource_code, provider_code, consumer_code, records_in, records_out, requests)
                SELECT day, resource_code, provider_code, consumer_code, 0, requests * per_request, requests FROM planned WHERE requests > 0
                ON CONFLICT (day, resource_code, consumer_code) DO UPDATE SET
                    records_out = exchange_stats.records_out + excluded.records_out,
                    requests = exchange_stats.requests + excluded.requests
                """
            ).run()
        }
        // Portal views and downloads for open datasets, verification inputs for resources behind a
        // service: (views a weekday, downloads per 1,000 views, verifications a weekday) per resource.
        let facts = rows.compactMap { r -> SQLQueryString? in
            let w = plan.weights[r.code] ?? 0
            let views = r.open ? Int(900_000 * w) : 0
            let verifications = r.services > 0 ? Int(400_000 * w) + 20_000 : 0
            guard views + verifications > 0 else { return nil }
            return "(\(bind: r.code), \(bind: views), \(bind: verifications), \(bind: Int(DemoUsage.hash(r.code) % 89)))"
        }
        for start in stride(from: 0, to: facts.count, by: 1_000) {
            let part = facts[start..<min(start + 1_000, facts.count)].joined(separator: ", ")
            try await sql.raw(
                """
                WITH facts(resource_code, views, verifications, seed) AS (VALUES \(part)),
                days(day, idx, factor) AS (VALUES \(days)),
                planned AS (
                    SELECT facts.resource_code AS resource_code, days.day AS day,
                           facts.views * days.factor * (70 + (facts.seed + days.idx * 613) % 61) / 100000000 AS views,
                           facts.verifications * days.factor * (70 + (facts.seed + days.idx * 311) % 61) / 100000000 AS verifications
                    FROM facts CROSS JOIN days)
                INSERT INTO heat_daily (resource_code, day, downloads, verifications, portal_views)
                SELECT resource_code, day, views / 8, verifications, views FROM planned WHERE views > 0 OR verifications > 0
                ON CONFLICT (resource_code, day) DO UPDATE SET
                    downloads = heat_daily.downloads + excluded.downloads,
                    verifications = heat_daily.verifications + excluded.verifications,
                    portal_views = heat_daily.portal_views + excluded.portal_views
                """
            ).run()
        }
    }
}
