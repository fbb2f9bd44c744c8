import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Connector sources")
struct ConnectorSourceTests {
    /// The test database's server as a department's PostgreSQL: (host, port, database, user, password).
    static func postgresServer(_ app: Application) -> (String, Int, String, String, String)? {
        guard case .postgres(let url) = app.settings.database, let c = URLComponents(string: url) else { return nil }
        return (c.host ?? "127.0.0.1", c.port ?? 5432, String(c.path.dropFirst()), c.user ?? "", c.password ?? "")
    }

    /// A PostgreSQL source (a table in its own schema of the test's database): read incrementally in a
    /// read-only transaction; a query that writes through a function is refused by the server itself;
    /// a wrong password and a closed port are clear errors with their fields.
    @Test func aPostgreSQLSourceIsReadOnlyAndIncremental() async throws {
        try await withConnectorBank { app in
            guard let (host, port, database, user, password) = Self.postgresServer(app) else {
                print("skipped aPostgreSQLSourceIsReadOnlyAndIncremental: needs PostgreSQL (DATABANK_TEST_DATABASE_URL), the suite runs on SQLite")
                return
            }
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            let sql = app.db.sql
            try await sql.raw("CREATE SCHEMA dept_src").run()
            try await sql.raw("CREATE SEQUENCE dept_src.counter").run()
            let columns = cf.sourceColumns.map { "\($0) text" }.joined(separator: ", ")
            try await sql.raw("CREATE TABLE dept_src.reg (seq bigint, \(unsafeRaw: columns))").run()
            func insert(_ rows: Range<Int>) async throws {
                for r in rows {
                    var q = SQLQueryString("INSERT INTO dept_src.reg VALUES (\(bind: r + 1)")
                    for c in cf.store.layout.columns { q.appendInterpolation(unsafeRaw: ", "); q.appendInterpolation(bind: cf.store.value(c, row: r)) }
                    q.appendInterpolation(unsafeRaw: ")")
                    try await sql.raw(q).run()
                }
            }
            try await insert(0..<15)
            let source = ConnectorBody.SourceBody(
                kind: "postgres", table: "dept_src.reg", host: host, port: port, database: database, user: user, password: password)
            var body = cf.body(code: "scj-pg")
            body.source = source
            #expect(try await app.send(.POST, "/api/v1/connectors", token: token, json: body).status == .created)
            var run = try await app.send(.POST, "/api/v1/connectors/scj-pg/run", token: token).decode(RunAnswer.self)
            #expect(run.status == "succeeded" && run.inserted == 15 && run.watermarkAfter == "15")
            try await insert(15..<18)
            run = try await app.send(.POST, "/api/v1/connectors/scj-pg/run", token: token).decode(RunAnswer.self)
            #expect(run.status == "succeeded" && run.rowsRead == 3 && run.watermarkBefore == "15" && run.watermarkAfter == "18")

            // Passes the query check (it only names a function), and the read-only transaction refuses it.
            var writing = body
            writing.code = "scj-pg-w"
            writing.source?.table = nil
            writing.source?.query = "SELECT nextval('dept_src.counter') AS n, * FROM dept_src.reg"
            let refused = try await app.send(.POST, "/api/v1/connectors/test", token: token, json: writing)
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.errorBody().code == "not_read_only")
            #expect(try refused.errorBody().details.first?.field == "source.query")

            var wrong = body
            wrong.source?.password = "not-the-password"
            let denied = try await app.send(.POST, "/api/v1/connectors/test", token: token, json: wrong)
            #expect(try denied.errorBody().code == "source_credentials")
            #expect(try denied.errorBody().details.first?.field == "source.password")
        }
    }

    /// A server that refuses the connection (nothing listens on the port): a clear error on the host.
    @Test func aSourceThatRefusesTheConnection() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            var body = cf.body(code: "scj-closed")
            body.source = .init(kind: "postgres", table: "reg", host: "127.0.0.1", port: 1, database: "x", user: "u", password: "p")
            let res = try await app.send(.POST, "/api/v1/connectors/test", token: token, json: body)
            #expect(res.status == .unprocessableEntity)
            #expect(try res.errorBody().code == "source_unreachable")
            #expect(try res.errorBody().details.first?.field == "source.host")
            // A private address nobody allowed is refused before any connection.
            body.source?.host = "10.20.30.40"
            let r = try await app.send(.POST, "/api/v1/connectors/test", token: token, json: body)
            #expect(try r.errorBody().code == "source_not_allowed")
        }
    }

    /// A watched folder: a GB18030 CSV with Chinese item names as its header loads and moves to done/;
    /// a file whose header names no item moves to failed/ and the run says why.
    @Test func aWatchedFolderLoadsGB18030DropsAndMovesThem() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            let folder = cf.root + "/drops"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let layout = cf.store.layout
            var text = layout.columns.map(\.itemName).joined(separator: ",") + "\n"
            for r in 0..<4 { text += layout.columns.map { cf.store.value($0, row: r) }.joined(separator: ",") + "\n" }
            let gb = try #require(TextTranscoder.gb18030(text))
            try Data(gb).write(to: URL(fileURLWithPath: folder + "/a-登记.csv"))
            try Data("nonsense,columns\n1,2\n".utf8).write(to: URL(fileURLWithPath: folder + "/b-bad.csv"))
            try Data("ignored".utf8).write(to: URL(fileURLWithPath: folder + "/.c-in-progress.csv"))
            let body = ConnectorBody(
                code: "scj-drop", name: "登记文件", resource: cf.store.code, source: .init(kind: "folder", path: "drops"),
                schedule: "every 2 minutes", mode: "incremental")
            let created = try await app.send(.POST, "/api/v1/connectors", token: token, json: body)
            #expect(created.status == .created)
            let preview = try await app.send(.POST, "/api/v1/connectors/scj-drop/test", token: token)
            #expect(preview.body.string.contains("a-登记.csv") && !preview.body.string.contains("in-progress"))
            // The first file's first rows, decoded from GB18030 and named by item, as a run will read them.
            struct FolderPreview: Decodable { var file: String; var encoding: String; var rows: [[String: String]]; var count: Int }
            let rows = try preview.decode(FolderPreview.self)
            #expect(rows.file == "a-登记.csv" && rows.encoding == "gb18030" && rows.count == 4)
            #expect(rows.rows.first?[cf.store.keyColumn.name] == cf.store.key(0))
            let run = try await app.send(.POST, "/api/v1/connectors/scj-drop/run", token: token).decode(RunAnswer.self)
            #expect(run.status == "failed")
            #expect(run.inserted == 4)
            #expect(run.error?.contains("b-bad.csv") == true)
            let done = try FileManager.default.contentsOfDirectory(atPath: folder + "/done")
            let failed = try FileManager.default.contentsOfDirectory(atPath: folder + "/failed")
            #expect(done.count == 1 && done[0].hasSuffix("a-登记.csv"))
            #expect(failed.count == 1 && failed[0].hasSuffix("b-bad.csv"))
            #expect(FileManager.default.fileExists(atPath: folder + "/.c-in-progress.csv"))
            let records = try await app.allRecords(cf.store, token: token)
            #expect((0..<4).allSatisfy { records[cf.store.key($0)] != nil })
        }
    }
}
