import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The SQL side of profiling: reads a record store (full scan) or its change log (incremental)
/// in chunks of ``chunkSize`` rows, each chunk one row of one statement: the database renders
/// the chunk's rows as JSON lines and concatenates them, and computes the chunk's counts, nulls
/// and bounds with aggregates in its own types, so Swift only reads bytes into the sketches.
/// The next chunk is fetched (keyset, after the last key) while this one is profiled, so the
/// database and the profiler work at the same time. Memory stays at two chunks.
struct ProfileScan: Sendable {
    let store: RecordStoreRow
    let sql: any SQLDatabase
    var chunkSize = 20_000

    var tables: RecordTables { store.tables }
    var layout: RecordLayout { store.recordLayout }
    var dialect: RecordTables.Dialect { RecordTables.Dialect(sql) }

    // MARK: Full scan

    /// Profiles every record. `coveredSeq` and the row count are read first: a load committing
    /// during the scan may be read partly by it and again by the next incremental run.
    func full(progress: (@Sendable (Int) -> Void)? = nil) async throws -> (profile: ResourceProfile, rowsRead: Int) {
        let head = try await Self.head(store, sql)
        var profiler = TableProfiler(profile: ResourceProfile(resourceCode: store.resourceCode, layout: layout, fullScanAt: Date()), layout: layout)
        var rowsRead = 0
        var pending: Chunk? = try await chunk(after: nil)
        while let current = pending {
            // Start the next chunk before profiling this one.
            var text = current.body
            let cursor = text.withUTF8 { profiler.lastKey(arrayLines: $0) }
            let next: Task<Chunk?, any Error>? = current.rows == chunkSize && cursor != nil
                ? Task { [self] in try await self.chunk(after: cursor) } : nil
            text.withUTF8 { _ = profiler.addSketches(arrayLines: $0) }
            profiler.addAggregates(current.aggregates)
            rowsRead += current.rows
            progress?(rowsRead)
            pending = try await next?.value
        }
        let now = Date()
        profiler.finish(rowCount: rowsRead, coveredSeq: head.lastSeq, at: now)
        return (profiler.profile, rowsRead)
    }

    struct Chunk: Sendable {
        var body: String
        var rows: Int
        var aggregates: [(count: Int, nulls: Int, min: String?, max: String?)]
    }

    /// One chunk of records in key order, after `cursor` (the previous chunk's last key).
    func chunk(after cursor: [String]?) async throws -> Chunk? {
        let columns = layout.columns
        let names = columns.map { "\(ident: $0.name)" as SQLQueryString }.joined(separator: ", ")
        let key = layout.keyColumns
        let keyList = key.map { "\(ident: $0.name)" as SQLQueryString }.joined(separator: ", ")
        var condition: SQLQueryString = "1 = 1"
        if let cursor, cursor.count == key.count {
            let values = zip(cursor, key).map { value($0, $1) }.joined(separator: ", ")
            condition = "(\(keyList)) > (\(values))"
        }
        let aggregates = columns.enumerated().map { i, c in
            "COUNT(\(ident: c.name)) AS \(ident: "n\(i)"), \(bound("MIN", c)) AS \(ident: "lo\(i)"), \(bound("MAX", c)) AS \(ident: "hi\(i)")" as SQLQueryString
        }.joined(separator: ", ")
        let concat: SQLQueryString = dialect == .postgres ? "string_agg(line, E'\\n' ORDER BY \(keyList))" : "group_concat(line, char(10) ORDER BY \(keyList))"
        guard let row = try await sql.raw("""
            SELECT \(concat) AS body, COUNT(*) AS rows_in_chunk, \(aggregates)
            FROM (SELECT \(line()) AS line, \(names) FROM \(ident: tables.records) WHERE \(condition)
                  ORDER BY \(keyList) LIMIT \(literal: chunkSize)) AS chunk
            """).first() else { return nil }
        let rows = try row.decode(column: "rows_in_chunk", as: Int.self)
        guard rows > 0 else { return nil }
        let stats = try columns.indices.map { i -> (count: Int, nulls: Int, min: String?, max: String?) in
            let n = try row.decode(column: "n\(i)", as: Int.self)
            return (n, rows - n, try row.decode(column: "lo\(i)", as: String?.self), try row.decode(column: "hi\(i)", as: String?.self))
        }
        return Chunk(body: try row.decode(column: "body", as: String.self), rows: rows, aggregates: stats)
    }

