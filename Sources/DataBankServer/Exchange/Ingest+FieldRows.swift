import Vapor
import DataBankCore

/// Rows already split into text fields, a page at a time: what a database source's server printed for
/// each column (PostgreSQL's text output), named by the store's items. The ingest takes them as it
/// takes a CSV file's parsed fields (``Ingest/feed(_:)-(FieldRows)``): no JSON is built by the source
/// or parsed here. A NULL stays apart from an empty text (the quarantine's raw row shows `null` vs `""`).
struct FieldRows: Sendable {
    /// The item each field of a row fills, in field order.
    let names: [String]
    /// The fields' bytes back to back, row after row.
    private(set) var bytes: [UInt8] = []
    /// Per field, row after row: where it ends in `bytes` (it starts where the one before ended); a
    /// NULL's end is stored complemented (`~end`, negative).
    private(set) var ends: [Int] = []
    private(set) var count = 0

    init(names: [String], capacity: Int = 0) {
        self.names = names
        ends.reserveCapacity(capacity * names.count)
    }

    mutating func append(_ field: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: field)
        ends.append(bytes.count)
    }

    mutating func appendNull() { ends.append(~bytes.count) }

    /// Closes the row whose fields were just appended (all `names.count` of them).
    mutating func endRow() { count += 1 }

    /// Field `column` of row `row`: its range in `bytes`, nil for NULL.
    func field(_ row: Int, _ column: Int) -> Range<Int>? {
        let k = row * names.count + column
        guard ends[k] >= 0 else { return nil }
        let start = k == 0 ? 0 : (ends[k - 1] >= 0 ? ends[k - 1] : ~ends[k - 1])
        return start..<ends[k]
    }

    /// Row `row` as a JSON object of item → text (`null` for NULL), for a preview.
    func jsonObject(_ row: Int) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        bytes.withUnsafeBufferPointer { buffer in
            for (i, name) in names.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                var name = name
                name.withUTF8 { FieldConverter.appendString($0, to: &out) }
                out.append(UInt8(ascii: ":"))
                if let range = field(row, i) {
                    FieldConverter.appendString(UnsafeBufferPointer(rebasing: buffer[range]), to: &out)
                } else {
                    out.append(contentsOf: Array("null".utf8))
                }
            }
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}

extension Ingest {
    /// Feeds a page of rows already split into fields, named by `rows.names` (items or column names;
    /// an optional item may be absent, as from a JSON record). Each row is numbered by its position in
    /// the load and goes through the same encoding, types, quality rules and quarantine as a file's.
    func feed(_ rows: FieldRows) async throws {
        let rowEncoder: RowEncoder
        switch encoder(for: rows.names) {
        case .success(let e): rowEncoder = e
        case .failure(let p): throw Self.headerError(p)
        }
        let width = rows.names.count
        rows.bytes.withUnsafeBufferPointer { buffer in
            for r in 0..<rows.count {
                summary.rows += 1
                add(row: summary.rows + rowOffset, offset: nil, fieldCount: width, encoder: rowEncoder, names: rows.names) { i in
                    rows.field(r, i).map { UnsafeBufferPointer(rebasing: buffer[$0]) }
                }
            }
        }
        try await flushFullBatches()
    }
}
