import Fluent
import SQLKit
import Vapor
import DataBankCore

// What the records API answers with and keeps between requests: the request digest, the
// quarantine and load items, CSV lines, and the per-instance cache of exact totals.

/// SHA-256 of a request: its method and URL, then its body as it streams past.
final class RequestDigest: @unchecked Sendable {  // updated by the one task reading the body
    private var hasher = SHA256()
    init(_ req: Request) { hasher.update(data: Array("\(req.method.rawValue) \(req.url.string)\n".utf8)) }
    func update(_ bytes: [UInt8]) { hasher.update(data: bytes) }
    var hex: String { hasher.finalize().hexString }
}

struct QuarantineItem: Content {
    var id: UUID?, loadID: UUID, row: Int, byteOffset: Int?, column: String?, value: String?, code: String, message: String, messageEn: String, status: String
    /// The source row by column (to fix and resubmit), or `line` when it could not be split.
    var record: [String: String?]?
    var line: String?
    var resolvedAt: Date?, resolvedBy: String?, note: String?
    init(_ r: QuarantineRow) {
        id = r.id; loadID = r.loadID; row = r.rowNumber; byteOffset = r.byteOffset; column = r.columnName; value = r.rawValue
        code = r.code; message = r.message; messageEn = r.messageEn; status = r.status
        record = r.rawRow.flatMap { JSONText.decode([String: String?].self, $0) }
        line = record == nil ? r.rawRow.flatMap { JSONText.decode(String.self, $0) } : nil
        resolvedAt = r.resolvedAt; resolvedBy = r.resolvedBy; note = r.note
    }
}

struct LoadItem: Content {
    var id: UUID?, mode: String, format: String, encoding: String?, source: String?, actor: String, status: String
    var inserted: Int, updated: Int, rejected: Int, error: String?, startedAt: Date, finishedAt: Date?
    init(_ r: LoadRow) {
        id = r.id; mode = r.mode; format = r.format; encoding = r.encoding; source = r.source; actor = r.actorName; status = r.status
        inserted = r.inserted; updated = r.updated; rejected = r.rejected; error = r.error; startedAt = r.startedAt; finishedAt = r.finishedAt
    }
}

/// CSV output: RFC 4180 quoting where needed, CRLF line ends (what spreadsheets expect).
enum CSVText {
    static func line(_ cells: [String?]) -> String {
        var out = ""
        append(cells, to: &out)
        return out
    }

    /// Appends one line; bytes are checked, not characters (an export runs this for every cell).
    static func append(_ cells: [String?], to out: inout String) {
        for (i, cell) in cells.enumerated() {
            if i > 0 { out += "," }
            guard let cell else { continue }
            if cell.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                out += "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            } else {
                out += cell
            }
        }
        out += "\r\n"
    }
    static func line(_ cells: [String]) -> String { line(cells.map(Optional.some)) }
}

/// One ``CSVText`` field written as bytes (the download path writes masked cells this way): the
/// same quoting, decided on the same bytes.
enum CSVBytes {
    static func appendField(_ cell: String?, to out: inout ByteBuffer) {
        guard var cell else { return }
        cell.withUTF8 { appendField(UnsafeRawBufferPointer($0), to: &out) }
    }

    /// One field from its UTF-8 bytes, quoted when it holds a comma, a double quote, CR or LF.
    static func appendField(_ cell: UnsafeRawBufferPointer, to out: inout ByteBuffer) {
        guard cell.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            out.writeBytes(cell)
            return
        }
        out.writeInteger(UInt8(ascii: "\""))
        for byte in cell {
            out.writeInteger(byte)
            if byte == 0x22 { out.writeInteger(byte) }  // a quote doubled
        }
        out.writeInteger(UInt8(ascii: "\""))
    }
}

/// Exact totals, computed once per store version and filter (a write bumps the version, and
/// the version is read from the database, so several instances never serve a stale total).
actor TotalCache {
    private var entries: [String: Int] = [:]

    func total(store: RecordStoreRow, signature: String, compute: @Sendable () async throws -> Int) async throws -> Int {
        let key = "\(store.resourceCode)#\(store.version)#\(signature)"
        if let hit = entries[key] { return hit }
        let value = try await compute()
        if entries.count > 10_000 { entries.removeAll() }
        entries[key] = value
        return value
    }
}

extension Application {
    private struct TotalCacheKey: StorageKey { typealias Value = TotalCache }
    var totalCache: TotalCache {
        if let cache = storage[TotalCacheKey.self] { return cache }
        let cache = TotalCache()
        storage[TotalCacheKey.self] = cache
        return cache
    }
}
