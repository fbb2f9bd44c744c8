import Foundation
import NIOPosix
import SQLiteNIO
import Vapor
import DataBankCore
// The C library SQLiteNIO links: one copy of SQLite in the process (see ``SQLiteDirectReads``).
import VaporCSQLite

/// Reads a department's SQLite file: opened read-only (`mode=ro`, so a missing file is an error and
/// never created) with `PRAGMA query_only`, inside one read transaction, so a run sees one state of
/// a file that its application keeps writing. The read is one statement, stepped on the blocking
/// thread pool a page at a time: SQLite's cursor keeps its place between pages, so a million-row
/// table is read once (pages of `LIMIT`/`OFFSET` re-read every skipped row, quadratic in the table).
/// SQLite builds each row's JSON line (`json_object`) with the items' names.
struct SQLiteSource: Sendable {
    /// The file, resolved under the connector root.
    var path: String

    func read(_ read: SourceRead, app: Application, page: (SourcePage) async throws -> Void) async throws {
        let pool = app.threadPool
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard FileManager.default.fileExists(atPath: path) else {
            throw SourceFailure.unreachable(name, field: "source.path", detail: "no such file")
        }
        let (sql, binds) = Self.statement(read)
        let field = read.table != nil ? "source.table" : "source.query"
        let cursor: SteppedRead
        do {
            cursor = try await pool.runIfActive { try SteppedRead(path: path, sql: sql, binds: binds, watermarks: read.watermarkColumn != nil) }
        } catch let e as SteppedRead.Failure {
            throw e.opening ? SourceFailure.unreachable(name, field: "source.path", detail: e.message) : SourceFailure.query(e.message, field: field)
        }
        do {
            // One row more than a page is stepped before the page is handed on: a page is the last only when none follows.
            var taken = 0
            while true {
                let want = read.limit.map { min(read.pageSize, $0 - taken) } ?? read.pageSize
                if want <= 0 { break }
                var out: SourcePage
                do {
                    out = try await pool.runIfActive { try cursor.next(want) }
                } catch let e as SteppedRead.Failure {
                    throw SourceFailure.query(e.message, field: field)
                }
                taken += out.rows
                if let limit = read.limit, taken >= limit { out.last = true }
                try await page(out)
                if out.last { break }
            }
            try? await pool.runIfActive { cursor.close() }
        } catch {
            try? await pool.runIfActive { cursor.close() }
            throw error
        }
    }

    /// The one statement: each row's JSON line, and its watermark value and type in incremental mode.
    static func statement(_ read: SourceRead) -> (String, [SQLiteData]) {
        let line =
            read.pairChunks.map { "json_object(\($0))" }.reduce(nil as String?) { acc, next in acc.map { "json_patch(\($0), \(next))" } ?? next } ?? "'{}'"
        var select = "SELECT \(line) AS line"
        var binds: [SQLiteData] = []
        var filter = "", order = ""
        if let column = read.watermarkColumn {
            let c = "src." + SourceRead.quote(column)
            select += ", CAST(\(c) AS TEXT) AS wm, typeof(\(c)) AS wmtype"
            if let after = read.after {
                filter = " WHERE \(c) > ?"
                switch after.type {
                case "integer": binds.append(Int(after.value).map { .integer($0) } ?? .text(after.value))
                case "real": binds.append(Double(after.value).map { .float($0) } ?? .text(after.value))
                default: binds.append(.text(after.value))
                }
            }
            // NULLs never pass a watermark: they are left out, not read again and again.
            filter += (filter.isEmpty ? " WHERE " : " AND ") + "\(c) IS NOT NULL"
            order = " ORDER BY \(c)"
        }
        var sql = "\(select) FROM (\(read.base)) AS src\(filter)\(order)"
        if let limit = read.limit {
            sql += " LIMIT ?"
            binds.append(.integer(limit))
        }
        return (sql, binds)
    }
}

