import Fluent
import SQLKit
import Vapor

/// Runs due connectors in the background of `serve` and `demo`: claims one due connector at a
/// time with a lease (the webhook worker's pattern: an `UPDATE … RETURNING` that only one instance
/// wins, re-checked on the row itself), runs it, and claims the next; at most
/// `connectorConcurrency` runs at once per instance. A run renews its lease after every page, so
/// a long run keeps it and a killed one lets it lapse: another instance (or this one, restarted)
/// takes the connector over after `ConnectorRunner.leaseSeconds`, resuming from the last
/// committed watermark.
enum ConnectorScheduler {
    /// Claims one due connector for this instance; its id and lease token.
    static func claim(now: Date, on db: any Database) async throws -> (UUID, String)? {
        let token = UUID().uuidString
        let until = now.addingTimeInterval(ConnectorRunner.leaseSeconds)
        let row = try await db.sql.raw(
            """
            UPDATE connectors SET lease_until = \(bind: until), lease_token = \(bind: token)
            WHERE id IN (SELECT id FROM connectors WHERE status = 'active' AND next_run_at <= \(bind: now)
                         AND (lease_until IS NULL OR lease_until < \(bind: now)) ORDER BY next_run_at LIMIT 1)
              AND (lease_until IS NULL OR lease_until < \(bind: now))
            RETURNING id
            """
        ).first()
        guard let row else { return nil }
        return (try row.decode(column: "id", as: UUID.self), token)
    }

    /// Whether a due connector was found (the worker comes back at once when one was).
    static func runOnce(app: Application) async throws -> Bool {
        guard let (id, token) = try await claim(now: app.settings.now(), on: app.db) else { return false }
        let trigger = (try await ConnectorRow.find(id, on: app.db)?.failures ?? 0) > 0 ? "retry" : "schedule"
        _ = try await ConnectorRunner.run(id, token: token, trigger: trigger, app: app)
        return true
    }

    /// `connectorConcurrency` loops, each running one connector at a time.
    static func loops(app: Application) -> [Task<Void, Never>] {
        (0..<max(1, app.settings.connectorConcurrency)).map { _ in
            Task { await ExchangeWorker.every(.seconds(5), app: app) { try await runOnce(app: app) } }
        }
    }
}
