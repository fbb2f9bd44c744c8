import Vapor

/// The background work of `serve` and `demo`, in independent loops so one cannot stall
/// another: webhook deliveries (parallel, bounded), notification mail, housekeeping (stream
/// retention, marking interrupted loads), the partial look-ups' n-gram indexes, stale rollups, and connectors.
final class ExchangeWorker: LifecycleHandler, @unchecked Sendable {
    private var tasks: [Task<Void, Never>] = []

    func didBootAsync(_ app: Application) async throws {
        guard app.settings.runWorkers else { return }
        tasks.append(Task { [app] in await WebhookDelivery.run(app: app) })
        if let smtp = app.settings.smtp {
            tasks.append(
                Task { [app] in
                    await Self.every(.milliseconds(500), app: app) { try await NotificationMail.runOnce(app: app, smtp: smtp) > 0 }
                })
        }
        // Partial look-ups' n-gram indexes follow their stores' change logs.
        tasks.append(Task { [app] in await Self.every(.seconds(2), app: app) { try await LookupGrams.followAll(on: app.db) } })
        // Connectors (前置交换) pull from departments' systems on their schedules.
        tasks += ConnectorScheduler.loops(app: app)
        // Federation: children's catalogs flow up on a schedule.
        tasks.append(Task { [app] in await Self.every(.seconds(5), app: app) { try await FederationWorker.pullDue(app: app) } })
        // Cross-node applications: queued ones delivered, decisions learned from their owners.
        tasks.append(Task { [app] in await Self.every(.seconds(5), app: app) { try await RemoteApplications.workDue(app: app) } })
        // Early warnings: rules evaluated on their stores' change logs; new warnings sent to departments' webhooks.
        tasks.append(Task { [app] in await Self.every(.seconds(2), app: app) { try await WarningEvaluator.followAll(app: app) } })
        tasks.append(Task { [app] in await Self.every(.seconds(2), app: app) { try await WarningHookDelivery.runOnce(app: app) } })
        // 我的数据: the subjects audited accesses touched move from their queue into the index by subject.
        tasks.append(Task { [app] in await Self.every(.seconds(1), app: app) {
                    try await AuditSubjects.indexQueued(on: app.db)
                    return false  // it moves the whole queue
                } })
        // Rollups that could not be maintained are rebuilt from their stores.
        tasks.append(Task { [app] in await Self.every(.seconds(5), app: app) { try await AggregateRollups.rebuildStale(on: app.db) } })
        tasks.append(
            Task { [app] in
                await Self.every(.seconds(60), app: app) {
                    try await StreamRetention.prune(on: app.db)
                    try await LoadRow.markInterrupted(on: app.db)
                    return false
                }
            })
    }

    /// Runs `work` until cancelled; again at once when it says more is waiting, else after `pause`.
    static func every(_ pause: Duration, app: Application, _ work: @Sendable () async throws -> Bool) async {
        guard await app.workerGate.wait() else { return }
        while !Task.isCancelled {
            do {
                if try await work() { continue }
                try await Task.sleep(for: pause)
            } catch is CancellationError {
                return
            } catch {
                report(error, app: app)
                try? await Task.sleep(for: .seconds(2))
            }
        }
    }

    static func report(_ error: any Error, app: Application) {
        // Before `demo`/`serve` have migrated a new database the tables are not there yet.
        let text = String(describing: error)
        if !(text.contains("no such table") || text.contains("does not exist")) {
            app.logger.warning("exchange worker: \(text)")
        }
    }

    func shutdownAsync(_ app: Application) async {
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
