import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Rows reaching the ingest as text fields (``FieldRows``): what the PostgreSQL source's server prints
/// for each column, loaded as a CSV file's fields are, NULL kept apart from an empty text.
@Suite("Connector rows as text cells")
struct ConnectorCellsTests {
    /// A store of the bus bench's layout (text, decimal, integer, date, date-time and boolean items),
    /// under the market regulation bureau, whose steward manages it.
    static func typedStore(_ app: Application, code: String = "109001-00077") async throws -> StoreFixture {
        let steward = try #require(try await User.query(on: app.db).filter(\.$username == "scj_steward").first())
        let template = try #require(
            try await ResourceRow.query(on: app.db).filter(\.$departmentCode == steward.departmentCode)
                .filter(\.$publishedRevision != nil).filter(\.$classified == false).first())
        var snapshot = try #require(template.catalogSnapshot)
        snapshot.code = code
        snapshot.name = "参保人员信息（字段测试）"
        snapshot.open.type = .closed
        snapshot.items = []
        let entry = ResourceRow()
        entry.apply(snapshot)
        entry.searchText = snapshot.name; entry.status = LifecycleState.published.rawValue
        entry.publishedRevision = 1; entry.workingRevision = 1; entry.version = 1
        try await entry.create(on: app.db)
        try await RecordStores.create(code: code, department: steward.departmentCode, revision: 1, layout: BusBench.layout, on: app.db)
        return StoreFixture(code: code, layout: BusBench.layout, steward: steward.username)
    }

    static func id(_ i: Int) -> String { BusBench.idNumber(i) }

    /// What both tests load (the layout's order: id_number, name, employer, credit_code, region, amount,
    /// months, paid_on, updated_at, active): PostgreSQL's text output, a failing value, a missing one.
    static let cells: [[String?]] = [
        [id(0), "陈伟, \"老陈\"\n第二行", nil, "", "440604", "12.50", "7", "2024-03-05", "2024-03-05 08:30:00+08", "true"],
        [id(1), "李芳", "佛山,南海", "91440600MA0000001X", "440605", "-0.50", "0", "2024-03-06", "2024-03-05 00:20:00+00", "false"],
        // 11 integer digits: more than the item's 12 digits with its 2 decimals.
        [id(2), "黄娜", nil, "", "440606", "12345678901.50", "3", "2024-03-07", "2024-03-07 09:00:00+08", "true"]
    ]

    /// The records both tests expect, and the refused row's quarantine entry.
    static func expectLoaded(_ app: Application, _ f: StoreFixture) async throws {
        let token = try await app.token(f.steward)
        let records = try await app.allRecords(f, token: token)
        #expect(records.count == 2)
        let first = try #require(records[id(0)])
        #expect(first["name"] == .string("陈伟, \"老陈\"\n第二行"))
        #expect(first["employer"] == .null && first["credit_code"] == .null)
        #expect(first["amount"] == .number(12.5) && first["months"] == .number(7))
        #expect(first["paid_on"] == .string("2024-03-05") && first["active"] == .bool(true))
        let second = try #require(records[id(1)])
        #expect(second["employer"] == .string("佛山,南海") && second["amount"] == .number(-0.5) && second["active"] == .bool(false))
        // Offsets converted to the city's time (UTC+8): 00:20 UTC is 08:20.
        #expect(first["updated_at"]?.text.hasPrefix("2024-03-05") == true && first["updated_at"]?.text.contains("08:30:00") == true)
        #expect(second["updated_at"]?.text.hasPrefix("2024-03-05") == true && second["updated_at"]?.text.contains("08:20:00") == true)
        let page = try await app.send(.GET, "/api/v1/resources/\(f.code)/quarantine?status=open", token: token).decode(QuarantinePage.self)
        #expect(page.items.count == 1)
        let refused = try #require(page.items.first)
        #expect(refused.row == 3 && refused.code == "too_long")
        let record = try #require(refused.record)
        // NULL and '' stay apart in the raw row kept for fixing it: a NULL is no value, '' an empty one.
        #expect(record["employer"] ?? nil == nil)
        #expect(record["credit_code"] == Optional<String?>.some(""))
        #expect(record["amount"] == Optional<String?>.some("12345678901.50"))
    }

    /// The ingest's field entry on its own (both databases): types, NULL vs '', quarantine.
    @Test func fieldRowsLoadAsAFilesFieldsDo() async throws {
        try await withDataBank { app in
            let f = try await Self.typedStore(app)
            let store = try await RecordStores.find(f.code, on: app.db)
            var rows = FieldRows(names: f.layout.columns.map(\.itemName))
            for row in Self.cells {
                for cell in row {
                    if var text = cell { text.withUTF8 { rows.append(UnsafeRawBufferPointer($0)) } } else { rows.appendNull() }
                }
                rows.endRow()
            }
            let who = AuditLog.Who(kind: "connector", id: nil, name: "test", departmentCode: store.departmentCode)
            let page = rows
            let summary = try await Loads.run(
                store: store, mode: .upsert, format: .ndjson, encoding: .utf8, source: "test", who: who, on: app.db
            ) { ingest in try await ingest.feed(page) }
            #expect(summary.rows == 3 && summary.inserted == 2 && summary.rejected == 1)
            try await Self.expectLoaded(app, f)
        }
    }

    /// A PostgreSQL source's typed columns (text with commas, quotes and a newline; NULL and ''; numeric;
    /// date; timestamptz; boolean; a fixed-width char) arrive as the items' values; the preview shows the
    /// text the run reads; an incremental run by a timestamptz column reads only what is past it.
    @Test func aPostgreSQLSourcesTypedColumnsArriveAsText() async throws {
        try await withConnectorBank { app in
            guard let (host, port, database, user, password) = ConnectorSourceTests.postgresServer(app) else {
                print("skipped aPostgreSQLSourcesTypedColumnsArriveAsText: needs PostgreSQL (DATABANK_TEST_DATABASE_URL), the suite runs on SQLite")
                return
            }
            let f = try await Self.typedStore(app)
            let token = try await app.token(f.steward)
            let sql = app.db.sql
            try await sql.raw("CREATE SCHEMA dept_typed").run()
            try await sql.raw(
                """
                CREATE TABLE dept_typed.people (pid text, full_name text, employer varchar(100), credit varchar(18), region character(6),
                    amount numeric(14,2), months integer, paid_on date, changed_at timestamptz, active boolean)
                """
            ).run()
            func insert(_ row: [String?]) async throws {
                var q = SQLQueryString("INSERT INTO dept_typed.people VALUES (")
                let types = ["text", "text", "varchar", "varchar", "character(6)", "numeric", "integer", "date", "timestamptz", "boolean"]
                for (i, cell) in row.enumerated() {
                    if i > 0 { q.appendInterpolation(unsafeRaw: ", ") }
                    q.appendInterpolation(bind: cell)
                    q.appendInterpolation(unsafeRaw: "::" + types[i])
                }
                q.appendInterpolation(unsafeRaw: ")")
                try await sql.raw(q).run()
            }
            for row in Self.cells { try await insert(row) }
            let columns = ["pid", "full_name", "employer", "credit", "region", "amount", "months", "paid_on", "changed_at", "active"]
            let body = ConnectorBody(
                code: "scj-typed", name: "参保人员同步", resource: f.code,
                source: .init(kind: "postgres", table: "dept_typed.people", host: host, port: port, database: database, user: user, password: password),
                mapping: zip(columns, f.layout.columns).map { .init(source: $0, item: $1.name) }, schedule: "every 5 minutes", mode: "incremental",
                watermarkColumn: "changed_at")

            // The preview: the first rows as the run reads them, each cell the server's text.
            struct Preview: Decodable { var rows: [[String: String?]]; var count: Int }
            let preview = try await app.send(.POST, "/api/v1/connectors/test", token: token, json: body).decode(Preview.self)
            #expect(preview.count == 3)
            let early = try #require(preview.rows.first)
            #expect(early["id_number"] == Optional<String?>.some(Self.id(1)))  // ordered by changed_at: 00:20 UTC first
            #expect(early["active"] == Optional<String?>.some("false") && early["amount"] == Optional<String?>.some("-0.50"))
            #expect(early["region"] == Optional<String?>.some("440605"))

            #expect(try await app.send(.POST, "/api/v1/connectors", token: token, json: body).status == .created)
            var run = try await app.send(.POST, "/api/v1/connectors/scj-typed/run", token: token).decode(RunAnswer.self)
            #expect(run.status == "succeeded" && run.rowsRead == 3 && run.inserted == 2 && run.refused == 1)
            #expect(run.watermarkAfter?.hasPrefix("2024-03-0") == true)
            try await Self.expectLoaded(app, f)

            // Incremental: one row past the watermark is read, the watermark moves to it.
            try await insert([Self.id(3), "张敏", "", nil, "440607", "8", "1", "2024-03-08", "2024-03-08 10:00:00+08", nil])
            let before = run.watermarkAfter
            run = try await app.send(.POST, "/api/v1/connectors/scj-typed/run", token: token).decode(RunAnswer.self)
            #expect(run.status == "succeeded" && run.rowsRead == 1 && run.inserted == 1 && run.watermarkBefore == before)
            #expect(run.watermarkAfter != nil && run.watermarkAfter != before)
            let records = try await app.allRecords(f, token: token)
            #expect(records[Self.id(3)]?["active"] == .null && records[Self.id(3)]?["amount"] == .number(8))
        }
    }
}
