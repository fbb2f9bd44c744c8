import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Runs one load end to end: records it in `loads`, feeds the ingest (inside one transaction
/// for `replace`, batch by batch otherwise), and writes how it ended — also when it fails.
enum Loads {
    static func run(
        store: RecordStoreRow, mode: LoadMode, format: IngestFormat, encoding: TextEncoding?, source: String?,
        who: AuditLog.Who, on db: any Database, progress: (@Sendable (Int, Int) -> Void)? = nil,
        rowOffset: Int = 0, recordedFormat: String? = nil, today: CivilDate = GrantAccess.today(), rules: QualitySetup? = nil,
        feed: @escaping @Sendable (Ingest) async throws -> Void
    ) async throws -> LoadSummary {
        // The rules first: a rule that can no longer apply refuses the load before it is recorded as running.
        // (`rules`: a Table Schema's, for `databank load --schema`; else the resource's.)
        let quality: QualitySetup
        if let rules { quality = rules } else { quality = try await QualitySetup.load(store, on: db) }
        try await LoadRow.markInterrupted(resource: store.resourceCode, on: db)
        let load = LoadRow()
        load.resourceCode = store.resourceCode; load.mode = mode.rawValue; load.format = recordedFormat ?? format.rawValue
        load.encoding = encoding?.rawValue; load.source = source; load.actorName = who.name; load.status = "running"
        load.inserted = 0; load.updated = 0; load.rejected = 0; load.startedAt = Date(); load.heartbeatAt = Date()
        try await load.create(on: db)
        let loadID = try load.requireID()
        // Under the reject policy the load is one transaction, like a replace: any failing row undoes it all.
        let atomic = mode == .replace || quality.policy == .reject

        @Sendable func body(_ db: any Database) async throws -> LoadSummary {
            let ingest = try Ingest(store: store, mode: mode, format: format, encoding: encoding, loadID: loadID, on: db)
            ingest.progress = progress
            ingest.rowOffset = rowOffset
            ingest.today = today
            ingest.rules = quality.rules
            ingest.quality = quality
            do {
                try await feed(ingest)
                let summary = try await ingest.finish()
                if quality.policy == .reject && summary.rejected > 0 { throw Self.rejected(summary) }
                return summary
            } catch {
                await ingest.drain()
                throw LoadFailure(error: error, summary: ingest.summary)
            }
        }
        do {
            // replace: readers keep seeing the old records until the whole new set commits.
            let summary = atomic ? try await db.transaction { try await body($0) } : try await body(db)
            load.status = "committed"; load.inserted = summary.inserted; load.updated = summary.updated
            load.rejected = summary.rejected; load.encoding = summary.encoding; load.finishedAt = Date()
            try await load.save(on: db)
            return summary
        } catch let failure as LoadFailure {
            let committed = atomic ? (0, 0) : (failure.summary.inserted, failure.summary.updated)
            load.status = "failed"; load.inserted = committed.0; load.updated = committed.1
            load.rejected = atomic ? 0 : failure.summary.rejected
            let error = AppError.from(failure.error)
            load.error = error.message; load.finishedAt = Date()
            try? await load.save(on: db)
            // Batches committed before the failure stay (replace: none do); the caller is told so.
            guard committed.0 + committed.1 > 0 else { throw failure.error }
            throw AppError(
                error.status, error.code,
                error.message + " — \(committed.0) rows inserted and \(committed.1) updated before this point stay committed (load \(loadID))",
                details: error.details)
        }
    }

    /// The whole load refused under the reject policy, naming the first failing rows.
    static func rejected(_ summary: LoadSummary) -> AppError {
        AppError(
            .unprocessableEntity, "load_rejected",
            "Nothing was loaded: \(summary.rejected) of \(summary.rows) rows fail the quality rules, and this resource rejects a load with any failing row",
            details: summary.problems.map {
                FieldError(
                    field: $0.column ?? "row", code: $0.code, message: "第 \($0.row) 行：\($0.message)",
                    messageEn: "Row \($0.row): \($0.message)")
            })
    }

    struct LoadFailure: Error {
        var error: any Error
        var summary: LoadSummary
    }
}

/// The change log as the API serves it: operations in `seq` order with their data.
enum ChangeFeed {
    struct Page {
        var json: String
        var count: Int
        /// The cursor for the following call: the last seq in this page (or `after` if none).
        var next: Int
    }

    /// The page is assembled by the database (each line concatenated, the lines aggregated)
    /// into one string: a page of 10,000 changes costs one row to read, not 10,000.
    /// One change as JSON text, built by the database.
    static let line: SQLQueryString = """
        '{"seq":' || seq || ',"op":"' || op || '","key":' || COALESCE(record_key, 'null') || ',"data":' || (CASE WHEN op = 'delete' THEN 'null' ELSE COALESCE(data, 'null') END) || ',"at":' || at_ms || '}'
        """

    /// Changes one by one (for the live feed): their seq and JSON.
    static func items(store: RecordStoreRow, after: Int, limit: Int, on sql: any SQLDatabase) async throws -> [(seq: Int, json: String)] {
        try await sql.raw(
            """
            SELECT seq, \(line) AS line FROM \(ident: store.tables.changes) WHERE seq > \(bind: after) ORDER BY seq LIMIT \(literal: limit)
            """
        ).all().map { (try $0.decode(column: "seq", as: Int.self), try $0.decode(column: "line", as: String.self)) }
    }

    static func page(store: RecordStoreRow, after: Int, limit: Int, on sql: any SQLDatabase) async throws -> Page {
        let aggregate: SQLQueryString = RecordTables.Dialect(sql) == .postgres ? "string_agg(line, ',' ORDER BY seq)" : "group_concat(line, ',')"
        let row = try await sql.raw(
            """
            SELECT \(aggregate) AS body, COUNT(*) AS n, MAX(seq) AS last FROM (
                SELECT seq, \(line) AS line FROM \(ident: store.tables.changes) WHERE seq > \(bind: after) ORDER BY seq LIMIT \(literal: limit)
            ) AS page
            """
        ).first()
        let count = try row?.decode(column: "n", as: Int.self) ?? 0
        let last = try row?.decode(column: "last", as: Int?.self) ?? nil
        let body = try row?.decode(column: "body", as: String?.self) ?? nil
        // `next` is the cursor for the following call; `lastSeq` says how far the log goes.
        let head = try await sql.raw("SELECT last_seq FROM record_stores WHERE resource_code = \(bind: store.resourceCode)").first()
        let lastSeq = try head?.decode(column: "last_seq", as: Int.self) ?? (last ?? after)
        return Page(
            json: "{\"items\":[" + (body ?? "") + "],\"next\":\(last ?? after),\"lastSeq\":\(lastSeq)}", count: count,
            next: last ?? after)
    }
}
