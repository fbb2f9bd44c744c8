import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The file formats a load accepts. (XLSX is read into rows first: ``XLSXReader``.)
enum IngestFormat: String, Codable, Sendable, CaseIterable {
    case csv, tsv, json, ndjson

    /// From a file name's extension or a content type.
    static func guess(fileName: String? = nil, contentType: String? = nil) -> IngestFormat? {
        if let ext = fileName?.split(separator: ".").last?.lowercased(), let f = IngestFormat(rawValue: ext == "jsonl" ? "ndjson" : ext) { return f }
        switch contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() {
        case "text/csv": return .csv
        case "text/tab-separated-values": return .tsv
        case "application/json": return .json
        case "application/x-ndjson", "application/jsonl", "application/ndjson": return .ndjson
        default: return nil
        }
    }
}

/// What a load did, as the CLI prints it and the API answers it.
struct LoadSummary: Content, Sendable {
    var loadID: UUID
    var resource: String
    var mode: String
    var format: String
    var encoding: String?
    var status: String
    var inserted = 0
    var updated = 0
    var rejected = 0
    var rows = 0
    var seconds = 0.0
    var error: String?
    /// The first refused rows, for a quick look; all are in the quarantine.
    var problems: [ProblemLine] = []

    struct ProblemLine: Content, Sendable {
        /// The record's number (a delimited file's header is row 1, as Frictionless's `rowNumber`).
        var row: Int
        /// The file line where the record starts (delimited files).
        var line: Int?
        var column: String?
        var value: String?
        var code: String
        var message: String
    }
}

/// A stream of bytes → decoded text → rows → typed, checked JSON objects → batches written
/// to the record store. Memory is one batch, whatever the input size.
///
/// Drive it with ``feed(_:)`` for each chunk (or rows already split into fields, ``FieldRows``)
/// and ``finish()`` at the end; the header (CSV) or first record (JSON) is checked before anything
/// is written.
final class Ingest: @unchecked Sendable {  // driven by one task at a time
    static let batchRows = 10_000
    static let sniffBytes = 64 * 1024

    let writer: RecordWriter
    let layout: RecordLayout
    let format: IngestFormat
    let requestedEncoding: TextEncoding?
    let db: any Database
    var summary: LoadSummary
    let started = ContinuousClock.now
    var progress: (@Sendable (Int, Int) -> Void)?
    /// Added to JSON record numbers to report sheet rows (a workbook's header is row 1).
    var rowOffset = 0
    /// The store's quality rules and policy; nil: none are applied (a store with no rules beyond types).
    var quality: QualitySetup? {
        didSet {
            guard let checker = quality?.checker, !checker.isEmpty else { quality = nil; return }
            canonical = Array(repeating: nil, count: layout.columns.count)
        }
    }
    /// Today in the city, from the app's clock (rules such as "not in the future" read it).
    var today = GrantAccess.today()
    /// Every rule of the store (also when `quality` is nil): a refused row's findings, the key rule.
    var rules: [QualityRule] = []
    /// The keys met in this load: a repeated key is a primary-key finding (Ingest+RepeatedKeys).
    var seenKeys = RepeatedKeys()
    lazy var keyed = !layout.keyColumns.isEmpty
    /// Per header, the validator that words a refused row's findings as file validation does.
    var refusalValidators: [[String]: CellValidator] = [:]
    var header: [String] = []
    var canonical: [String?] = []
    /// A connector's mapping (source column → item): mapped columns are read as their items, others skipped.
    var columnMap: [String: String]?

    private var transcoder: TextTranscoder?
    private var pending: [UInt8] = []
    private var utf8: [UInt8] = []
    private var csv: CSVParser?
    private var json: JSONRecordReader?
    private var encoder: RowEncoder?
    var batches: [RecordBatch] = [RecordBatch()]
    private var firstBatchWritten = false
    private var invalidCursor = 0
    private var bytesIn = 0
    private var fatal: AppError?

