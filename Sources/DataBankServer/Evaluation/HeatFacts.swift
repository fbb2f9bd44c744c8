import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The daily facts heat reads besides `exchange_stats` (migration `CreateHeatFacts`).
///
/// Downloads, verification inputs and the apps that read a resource are in the audit log, one
/// entry per request: ``rollUp(on:)`` adds the entries written since its cursor to `heat_daily` and
/// `heat_apps` in one transaction with the cursor's move, grouped per (resource, day) in the
/// database, so each entry is counted exactly once and the log is never rescanned. Portal page views
/// were recorded nowhere: ``countPortalView(_:req:)`` adds one to the day's row as they happen.
enum HeatFacts {
    /// Entries rolled up per transaction: a long backlog moves in steps, each one durable.
    static let step = 500_000

    /// The UTC day facts are keyed by (as `exchange_stats`, from the audit entry's time).
    static func day(_ now: Date) -> CivilDate { CivilDate(daysSinceEpoch: Int((now.timeIntervalSince1970 / 86_400).rounded(.down))) }

    /// Rolls the audit entries written since the cursor into the daily facts. Returns how many it read.
    @discardableResult
    static func rollUp(on db: any Database) async throws -> Int {
        let sql = db.sql
        guard let head = try await sql.raw("SELECT seq FROM audit_head WHERE id = 1").first()?.decode(column: "seq", as: Int.self) else { return 0 }
        var done = 0
        while true {
            let moved = try await db.transaction { tx -> Int in
                let sql = tx.sql
                // Claim the cursor first: a concurrent roll-up waits here, then sees the moved cursor.
                guard
                    let from = try await sql.raw("UPDATE heat_state SET audit_cursor = audit_cursor WHERE id = 1 RETURNING audit_cursor").first()?
                        .decode(column: "audit_cursor", as: Int.self), from < head
                else { return 0 }
                let upTo = min(head, from + step)
                try await sql.raw(
                    """
                    INSERT INTO heat_daily (resource_code, day, downloads, verifications, portal_views)
                    SELECT resource_code, SUBSTR(at, 1, 10),
                           SUM(CASE WHEN operation LIKE \(bind: HeatOperation.downloadPrefix + "%") THEN 1 ELSE 0 END),
                           SUM(CASE WHEN operation LIKE \(bind: HeatOperation.verificationPrefix + "%") THEN record_count ELSE 0 END), 0
                    FROM audit_log
                    WHERE seq > \(bind: from) AND seq <= \(bind: upTo) AND resource_code IS NOT NULL
                      AND (operation LIKE \(bind: HeatOperation.downloadPrefix + "%") OR operation LIKE \(bind: HeatOperation.verificationPrefix + "%"))
                    GROUP BY resource_code, SUBSTR(at, 1, 10)
                    ON CONFLICT (resource_code, day) DO UPDATE SET
                        downloads = heat_daily.downloads + excluded.downloads,
                        verifications = heat_daily.verifications + excluded.verifications
                    """
                ).run()
                try await sql.raw(
                    """
                    INSERT INTO heat_apps (resource_code, day, app_id)
                    SELECT DISTINCT resource_code, SUBSTR(at, 1, 10), actor_id FROM audit_log
                    WHERE seq > \(bind: from) AND seq <= \(bind: upTo) AND resource_code IS NOT NULL AND actor_kind = 'app' AND actor_id IS NOT NULL
                    ON CONFLICT (resource_code, day, app_id) DO NOTHING
                    """
                ).run()
                try await sql.raw("UPDATE heat_state SET audit_cursor = \(bind: upTo) WHERE id = 1").run()
                return upTo - from
            }
            done += moved
            if moved == 0 { return done }
        }
    }

    /// One view of a dataset's portal page, added to the day's row.
    static func countPortalView(_ code: String, req: Request) async throws {
        try await addPortalViews(code, day: day(req.application.settings.now()).iso, count: 1, on: req.db.sql)
    }

    static func addPortalViews(_ code: String, day: String, count: Int, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO heat_daily (resource_code, day, downloads, verifications, portal_views) VALUES (\(bind: code), \(bind: day), 0, 0, \(bind: count))
            ON CONFLICT (resource_code, day) DO UPDATE SET portal_views = heat_daily.portal_views + excluded.portal_views
            """
        ).run()
    }
}
