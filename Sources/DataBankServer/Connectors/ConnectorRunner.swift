import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Runs a connector once, under the lease its caller took: reads the source in pages and feeds
/// them to the ingest path every load takes (``Loads/run``: types, quality rules and policy,
/// quarantine, change log, counters), audits the load and queues the profile, and keeps a history
/// row. In incremental mode the watermark is committed with the lease's renewal after every page
/// whose rows are committed, so a run killed mid-way resumes from there.
///
/// A failed run backs off exponentially (1, 2, 4 … minutes, at most an hour); after `max_failures`
/// failures in a row the connector is paused and its department notified.
enum ConnectorRunner {
    static let pageSize = Ingest.batchRows
    /// How long a claim holds before another instance may take the connector: renewed after every page.
    static let leaseSeconds: TimeInterval = 300

    static func backoff(failures: Int) -> TimeInterval { min(3600, 60 * pow(2, Double(max(0, failures - 1)))) }

    /// Takes the lease on one connector for a run now (a manual run); nil when it is running elsewhere.
    static func lease(_ id: UUID, now: Date, on db: any Database) async throws -> String? {
        let token = UUID().uuidString
        let rows = try await db.sql.raw(
            """
            UPDATE connectors SET lease_until = \(bind: now.addingTimeInterval(leaseSeconds)), lease_token = \(bind: token)
            WHERE id = \(bind: id) AND (lease_until IS NULL OR lease_until < \(bind: now)) RETURNING id
            """
        ).all()
        return rows.isEmpty ? nil : token
    }

    /// Renews the lease (and commits the watermark, when given); throws when another instance took it.
    /// Leases and schedules are on the platform clock (`settings.now`), as the scheduler's claim is.
    static func renew(_ id: UUID, token: String, watermark: Watermark?, now: Date, on db: any Database) async throws {
        let until = now.addingTimeInterval(leaseSeconds)
        let rows: [any SQLRow]
        if let watermark {
            rows = try await db.sql.raw(
                """
                UPDATE connectors SET lease_until = \(bind: until), watermark = \(bind: watermark.value), watermark_type = \(bind: watermark.type)
                WHERE id = \(bind: id) AND lease_token = \(bind: token) RETURNING id
                """
            ).all()
        } else {
            rows = try await db.sql.raw(
                "UPDATE connectors SET lease_until = \(bind: until) WHERE id = \(bind: id) AND lease_token = \(bind: token) RETURNING id"
            ).all()
        }
        if rows.isEmpty {
            throw AppError(.conflict, "lease_lost", "Another instance took over this connector's run (its lease ran out)")
        }
    }

    /// Runs the connector; the answer is its history row (also when the run failed: `status`, `error`).
    static func run(_ connectorID: UUID, token: String, trigger: String, app: Application) async throws -> ConnectorRunRow {
        let db = app.db
        guard let connector = try await ConnectorRow.find(connectorID, on: db) else { throw AppError.notFound("Connector") }
        // A run still marked running under an expired lease was killed: it says so in the history.
        try await db.sql.raw(
            """
            UPDATE connector_runs SET status = 'interrupted', finished_at = heartbeat_at,
                error = 'The run stopped without finishing (the server stopped or crashed); the next run resumed from the last committed watermark'
            WHERE connector_id = \(bind: connectorID) AND status = 'running'
            """
        ).run()
        let run = ConnectorRunRow()
        run.connectorID = connectorID; run.connectorCode = connector.code; run.resourceCode = connector.resourceCode
        run.trigger = trigger; run.status = "running"; run.startedAt = Date(); run.heartbeatAt = Date()
        run.rowsRead = 0; run.inserted = 0; run.updated = 0; run.refused = 0; run.watermarkBefore = connector.watermark
        try await run.create(on: db)
        let started = ContinuousClock.now
        let progress = RunProgress()
        do {
            try await execute(connector, run: run, token: token, progress: progress, app: app)
            run.status = "succeeded"
            connector.failures = 0; connector.lastError = nil
            connector.nextRunAt = nextRun(connector, after: app.settings.now())
        } catch {
            if Task.isCancelled {
                // The server is stopping: not the source's failure. The next start runs it again from the
                // committed watermark.
                run.status = "interrupted"
                run.error = "The server stopped during the run; the next run resumes from the last committed watermark"
                connector.nextRunAt = app.settings.now()
            } else {
                let failure = AppError.from(error)
                run.status = "failed"
                run.error = failure.message + failure.details.map { " — \($0.field): \($0.messageEn)" }.joined()
                connector.failures += 1
                connector.lastError = run.error
                connector.nextRunAt = app.settings.now().addingTimeInterval(backoff(failures: connector.failures))
                if connector.failures >= connector.maxFailures && connector.status == "active" {
                    connector.status = "paused"
                    try? await notifyPaused(connector, error: run.error ?? "", on: db)
                }
            }
        }
        run.rowsRead = progress.rows; run.inserted = progress.inserted; run.updated = progress.updated; run.refused = progress.refused
        if !progress.files.isEmpty { run.files = JSONText.encode(progress.files) }
        run.finishedAt = Date(); run.heartbeatAt = Date(); run.seconds = (ContinuousClock.now - started).seconds
        // The watermark as committed (pages commit it as they go).
        let fresh = try await ConnectorRow.find(connectorID, on: db)
        run.watermarkAfter = fresh?.watermark ?? connector.watermark
        try await run.save(on: db)
        try await db.sql.raw(
            """
            UPDATE connectors SET failures = \(bind: connector.failures), last_error = \(bind: connector.lastError),
                next_run_at = \(bind: connector.nextRunAt), status = \(bind: connector.status), last_run_at = \(bind: run.startedAt),
                lease_until = NULL, lease_token = NULL
            WHERE id = \(bind: connectorID) AND lease_token = \(bind: token)
            """
        ).run()
        return run
    }