    init(store: RecordStoreRow, mode: LoadMode, format: IngestFormat, encoding: TextEncoding?, loadID: UUID, on db: any Database) throws {
        writer = try RecordWriter(store: store, mode: mode, loadID: loadID)
        layout = store.recordLayout
        self.format = format
        self.requestedEncoding = encoding
        self.db = db
        summary = LoadSummary(
            loadID: loadID, resource: store.resourceCode, mode: mode.rawValue, format: format.rawValue,
            encoding: encoding?.rawValue, status: "running")
        switch format {
        case .csv: csv = CSVParser(delimiter: UInt8(ascii: ","))
        case .tsv: csv = CSVParser(delimiter: 0x09)
        case .json: json = JSONRecordReader(mode: .array)
        case .ndjson: json = JSONRecordReader(mode: .lines)
        }
    }

    /// Feeds the next chunk of the input.
    func feed(_ chunk: [UInt8]) async throws {
        bytesIn += chunk.count
        if transcoder == nil {
            pending.append(contentsOf: chunk)
            if pending.count < Self.sniffBytes { return }
            try start()
        } else {
            chunk.withUnsafeBufferPointer { convert($0, final: false) }
        }
        try parse()
        try await flushFullBatches()
    }

    /// Ends the input: parses what is left, writes the last batches, returns the summary.
    func finish() async throws -> LoadSummary {
        if transcoder == nil { try start() }
        convert(UnsafeBufferPointer(start: nil, count: 0), final: true)
        try parse()
        do {
            try csv.map {
                var p = $0; try finishCSV(&p)
            }
            try json?.finish()
        } catch let e as JSONStreamError {
            fatal = AppError(
                .badRequest, "malformed_json", e.problem.messageEn,
                details: [FieldError(field: "body", code: e.problem.code, message: e.problem.message, messageEn: e.problem.messageEn)])
        }
        try await flush(all: true)
        if let fatal { throw fatal }
        summary.status = "committed"
        summary.seconds = (ContinuousClock.now - started).seconds
        return summary
    }

    private func start() throws {
        var bomLength = 0
        let encoding: TextEncoding
        if let requestedEncoding {
            encoding = requestedEncoding
            if encoding == .utf8 && pending.starts(with: [0xEF, 0xBB, 0xBF]) { bomLength = 3 }
        } else {
            (encoding, bomLength) = pending.withUnsafeBufferPointer { TextEncoding.detect($0) }
        }
        summary.encoding = encoding.rawValue
        transcoder = try TextTranscoder(encoding)
        let data = pending
        pending = []
        data.withUnsafeBufferPointer { convert(UnsafeBufferPointer(rebasing: $0[bomLength...]), final: false) }
    }

    private func convert(_ bytes: UnsafeBufferPointer<UInt8>, final: Bool) {
        transcoder?.convert(bytes, final: final, into: &utf8)
    }

    /// Parses the bytes fed so far (decoding starts if it has not), so that what comes next by another
    /// entry (``FlatObjects``, ``FieldRows``) follows them in the load.
    func parsePending() throws {
        if transcoder == nil && !pending.isEmpty { try start() }
        try parse()
    }

    private func parse() throws {
        defer { utf8.removeAll(keepingCapacity: true) }
        if var parser = csv {
            try utf8.withUnsafeBufferPointer { bytes in try parser.feed(bytes) { try self.accept($0) } }
            csv = parser
        } else if var reader = json {
            do {
                try utf8.withUnsafeBufferPointer { bytes in try reader.feed(bytes) { try self.accept($0) } }
            } catch let e as JSONStreamError {
                json = reader
                throw AppError(
                    .badRequest, "malformed_json", e.problem.messageEn,
                    details: [FieldError(field: "body", code: e.problem.code, message: e.problem.message, messageEn: e.problem.messageEn)])
            }
            json = reader
        }
    }

    private func finishCSV(_ parser: inout CSVParser) throws {
        try parser.finish { try self.accept($0) }
        csv = parser
    }

    // MARK: Rows

