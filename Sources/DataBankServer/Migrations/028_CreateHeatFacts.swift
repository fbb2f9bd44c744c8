import Fluent
import SQLKit

/// 028: the daily facts heat is computed from (``HeatFacts``), besides `exchange_stats`.
/// `heat_daily`: per resource and UTC day, downloads and verification inputs (rolled up from the
/// audit log) and portal page views (counted as they happen, one upsert per view, no row per view).
/// `heat_apps`: which apps read a resource on a day (distinct apps over any window).
/// `heat_state`: the audit log position the roll-up reached (a durable cursor: the log is never
/// rescanned) and when the 30-day scores in `heat_scores` (catalog sort by heat) were computed.
/// A covering index on `exchange_stats` by (resource, consumer, day) answers a year of heat for every
/// resource in one pass in index order — each (resource, consumer) group's days in a row, so distinct
/// consumers need no sort — and one resource's daily series from its own range, without the table.
struct CreateHeatFacts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("heat_daily")
            .field("resource_code", .string, .required)
            .field("day", .string, .required)
            .field("downloads", .int64, .required)
            .field("verifications", .int64, .required)
            .field("portal_views", .int64, .required)
            .compositeIdentifier(over: "resource_code", "day")
            .create()
        try await db.schema("heat_apps")
            .field("resource_code", .string, .required)
            .field("day", .string, .required)
            .field("app_id", .string, .required)
            .compositeIdentifier(over: "resource_code", "day", "app_id")
            .create()
        try await db.schema("heat_state")
            .field("id", .int, .identifier(auto: false))
            .field("audit_cursor", .int64, .required)
            .field("scored_at", .double)
            .create()
        try await db.schema("heat_scores")
            .field("resource_code", .string, .identifier(auto: false))
            .field("score", .double, .required)
            .field("percentile", .int, .required)
            .create()
        let sql = db.sql
        try await sql.raw("INSERT INTO heat_state (id, audit_cursor, scored_at) VALUES (1, 0, NULL)").run()
        try await sql.raw(
            "CREATE INDEX idx_exchange_stats_heat ON exchange_stats (resource_code, consumer_code, day, provider_code, requests, records_out)"
        ).run()
    }

    func revert(on db: any Database) async throws {
        try await db.sql.raw("DROP INDEX idx_exchange_stats_heat").run()
        try await db.schema("heat_scores").delete()
        try await db.schema("heat_state").delete()
        try await db.schema("heat_apps").delete()
        try await db.schema("heat_daily").delete()
    }
}
