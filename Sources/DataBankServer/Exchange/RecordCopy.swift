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
    /// The batch's rows as COPY text, made ahead (``CopyText``).
    let text: CopyText

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

    /// Rows per COPY message (about 1 MiB of the bench's rows): the server parses one while the next is sent.
    static let rowsPerMessage = 4_000

    /// Copies the chosen rows of the batch into the records table.
    func records(_ indexes: [Int], on sql: any SQLDatabase) async throws {
        let text = self.text
        // Indexes ascend without repeats: as many as the batch holds is every row, in order.
        let all = indexes.count == text.recordLines.count
        try await copy(into: writer.tables.records, columns: writer.layout.columns.map(\.name), on: sql) { copy in
            if all {
                var start = 0
                while start < text.records.count {
                    let end = min(text.records.count, start + (1 << 20))
                    try await copy.write(ByteBuffer(bytes: text.records[start..<end]))
                    start = end
                }
                return
            }
            for part in stride(from: 0, to: indexes.count, by: Self.rowsPerMessage) {
                var buffer = ByteBuffer()
                text.records.withUnsafeBytes { bytes in
                    for i in indexes[part..<min(indexes.count, part + Self.rowsPerMessage)] {
                        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[text.recordLines[i]]))
                    }
                }
                try await copy.write(buffer)
            }
        }
    }

    /// Copies the change-log entries of the chosen rows, numbered from `firstSeq`, as `changeSQL`
    /// writes them: the key as `json_build_array` prints it, the object's text as it is.
    func changes(_ indexes: [Int], op: String, firstSeq: Int, at: Int, on sql: any SQLDatabase) async throws {
        let text = self.text
        let tail = Array("\t\(op)\t".utf8), suffix = Array("\t\(at)\t\(writer.loadID.uuidString)\n".utf8)
        try await copy(into: writer.tables.changes, columns: ["seq", "op", "record_key", "data", "at_ms", "load_id"], on: sql) { copy in
            for part in stride(from: 0, to: indexes.count, by: Self.rowsPerMessage) {
                let rows = indexes[part..<min(indexes.count, part + Self.rowsPerMessage)]
                var buffer = ByteBuffer()
                buffer.reserveCapacity(rows.reduce(0) { $0 + text.changeParts[$1].count } + rows.count * (tail.count + suffix.count + 20))
                text.changes.withUnsafeBytes { bytes in
                    for (n, i) in zip(part..., rows) {
                        Self.writeDecimal(firstSeq + n, to: &buffer)
                        buffer.writeBytes(tail)
                        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[text.changeParts[i]]))
                        buffer.writeBytes(suffix)
                    }
                }
                try await copy.write(buffer)
            }
        }
    }

    /// Runs one COPY on the transaction's connection; `send` writes its data.
    private func copy(
        into table: String, columns: [String], on sql: any SQLDatabase, send: @escaping @Sendable (PostgresCopyFromWriter) async throws -> Void
    ) async throws {
        guard let pg = sql as? any PostgresDatabase else { throw AppError(.internalServerError, "copy_unavailable", "COPY needs PostgreSQL") }
        let logger = sql.logger
        try await pg.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                try await connection.copyFrom(table: table, columns: columns, logger: logger) { try await send($0) }
            }
        }.get()
    }

    /// A non-negative number's decimal digits, without making a String.
    static func writeDecimal(_ value: Int, to buffer: inout ByteBuffer) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 24 digits
        var v = UInt64(max(0, value)), count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                count += 1
                d[24 - count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: d[(24 - count)...]))
        }
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

/// A batch's rows as COPY text, made before its write starts (in its own task, while the batch
/// before it is written: ``Ingest``), so the server is not kept waiting while the text is built.
/// Per row: its records line, and its change-log entry's middle (`[key]<TAB>object`), both escaped.
struct CopyText: Sendable {
    var records: [UInt8] = []
    var recordLines: [Range<Int>] = []
    var changes: [UInt8] = []
    var changeParts: [Range<Int>] = []

    init(_ batch: RecordBatch, columns: [RecordLayout.Column]) {
        records.reserveCapacity(batch.bytes.count + batch.count)
        changes.reserveCapacity(batch.bytes.count + batch.count * 24)
        recordLines.reserveCapacity(batch.count)
        changeParts.reserveCapacity(batch.count)
        batch.bytes.withUnsafeBufferPointer { bytes in
            for i in 0..<batch.count {
                let object = UnsafeBufferPointer(rebasing: bytes[batch.objects[i]])
                let line = records.count
                RecordCopy.appendRecord(object, columns: columns, to: &records)
                recordLines.append(line..<records.count)
                let part = changes.count
                changes.append(UInt8(ascii: "["))
                // Key parts (canonical JSON, so no raw U+001F inside) joined as `json_build_array` prints them.
                for b in batch.keys[i].utf8 {
                    if b == 0x1F {
                        changes.append(UInt8(ascii: ",")); changes.append(UInt8(ascii: " "))
                    } else {
                        if b == RecordCopy.backslash { changes.append(b) }
                        changes.append(b)
                    }
                }
                changes.append(UInt8(ascii: "]"))
                changes.append(0x09)
                RecordCopy.appendEscaped(object, to: &changes)
                changeParts.append(part..<changes.count)
            }
        }
    }
}