    static func nextRun(_ connector: ConnectorRow, after now: Date) -> Date {
        guard case .success(let schedule) = ConnectorSchedule.parse(connector.schedule),
            let next = schedule.next(after: Int64(now.timeIntervalSince1970))
        else { return now.addingTimeInterval(86_400) }
        return Date(timeIntervalSince1970: TimeInterval(next))
    }

    final class FoundRows: @unchecked Sendable { var any = false }

    /// What a run did so far (a page at a time), kept when it fails part-way.
    final class RunProgress: @unchecked Sendable {
        var rows = 0, inserted = 0, updated = 0, refused = 0
        var files: [String: String] = [:]
        var watermark: Watermark?
        func add(_ s: LoadSummary) { inserted += s.inserted; updated += s.updated; refused += s.rejected }
        func count(_ s: LoadSummary) { inserted = s.inserted; updated = s.updated; refused = s.rejected }
    }

    private static func execute(_ connector: ConnectorRow, run: ConnectorRunRow, token: String, progress: RunProgress, app: Application) async throws {
        let db = app.db
        let store = try await RecordStores.find(connector.resourceCode, on: db)
        let source = try connector.sourceSettings
        let mapping = try connector.mappingValue
        if !mapping.pairs.isEmpty {
            let problems = mapping.problems(for: store.recordLayout)
            if !problems.isEmpty {
                throw AppError(
                    .unprocessableEntity, "invalid_mapping", "The mapping no longer fits the store's items (the resource changed)", details: problems)
            }
        }
        let who = AuditLog.Who(kind: "connector", id: connector.id?.uuidString, name: connector.code, departmentCode: connector.departmentCode)
        let quality = try await QualitySetup.load(store, on: db)
        let keyed = !store.recordLayout.keyColumns.isEmpty
        let mode: LoadMode = connector.mode == "replace" ? .replace : (keyed ? .upsert : .append)
        if source.kind == "folder" {
            try await runFolder(
                connector, source: source, mapping: mapping, store: store, mode: mode, quality: quality, who: who,
                token: token, progress: progress, app: app)
        } else {
            let read = SourceRead(
                table: source.table, query: source.query, mapping: mapping, watermarkColumn: connector.mode == "incremental" ? connector.watermarkColumn : nil,
                after: connector.mode == "incremental" ? connector.currentWatermark : nil, pageSize: pageSize, limit: nil)
            // Replace, and any load under the reject policy, is one transaction: its watermark is committed at the end.
            let atomic = mode == .replace || quality.policy == .reject
            let reader = try await ConnectorSources.reader(connector, source: source, app: app)
            if read.watermarkColumn != nil {
                // Nothing past the watermark: no load at all (a connector run every minute would otherwise
                // leave an empty load, an audit entry and a profile run behind each time).
                var probe = read
                probe.pageSize = 1; probe.limit = 1
                let found = FoundRows()
                try await reader(probe) { page in found.any = found.any || page.rows > 0 }
                if !found.any { return }
            }
            progress.watermark = read.after
            let (id, postgres, now) = (try connector.requireID(), RecordTables.Dialect(db.sql) == .postgres, app.settings.now)
            let summary = try await Loads.run(
                store: store, mode: mode, format: .ndjson, encoding: .utf8, source: "connector \(connector.code)", who: who, on: db,
                today: app.today, rules: quality
            ) { ingest in
                // A relay's pages are the owner's records as sent: the ingest renames them by the mapping (and
                // skips what it does not map), so the relay never rewrites a record.
                if source.kind == "databank" && !mapping.pairs.isEmpty { ingest.columnMap = mapping.itemBySource }
                do {
                    try await reader(read) { page in
                        if let cells = page.cells {
                            try await ingest.feed(cells)
                        } else if let objects = page.objects {
                            try await ingest.feed(objects)
                        } else {
                            try await ingest.feed(page.ndjson)
                        }
                        progress.rows += page.rows
                        progress.watermark = Watermark.after(page: page.watermarks, lastPage: page.last, previous: progress.watermark)
                        // PostgreSQL: the lease on a connection of its own, so other instances see it renewed while
                        // a replace's transaction is open. SQLite (one connection, one instance): the load's.
                        if atomic {
                            // One transaction, committed at the end: each page written and waited for. (Overlapping
                            // them, as below, measured slower into SQLite: 70–86 % of a load's rate → 39–72 %.)
                            try await ingest.writePending()
                            let leaseDB = postgres ? db : ingest.db
                            try await renew(id, token: token, watermark: nil, now: now(), on: leaseDB)
                            try await heartbeat(run, on: leaseDB)
                        } else {
                            // The page's rows go to the writer and its watermark (with the lease) follows them in the
                            // writing task once they are committed, while the next page is read and encoded.
                            let watermark = progress.watermark
                            try await ingest.submitPending { written in
                                let leaseDB = postgres ? db : written
                                try await renew(id, token: token, watermark: watermark, now: now(), on: leaseDB)
                                try await heartbeat(run, on: leaseDB)
                            }
                            progress.count(ingest.summary)
                        }
                    }
                } catch {
                    // Pages handed to the writer before the failure may still commit: the history counts them.
                    await ingest.drain()
                    if !atomic { progress.count(ingest.summary) }
                    throw error
                }
            }
            progress.count(summary)
            if atomic, let watermark = progress.watermark {
                try await renew(try connector.requireID(), token: token, watermark: watermark, now: app.settings.now(), on: db)
            }
            try await afterLoad(store, summary: summary, who: who, run: run, app: app)
        }
    }