    private func accept(_ record: CSVRecord) throws {
        guard encoder != nil else {
            let header = (0..<record.count).map(record.string)
            switch Result(catching: { () throws(HeaderProblem) -> RowEncoder in try RowEncoder(header: header, layout: layout, columnMap: columnMap) }) {
            case .success(let e): encoder = e; self.header = header
            case .failure(let p): throw Self.headerError(p)
            }
            return
        }
        // Numbered as records, the header being row 1 (Frictionless's `rowNumber`), as validation numbers them.
        summary.rows += 1
        let row = summary.rows + 1, line = record.line
        if let problem = record.problem {
            reject(
                [RowProblem(row: row, line: line, byteOffset: record.byteOffset, raw: Self.rawText(record), problem: problem)],
                rawRow: JSONText.encode(Self.rawText(record)))
            return
        }
        if let bad = undecodable(in: record.byteOffset..<record.endOffset) {
            reject(
                [
                    RowProblem(
                        row: row, line: line, byteOffset: bad, raw: Self.rawText(record),
                        problem: FieldProblem(
                            "undecodable", zh: "第 \(row) 行含无法按 \(summary.encoding ?? "") 解码的字节（源文件字节 \(bad)）",
                            en: "Row \(row) holds bytes that are not valid \(summary.encoding ?? "") (source byte \(bad))"))
                ],
                rawRow: JSONText.encode(Self.rawText(record)))
            return
        }
        add(row: row, line: line, offset: record.byteOffset, fieldCount: record.count, names: header) { record.field($0) }
    }

    /// Encoders by field list: JSON objects may order their fields freely and omit optional ones.
    private var encoders: [[String]: RowEncoder] = [:]

    func encoder(for names: [String]) -> Result<RowEncoder, HeaderProblem> {
        if let cached = encoders[names] { return .success(cached) }
        let made = Result { () throws(HeaderProblem) -> RowEncoder in try RowEncoder(header: names, layout: layout, requireAll: false, columnMap: columnMap) }
        if case .success(let e) = made { encoders[names] = e }
        return made
    }

    private func accept(_ result: Result<JSONRecord, JSONStreamError>) throws {
        summary.rows += 1
        let record: JSONRecord
        switch result {
        case .failure(let e):
            reject([RowProblem(row: e.record + rowOffset, byteOffset: e.byteOffset, problem: e.problem)])
            return
        case .success(let r): record = r
        }
        let names = record.fields.map(\.key)
        let rowEncoder: RowEncoder
        switch encoder(for: names) {
        case .success(let e): rowEncoder = e
        case .failure(let p):
            // The first record's fields are checked before anything is written; later ones cost only their row.
            if summary.rows == 1 { throw Self.headerError(p) }
            let fields: [String: String?] = Dictionary(
                record.fields.map { f -> (String, String?) in
                    switch f.value {
                    case .null: return (f.key, nil)
                    case .string(let b), .literal(let b): return (f.key, String(decoding: b, as: UTF8.self))
                    }
                }, uniquingKeysWith: { a, _ in a })
            reject(
                [
                    RowProblem(
                        row: record.number + rowOffset, byteOffset: record.byteOffset, problem: FieldProblem("bad_fields", zh: p.message, en: p.messageEn))
                ],
                rawRow: JSONText.encode(fields))
            return
        }
        // The values back to back, so the encoder reads them through one buffer.
        var storage: [UInt8] = []
        var ranges: [Range<Int>?] = []
        for field in record.fields {
            switch field.value {
            case .null: ranges.append(nil)
            case .string(let v), .literal(let v):
                let start = storage.count
                storage.append(contentsOf: v)
                ranges.append(start..<storage.count)
            }
        }
        storage.withUnsafeBufferPointer { buffer in
            add(row: record.number + rowOffset, offset: record.byteOffset, fieldCount: ranges.count, encoder: rowEncoder, names: names) { i in
                ranges[i].map { UnsafeBufferPointer(rebasing: buffer[$0]) }
            }
        }
    }

