import Vapor
import DataBankCore

extension Ingest {
    /// Feeds flat JSON objects lying in one buffer (a relay's records as the peer sent them, ``FlatObjects``):
    /// each is read into fields where it lies (``FlatObjectCells``) and goes through the same encoding,
    /// types, quality rules and quarantine as the same record in an NDJSON file, numbered and refused the
    /// same way; no line is written or split, and an encoder is looked up only when a record's member
    /// names differ from the one before. A buffer that is not valid UTF-8 is fed as NDJSON instead (its
    /// bad bytes then read as U+FFFD, as in a file).
    func feed(_ objects: FlatObjects) async throws {
        guard objects.isValidUTF8 else {
            try await feed(objects.ndjson)
            try parsePending()
            return
        }
        var cells = FlatObjectCells()
        var shape: Result<RowEncoder, HeaderProblem>?
        try objects.bytes.withUnsafeBufferPointer { buffer in
            for range in objects.ranges {
                summary.rows += 1
                let row = summary.rows + rowOffset
                do {
                    if try cells.read(objects.bytes, range, record: summary.rows) || shape == nil { shape = encoder(for: cells.names) }
                } catch let e as JSONStreamError {
                    reject([RowProblem(row: e.record + rowOffset, problem: e.problem)])
                    continue
                }
                try cells.unescaped.withUnsafeBufferPointer { unescaped in
                    let field = { (i: Int) in cells.field(i, buffer, unescaped) }
                    switch shape {
                    case .success(let rowEncoder):
                        add(row: row, offset: nil, fieldCount: cells.count, encoder: rowEncoder, names: cells.names, field: field)
                    case .failure(let p):
                        // As a JSON file's: the first record's fields are checked before anything is written.
                        if summary.rows == 1 { throw Self.headerError(p) }
                        var values: [String: String?] = [:]
                        for (i, name) in cells.names.enumerated() where values.index(forKey: name) == nil {
                            values[name] = field(i).map { String(decoding: $0, as: UTF8.self) }
                        }
                        reject(
                            [RowProblem(row: row, problem: FieldProblem("bad_fields", zh: p.message, en: p.messageEn))], rawRow: JSONText.encode(values))
                    case nil: break
                    }
                }
            }
        }
        try await flushFullBatches()
    }
}
