import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import DataBankCore

/// How a load treats keys that are already in the store.
enum LoadMode: String, Codable, Sendable, CaseIterable {
    /// Insert only; a row whose key exists is quarantined as a duplicate.
    case append
    /// Insert new keys, update existing ones.
    case upsert
    /// Everything in the store is replaced, atomically, by the load.
    case replace
}

/// Rows ready to write: their canonical JSON objects back to back, with keys and source rows.
struct RecordBatch {
    var bytes: [UInt8] = []
    /// Each row's object as a range of `bytes`.
    var objects: [Range<Int>] = []
    var keys: [String] = []
    var keySet: Set<String> = []
    var rows: [Int] = []
    var rejected: [RowProblem] = []
    /// Findings of rows kept under the `flag` policy, written with the batch.
    var flags: [QualityFlag] = []
    /// Values to look up in other stores before the batch is written.
    var references: [PendingReference] = []
    /// Values of `unique` items, to check against the store and the load before the batch is written.
    var uniques: [PendingReference] = []
    /// PostgreSQL: the rows' COPY text, being made while the batch before this one is written.
    var copyText: Task<CopyText, Never>?
    /// The last payload made: an append's INSERT, change log and rollups read the same rows (the text
    /// was built three times, 6 % of a load's time).
    fileprivate var lastPayload = PayloadMemo()

    var count: Int { objects.count }
    var isEmpty: Bool { objects.isEmpty && rejected.isEmpty }

    mutating func append(object: Range<Int>, key: String, row: Int) {
        objects.append(object); keys.append(key); keySet.insert(key); rows.append(row)
    }

    /// Takes rows out by key (their bytes stay; only the listed objects are written).
    mutating func remove(keys gone: Set<String>) {
        let kept = keys.indices.filter { !gone.contains(keys[$0]) }
        objects = kept.map { objects[$0] }; rows = kept.map { rows[$0] }; keys = kept.map { keys[$0] }
        keySet.subtract(gone)
        copyText = nil  // made for the rows before
        lastPayload = PayloadMemo()
    }

    /// A JSON array of the chosen rows.
    func payload(_ indexes: some Sequence<Int>) -> String {
        let chosen = Array(indexes)
        if let made = lastPayload.text(for: chosen) { return made }
        var out: [UInt8] = []
        out.reserveCapacity(chosen.reduce(2) { $0 + objects[$1].count + 1 })
        out.append(UInt8(ascii: "["))
        for (n, i) in chosen.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: bytes[objects[i]])
        }
        out.append(UInt8(ascii: "]"))
        let text = String(decoding: out, as: UTF8.self)
        lastPayload.keep(text, for: chosen)
        return text
    }
}

extension RecordBatch {
    /// The chosen rows' values of the columns named in `keeping`, one array per column (in layout
    /// order) as text — each value's text input form, the one COPY and JSON hand the column's input
    /// function — with a flag per row for null. PostgreSQL's rollup delta reads a batch this way,
    /// as bound `text[]`/`bool[]` arrays through `unnest`: no JSON to parse at all (its
    /// `json_to_recordset` over the whole payload cost a third of the COPY).
    func columnTexts(_ indexes: [Int], columns: [RecordLayout.Column], keeping: Set<String>) -> [(values: [String], nulls: [Bool])] {
        var slot: [Int?] = [], width = 0
        for c in columns {
            slot.append(keeping.contains(c.name) ? width : nil)
            if keeping.contains(c.name) { width += 1 }
        }
        var values = [[String]](repeating: [], count: width), nulls = [[Bool]](repeating: [], count: width)
        for j in 0..<width {
            values[j].reserveCapacity(indexes.count); nulls[j].reserveCapacity(indexes.count)
        }
        bytes.withUnsafeBufferPointer { all in
            for i in indexes {
                CanonicalRow.forEachValue(UnsafeBufferPointer(rebasing: all[objects[i]]), columns: columns) { c, span in
                    guard let j = slot[c] else { return }
                    switch span {
                    case .string(let body, let escaped):
                        values[j].append(escaped ? CanonicalRow.unescape(body) : String(decoding: body, as: UTF8.self)); nulls[j].append(false)
                    case .literal(let text):
                        let isNull = text.elementsEqual(RecordCopy.nullBytes)
                        values[j].append(isNull ? "" : String(decoding: text, as: UTF8.self)); nulls[j].append(isNull)
                    }
                }
            }
        }
        return (0..<width).map { (values[$0], nulls[$0]) }
    }
}