    private static func runFolder(
        _ connector: ConnectorRow, source: ConnectorSource, mapping: ConnectorMapping, store: RecordStoreRow, mode: LoadMode,
        quality: QualitySetup, who: AuditLog.Who, token: String, progress: RunProgress, app: Application
    ) async throws {
        let folder = FolderSource(path: try ConnectorPaths.resolve(source.path, root: app.settings.connectorRoot, department: connector.departmentCode))
        let encoding = source.encoding.flatMap { $0 == "auto" ? nil : TextEncoding(rawValue: $0) }
        let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(secondsFromGMT: 8 * 3600)!, formatOptions: [.withFullDate, .withTime])
        var failures: [String] = []
        for name in try folder.pending() {
            let format = source.format ?? FolderSource.format(of: name) ?? "csv"
            do {
                let summary = try await FileLoad.run(
                    path: folder.path + "/" + name, formatName: format, sheet: source.sheet, store: store, mode: mode, encoding: encoding, who: who,
                    on: app.db, xlsxLimits: app.settings.xlsxLimits, today: app.today, rules: quality, source: name,
                    columnMap: mapping.pairs.isEmpty ? nil : mapping.itemBySource)
                progress.rows += summary.rows; progress.add(summary)
                progress.files[name] = try folder.move(name, to: "done", stamp: stamp)
                try await afterLoad(store, summary: summary, who: who, run: nil, app: app)
            } catch {
                let failure = AppError.from(error)
                progress.files[name] = (try? folder.move(name, to: "failed", stamp: stamp)) ?? "failed (not moved)"
                failures.append("\(name): " + failure.message + failure.details.prefix(3).map { " — \($0.field): \($0.messageEn)" }.joined())
            }
            try await renew(try connector.requireID(), token: token, watermark: nil, now: app.settings.now(), on: app.db)
        }
        if !failures.isEmpty {
            throw AppError(
                .unprocessableEntity, "files_failed", "\(failures.count) file(s) failed and were moved to failed/: " + failures.joined(separator: "; "))
        }
    }

    private static func heartbeat(_ run: ConnectorRunRow, on db: any Database) async throws {
        try await db.sql.raw("UPDATE connector_runs SET heartbeat_at = \(bind: Date()) WHERE id = \(bind: try run.requireID())").run()
    }

    /// What every load is followed by: the audit entry and the column profile.
    private static func afterLoad(_ store: RecordStoreRow, summary: LoadSummary, who: AuditLog.Who, run: ConnectorRunRow?, app: Application) async throws {
        app.profileScheduler.afterLoad(store.resourceCode)
        _ = try await AuditLog.append(
            who, resource: store.resourceCode, operation: "load.\(summary.mode)", fields: store.recordLayout.columns.map(\.name),
            count: summary.inserted + summary.updated, purpose: nil, requestID: summary.loadID.uuidString, requestHash: nil, on: app.db,
            trail: app.auditTrail)
    }

    private static func notifyPaused(_ connector: ConnectorRow, error: String, on db: any Database) async throws {
        try await Applications.notify(
            connector.departmentCode, "connector.paused",
            zh: "连接器 \(connector.name)（\(connector.code)）连续 \(connector.failures) 次运行失败，已暂停：\(error)",
            en: "Connector \(connector.name) (\(connector.code)) failed \(connector.failures) runs in a row and is paused: \(error)",
            link: "/api/v1/connectors/\(connector.code)/runs", on: db)
    }
}
