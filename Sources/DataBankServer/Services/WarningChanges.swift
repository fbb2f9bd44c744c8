import SQLKit
import DataBankCore

/// A step's changes read from a store's change log: each inserted or updated record's sequence number and
/// the members the rules read.
enum WarningChanges {
    struct Read {
        /// Inserted and updated records, in change order (a delete has no record to watch).
        var records: [(seq: Int, fields: [String: String])] = []
        /// The last change read, whatever its kind; nil when none waits.
        var last: Int?
        /// How many changes were read.
        var count = 0
    }

    /// Up to `limit` changes after `seq`.
    ///
    /// On SQLite the rows come as text cells, stepped on the read connection with the statement kept
    /// prepared. On PostgreSQL the step is one text aggregated by the server, a line a change (`seq`, `op`
    /// and the record's JSON, tab-separated: the log's JSON never holds a raw tab or newline): twenty
    /// thousand data rows decoded one by one cost the evaluating process more than the rules themselves.
    static func read(
        _ store: RecordStoreRow, after seq: Int, limit: Int, keeping needed: FlatJSONText.Names, on sql: any SQLDatabase
    ) async throws -> Read {
        var out = Read()
        out.records.reserveCapacity(limit)
        var scratch: [UInt8] = []
        switch RecordTables.Dialect(sql) {
        case .sqlite:
            let rows = RecordTextRows.Collector([(seq: Int, op: String, data: String?)]())
            try await RecordTextRows.run(
                "SELECT CAST(seq AS TEXT) AS seq_text, op, data FROM \(ident: store.tables.changes) WHERE seq > \(bind: seq) ORDER BY seq LIMIT \(literal: limit)",
                names: ["seq_text", "op", "data"], on: sql
            ) { cells in
                if let seq = cells[0].flatMap({ Int($0) }) { rows.value.append((seq, cells[1] ?? "", cells[2])) }
            }
            for change in rows.value {
                out.last = change.seq
                out.count += 1
                guard change.op == "insert" || change.op == "update", var data = change.data else { continue }
                if let fields = data.withUTF8({ FlatJSONText.fields(utf8: $0, only: needed, scratch: &scratch) }) {
                    out.records.append((change.seq, fields))
                }
            }
        case .postgres:
            guard
                let row = try await sql.raw(
                    """
                    SELECT string_agg(seq || E'\\t' || op || E'\\t' || COALESCE(data, ''), E'\\n') AS body FROM (
                        SELECT seq, op, data FROM \(ident: store.tables.changes) WHERE seq > \(bind: seq) ORDER BY seq LIMIT \(literal: limit)
                    ) AS step
                    """
                ).first(), var body = try row.decode(column: "body", as: String?.self)
            else { return out }
            var ordered = true
            body.withUTF8 { text in
                for line in Lines(text) {
                    guard let change = Change(line) else { continue }
                    if let last = out.last, change.seq < last { ordered = false }
                    out.last = max(out.last ?? change.seq, change.seq)
                    out.count += 1
                    guard change.isRecord, let fields = FlatJSONText.fields(utf8: change.data, only: needed, scratch: &scratch) else { continue }
                    out.records.append((change.seq, fields))
                }
            }
            // The aggregate takes the rows as the ordered subquery gives them, which PostgreSQL does in practice
            // but does not promise: an ordered aggregate would sort the step's megabytes of text again (on disk,
            // past `work_mem`), so the order is checked here instead.
            if !ordered { out.records.sort { $0.seq < $1.seq } }
        }
        return out
    }

    /// One line of the aggregated text: `seq`, `op`, the record's JSON.
    private struct Change {
        var seq: Int
        var isRecord: Bool
        var data: UnsafeBufferPointer<UInt8>

        init?(_ line: UnsafeBufferPointer<UInt8>) {
            let tab = UInt8(ascii: "\t")
            guard let first = line.firstIndex(of: tab), let second = line[(first + 1)...].firstIndex(of: tab) else { return nil }
            var seq = 0
            for byte in line[..<first] {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                seq = seq * 10 + Int(byte - UInt8(ascii: "0"))
            }
            let op = line[(first + 1)..<second]
            self.seq = seq
            isRecord = op.elementsEqual("insert".utf8) || op.elementsEqual("update".utf8)
            data = UnsafeBufferPointer(rebasing: line[(second + 1)...])
        }
    }

    /// The text's lines, without their newline.
    private struct Lines: Sequence, IteratorProtocol {
        let text: UnsafeBufferPointer<UInt8>
        var at = 0

        init(_ text: UnsafeBufferPointer<UInt8>) { self.text = text }

        mutating func next() -> UnsafeBufferPointer<UInt8>? {
            guard at < text.count else { return nil }
            let end = text[at...].firstIndex(of: UInt8(ascii: "\n")) ?? text.count
            defer { at = end + 1 }
            return UnsafeBufferPointer(rebasing: text[at..<end])
        }
    }
}
