import DataBankCore
@testable import DataBankServer
import Fluent
import SQLKit
import Testing
import Vapor
import VaporTesting

/// PostgreSQL writes loads by COPY (``RecordCopy``); the result is the INSERT path's, to the byte:
/// the same records, change log and findings. (On SQLite both runs take the INSERT path.)
@Suite("Record COPY")
struct RecordCopyTests {
    /// What a load leaves behind, without what differs by run (load ids, times).
    struct Outcome: Equatable {
        var records: [String]
        var changes: [String]
        var quarantine: [String]
        var flags: [String]
        var summaries: [String]
    }

    /// A text with every character COPY's text format escapes, and JSON's.
    static let awkward = "a\tb\\c\"d\ne\r"

    static func csvField(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// Inserts into an empty store (a bad row among them), upserts (updates and new keys), appends with
    /// keys already stored (the optimistic COPY collides and rows are sorted key by key), a failing value.
    static func run(copy: Bool) async throws -> Outcome {
        var outcome: Outcome?
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let store = try await RecordStores.find(f.code, on: app.db)
            let text = try #require(f.textColumn)
            var summaries: [String] = []
            func load(_ csv: String, _ mode: LoadMode) async throws {
                let bytes = Array(csv.utf8)
                let summary = try await RecordCopy.$enabled.withValue(copy) {
                    try await Loads.run(store: store, mode: mode, format: .csv, encoding: nil, source: "test", who: .cli(nil), on: app.db) {
                        try await $0.feed(bytes)
                    }
                }
                summaries.append("\(summary.inserted)/\(summary.updated)/\(summary.rejected)")
            }
            let bad = String(f.key(5).dropLast()) + (f.key(5).last == "0" ? "1" : "0")
            var first = f.csv(rows: 0..<30, setting: "credit_code", to: bad, inRow: 5).split(separator: "\n").map(String.init)
            first[8] = f.layout.columns.map { $0.name == text.name ? csvField(awkward) : f.value($0, row: 7) }.joined(separator: ",")
            try await load(first.joined(separator: "\n") + "\n", .append)
            try await load(f.csv(rows: 20..<40, variant: 1), .upsert)
            try await load(f.csv(rows: 38..<45, variant: 2), .append)
            try await load(f.csv(rows: 45..<48, setting: "postal_code", to: "52800", inRow: 46), .upsert)

            let sql = app.db.sql
            let tables = store.tables
            let records = try await sql.raw(
                """
                SELECT \(RecordQuery.rowJSON(store.recordLayout.columns, RecordTables.Dialect(sql))) AS j FROM \(ident: tables.records)
                """
            ).all().map { try $0.decode(column: "j", as: String.self) }.sorted()
            let changes = try await sql.raw("SELECT seq, op, record_key, data FROM \(ident: tables.changes) ORDER BY seq").all().map { r in
                "\(try r.decode(column: "seq", as: Int.self)) \(try r.decode(column: "op", as: String.self)) "
                    + "\(try r.decode(column: "record_key", as: String?.self) ?? "-") \(try r.decode(column: "data", as: String?.self) ?? "-")"
            }
            let quarantine = try await sql.raw("SELECT row_number, column_name, code, raw_row FROM quarantine WHERE resource_code = \(bind: f.code)").all().map
            { r in
                "\(try r.decode(column: "row_number", as: Int.self)) \(try r.decode(column: "column_name", as: String?.self) ?? "-") "
                    + "\(try r.decode(column: "code", as: String.self)) \(try r.decode(column: "raw_row", as: String?.self) ?? "-")"
            }.sorted()
            let flags = try await sql.raw("SELECT record_key, row_number, rule_id, code FROM quality_flags WHERE resource_code = \(bind: f.code)").all().map {
                r in
                "\(try r.decode(column: "record_key", as: String.self)) \(try r.decode(column: "row_number", as: Int.self)) "
                    + "\(try r.decode(column: "rule_id", as: String.self)) \(try r.decode(column: "code", as: String.self))"
            }.sorted()
            // The awkward text came back whole.
            #expect(records.contains { $0.contains(#"a\tb\\c\"d\ne\r"#) })
            outcome = Outcome(records: records, changes: changes, quarantine: quarantine, flags: flags, summaries: summaries)
        }
        return try #require(outcome)
    }

    @Test func copyMatchesTheInsertPath() async throws {
        let copied = try await Self.run(copy: true)
        let inserted = try await Self.run(copy: false)
        #expect(copied.summaries == ["29/0/1", "10/10/0", "5/0/2", "2/0/1"])
        #expect(copied.records.count == 46 && copied.changes.count == 56)
        #expect(copied.quarantine.count == 5)  // the bad credit code, two stored keys, the bad postal code (two findings)
        #expect(copied == inserted)
    }