/// A prepared statement on a read-only handle of its own, inside a read transaction, stepped a page at
/// a time; each call runs on one blocking-pool thread, one call after another (the handle is opened
/// without SQLite's mutex, as ``SQLiteDirectReads``' are).
final class SteppedRead: @unchecked Sendable {
    struct Failure: Error {
        var message: String
        var opening: Bool
    }

    private var handle: OpaquePointer?
    private var statement: OpaquePointer?
    private let watermarks: Bool
    /// A row stepped past the end of the previous page, not yet handed on.
    private var done = false

    init(path: String, sql: String, binds: [SQLiteData], watermarks: Bool) throws {
        self.watermarks = watermarks
        let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        var raw: OpaquePointer?
        let opened = sqlite_nio_sqlite3_open_v2("file:\(escaped)?mode=ro", &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nil)
        handle = raw
        guard opened == SQLITE_OK, raw != nil else {
            let message = raw.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "SQLite error \(opened)"
            close()
            throw Failure(message: message, opening: true)
        }
        sqlite_nio_sqlite3_busy_timeout(raw, 10_000)
        for setup in ["PRAGMA query_only = ON", "BEGIN"] {
            guard sqlite_nio_sqlite3_exec(raw, setup, nil, nil, nil) == SQLITE_OK else {
                let message = error()
                close()
                throw Failure(message: message, opening: true)
            }
        }
        var prepared: OpaquePointer?
        guard sqlite_nio_sqlite3_prepare_v2(raw, sql, -1, &prepared, nil) == SQLITE_OK, let prepared else {
            let message = error()
            close()
            throw Failure(message: message, opening: false)
        }
        statement = prepared
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (i, bind) in binds.enumerated() {
            let at = Int32(i + 1)
            switch bind {
            case .integer(let v): sqlite_nio_sqlite3_bind_int64(prepared, at, Int64(v))
            case .float(let v): sqlite_nio_sqlite3_bind_double(prepared, at, v)
            case .text(let v): sqlite_nio_sqlite3_bind_text64(prepared, at, v, UInt64(v.utf8.count), transient, UInt8(SQLITE_UTF8))
            default: sqlite_nio_sqlite3_bind_null(prepared, at)
            }
        }
    }

    private func error() -> String { handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "SQLite error" }

    /// Up to `rows` rows; `last` when the statement has none after them.
    func next(_ rows: Int) throws -> SourcePage {
        var out = SourcePage()
        guard let statement, !done else { out.last = true; return out }
        // The statement is left on a row it has not handed on yet (stepped once ahead), except at the start.
        if !started {
            started = true
            try step()
        }
        while !done && out.rows < rows {
            if let bytes = sqlite_nio_sqlite3_column_text(statement, 0) {
                out.ndjson.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: Int(sqlite_nio_sqlite3_column_bytes(statement, 0))))
                out.ndjson.append(0x0A)
                out.rows += 1
                if watermarks, let wm = sqlite_nio_sqlite3_column_text(statement, 1) {
                    let value = String(cString: wm)
                    let type = sqlite_nio_sqlite3_column_text(statement, 2).map { String(cString: $0) } ?? "text"
                    out.watermarks.append(Watermark(value: value, type: type))
                }
            }
            try step()
        }
        out.last = done
        return out
    }

    private var started = false

    private func step() throws {
        let result = sqlite_nio_sqlite3_step(statement)
        if result == SQLITE_DONE { done = true; return }
        guard result == SQLITE_ROW else { throw Failure(message: error(), opening: false) }
    }

    /// Ends the read transaction and closes the handle.
    func close() {
        if let statement { sqlite_nio_sqlite3_finalize(statement) }
        statement = nil
        if let handle {
            sqlite_nio_sqlite3_exec(handle, "COMMIT", nil, nil, nil)
            sqlite_nio_sqlite3_close_v2(handle)
        }
        handle = nil
    }

    deinit { close() }
}