/// The last payload a batch made, for the rows it holds (shared by the batch's copies), and on SQLite
/// the whole batch's payload in SQLite's binary JSON.
final class PayloadMemo: Sendable {
    private let last = NIOLockedValueBox<(rows: [Int], text: String)?>(nil)
    private let binary = NIOLockedValueBox<ByteBuffer?>(nil)
    func text(for rows: [Int]) -> String? { last.withLockedValue { $0?.rows == rows ? $0?.text : nil } }
    func keep(_ text: String, for rows: [Int]) { last.withLockedValue { $0 = (rows, text) } }
    var wholeBatchJSONB: ByteBuffer? {
        get { binary.withLockedValue { $0 } }
        set { binary.withLockedValue { $0 = newValue } }
    }
}

extension RecordBatch {
    /// SQLite: converts the whole batch's payload to JSONB once (`jsonb(?)`), so the statements that
    /// read every row (the INSERT, the change log, the rollups' delta) take it as it is instead of
    /// each parsing the text again (`jsonTranslateTextToBlob`, 6 % of an appending load with a rollup).
    func prepareJSONB(on sql: any SQLDatabase) async throws {
        guard count > 0, lastPayload.wholeBatchJSONB == nil else { return }
        let row = try await sql.raw("SELECT jsonb(\(bind: payload(0..<count))) AS b").first()
        lastPayload.wholeBatchJSONB = try row?.decode(column: "b", as: ByteBuffer.self)
    }

    /// The chosen rows as a statement binds them: the JSONB of the whole batch when they are the whole
    /// batch and it was prepared (``prepareJSONB(on:)``), else the JSON text.
    func payloadBind(_ indexes: some Sequence<Int>) -> any Encodable & Sendable {
        let chosen = Array(indexes)
        if chosen.count == count, chosen.elementsEqual(0..<count), let binary = lastPayload.wholeBatchJSONB { return binary }
        return payload(chosen)
    }
}

/// What one committed batch did.
struct BatchOutcome: Sendable {
    var inserted = 0, updated = 0
    /// Rows refused at write time because their key was already in the store (append/replace).
    var duplicates = 0
}

/// Writes batches into a record store. (SQLite reads the payload with `jsonb_each`: parsed
/// once per statement, its values are then looked up in binary instead of re-parsed per column.)
/// Each batch is one transaction holding its rows, its
/// change-log entries (gap-free `seq`, allocated under the store row's lock) and its
/// quarantined rows, so a crash leaves whole batches or nothing.
struct RecordWriter: Sendable {
    let storeID: UUID
    let resourceCode: String
    let tables: RecordTables
    let layout: RecordLayout
    let mode: LoadMode
    let loadID: UUID
    /// The store as the write found it (its rollups are compiled against its layout).
    let store: RecordStoreRow

    init(store: RecordStoreRow, mode: LoadMode, loadID: UUID) throws {
        storeID = try store.requireID(); resourceCode = store.resourceCode; self.store = store
        tables = store.tables; layout = store.recordLayout
        self.mode = mode; self.loadID = loadID
    }

