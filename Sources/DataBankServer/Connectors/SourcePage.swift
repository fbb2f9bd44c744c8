import Foundation
import Vapor
import DataBankCore

/// A page of source rows: NDJSON lines already named by the store's items (the SQLite source's
/// database builds each line; HTTP and DataBank sources write them), or the rows as text fields
/// (`cells`: the PostgreSQL source), and each row's watermark value in incremental mode.
struct SourcePage: Sendable {
    var ndjson: [UInt8] = []
    /// The rows as fields named by the store's items, instead of `ndjson`.
    var cells: FieldRows?
    /// The rows as JSON objects lying in a buffer (a relay's page as the peer sent it), instead of `ndjson`.
    var objects: FlatObjects?
    var rows = 0
    var watermarks: [Watermark] = []
    /// Whether the source has no more rows after this page.
    var last = false

    /// The rows as JSON objects (a test-connection's preview): the lines, or each row's fields as text.
    var jsonLines: [String] {
        if let cells { return (0..<cells.count).map(cells.jsonObject) }
        if let objects { return objects.ranges.map { String(decoding: objects.bytes[$0], as: UTF8.self) } }
        return String(decoding: ndjson, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

/// What a database source reads: a table or a read-only query, mapped, past a watermark.
struct SourceRead: Sendable {
    var table: String?
    var query: String?
    var mapping: ConnectorMapping
    var watermarkColumn: String?
    var after: Watermark?
    var pageSize: Int
    /// At most this many rows in all (a test-connection preview), nil: all.
    var limit: Int?

    /// A name as a quoted SQL identifier (both dialects: `"` doubled).
    static func quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    /// A text as a SQL string literal (item names, which the mapping checked against the layout).
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    /// The rows read: the table, or the query (one statement, checked read-only; a trailing `;` dropped).
    var base: String {
        if let table, !table.isEmpty {
            // `schema.table` names a table in a schema; each part quoted.
            return "SELECT * FROM " + table.split(separator: ".", maxSplits: 1).map { Self.quote(String($0)) }.joined(separator: ".")
        }
        var q = (query ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        while q.hasSuffix(";") { q.removeLast(); q = q.trimmingCharacters(in: .whitespacesAndNewlines) }
        return q
    }

    /// The mapped pairs as `'item', src."column"` arguments, in chunks a JSON builder takes in one call.
    var pairChunks: [String] {
        stride(from: 0, to: mapping.pairs.count, by: 40).map { start in
            mapping.pairs[start..<min(start + 40, mapping.pairs.count)]
                .map { "\(Self.literal($0.item)), src.\(Self.quote($0.source))" }.joined(separator: ", ")
        }
    }
}

/// A source's failure, worded for the connector's owner, with the field at fault.
enum SourceFailure {
    static func unreachable(_ what: String, field: String, detail: String) -> AppError {
        AppError.field(
            .unprocessableEntity, "source_unreachable", field, zh: "无法连接数据源 \(what)：\(detail)",
            en: "Cannot reach the source \(what): \(detail)")
    }

    static func credentials(_ detail: String) -> AppError {
        AppError.field(
            .unprocessableEntity, "source_credentials", "source.password", zh: "数据源拒绝了用户名或密码：\(detail)",
            en: "The source refused the user name or password: \(detail)")
    }

    static func query(_ detail: String, field: String) -> AppError {
        AppError.field(.unprocessableEntity, "source_query", field, zh: "数据源执行查询失败：\(detail)", en: "The source could not run the read: \(detail)")
    }

    static func notReadOnly(_ detail: String) -> AppError {
        AppError.field(
            .unprocessableEntity, "not_read_only", "source.query", zh: "查询试图写入，已在只读事务中被拒绝：\(detail)",
            en: "The query tried to write and was refused by the read-only transaction: \(detail)")
    }
}

/// An error of the page's consumer (the ingest, the platform's database), carried out of a source's
/// read unchanged: only the source's own errors are worded as the source's.
struct SinkError: Error {
    var error: any Error

    static func wrap(_ body: () async throws -> Void) async throws {
        do { try await body() } catch { throw SinkError(error: error) }
    }
}
