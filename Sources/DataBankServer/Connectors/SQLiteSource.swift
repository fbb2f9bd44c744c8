import FluentSQLiteDriver
import Foundation
import NIOPosix
import Vapor
import DataBankCore

/// Reads a department's SQLite file: opened read-only (`mode=ro`, so a missing file is an error and
/// never created) with `PRAGMA query_only`, all pages inside one read transaction, so a run sees one
/// state of a file that its application keeps writing. Pages are `LIMIT`/`OFFSET` slices of the
/// mapped rows, one more row asked than kept to know whether another page follows.
struct SQLiteSource: Sendable {
    /// The file, resolved under the connector root.
    var path: String

    func read(_ read: SourceRead, app: Application, page: (SourcePage) async throws -> Void) async throws {
        let connection = try await open(app: app)
        do {
            try await pages(read, connection: connection, page: page)
            _ = try? await connection.query("COMMIT")
            try? await connection.close()
        } catch {
            _ = try? await connection.query("ROLLBACK")
            try? await connection.close()
            throw error
        }
    }

    private func open(app: Application) async throws -> SQLiteConnection {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SourceFailure.unreachable(URL(fileURLWithPath: path).lastPathComponent, field: "source.path", detail: "no such file")
        }
        // A URI, so the file opens read-only (SQLiteNIO passes SQLITE_OPEN_URI).
        let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: .file(path: "file:\(escaped)?mode=ro"), threadPool: app.threadPool, logger: app.logger, on: app.eventLoopGroup.any())
        } catch {
            throw SourceFailure.unreachable(URL(fileURLWithPath: path).lastPathComponent, field: "source.path", detail: "\(error)")
        }
        do {
            _ = try await connection.query("PRAGMA query_only = ON")
            _ = try await connection.query("PRAGMA busy_timeout = 10000")
            _ = try await connection.query("BEGIN")
        } catch {
            try? await connection.close()
            throw SourceFailure.unreachable(URL(fileURLWithPath: path).lastPathComponent, field: "source.path", detail: "\(error)")
        }
        return connection
    }

    private func pages(_ read: SourceRead, connection: SQLiteConnection, page: (SourcePage) async throws -> Void) async throws {
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
        let sql = "\(select) FROM (\(read.base)) AS src\(filter)\(order) LIMIT ? OFFSET ?"
        var offset = 0
        while true {
            let want = read.limit.map { min(read.pageSize, $0 - offset) } ?? read.pageSize
            if want <= 0 { return }
            let rows: [SQLiteRow]
            do {
                rows = try await connection.query(sql, binds + [.integer(want + 1), .integer(offset)])
            } catch {
                throw SourceFailure.query("\(error)", field: read.table != nil ? "source.table" : "source.query")
            }
            var out = SourcePage()
            out.last = rows.count <= want || (read.limit.map { offset + want >= $0 } ?? false)
            for row in rows.prefix(want) {
                guard let text = row.column("line")?.string else { continue }
                out.ndjson.append(contentsOf: text.utf8)
                out.ndjson.append(0x0A)
                out.rows += 1
                if read.watermarkColumn != nil, let value = row.column("wm")?.string {
                    out.watermarks.append(Watermark(value: value, type: row.column("wmtype")?.string ?? "text"))
                }
            }
            offset += out.rows
            try await page(out)
            if out.last { return }
        }
    }
}
