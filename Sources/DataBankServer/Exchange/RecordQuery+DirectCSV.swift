import NIOCore
import SQLKit

extension RecordQuery {
    /// ``csvBytes(after:limit:on:)`` read through ``SQLiteDirectReads``: each field comes back as
    /// SQLite's text of it and is copied into the page's bytes, quoted here when it holds a comma,
    /// a double quote, CR or LF (as ``CSVText`` quotes); only masked fields become strings, to be
    /// masked. The same bytes as the SQLKit path, without a string per cell or SQL doing the quoting.
    func csvBytes(after cursor: [String]?, limit: Int, direct: SQLiteDirectReads, sql: any SQLDatabase) async throws -> (
        bytes: ByteBuffer, next: [String]?
    ) {
        let statement = pageStatement(cellSelect(dateTimeSeparator: " ", .sqlite), after: cursor, limit: limit, offset: 0, .sqlite)
        let width = fields.count
        let keys = order.count
        let view = self.view
        let masks = fields.map { field in view.map { $0.rule(field.name) }.flatMap { $0 == .clear ? nil : $0 } }
        let names = fields.map(\.name)
        let today = GrantAccess.today()
        let initial = DirectCSVPage(bytes: ByteBufferAllocator().buffer(capacity: limit * 160), rows: 0, last: Array(repeating: nil, count: keys))
        let page = try await direct.fold(statement, serializedFor: sql, into: initial) { page, row in
            for i in 0..<width {
                if i > 0 { page.bytes.writeInteger(UInt8(ascii: ",")) }
                if let rule = masks[i] {
                    CSVBytes.appendField(view?.mask(row.string(i), rule: rule, column: names[i], today: today), to: &page.bytes)
                } else if let cell = row.text(i) {
                    CSVBytes.appendField(cell, to: &page.bytes)
                }
            }
            page.bytes.writeInteger(UInt8(ascii: "\r"))
            page.bytes.writeInteger(UInt8(ascii: "\n"))
            page.rows += 1
            for k in 0..<keys {
                // Kept as bytes in reused arrays: only the last row's cursor is ever read.
                guard let cell = row.text(width + k) else { page.last[k] = nil; continue }
                if page.last[k] == nil { page.last[k] = [] }
                page.last[k]!.removeAll(keepingCapacity: true)
                page.last[k]!.append(contentsOf: cell)
            }
        }
        let last = page.rows > 0 ? page.last.map { $0.map { String(decoding: $0, as: UTF8.self) } } : nil
        return (page.bytes, nextCursor(last, rows: page.rows, limit: limit))
    }
}

/// A CSV page being written: its bytes, its row count, and the last row's cursor cells.
struct DirectCSVPage: Sendable {
    var bytes: ByteBuffer
    var rows: Int
    var last: [[UInt8]?]
}