    /// Writes a batch. For `replace`, `db` is the load's one transaction and `first` clears the store.
    func write(_ batch: RecordBatch, first: Bool, on db: any Database) async throws -> BatchOutcome {
        try await db.transaction { tx in
            let sql = tx.sql
            let dialect = RecordTables.Dialect(sql)
            // Lock the store (and learn where its sequence stands) before reading anything.
            let head = try await lockStore(sql)
            var seq = head.lastSeq
            var storeIsEmpty = head.rowCount == 0
            let now = Int(Date().timeIntervalSince1970 * 1000)
            // The store's rollups move with the batch, in this transaction.
            var rollups = try await RollupMaintenance.load(store, on: sql)
            var outcome = BatchOutcome()
            var rejected = batch.rejected
            var rowDelta = 0
            // PostgreSQL's COPY text for the batch: made ahead by the load, or here.
            var copy: RecordCopy?
            if dialect == .postgres && RecordCopy.usable(layout, tables) {
                let text = await batch.copyText?.value ?? CopyText(batch, columns: layout.columns)
                copy = RecordCopy(writer: self, text: text)
            }
            if mode == .replace && first {
                try await sql.raw("DELETE FROM \(ident: tables.records)").run()
                seq += 1
                try await sql.raw(
                    """
                    INSERT INTO \(ident: tables.changes) (seq, op, record_key, data, at_ms, load_id)
                    VALUES (\(bind: seq), 'reset', NULL, NULL, \(bind: now), \(bind: loadID.uuidString))
                    """
                ).run()
                try await sql.raw("UPDATE record_stores SET row_count = 0 WHERE id = \(bind: storeID)").run()
                try await rollups.reset(on: sql)
                storeIsEmpty = true
            }
            if dialect == .sqlite { try await batch.prepareJSONB(on: sql) }
            var inserts: [Int] = [], updates: [Int] = []
            var insertedOptimistically = false
            if batch.count > 0 && mode != .upsert && !storeIsEmpty {
                // Appends rarely repeat stored keys: insert the whole batch under a savepoint, and
                // only if a key collides, undo it and sort the rows out key by key.
                insertedOptimistically = try await insertUnlessDuplicate(batch, Array(0..<batch.count), sql, dialect, copy)
                if insertedOptimistically { inserts = Array(0..<batch.count) }
            }
            if batch.count > 0 && !insertedOptimistically {
                // An empty store (a first load, or just reset) holds none of the keys: skip the lookup.
                let existing = storeIsEmpty ? [] : try await existingIndexes(batch, sql, dialect)
                for i in 0..<batch.count {
                    if !existing.contains(i) { inserts.append(i); continue }
                    if mode == .upsert { updates.append(i); continue }
                    rejected.append(
                        RowProblem(
                            row: batch.rows[i],
                            problem: FieldProblem(
                                "duplicate_key", zh: "主键已存在：\(batch.keys[i])", en: "Key already in the store: \(batch.keys[i])"),
                            rawRow: String(decoding: batch.bytes[batch.objects[i]], as: UTF8.self)))
                }
            }
            if !inserts.isEmpty {
                if !insertedOptimistically { try await insertRows(batch, inserts, sql, dialect, copy) }
                if !rollups.isEmpty {
                    try await rollups.add(inserted: insertedRows(batch, inserts, dialect, exact: rollups.itemsReadAsText, reading: rollups.itemsRead), on: sql)
                }
                try await logChanges(batch, inserts, op: "insert", firstSeq: seq + 1, at: now, sql, dialect, copy)
                seq += inserts.count
                outcome.inserted = inserts.count
                rowDelta += inserts.count
            }
            if !updates.isEmpty {
                let updated = rollups.isEmpty ? nil : rows(batch, updates, dialect)
                if let updated { try await rollups.move(rows: updated, sign: -1, on: sql) }
                try await sql.raw(updateSQL(batch.payload(updates), dialect)).run()
                if let updated { try await rollups.move(rows: updated, sign: 1, on: sql) }
                try await logChanges(batch, updates, op: "update", firstSeq: seq + 1, at: now, sql, dialect, copy)
                seq += updates.count
                outcome.updated = updates.count
            }
            if !rejected.isEmpty { try await quarantine(rejected, sql) }
            if !batch.flags.isEmpty { try await flag(batch.flags, sql) }
            outcome.duplicates = rejected.count - batch.rejected.count
            try await rollups.finish(seq: seq, on: sql)
            try await sql.raw(
                """
                UPDATE record_stores SET last_seq = \(bind: seq), row_count = row_count + \(bind: rowDelta),
                    last_load_at = \(bind: Date()) WHERE id = \(bind: storeID)
                """
            ).run()
            // The load's own row counts what is committed, batch by batch, and proves it is alive.
            try await sql.raw(
                """
                UPDATE loads SET inserted = inserted + \(bind: outcome.inserted), updated = updated + \(bind: outcome.updated),
                    rejected = rejected + \(bind: Set(rejected.map(\.row)).count), heartbeat_at = \(bind: Date()) WHERE id = \(bind: loadID)
                """
            ).run()
            return outcome
        }
    }

