import Fluent
import SQLKit
import Vapor

/// The background half of federation (in the exchange worker of `serve` and `demo`): pulls each child's
/// catalog when it is due, one child at a time per instance, under the pull's lease.
enum FederationWorker {
    /// Pulls one due child; true when it did (so the loop looks again at once).
    static func pullDue(app: Application) async throws -> Bool {
        let now = app.settings.now()
        let due = try await FederationNodeRow.query(on: app.db).filter(\.$relation == "child")
            .group(.or) { $0.filter(\.$nextPullAt == nil).filter(\.$nextPullAt <= now) }
            .group(.or) { $0.filter(\.$pullLeaseUntil == nil).filter(\.$pullLeaseUntil < now) }
            .sort(\.$nextPullAt).first()
        guard let peer = due, let token = try await CatalogPull.lease(try peer.requireID(), now: now, on: app.db) else { return false }
        do {
            let outcome = try await CatalogPull.run(peer, token: token, app: app)
            if outcome.entries > 0 { app.logger.info("federation: \(outcome.entries) catalog entries from \(peer.code)") }
        } catch {
            app.logger.warning("federation: pulling \(peer.code)'s catalog failed: \(error)")
        }
        return true
    }
}
