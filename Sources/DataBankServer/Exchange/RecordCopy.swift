import FluentPostgresDriver
import SQLKit
import Vapor
import DataBankCore

/// PostgreSQL's bulk path for a batch: `COPY … FROM STDIN` (text format) on the load's own
/// connection, inside its transaction, for the records and their change-log entries. The rows
/// are the row encoder's canonical JSON objects, turned into COPY text here: the same text the
/// multi-row INSERT (`json_populate_recordset`) hands each column's input function, so types,
/// rounding and refusals are the same, and a failure rolls the batch back like any statement.
struct RecordCopy {
    let writer: RecordWriter

    /// Off only in tests that compare this path with the INSERT one.
    @TaskLocal static var enabled = true

    /// Column names go into the COPY statement quoted but not escaped (PostgresNIO builds it):
    /// only plain identifiers take this path; anything else keeps the INSERT.
    static func usable(_ layout: RecordLayout, _ tables: RecordTables) -> Bool {
        let plain = { (name: String) in
            !name.isEmpty && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
        }
        return enabled && layout.columns.allSatisfy { plain($0.name) } && plain(tables.base)
    }

    /// Copies the chosen rows of `batch` into the records table.
    func records(_ batch: RecordBatch, _ indexes: [Int], on sql: any SQLDatabase) async throws {
        let columns = writer.layout.columns
        var out: [UInt8] = []
        out.reserveCapacity(batch.bytes.count)
        batch.bytes.withUnsafeBufferPointer { bytes in
            for i in indexes { Self.appendRecord(UnsafeBufferPointer(rebasing: bytes[batch.objects[i]]), columns: columns, to: &out) }
        }
        try await copy(into: writer.tables.records, columns: columns.map(\.name), text: out, on: sql)
    }

    /// Copies the change-log entries of the chosen rows, numbered from `firstSeq`, as `changeSQL`
    /// writes them: the key as `json_build_array` prints it, the object's text as it is.
    func changes(_ batch: RecordBatch, _ indexes: [Int], op: String, firstSeq: Int, at: Int, on sql: any SQLDatabase) async throws {
        let tail = Array("\t\(op)\t".utf8), suffix = Array("\t\(at)\t\(writer.loadID.uuidString)\n".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(batch.bytes.count + indexes.count * 80)
        batch.bytes.withUnsafeBufferPointer { bytes in
            for (n, i) in indexes.enumerated() {
                out.append(contentsOf: String(firstSeq + n).utf8)
                out.append(contentsOf: tail)
                out.append(UInt8(ascii: "["))
                var first = true
                for part in batch.keys[i].utf8.split(separator: 0x1F, omittingEmptySubsequences: false) {
                    if !first { out.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: " ")]) }
                    first = false
                    Self.appendEscaped(part, to: &out)
                }
                out.append(UInt8(ascii: "]"))
                out.append(UInt8(ascii: "\t"))
                Self.appendEscaped(UnsafeBufferPointer(rebasing: bytes[batch.objects[i]]), to: &out)
                out.append(contentsOf: suffix)
            }
        }
        try await copy(into: writer.tables.changes, columns: ["seq", "op", "record_key", "data", "at_ms", "load_id"], text: out, on: sql)
    }

    /// Runs one COPY on the transaction's connection, sending `text` in chunks.
    private func copy(into table: String, columns: [String], text: [UInt8], on sql: any SQLDatabase) async throws {
        guard let pg = sql as? any PostgresDatabase else { throw AppError(.internalServerError, "copy_unavailable", "COPY needs PostgreSQL") }
        let logger = sql.logger
        try await pg.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                    var start = 0
                    // 1 MiB messages: the server takes them as they come, no row is split across a boundary it minds.
                    while start < text.count {
                        let end = min(text.count, start + (1 << 20))
                        try await writer.write(ByteBuffer(bytes: text[start..<end]))
                        start = end
                    }
                }
            }
        }.get()
    }

    // MARK: Canonical JSON → COPY text

    /// One row: every layout column in order (the encoder writes them all, in layout order),
    /// `\N` for null, strings unescaped then escaped for COPY, numbers and booleans as written.
    static func appendRecord(_ object: UnsafeBufferPointer<UInt8>, columns: [RecordLayout.Column], to out: inout [UInt8]) {
        CanonicalRow.forEachValue(object, columns: columns) { c, span in
            if c > 0 { out.append(UInt8(ascii: "\t")) }
            switch span {
            case .string(let body, escaped: true): appendCopyText(CanonicalRow.unescape(body), to: &out)
            // No escape in JSON: no backslash, tab or line break either; the bytes go as they are.
            case .string(let body, escaped: false): out.append(contentsOf: body)
            case .literal(let text):
                if text.elementsEqual(nullBytes) { out.append(contentsOf: [backslash, UInt8(ascii: "N")]) } else { out.append(contentsOf: text) }
            }
        }
        out.append(UInt8(ascii: "\n"))
    }

    /// Text as a COPY text-format field: backslash, tab, newline and carriage return escaped.
    static func appendCopyText(_ text: String, to out: inout [UInt8]) {
        for b in text.utf8 {
            switch b {
            case backslash: out.append(contentsOf: [backslash, backslash])
            case 0x09: out.append(contentsOf: [backslash, UInt8(ascii: "t")])
            case 0x0A: out.append(contentsOf: [backslash, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [backslash, UInt8(ascii: "r")])
            default: out.append(b)
            }
        }
    }

    /// JSON text (which holds no raw control characters) as a COPY field: only its backslashes doubled.
    static func appendEscaped<C: Collection<UInt8>>(_ json: C, to out: inout [UInt8]) {
        for b in json {
            if b == backslash { out.append(backslash) }
            out.append(b)
        }
    }

    static let backslash = UInt8(ascii: "\\")
    static let nullBytes = Array("null".utf8)
}