    func add(
        row: Int, line: Int? = nil, offset: Int?, fieldCount: Int, encoder: RowEncoder? = nil, names: [String],
        field: (Int) -> UnsafeBufferPointer<UInt8>?
    ) {
        let encoder = encoder ?? self.encoder!
        // Batches hold exactly `batchRows` rows (the last one fewer), so a load commits in known steps.
        if batches[batches.count - 1].count >= Self.batchRows { batches.append(RecordBatch()) }
        let last = batches.count - 1
        let start = batches[last].bytes.count
        switch encoder.encode(row: row, byteOffset: offset, fieldCount: fieldCount, into: &batches[last].bytes, field: field) {
        case .failure(let failure):
            refuseUnencoded(failure, row: row, line: line, offset: offset, fieldCount: fieldCount, encoder: encoder, names: names, field: field)
        case .success(let key):
            // A key met earlier in this load is a primary-key finding, in every mode: the first row is kept.
            let repeated = repeatedKey(key)
            if let quality {
                if !check(
                    quality, object: start..<batches[last].bytes.count, key: key, row: row, line: line, offset: offset, repeated: repeated,
                    rawRow: { Self.rawRow(encoder, fieldCount: fieldCount, field: field) })
                {
                    return
                }
            } else if let repeated {
                batches[last].bytes.removeSubrange(start...)
                reject([Self.problem(repeated, row: row, line: line, offset: offset)], rawRow: Self.rawRow(encoder, fieldCount: fieldCount, field: field))
                return
            }
            batches[last].append(object: start..<batches[last].bytes.count, key: key, row: row)
        }
    }

    /// Applies the quality rules to the row just encoded at `object` of the last batch. Returns
    /// false when the row was refused (quarantine and reject policies): it is taken out again.
    private func check(
        _ quality: QualitySetup, object: Range<Int>, key: String, row: Int, line: Int?, offset: Int?, repeated: RuleFinding?,
        rawRow: () -> String
    ) -> Bool {
        let last = batches.count - 1
        batches[last].bytes.withUnsafeBufferPointer { bytes in
            CanonicalRow.read(UnsafeBufferPointer(rebasing: bytes[object]), layout: layout, wanted: quality.checker.columnsRead, into: &canonical)
        }
        var findings: [RuleFinding] = []
        quality.checker.check(today: today, { self.canonical[$0] }, into: &findings)
        // Under every policy a repeated key is refused: the store holds one record per key.
        if repeated == nil && (findings.isEmpty || quality.policy == .flag) {
            batches[last].flags += findings.map { QualityFlag(key: key, row: row, finding: $0) }
            // What only the database can answer is looked up a batch at a time (Ingest+BatchRules).
            for (i, ref) in quality.checker.references.enumerated() {
                if let v = canonical[ref.column] { batches[last].references.append(.init(rule: i, value: v, key: key, row: row, offset: offset, line: line)) }
            }
            for (i, u) in quality.checker.uniques.enumerated() {
                if let v = canonical[u.column] { batches[last].uniques.append(.init(rule: i, value: v, key: key, row: row, offset: offset, line: line)) }
            }
            return true
        }
        batches[last].bytes.removeSubrange(object.lowerBound...)
        findings += [repeated].compactMap { $0 }
        reject(findings.map { Self.problem($0, row: row, line: line, offset: offset) }, rawRow: rawRow())
        holdUniques(of: row, line: line, offset: offset) { self.canonical[$0] }
        return false
    }

    /// Per `unique` rule, each value met in this load and the key that holds it.
    var uniqueSeen: [[String: String]] = []

    func reject(_ problems: [RowProblem], rawRow: String? = nil) {
        batches[batches.count - 1].rejected.append(
            contentsOf: problems.map { p in
                var p = p; p.rawRow = p.rawRow ?? rawRow; return p
            })
        summary.rejected += 1
        for p in problems where summary.problems.count < 20 {
            summary.problems.append(.init(row: p.row, line: p.line, column: p.column, value: p.raw, code: p.problem.code, message: p.problem.messageEn))
        }
    }

    private func undecodable(in range: Range<Int>) -> Int? {
        guard let invalid = transcoder?.invalid, invalidCursor < invalid.count else { return nil }
        while invalidCursor < invalid.count && invalid[invalidCursor].output < range.lowerBound { invalidCursor += 1 }
        guard invalidCursor < invalid.count, range.contains(invalid[invalidCursor].output) else { return nil }
        return invalid[invalidCursor].source
    }

    // MARK: Writing

    /// The batch being written while the next one is parsed: writing (SQLite's thread) and
    /// parsing (this task) overlap on two cores. Writes stay strictly in order, one at a time.
    private var inFlight: Task<BatchOutcome, any Error>?
    private lazy var copyAhead = RecordTables.Dialect(db.sql) == .postgres && RecordCopy.usable(layout, writer.tables)

