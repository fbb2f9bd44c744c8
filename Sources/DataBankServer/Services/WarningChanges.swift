import SQLKit
import DataBankCore

/// A step's changes read from a store's change log: each inserted or updated record's sequence number and
/// the members the rules read, by slot (``FlatJSONText/Names/all``'s order).
enum WarningChanges {
    struct Read: Sendable {
        /// Inserted and updated records, in change order (a delete has no record to watch).
        var records: [(seq: Int, fields: [String?])] = []
        /// The last change read, whatever its kind; nil when none waits.
        var last: Int?
        /// How many changes were read.
        var count = 0
        /// Reused by each record's parse.
        fileprivate var scratch: [UInt8] = []

        /// Counts one change read, keeping its record's members when it holds one.
        fileprivate mutating func add(seq: Int, isRecord: Bool, data: UnsafeBufferPointer<UInt8>?, keeping needed: FlatJSONText.Names) {
            last = max(last ?? seq, seq)
            count += 1
            guard isRecord, let data, let fields = needed.slots(utf8: data, scratch: &scratch) else { return }
            records.append((seq, fields))
        }
    }

    /// Up to `limit` changes after `seq`.
    ///
    /// On SQLite's read connections the rows are stepped on the C API and each record is parsed from
    /// SQLite's own buffer (no cells, no `String` of the record); elsewhere on SQLite as text cells. On
    /// PostgreSQL the step is one text aggregated by the server, a line a change (`seq`, `op` and the
    /// record's JSON, tab-separated: the log's JSON never holds a raw tab or newline): twenty thousand data
    /// rows decoded one by one cost the evaluating process more than the rules themselves.
    static func read(
        _ store: RecordStoreRow, after seq: Int, limit: Int, keeping needed: FlatJSONText.Names, on sql: any SQLDatabase
    ) async throws -> Read {
        var out = Read()
        switch RecordTables.Dialect(sql) {
        case .sqlite:
            let query: SQLQueryString =
                "SELECT seq, op, data FROM \(ident: store.tables.changes) WHERE seq > \(bind: seq) ORDER BY seq LIMIT \(literal: limit)"
            if let read = sql as? SQLiteReadPool.ReadDatabase, let direct = read.direct {
                return try await direct.fold(query, serializedFor: sql, into: out) { out, row in
                    let data = row.text(2).map { UnsafeBufferPointer(start: $0.baseAddress?.assumingMemoryBound(to: UInt8.self), count: $0.count) }
                    out.add(seq: row.integer(0), isRecord: row.text(1).map { isRecord(op: $0) } ?? false, data: data, keeping: needed)
                }
            }
            out.records.reserveCapacity(limit)
            let rows = RecordTextRows.Collector([(seq: Int, op: String, data: String?)]())
            try await RecordTextRows.run(query, names: ["seq", "op", "data"], on: sql) { cells in
                if let seq = cells[0].flatMap({ Int($0) }) { rows.value.append((seq, cells[1] ?? "", cells[2])) }
            }
            for change in rows.value {
                var data = change.data ?? ""
                data.withUTF8 { out.add(seq: change.seq, isRecord: change.data != nil && isRecord(op: change.op.utf8), data: $0, keeping: needed) }
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
            out.records.reserveCapacity(limit)
            var ordered = true
            body.withUTF8 { text in
                for line in Lines(text) {
                    guard let change = Change(line) else { continue }
                    if let last = out.last, change.seq < last { ordered = false }
                    out.add(seq: change.seq, isRecord: change.isRecord, data: change.data, keeping: needed)
                }
            }
            // The aggregate takes the rows as the ordered subquery gives them, which PostgreSQL does in practice
            // but does not promise: an ordered aggregate would sort the step's megabytes of text again (on disk,
            // past `work_mem`), so the order is checked here instead.
            if !ordered { out.records.sort { $0.seq < $1.seq } }
        }
        return out
    }

    /// Whether a change's `op` brings a record (an insert or an update; a delete does not).
    static func isRecord<Op: Sequence<UInt8>>(op: Op) -> Bool {
        op.elementsEqual("insert".utf8) || op.elementsEqual("update".utf8)
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
            isRecord = WarningChanges.isRecord(op: op)
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