    /// Takes the store's row lock (PostgreSQL) / the write lock (SQLite) before anything else in a
    /// write transaction, bumps its version, and says where its sequence and row count stand.
    /// Every writer goes through here, so sequence numbers are handed out one writer at a time.
    func lockStore(_ sql: any SQLDatabase) async throws -> (lastSeq: Int, rowCount: Int) {
        guard
            let head = try await sql.raw(
                """
                UPDATE record_stores SET version = version + 1 WHERE id = \(bind: storeID) RETURNING last_seq, row_count
                """
            ).first()
        else { throw AppError.notFound("Record store of \(resourceCode)") }
        return (try head.decode(column: "last_seq", as: Int.self), try head.decode(column: "row_count", as: Int.self))
    }

    /// Inserts the rows inside a savepoint; false (and nothing inserted) if a key was already stored.
    func insertUnlessDuplicate(
        _ batch: RecordBatch, _ indexes: [Int], _ sql: any SQLDatabase, _ dialect: RecordTables.Dialect, _ copy: RecordCopy?
    ) async throws -> Bool {
        try await sql.raw("SAVEPOINT batch_insert").run()
        do {
            try await insertRows(batch, indexes, sql, dialect, copy)
            try await sql.raw("RELEASE SAVEPOINT batch_insert").run()
            return true
        } catch  where Self.isUniqueViolation(error) {
            try await sql.raw("ROLLBACK TO SAVEPOINT batch_insert").run()
            try await sql.raw("RELEASE SAVEPOINT batch_insert").run()
            return false
        }
    }

    /// PostgreSQL takes new rows by COPY (``RecordCopy``, when `copy` is given); SQLite by one INSERT over the bound JSON payload.
    func insertRows(
        _ batch: RecordBatch, _ indexes: [Int], _ sql: any SQLDatabase, _ dialect: RecordTables.Dialect, _ copy: RecordCopy?
    ) async throws {
        if let copy {
            try await copy.records(indexes, on: sql)
        } else {
            try await sql.raw(insertSQL(batch.payloadBind(indexes), dialect)).run()
        }
    }

    /// The change-log entries of the rows, numbered from `firstSeq`: by COPY on PostgreSQL.
    func logChanges(
        _ batch: RecordBatch, _ indexes: [Int], op: String, firstSeq: Int, at: Int,
        _ sql: any SQLDatabase, _ dialect: RecordTables.Dialect, _ copy: RecordCopy?
    ) async throws {
        if let copy {
            try await copy.changes(indexes, op: op, firstSeq: firstSeq, at: at, on: sql)
        } else {
            try await sql.raw(changeSQL(batch.payloadBind(indexes), op: op, firstSeq: firstSeq, at: at, dialect)).run()
        }
    }

    /// A duplicate-key error, as SQLite and PostgreSQL word it.
    static func isUniqueViolation(_ error: any Error) -> Bool {
        let text = String(reflecting: error)
        return text.contains("UNIQUE constraint failed") || text.contains("23505") || text.contains("duplicate key value")
    }

    /// Deletes records by key; returns how many existed. One transaction, logged like a load.
    func delete(keys: [[String: String]], on db: any Database) async throws -> Int {
        try await db.transaction { tx in
            let sql = tx.sql
            var seq = try await lockStore(sql).lastSeq
            var rollups = try await RollupMaintenance.load(store, on: sql)
            let now = Int(Date().timeIntervalSince1970 * 1000)
            var deleted = 0
            for key in keys {
                let condition = layout.keyColumns.map { c in
                    "\(ident: c.name) = \(bind: key[c.name] ?? "")\(unsafeRaw: castSuffix(c, RecordTables.Dialect(sql)))" as SQLQueryString
                }
                .joined(separator: " AND ")
                try await rollups.move(rows: "(\(condition))", sign: -1, on: sql)
                // The deleted row is kept with its change: a consumer's feed shows the delete only if the
                // row was inside its grant's scope (the provider's feed shows no data for a delete).
                let gone = try await sql.raw(
                    """
                    DELETE FROM \(ident: tables.records) WHERE \(condition) RETURNING \(RecordQuery.rowJSON(layout.columns, RecordTables.Dialect(sql))) AS j
                    """
                ).all()
                guard let row = gone.first else { continue }
                let image = try row.decode(column: "j", as: String.self)
                seq += 1
                deleted += 1
                let keyJSON = JSONText.encode(layout.keyColumns.map { key[$0.name] ?? "" })
                try await sql.raw(
                    """
                    INSERT INTO \(ident: tables.changes) (seq, op, record_key, data, at_ms, load_id)
                    VALUES (\(bind: seq), 'delete', \(bind: keyJSON), \(bind: image), \(bind: now), NULL)
                    """
                ).run()
            }
            try await rollups.finish(seq: seq, on: sql)
            try await sql.raw(
                """
                UPDATE record_stores SET last_seq = \(bind: seq), row_count = row_count - \(bind: deleted) WHERE id = \(bind: storeID)
                """
            ).run()
            return deleted
        }
    }