    func flushFullBatches() async throws {
        while batches.count > 1 || batches[0].count >= Self.batchRows { try await flush(all: false) }
    }

    /// Hands batches to the writer: the first waiting one, or with `all` every one (a partial last batch
    /// too) and then waits until they are committed — unless `settle` is false.
    private func flush(all: Bool, settle: Bool = true) async throws {
        while let next = batches.first, !next.isEmpty || batches.count > 1 {
            var batch = batches.removeFirst()
            if batches.isEmpty { batches.append(RecordBatch()) }
            // PostgreSQL: the COPY text is made while the write before this batch runs (a batch whose
            // rows the lookups below may still take out makes it when it is written).
            if copyAhead && batch.count > 0 && batch.references.isEmpty && batch.uniques.isEmpty {
                let (ready, columns) = (batch, layout.columns)
                batch.copyText = Task { CopyText(ready, columns: columns) }
            }
            try await settleInFlight()
            // After the write in flight: one connection at a time, and earlier batches' keys are visible.
            try await checkReferences(&batch)
            try await checkUniques(&batch)
            let (writer, db, first, ready) = (self.writer, self.db, !firstBatchWritten, batch)
            firstBatchWritten = true
            inFlight = Task { try await writer.write(ready, first: first, on: db) }
            if !all { break }
        }
        if all && settle { try await settleInFlight() }
        if writer.mode == .replace && !firstBatchWritten {
            _ = try await writer.write(RecordBatch(), first: true, on: db)
            firstBatchWritten = true
        }
    }

    private func settleInFlight() async throws {
        guard let task = inFlight else { return }
        inFlight = nil
        let outcome = try await task.value
        summary.inserted += outcome.inserted
        summary.updated += outcome.updated
        summary.rejected += outcome.duplicates
        progress?(summary.rows, bytesIn)
    }

    /// Writes every row fed so far (a partial batch included) and waits until it is written.
    func writePending() async throws {
        // Fields fed as rows (``FieldRows``) need no decoding: only the bytes not yet decoded start it.
        try parsePending()
        try await flush(all: true)
    }

    /// Hands every row fed so far to the writer (a partial batch included) and returns without
    /// waiting for it: `then` runs in the writing task once they are committed, on the load's
    /// database. A connector records a page's watermark so, while it reads and encodes the next page.
    func submitPending(then work: @escaping @Sendable (any Database) async throws -> Void) async throws {
        try parsePending()
        try await flush(all: true, settle: false)
        let (db, written) = (self.db, inFlight)
        inFlight = Task {
            let outcome = try await written?.value ?? BatchOutcome()
            try await work(db)
            return outcome
        }
    }

    /// Waits for a write still running (after a failure elsewhere), so nothing outlives the load.
    func drain() async { try? await settleInFlight() }

    // MARK: Errors

    static func headerError(_ p: HeaderProblem) -> AppError {
        var details: [FieldError] = []
        details += p.unknown.map { FieldError(field: $0, code: "unknown_column", message: "未知列：\($0)", messageEn: "Unknown column \($0)") }
        details += p.missing.map { FieldError(field: $0, code: "missing_column", message: "缺少列：\($0)", messageEn: "Missing column \($0)") }
        details += p.duplicate.map { FieldError(field: $0, code: "duplicate_column", message: "重复列：\($0)", messageEn: "Duplicate column \($0)") }
        return AppError(.unprocessableEntity, "bad_header", "Nothing was loaded: " + p.messageEn, details: details)
    }

    /// A refused row's source values by column name, as JSON, for fixing and resubmitting it.
    static func rawRow(_ encoder: RowEncoder, fieldCount: Int, field: (Int) -> UnsafeBufferPointer<UInt8>?) -> String {
        var values: [String: String?] = [:]
        for (i, c) in encoder.fieldColumns.enumerated() where c >= 0 && i < fieldCount {
            values[encoder.layout.columns[c].name] = field(i).map { String(decoding: $0, as: UTF8.self) }
        }
        return JSONText.encode(values)
    }

    static func rawText(_ record: CSVRecord) -> String {
        (0..<record.count).map(record.string).joined(separator: ",")
    }
}
