import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Counts and limits calls to the open data API in this instance's memory, and flushes the counts
/// to `api_usage` in batches (``flush(on:now:)``, every ``Settings/usageFlushSeconds``).
///
/// Why in memory: a call costs one lock and two dictionary updates — no database round trip on the
/// hot path. With several stateless instances on one database, each instance limits a caller to
/// its share of the per-minute limit (``CallLimit/share(of:)``); the daily quota is the database's
/// total at the last flush plus this instance's calls since, so it is exact on one instance and
/// behind other instances' calls by at most one flush interval.
final class UsageMeter: @unchecked Sendable {
    private let lock = NSLock()
    private var counters: [String: Entry] = [:]
    private var pending: [UsageKey: Int] = [:]

    private struct Entry {
        var counter: CallCounter
        var lastSeen: Double
    }

    struct UsageKey: Hashable, Sendable {
        var subject: String
        var day: Int
        var resource: String
    }

    /// Takes one call of `subject` on `resource` ("-": none) at `now`.
    func take(subject: String, resource: String, limit: CallLimit, instances: Int, now: Date) -> CallAnswer {
        let seconds = now.timeIntervalSince1970
        let day = Self.day(seconds)
        let toMidnight = Int((Double(day + 1) * 86_400 - 8 * 3_600 - seconds).rounded(.up))
        return lock.withLock {
            var entry = counters[subject] ?? Entry(counter: CallCounter(limit: limit, instances: instances, now: seconds, day: day), lastSeen: seconds)
            let answer = entry.counter.take(limit: limit, instances: instances, now: seconds, day: day, secondsToMidnight: toMidnight)
            entry.lastSeen = seconds
            counters[subject] = entry
            if answer.allowed { pending[UsageKey(subject: subject, day: day, resource: resource), default: 0] += 1 }
            return answer
        }
    }

    /// Writes the counted calls (one upsert per caller, day and dataset, in one transaction) and takes
    /// back each flushed caller's day total, which every instance's flushes add to.
    func flush(on db: any Database, now: Date) async throws {
        let batch: [UsageKey: Int] = lock.withLock {
            let taken = pending
            pending = [:]
            return taken
        }
        let seconds = now.timeIntervalSince1970
        guard !batch.isEmpty else {
            prune(before: seconds - 600)
            return
        }
        do {
            try await db.transaction { tx in
                for (key, calls) in batch {
                    try await tx.sql.raw(
                        """
                        INSERT INTO api_usage (subject, day, resource_code, calls)
                        VALUES (\(bind: key.subject), \(bind: CivilDate(daysSinceEpoch: key.day).iso), \(bind: key.resource), \(bind: calls))
                        ON CONFLICT (subject, day, resource_code) DO UPDATE SET calls = api_usage.calls + excluded.calls
                        """
                    ).run()
                }
            }
        } catch {
            // Not lost: counted again at the next flush.
            lock.withLock { for (key, calls) in batch { pending[key, default: 0] += calls } }
            throw error
        }
        var flushed: [String: (day: Int, calls: Int)] = [:]
        for (key, calls) in batch { flushed[key.subject] = (key.day, (flushed[key.subject]?.calls ?? 0) + calls) }
        for day in Set(flushed.values.map(\.day)) {
            let subjects = flushed.filter { $0.value.day == day }.map(\.key)
            for chunk in stride(from: 0, to: subjects.count, by: 500).map({ Array(subjects[$0..<min($0 + 500, subjects.count)]) }) {
                let rows = try await db.sql.raw(
                    """
                    SELECT subject, CAST(SUM(calls) AS BIGINT) AS total FROM api_usage
                    WHERE day = \(bind: CivilDate(daysSinceEpoch: day).iso) AND subject IN (\(binds: chunk)) GROUP BY subject
                    """
                ).all()
                let totals = try rows.map { (try $0.decode(column: "subject", as: String.self), Int(try $0.decode(column: "total", as: Int64.self))) }
                lock.withLock {
                    for (subject, total) in totals {
                        counters[subject]?.counter.merged(sharedTotal: total, flushedLocal: flushed[subject]?.calls ?? 0, day: day)
                    }
                }
            }
        }
        prune(before: seconds - 600)
    }

    /// Forgets callers idle for ten minutes whose counts are flushed (anonymous addresses come and go).
    private func prune(before: Double) {
        lock.withLock {
            let waiting = Set(pending.keys.map(\.subject))
            counters = counters.filter { $0.value.lastSeen >= before || waiting.contains($0.key) }
        }
    }

    /// Days since 1970-01-01 in the city (UTC+8).
    static func day(_ seconds: Double) -> Int { Int(((seconds + 8 * 3_600) / 86_400).rounded(.down)) }
}

extension Application {
    private struct UsageMeterKey: StorageKey { typealias Value = UsageMeter }
    /// Made in `configure`, before requests run.
    var usageMeter: UsageMeter {
        if let meter = storage[UsageMeterKey.self] { return meter }
        let meter = UsageMeter()
        storage[UsageMeterKey.self] = meter
        return meter
    }
}

/// Flushes the meter every ``Settings/usageFlushSeconds`` while `serve`/`demo` run, and once at shutdown.
final class UsageFlusher: LifecycleHandler, @unchecked Sendable {
    private var task: Task<Void, Never>?

    func didBootAsync(_ app: Application) async throws {
        guard app.settings.runWorkers else { return }
        let pause = Duration.milliseconds(Int(app.settings.usageFlushSeconds * 1000))
        task = Task { [app] in
            await ExchangeWorker.every(pause, app: app) {
                try await app.usageMeter.flush(on: app.db, now: app.settings.now())
                return false
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        guard let task else { return }
        task.cancel()
        await task.value
        try? await app.usageMeter.flush(on: app.db, now: app.settings.now())
    }
}
