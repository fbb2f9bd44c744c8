import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The downloads written as bytes straight from the rows (``RecordQuery/csvBytes(after:limit:on:)``,
/// the rows read by position through ``RecordTextRows``) give exactly the bytes of the rendering
/// before them: cells decoded through SQLKit, lines through ``CSVText``, objects concatenated. Tricky
/// values (separators, quotes, line breaks, Chinese, NULLs, numbers, dates, a masked item) on the
/// database the tests run on.
@Suite("Open data downloads: bytes")
struct OpenDownloadBytesTests {
    /// Values that need quoting or escaping, set straight in the record table (the rendering, not the load rules, is under test).
    static let tricky = [
        "逗号,在中间", "引号\"在中间\"", "换行\n在中间", "回车\r\n换行", "\"", ",", "", "佛山市禅城区祖庙路1号", "tab\there", "emoji 👍 and é"
    ]

    /// The fixture with tricky values in every text item, NULLs in optional items, and edge numbers and dates.
    func trickyStore(_ app: Application, rows: Int = 23) async throws -> OpenFixture {
        let f = try await OpenFixture.make(app, rows: rows)
        let sql = app.db.sql
        let dialect = RecordTables.Dialect(sql)
        let tables = RecordTables(resourceCode: f.code)
        let layout = f.store.layout
        let key = try #require(layout.keyColumns.first)
        for r in 0..<rows {
            var sets: [SQLQueryString] = []
            // The masked item keeps its loaded phone numbers on even rows, so a leak stays recognisable.
            for c in layout.columns where !c.primaryKey && !(c.name == f.maskedColumn && r % 2 == 0) {
                let value: String?
                switch c.type {
                case .C, .M, .G:
                    let text = Self.tricky[(r + c.name.count) % Self.tricky.count]
                    value = c.required || r % 5 != 4 ? String(text.prefix(c.length ?? 100)) : nil
                case .I: value = ["0", "-7", "9007199254740993"][r % 3]
                case .N, .Y: value = ["1234567.891", "-0.5", "0", "10"][r % 4]
                case .F, .B: value = ["0.1", "-2.5", "12345.25"][r % 3]
                case .D: value = c.required || r % 3 != 2 ? ["2024-02-29", "1999-12-31"][r % 2] : nil
                case .T: value = ["2024-03-01 23:59:59", "2000-01-01 00:00:00"][r % 2]
                case .L: value = r % 2 == 0 ? "true" : "false"
                }
                if let value {
                    sets.append("\(ident: c.name) = \(RecordQuery.typedValue(value, c, dialect))")
                } else {
                    sets.append("\(ident: c.name) = NULL")
                }
            }
            try await sql.raw(
                "UPDATE \(ident: tables.records) SET \(sets.joined(separator: ", ")) WHERE \(ident: key.name) = \(RecordQuery.typedValue(f.store.key(r), key, dialect))"
            ).run()
        }
        return f
    }

    /// The query an anonymous download reads: the open portal's view (default masks) through the one read decision.
    func publicQuery(_ app: Application, _ code: String, sort: String? = nil, params: [(String, String)] = []) async throws -> RecordQuery {
        let req = Request(application: app, on: app.eventLoopGroup.next())
        let read = try await StoreReading.readAsPublic(req, code: code)
        #expect(read.view?.showsClearValues == false, "the fixture masks an item")
        return try RecordQuery(store: read.store, params: params, fields: nil, sort: sort, view: read.view)
    }

    /// The earlier rendering: cells decoded by name through SQLKit, masked, then ``CSVText`` lines.
    func legacyCSV(_ q: RecordQuery, on sql: any SQLDatabase) async throws -> String {
        let dialect = RecordTables.Dialect(sql)
        let rows = try await sql.raw(q.pageStatement(q.cellSelect(dateTimeSeparator: " ", dialect), after: nil, limit: 100_000, offset: 0, dialect)).all()
        var text = CSVText.line(q.fields.map(\.name))
        for row in rows {
            var cells = try q.fields.indices.map { try row.decode(column: "_c\($0)", as: String?.self) }
            if let view = q.view {
                for (i, c) in q.fields.enumerated() { cells[i] = view.mask(cells[i], column: c.name, today: GrantAccess.today()) }
            }
            CSVText.append(cells, to: &text)
        }
        return text
    }

    /// The header line and every page `fetch` gives, from the first until one has no next cursor (100 at most).
    func joinedPages(_ q: RecordQuery, _ fetch: ([String]?) async throws -> (bytes: ByteBuffer, next: [String]?)) async throws -> String {
        var bytes = ByteBuffer(string: CSVText.line(q.fields.map(\.name)))
        var after: [String]? = nil
        var pages = 0
        repeat {
            var page = try await fetch(after)
            bytes.writeBuffer(&page.bytes)
            after = page.next
            pages += 1
        } while after != nil && pages < 100
        return String(buffer: bytes)
    }

    /// `data.csv` (plain and with the byte-order mark) is byte for byte the earlier rendering.
    @Test func csvIsTheEarlierRendering() async throws {
        try await withDataBank { app in
            let f = try await trickyStore(app)
            let q = try await publicQuery(app, f.code)
            let expected = Array(try await legacyCSV(q, on: app.db.sql).utf8)
            #expect(String(decoding: expected, as: UTF8.self).contains("\"引号\"\"在中间\"\"\""), "the fixture needs quoting")
            let plain = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/data.csv")
            #expect(plain.status == .ok)
            #expect(Array(plain.body.readableBytesView) == expected)
            let excel = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/data.csv?bom=true")
            #expect(Array(excel.body.readableBytesView) == [0xEF, 0xBB, 0xBF] + expected)
            let leaked = f.leaks(plain.body.string)
            #expect(!leaked, "the masked item stays masked")
        }
    }

    /// Pages of any size, written as bytes and joined, are the whole earlier rendering; so is the CKAN dump's CSV.
    @Test func csvPagesJoinToTheWhole() async throws {
        try await withDataBank { app in
            let f = try await trickyStore(app)
            let sql = app.db.sql
            for sort in [nil, "-credit_code"] {
                let q = try await publicQuery(app, f.code, sort: sort)
                let expected = try await legacyCSV(q, on: sql)
                for limit in [1, 4, 23, 50] {
                    let joined = try await joinedPages(q) { after in try await q.csvBytes(after: after, limit: limit, on: sql) }
                    #expect(joined == expected, "limit \(limit), sort \(sort ?? "key")")
                }
            }
            let pkg = try await app.ckan("package_show", ["id": .string(f.code)])
            let id = try #require(pkg.result["resources"][0]["id"].text)
            let dump = try await app.ckanGet("/datastore/dump/\(id)?format=csv")
            #expect(dump.status == .ok)
            #expect(dump.body.string == (try await legacyCSV(try await publicQuery(app, f.code), on: sql)))
        }
    }

    /// `data.json` and `data.ndjson` are the records' objects as the database renders them (masked items added), joined.
    @Test func jsonIsTheEarlierRendering() async throws {
        try await withDataBank { app in
            let f = try await trickyStore(app)
            let q = try await publicQuery(app, f.code)
            let sql = app.db.sql
            let objects = try await q.page(after: nil, limit: 100_000, on: sql).rows
            #expect(objects.count == f.rows)
            let json = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/data.json")
            let fields = JSONText.encode(q.fields.map(\.name))
            #expect(json.body.string == "{\"total\":\(f.rows),\"fields\":\(fields),\"items\":[" + objects.joined(separator: ",") + "]}")
            let ndjson = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/data.ndjson")
            #expect(ndjson.body.string == objects.map { $0 + "\n" }.joined())
            let decoded = try JSONDecoder().decode(CKANValue.self, from: Data(json.body.string.utf8))
            #expect(decoded["items"].items.count == f.rows, "valid JSON")
            let leaked = f.leaks(json.body.string)
            #expect(!leaked)
        }
    }

    /// With an offset the rows are found by key first, then read: the same rows in the same order
    /// as the slice of one whole read, filtered or not, masked or not, ascending or descending.
    @Test func offsetPagesAreSlicesOfTheWhole() async throws {
        try await withDataBank { app in
            let f = try await trickyStore(app, rows: 30)
            let sql = app.db.sql
            let req = Request(application: app, on: app.eventLoopGroup.next())
            let read = try await StoreReading.readAsPublic(req, code: f.code)
            let queries = [
                try RecordQuery(store: read.store, params: [], fields: nil, sort: nil, view: read.view),
                try RecordQuery(store: read.store, params: [], fields: nil, sort: "-credit_code", view: read.view),
                try RecordQuery(store: read.store, params: [("credit_code__gte", f.store.key(7))], fields: nil, sort: nil, view: read.view),
                try RecordQuery(store: read.store, params: [], fields: nil, sort: "-credit_code")  // the provider's, unmasked
            ]
            for q in queries {
                let whole = try await q.page(after: nil, limit: 1_000, on: sql).rows
                let cells = try await q.csvPage(after: nil, limit: 1_000, on: sql).rows
                #expect(whole.count >= 20)
                for offset in [1, 5, 19, whole.count - 1, whole.count + 3] {
                    let expected = Array(whole.dropFirst(offset).prefix(4))
                    #expect(try await q.page(after: nil, limit: 4, offset: offset, on: sql).rows == expected, "offset \(offset)")
                    #expect(try await q.csvPage(after: nil, limit: 4, offset: offset, on: sql).rows == Array(cells.dropFirst(offset).prefix(4)))
                }
            }
        }
    }

    /// On a SQLite file the downloads step rows on SQLite's C API (``SQLiteDirectReads``): pages of
    /// any size, sorted either way, masked or not, join to the earlier rendering, and so do `data.csv`
    /// and the CKAN dump. (On PostgreSQL there are no direct reads: the endpoints are checked as above.)
    @Test func directReadsOnAFileAreTheEarlierRendering() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("databank-direct-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try await withDataBank(adjust: { s in
            if case .sqliteMemory = s.database { s.database = .sqliteFile(dir.appendingPathComponent("databank.sqlite").path) }
        }) { app in
            let f = try await trickyStore(app)
            let sql = app.db.sql
            let public_ = try await publicQuery(app, f.code)
            let expected = try await legacyCSV(public_, on: sql)
            let plain = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/data.csv")
            #expect(plain.body.string == expected)
            let pkg = try await app.ckan("package_show", ["id": .string(f.code)])
            let id = try #require(pkg.result["resources"][0]["id"].text)
            #expect(try await app.ckanGet("/datastore/dump/\(id)?format=csv").body.string == expected)
            guard !app.settings.database.isPostgres else { return }
            let direct = try #require(app.sqliteDirectReads)
            let req = Request(application: app, on: app.eventLoopGroup.next())
            let read = try await StoreReading.readAsPublic(req, code: f.code)
            let unmasked = try RecordQuery(store: read.store, params: [], fields: nil, sort: "-credit_code")
            for q in [public_, try await publicQuery(app, f.code, sort: "-credit_code"), unmasked] {
                let whole = try await legacyCSV(q, on: sql)
                for limit in [1, 4, 23, 50] {
                    let joined = try await joinedPages(q) { after in try await q.csvBytes(after: after, limit: limit, direct: direct, sql: sql) }
                    #expect(joined == whole, "limit \(limit)")
                }
            }
        }
    }
}