    /// A text parameter compared with a typed PostgreSQL column needs a cast.
    func castSuffix(_ c: RecordLayout.Column, _ dialect: RecordTables.Dialect) -> String {
        dialect == .postgres ? "::" + RecordTables.columnType(c, .postgres) : ""
    }

    // MARK: Dialect SQL (the payload is one bound JSON text; identifiers come from the layout)

    var columnList: SQLQueryString { layout.columns.map { "\(ident: $0.name)" as SQLQueryString }.joined(separator: ", ") }

    /// Rows of `payload` (by index) whose key is already in the store.
    func existingIndexes(_ batch: RecordBatch, _ sql: any SQLDatabase, _ dialect: RecordTables.Dialect) async throws -> Set<Int> {
        let payload = batch.payloadBind(0..<batch.count)
        let match: SQLQueryString
        let query: SQLQueryString
        switch dialect {
        case .sqlite:
            match = layout.keyColumns.map { "r.\(ident: $0.name) = p.value ->> \(literal: "$." + $0.name)" as SQLQueryString }.joined(separator: " AND ")
            query = "SELECT p.key AS i FROM jsonb_each(\(bind: payload)) AS p WHERE EXISTS (SELECT 1 FROM \(ident: tables.records) AS r WHERE \(match))"
        case .postgres:
            match = layout.keyColumns.map { c in
                "r.\(ident: c.name) = (p.value ->> \(literal: c.name))::\(unsafeRaw: RecordTables.columnType(c, .postgres))" as SQLQueryString
            }.joined(separator: " AND ")
            query = """
                SELECT p.ord - 1 AS i FROM json_array_elements(\(bind: payload)::json) WITH ORDINALITY AS p(value, ord)
                WHERE EXISTS (SELECT 1 FROM \(ident: tables.records) AS r WHERE \(match))
                """
        }
        return Set(try await sql.raw(query).all().map { try $0.decode(column: "i", as: Int.self) })
    }

    func insertSQL(_ payload: any Encodable & Sendable, _ dialect: RecordTables.Dialect) -> SQLQueryString {
        switch dialect {
        case .sqlite:
            let values = layout.columns.map { "value ->> \(literal: "$." + $0.name)" as SQLQueryString }.joined(separator: ", ")
            return "INSERT INTO \(ident: tables.records) (\(columnList)) SELECT \(values) FROM jsonb_each(\(bind: payload))"
        case .postgres:
            return """
                INSERT INTO \(ident: tables.records) (\(columnList))
                SELECT \(columnList) FROM json_populate_recordset(NULL::\(ident: tables.records), \(bind: payload)::json)
                """
        }
    }

