import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Real-time streams (format "real-time stream", e.g. bus GPS positions): records keyed by an
/// entity and a time. `latest` answers "where is bus 23 now"; a retention window drops what
/// is older, logged as one `expire` change ("forget records before T") rather than a delete each.
enum StreamStores {
    /// The time column: the last key column holding a date-time (or date).
    static func timeColumn(_ layout: RecordLayout) -> RecordLayout.Column? {
        layout.keyColumns.last { $0.type == .T || $0.type == .D }
    }

    /// The entity columns: the key without its time column.
    static func entityColumns(_ layout: RecordLayout) -> [RecordLayout.Column] {
        guard let time = timeColumn(layout) else { return layout.keyColumns }
        return layout.keyColumns.filter { $0.name != time.name }
    }

    /// The newest record of every entity (optionally only those matching `entity=` values).
    static func latest(_ store: RecordStoreRow, limit: Int, on sql: any SQLDatabase) async throws -> [String] {
        let layout = store.recordLayout
        guard let time = timeColumn(layout), !entityColumns(layout).isEmpty else {
            throw AppError(.conflict, "not_a_stream", "Resource \(store.resourceCode) has no entity + time key, so it has no latest view")
        }
        let q = try RecordQuery(store: store, params: [], fields: nil, sort: nil)
        let dialect = RecordTables.Dialect(sql)
        let same = entityColumns(layout).map { "newer.\(ident: $0.name) = \(ident: store.tables.records).\(ident: $0.name)" as SQLQueryString }
            .joined(separator: " AND ")
        let order = entityColumns(layout).map { "\(ident: $0.name)" as SQLQueryString }.joined(separator: ", ")
        let rows = try await sql.raw(
            """
            SELECT \(q.jsonExpression(dialect)) AS j FROM \(ident: store.tables.records)
            WHERE NOT EXISTS (SELECT 1 FROM \(ident: store.tables.records) AS newer WHERE \(same) AND newer.\(ident: time.name) > \(ident: store.tables.records).\(ident: time.name))
            ORDER BY \(order) LIMIT \(literal: limit)
            """
        ).all()
        return try rows.map { try $0.decode(column: "j", as: String.self) }
    }
}

/// Drops stream records older than their store's retention window.
enum StreamRetention {
    static func prune(on db: any Database, now: Date = Date()) async throws {
        let stores = try await RecordStoreRow.query(on: db).filter(\.$retentionHours != nil).all()
        for store in stores {
            guard let hours = store.retentionHours, hours > 0, let time = StreamStores.timeColumn(store.recordLayout) else { continue }
            let cutoff = now.addingTimeInterval(-Double(hours) * 3600)
            _ = try await RecordWriter(store: store, mode: .append, loadID: UUID()).expire(before: cutoff, column: time, on: db)
        }
    }

    /// The cutoff as the store holds times: local (UTC+8) `YYYY-MM-DDTHH:MM:SS`, or a date.
    static func text(_ date: Date, for column: RecordLayout.Column) -> String {
        let seconds = Int(date.timeIntervalSince1970) + DateParsing.cityUTCOffsetMinutes * 60
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - day * 86_400
        let local = CivilDateTime(date: CivilDate(daysSinceEpoch: day), hour: rest / 3600, minute: rest / 60 % 60, second: rest % 60)
        if column.type == .D { return local.date.iso }
        var bytes: [UInt8] = []
        local.appendISO(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension RecordWriter {
    /// Deletes records older than `cutoff` and logs one `expire` change; returns how many went.
    func expire(before cutoff: Date, column: RecordLayout.Column, on db: any Database) async throws -> Int {
        try await db.transaction { tx in
            let sql = tx.sql
            let head = try await lockStore(sql)
            let bound = StreamRetention.text(cutoff, for: column)
            let dialect = RecordTables.Dialect(sql)
            let value: SQLQueryString = dialect == .postgres ? "\(bind: bound)::\(unsafeRaw: RecordTables.columnType(column, .postgres))" : "\(bind: bound)"
            var rollups = try await RollupMaintenance.load(store, on: sql)
            try await rollups.move(rows: "\(ident: column.name) < \(value)", sign: -1, on: sql)
            let gone = try await sql.raw("DELETE FROM \(ident: tables.records) WHERE \(ident: column.name) < \(value) RETURNING 1 AS one").all().count
            guard gone > 0 else { return 0 }
            let seq = head.lastSeq + 1
            try await rollups.finish(seq: seq, on: sql)
            let data = JSONText.encode(["column": column.name, "before": bound])
            try await sql.raw(
                """
                INSERT INTO \(ident: tables.changes) (seq, op, record_key, data, at_ms, load_id)
                VALUES (\(bind: seq), 'expire', NULL, \(bind: data), \(bind: Int(Date().timeIntervalSince1970 * 1000)), NULL)
                """
            ).run()
            try await sql.raw("UPDATE record_stores SET last_seq = \(bind: seq), row_count = row_count - \(bind: gone) WHERE id = \(bind: storeID)").run()
            return gone
        }
    }
}
