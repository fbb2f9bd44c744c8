import Fluent
import SQLKit
import Vapor

/// Checks a record store against its change log and registry — what a crash must never break:
/// the change log numbered 1…last_seq without a gap, the row count matching the records,
/// and the records matching the log (inserts − deletes since the last reset).
enum StoreCheck {
    struct Report: Content {
        var resource: String
        var records: Int
        var rowCount: Int
        var changes: Int
        var firstSeq: Int?
        var lastSeq: Int
        var liveByLog: Int
        var problems: [String]
        var ok: Bool { problems.isEmpty }
    }

    static func run(_ store: RecordStoreRow, on db: any Database) async throws -> Report {
        let sql = db.sql
        let t = store.tables
        let records = try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: t.records)").first()?.decode(column: "n", as: Int.self) ?? 0
        let log = try await sql.raw("SELECT COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi FROM \(ident: t.changes)").first()
        let changes = try log?.decode(column: "n", as: Int.self) ?? 0
        let lo = try log?.decode(column: "lo", as: Int?.self) ?? nil
        let hi = try log?.decode(column: "hi", as: Int?.self) ?? nil
        let fresh = try await RecordStoreRow.find(store.id, on: db) ?? store
        let reset = try await sql.raw("SELECT MAX(seq) AS s FROM \(ident: t.changes) WHERE op = 'reset'").first()?.decode(column: "s", as: Int?.self) ?? nil
        let ops = try await sql.raw("SELECT op, COUNT(*) AS n FROM \(ident: t.changes) WHERE seq > \(bind: reset ?? 0) GROUP BY op").all()
        var byOp: [String: Int] = [:]
        for row in ops { byOp[try row.decode(column: "op", as: String.self)] = try row.decode(column: "n", as: Int.self) }
        let live = (byOp["insert"] ?? 0) - (byOp["delete"] ?? 0)
        var problems: [String] = []
        if changes > 0 && (lo != 1 || hi != changes) { problems.append("change log has gaps: \(changes) entries numbered \(lo ?? 0)…\(hi ?? 0)") }
        if (hi ?? 0) != fresh.lastSeq { problems.append("last_seq is \(fresh.lastSeq) but the log ends at \(hi ?? 0)") }
        if fresh.rowCount != records { problems.append("row_count is \(fresh.rowCount) but the store holds \(records) records") }
        // An `expire` (stream retention) drops records without a delete each: the count cannot be replayed.
        if byOp["expire"] == nil && live != records { problems.append("the log accounts for \(live) live records but the store holds \(records)") }
        return Report(
            resource: store.resourceCode, records: records, rowCount: fresh.rowCount, changes: changes, firstSeq: lo,
            lastSeq: fresh.lastSeq, liveByLog: live, problems: problems)
    }
}