    /// The COPY text made ahead of a write: a compound key printed as `json_build_array` prints it,
    /// backslashes doubled for COPY, the record's values unescaped then escaped, every row's span kept.
    @Test func copyTextOfARow() {
        let columns: [RecordLayout.Column] = [
            .init(name: "k", itemName: "键", type: .C, length: 10, primaryKey: true),
            .init(name: "n", itemName: "号", type: .I, primaryKey: true),
            .init(name: "t", itemName: "文", type: .C, length: 10)
        ]
        var batch = RecordBatch()
        for (object, key) in [(#"{"k":"a\\b","n":2,"t":null}"#, #""a\\b""# + "\u{1F}2"), (#"{"k":"c","n":3,"t":"x\ty"}"#, #""c""# + "\u{1F}3")] {
            let start = batch.bytes.count
            batch.bytes += Array(object.utf8)
            batch.append(object: start..<batch.bytes.count, key: key, row: 2)
        }
        let text = CopyText(batch, columns: columns)
        let lines = text.recordLines.map { String(decoding: text.records[$0], as: UTF8.self) }
        let parts = text.changeParts.map { String(decoding: text.changes[$0], as: UTF8.self) }
        #expect(lines == [#"a\\b"# + "\t2\t\\N\n", "c\t3\t" + #"x\ty"# + "\n"])
        #expect(parts == [#"["a\\\\b", 2]"# + "\t" + #"{"k":"a\\\\b","n":2,"t":null}"#, #"["c", 3]"# + "\t" + #"{"k":"c","n":3,"t":"x\\ty"}"#])
        var seq = ByteBuffer()
        for n in [0, 7, 10, 1_234_567_890_123] { RecordCopy.writeDecimal(n, to: &seq) }
        #expect(String(buffer: seq) == "07101234567890123")
    }

    /// A load of several batches: each batch's COPY text is made while the one before is written; the
    /// store and its change log (sequence, keys, data) are the INSERT path's, and so is a later append
    /// whose keys partly collide (rows then copied one by one).
    @Test func copyAheadAcrossBatchesMatchesTheInsertPath() async throws {
        func run(copy: Bool) async throws -> [String] {
            var changes: [String] = []
            try await withDataBank { app in
                let f = try await StoreFixture.enterprise(app)
                let store = try await RecordStores.find(f.code, on: app.db)
                for (rows, mode) in [(0..<21_000, LoadMode.append), (20_990..<21_010, .append)] {
                    let bytes = Array(f.csv(rows: rows).utf8)
                    _ = try await RecordCopy.$enabled.withValue(copy) {
                        try await Loads.run(store: store, mode: mode, format: .csv, encoding: nil, source: "test", who: .cli(nil), on: app.db) {
                            try await $0.feed(bytes)
                        }
                    }
                }
                let sql = app.db.sql
                changes = try await sql.raw("SELECT seq, op, record_key, data FROM \(ident: store.tables.changes) ORDER BY seq").all().map { r in
                    "\(try r.decode(column: "seq", as: Int.self)) \(try r.decode(column: "op", as: String.self)) "
                        + "\(try r.decode(column: "record_key", as: String?.self) ?? "-") \(try r.decode(column: "data", as: String?.self) ?? "-")"
                }
            }
            return changes
        }
        let copied = try await run(copy: true)
        #expect(copied.count == 21_010)
        #expect(copied.last?.hasPrefix("21010 insert") == true)
        #expect(copied == (try await run(copy: false)))
    }

    /// A failing COPY (a row an index refuses) fails its load: the store keeps its old rows and sequence.
    @Test func failedCopyLeavesTheStoreIntact() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let store = try await RecordStores.find(f.code, on: app.db)
            let text = try #require(f.textColumn)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<5), token: token)
            let sql = app.db.sql
            // A constraint the converter does not know: row 7 repeats row 2's text.
            try await sql.raw("CREATE UNIQUE INDEX copy_test_once ON \(ident: store.tables.records) (\(ident: text.name))").run()
            let res = try await app.loadCSV(f, f.csv(rows: 5..<10, setting: text.name, to: f.value(text, row: 2), inRow: 7), mode: "append", token: token)
            #expect(res.status.code >= 400)
            #expect(try await app.allRecords(f, token: token).count == 5)
            let seq = try await sql.raw("SELECT last_seq FROM record_stores WHERE resource_code = \(bind: f.code)").first()?.decode(
                column: "last_seq", as: Int.self)
            #expect(seq == 5)
        }
    }
}
