import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Runs one profiling of a resource and saves it: a full scan when asked, when there is no
/// profile yet, or when the change log since the last run is long (over 100,000 entries) and
/// large beside the store (over half its rows: reading it would cost about as much as a scan,
/// and a scan is exact); otherwise the change log since the last run, merged into it.
enum ProfileRun {
    /// Past this share of the store's rows, new changes are profiled by a full scan instead.
    static let fullScanShare = 0.5
    /// … and past this many changes (a short change log is always cheaper to read than the store).
    static let fullScanMinimum = 100_000

    struct Outcome: Sendable {
        var run: ProfileRunRow
        var profile: ResourceProfile
        var seconds: Double
    }

    static func run(
        code: String, kind requested: ProfileKind, on db: any Database,
        progress: (@Sendable (Int) -> Void)? = nil
    ) async throws -> Outcome {
        let sql = db.sql
        let store = try await RecordStores.find(code, on: db)
        let started = Date()
        let clock = ContinuousClock.now
        let scan = ProfileScan(store: store, sql: sql)
        var kind = requested
        var base: ResourceProfile?
        if kind == .incremental {
            let latest = try await ProfileRuns.latest(code, on: db)
            base = latest?.state.flatMap { JSONText.decode(ResourceProfile.self, $0) }
            let head = try await ProfileScan.head(store, sql)
            if let b = base {
                if b.coveredSeq >= head.lastSeq { return Outcome(run: latest!, profile: b, seconds: 0) }  // nothing new
                let pending = head.lastSeq - b.coveredSeq
                if pending > fullScanMinimum && Double(pending) > Double(head.rowCount) * fullScanShare { kind = .full }
            } else {
                kind = .full
            }
        }
        let profile: ResourceProfile
        let rowsRead: Int
        switch kind {
        case .full:
            (profile, rowsRead) = try await scan.full(progress: progress)
        case .incremental:
            let delta = try await scan.changes(after: base!.coveredSeq)
            profile = base!.merging(delta.profile)
            rowsRead = delta.rowsRead
        }
        let row = try await ProfileRuns.save(profile, kind: kind, startedAt: started, rowsRead: rowsRead, on: db)
        return Outcome(run: row, profile: profile, seconds: (ContinuousClock.now - clock).seconds)
    }
}

/// Runs profiling off the request path, one run at a time per resource.
///
/// After a load commits, ``afterLoad(_:)`` queues an incremental run and returns at once, so a
/// load's response never waits for it (merging a 100,000-row load took 0.5 s on SQLite,
/// docs/PERFORMANCE.md). Requests for the same resource queue
/// behind each other; a queued incremental run that has not started yet covers any later load
/// too, so loads in quick succession cost one run. On shutdown the queued runs are awaited.
final class ProfileScheduler: @unchecked Sendable {  // state behind `lock`
    private let app: Application
    private let lock = NSLock()
    private var tails: [String: Task<Void, Never>] = [:]
    private var queuedIncremental: Set<String> = []
    /// Set on shutdown: nothing is queued after it, so no run outlives the database.
    private var closed = false

    init(app: Application) { self.app = app }

    /// Queues an incremental run after a load (nothing if one is already waiting to start).
    /// Synchronous, so a run queued just before shutdown is one shutdown waits for.
    func afterLoad(_ code: String) {
        guard app.settings.profileAfterLoads else { return }
        let app = self.app
        lock.lock(); defer { lock.unlock() }
        guard !closed, !queuedIncremental.contains(code) else { return }
        queuedIncremental.insert(code)
        _ = enqueueLocked(code) { [self] in
            started(code)
            do {
                _ = try await ProfileRun.run(code: code, kind: .incremental, on: app.db)
            } catch {
                app.logger.warning("profiling \(code) after a load failed: \(String(describing: error))")
            }
        }
    }

    private func started(_ code: String) {
        lock.lock(); defer { lock.unlock() }
        queuedIncremental.remove(code)
    }

    /// Runs a profile now (after any run queued for the resource) and answers it.
    func run(_ code: String, kind: ProfileKind, progress: (@Sendable (Int) -> Void)? = nil) async throws -> ProfileRun.Outcome {
        let app = self.app
        let task: Task<ProfileRun.Outcome, any Error> = {
            lock.lock(); defer { lock.unlock() }
            return enqueueLocked(code) { try await ProfileRun.run(code: code, kind: kind, on: app.db, progress: progress) }
        }()
        return try await task.value
    }

    /// Chains `job` after the resource's last queued run. Call with `lock` held.
    private func enqueueLocked<T: Sendable>(_ code: String, _ job: @escaping @Sendable () async throws -> T) -> Task<T, any Error> {
        let previous = tails[code]
        let task = Task<T, any Error> {
            await previous?.value
            return try await job()
        }
        tails[code] = Task { _ = try? await task.value }
        return task
    }

    /// Waits until every queued run has finished (tests); with `closing`, queues nothing more (shutdown).
    func waitUntilIdle(closing: Bool = false) async {
        while true {
            let next: (String, Task<Void, Never>)? = {
                lock.lock(); defer { lock.unlock() }
                if closing { closed = true }
                return tails.first.map { ($0.key, $0.value) }
            }()
            guard let (code, tail) = next else { return }
            await tail.value
            lock.withLock { if tails[code] == tail { tails[code] = nil } }
        }
    }

    /// Awaits the queued runs when the application shuts down.
    struct Lifecycle: LifecycleHandler {
        func shutdownAsync(_ app: Application) async { await app.profileScheduler.waitUntilIdle(closing: true) }
    }
}

extension Application {
    private struct ProfileSchedulerKey: StorageKey { typealias Value = ProfileScheduler }

    /// The application's profiling queue (made in `configure`, before requests run).
    var profileScheduler: ProfileScheduler {
        if let s = storage[ProfileSchedulerKey.self] { return s }
        let s = ProfileScheduler(app: self)
        storage[ProfileSchedulerKey.self] = s
        return s
    }
}