    /// A row as one JSON array of its values (nested arrays of at most 50, within both
    /// databases' argument limits; the profiler reads through them). Logical values are written
    /// `"true"`/`"false"` (SQLite stores 1/0), everything else as the database renders it.
    func line() -> SQLQueryString {
        let values = layout.columns.map { c -> SQLQueryString in
            guard c.type == .L else { return "\(ident: c.name)" }
            return "CASE WHEN \(ident: c.name) IS NULL THEN NULL WHEN \(ident: c.name) THEN 'true' ELSE 'false' END"
        }
        let array = dialect == .postgres ? "json_build_array" : "json_array"
        let groups = stride(from: 0, to: values.count, by: 50).map { Array(values[$0..<min($0 + 50, values.count)]) }
        let built = groups.map { "\(unsafeRaw: array)(\($0.joined(separator: ", ")))" as SQLQueryString }
        let row: SQLQueryString = built.count == 1 ? built[0] : "\(unsafeRaw: array)(\(built.joined(separator: ", ")))"
        return dialect == .postgres ? "\(row)::text" : row
    }

    /// `MIN`/`MAX` of a column as canonical text, compared in the column's own type (text bytewise).
    func bound(_ function: String, _ c: RecordLayout.Column) -> SQLQueryString {
        let col: SQLQueryString = "\(ident: c.name)"
        switch (dialect, c.type) {
        case (.sqlite, _): return "CAST(\(unsafeRaw: function)(\(col)) AS TEXT)"
        case (.postgres, .L): return "\(unsafeRaw: function == "MIN" ? "bool_and" : "bool_or")(\(col))::text"
        case (.postgres, .D): return "to_char(\(unsafeRaw: function)(\(col)), 'YYYY-MM-DD')"
        case (.postgres, .T): return "to_char(\(unsafeRaw: function)(\(col)), 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        case (.postgres, .C), (.postgres, .M), (.postgres, .G): return "\(unsafeRaw: function)(\(col) COLLATE \"C\")"
        case (.postgres, _): return "\(unsafeRaw: function)(\(col))::text"
        }
    }

    /// A cursor value compared with a typed column (as ``RecordQuery`` binds them).
    func value(_ text: String, _ c: RecordLayout.Column) -> SQLQueryString {
        switch dialect {
        case .postgres: return "\(bind: text)::\(unsafeRaw: RecordTables.columnType(c, .postgres))"
        case .sqlite: return c.type == .L ? "\(literal: text == "true" ? 1 : 0)" : "\(bind: text)"
        }
    }

    // MARK: Change log

    /// Profiles the change-log entries after `seq`, up to where the log stood when this began.
    func changes(after seq: Int) async throws -> (profile: ResourceProfile, rowsRead: Int) {
        let head = try await Self.head(store, sql)
        var profiler = TableProfiler(profile: ResourceProfile(resourceCode: store.resourceCode, layout: layout), layout: layout)
        var after = seq, read = 0
        let concat: SQLQueryString = dialect == .postgres
            ? "string_agg(op || E'\\t' || COALESCE(data, 'null'), E'\\n' ORDER BY seq)"
            : "group_concat(op || char(9) || COALESCE(data, 'null'), char(10) ORDER BY seq)"
        while after < head.lastSeq {
            guard let row = try await sql.raw("""
                SELECT \(concat) AS body, COUNT(*) AS n, MAX(seq) AS last FROM (
                    SELECT seq, op, data FROM \(ident: tables.changes) WHERE seq > \(bind: after) AND seq <= \(bind: head.lastSeq)
                    ORDER BY seq LIMIT \(literal: chunkSize)) AS page
                """).first(), let last = try row.decode(column: "last", as: Int?.self) else { break }
            var body = try row.decode(column: "body", as: String.self)
            body.withUTF8 { profiler.addChanges(lines: $0) }
            read += try row.decode(column: "n", as: Int.self)
            after = last
        }
        profiler.finish(rowCount: head.rowCount, coveredSeq: head.lastSeq, at: Date())
        return (profiler.profile, read)
    }

    /// Where the store stands now: its last change-log seq and its row count.
    static func head(_ store: RecordStoreRow, _ sql: any SQLDatabase) async throws -> (lastSeq: Int, rowCount: Int) {
        guard let row = try await sql.raw("SELECT last_seq, row_count FROM record_stores WHERE resource_code = \(bind: store.resourceCode)").first()
        else { throw AppError.notFound("Record store of \(store.resourceCode)") }
        return (try row.decode(column: "last_seq", as: Int.self), try row.decode(column: "row_count", as: Int.self))
    }
}