    func updateSQL(_ payload: String, _ dialect: RecordTables.Dialect) -> SQLQueryString {
        let nonKey = layout.columns.filter { !$0.primaryKey }
        switch dialect {
        case .sqlite:
            let values = layout.columns.map { "value ->> \(literal: "$." + $0.name)" as SQLQueryString }.joined(separator: ", ")
            let keys = layout.keyColumns.map { "\(ident: $0.name)" as SQLQueryString }.joined(separator: ", ")
            let sets =
                nonKey.isEmpty
                ? "NOTHING" as SQLQueryString
                : "UPDATE SET " + nonKey.map { "\(ident: $0.name) = excluded.\(ident: $0.name)" as SQLQueryString }.joined(separator: ", ")
            return """
                INSERT INTO \(ident: tables.records) (\(columnList)) SELECT \(values) FROM jsonb_each(\(bind: payload)) WHERE true
                ON CONFLICT (\(keys)) DO \(sets)
                """
        case .postgres:
            guard !nonKey.isEmpty else { return "SELECT 1" }
            let sets = nonKey.map { "\(ident: $0.name) = p.\(ident: $0.name)" as SQLQueryString }.joined(separator: ", ")
            let match = layout.keyColumns.map { "r.\(ident: $0.name) = p.\(ident: $0.name)" as SQLQueryString }.joined(separator: " AND ")
            return """
                UPDATE \(ident: tables.records) AS r SET \(sets)
                FROM json_populate_recordset(NULL::\(ident: tables.records), \(bind: payload)::json) AS p WHERE \(match)
                """
        }
    }

    func changeSQL(_ payload: any Encodable & Sendable, op: String, firstSeq: Int, at: Int, _ dialect: RecordTables.Dialect) -> SQLQueryString {
        switch dialect {
        case .sqlite:
            let key = layout.keyColumns.map { "value -> \(literal: "$." + $0.name)" as SQLQueryString }.joined(separator: ", ")
            return """
                INSERT INTO \(ident: tables.changes) (seq, op, record_key, data, at_ms, load_id)
                SELECT \(bind: firstSeq) + key, \(literal: op), json_array(\(key)), json(value), \(bind: at), \(bind: loadID.uuidString)
                FROM jsonb_each(\(bind: payload))
                """
        case .postgres:
            let key = layout.keyColumns.map { "p.value -> \(literal: $0.name)" as SQLQueryString }.joined(separator: ", ")
            return """
                INSERT INTO \(ident: tables.changes) (seq, op, record_key, data, at_ms, load_id)
                SELECT \(bind: firstSeq) + p.ord - 1, \(literal: op), json_build_array(\(key))::text, p.value::text, \(bind: at), \(bind: loadID.uuidString)
                FROM json_array_elements(\(bind: payload)::json) WITH ORDINALITY AS p(value, ord)
                """
        }
    }

    func flag(_ flags: [QualityFlag], _ sql: any SQLDatabase) async throws {
        let now = Date()
        let rows: [[any Encodable & Sendable]] = flags.map { f in
            [
                UUID(), resourceCode, loadID, Self.keyText(f.key), f.row, f.finding.ruleID, f.finding.column,
                f.finding.value.map { String($0.prefix(2000)) }, f.finding.errorType, f.finding.code, f.finding.message, f.finding.messageEn, now
            ]
        }
        try await CatalogIndex.insert(
            into: "quality_flags",
            [
                "id", "resource_code", "load_id", "record_key", "row_number", "rule_id", "column_name",
                "value", "error_type", "code", "message", "message_en", "created_at"
            ], rows, on: sql)
    }

    /// A batch key (each part's canonical JSON, joined by U+001F) as people read it: `a, b`.
    static func keyText(_ key: String) -> String {
        key.split(separator: "\u{1F}", omittingEmptySubsequences: false).map { part in
            var part = String(part)
            return part.withUTF8 { CanonicalRow.value(ofJSON: $0) } ?? ""
        }.joined(separator: ", ")
    }

    func quarantine(_ problems: [RowProblem], _ sql: any SQLDatabase) async throws {
        let rows: [[any Encodable & Sendable]] = problems.map { p in
            [
                UUID(), resourceCode, loadID, p.row, p.byteOffset, p.column, p.raw.map { String($0.prefix(2000)) }, p.problem.code,
                p.problem.message, p.problem.messageEn, "open", Date(), p.rawRow.map { String($0.prefix(100_000)) }
            ]
        }
        try await CatalogIndex.insert(
            into: "quarantine",
            [
                "id", "resource_code", "load_id", "row_number", "byte_offset", "column_name",
                "raw_value", "code", "message", "message_en", "status", "created_at", "raw_row"
            ], rows, on: sql)
    }
}
