import DataBankCore
@testable import DataBankServer
import Fluent
import FluentSQLiteDriver
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Point reads, the token check and the access epoch go through the read connections
/// (``SQLiteReadPool`` on a SQLite file; the request's pool on PostgreSQL) while writes and the
/// audit group commit stay on the read-write connection: what was committed before a read began
/// is what it sees, and a revocation takes effect on the very next read.
@Suite("Read connections")
struct ReadPoolTests {
    static let consumer = "jtj_steward"

    /// A DataBank on a SQLite file (so it has read connections) or on PostgreSQL when the run is.
    func withReadConnections(_ body: (Application) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("databank-readpool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try await withDataBank(adjust: { s in
            if case .sqliteMemory = s.database { s.database = .sqliteFile(dir.appendingPathComponent("databank.sqlite").path) }
        }) { app in
            if !app.settings.database.isPostgres { #expect(app.sqliteReadPool != nil) }
            try await body(app)
        }
    }

    func pointRead(_ app: Application, _ f: StoreFixture, row: Int, token: String) async throws -> TestingHTTPResponse {
        try await app.send(.GET, "/api/v1/resources/\(f.code)/records/\(f.key(row))?purpose=test", token: token)
    }

    /// A record loaded (committed on the read-write connection) is read by key and counted at once.
    @Test func readSeesTheWriteCommittedJustBefore() async throws {
        try await withReadConnections { app in
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: provider)
            #expect(try await pointRead(app, f, row: 0, token: provider).status == .ok)
            #expect(try await pointRead(app, f, row: 5, token: provider).status == .notFound)
            for batch in 1..<4 {
                _ = try await app.loadCSV(f, f.csv(rows: batch * 3..<batch * 3 + 3), token: provider)
                #expect(try await pointRead(app, f, row: batch * 3 + 2, token: provider).status == .ok)
                let page = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?limit=1", token: provider).decode(RecordPage.self)
                #expect(page.total == batch * 3 + 3)
            }
            let deleted = try await app.send(.DELETE, "/api/v1/resources/\(f.code)/records/\(f.key(4))", token: provider)
            #expect(deleted.status == .noContent)
            #expect(try await pointRead(app, f, row: 4, token: provider).status == .notFound)
        }
    }

    /// A grant revoked in the database (by the read-write connection, as another instance would) is
    /// refused on the next read, however warm the caches.
    @Test func revokedGrantIsRefusedOnTheNextRead() async throws {
        try await withReadConnections { app in
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward), consumer = try await app.token(Self.consumer)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: provider)
            let grant = try await app.grantAtOnce(f, consumer: consumer, items: ["enterprise_name", "legal_rep"], lastKey: f.key(2), purpose: "读连接测试")
            for _ in 0..<3 { #expect(try await pointRead(app, f, row: 1, token: consumer).status == .ok) }
            try await app.db.sql.raw("UPDATE grants SET valid_until = '2000-01-01' WHERE id = \(bind: grant.id!)").run()
            let after = try await pointRead(app, f, row: 1, token: consumer)
            #expect(after.status == .forbidden)
            #expect(try after.errorBody().code == "no_grant")
        }
    }

    /// A token deleted in the database is refused on the next read.
    @Test func revokedTokenIsRefusedOnTheNextRead() async throws {
        try await withReadConnections { app in
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: provider)
            for _ in 0..<3 { #expect(try await pointRead(app, f, row: 0, token: provider).status == .ok) }
            try await app.db.sql.raw("DELETE FROM user_tokens WHERE token_hash = \(bind: UserToken.hash(provider))").run()
            let after = try await pointRead(app, f, row: 0, token: provider)
            #expect(after.status == .unauthorized)
            #expect(try after.errorBody().code == "invalid_token")
        }
    }

    /// Concurrent reads beside concurrent loads: every read audited before its answer, the chain intact.
    @Test func concurrentReadsBesideLoadsAreAllAudited() async throws {
        try await withReadConnections { app in
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: provider)
            let count = "SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'read'"
            let before = try await app.db.sql.raw("\(unsafeRaw: count)").first()!.decode(column: "n", as: Int.self)
            let reads = (0..<3).map { "/api/v1/resources/\(f.code)/records/\(f.key($0))?purpose=test" }
            let loadPath = "/api/v1/resources/\(f.code)/records?mode=upsert"
            let loads = (1..<4).map { Array(f.csv(rows: $0 * 3..<$0 * 3 + 3).utf8) }
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<40 {
                    let path = reads[i % 3]
                    group.addTask { try await app.send(.GET, path, token: provider).status }
                }
                group.addTask {  // one load after another, while the reads run
                    for body in loads {
                        let status = try await app.sendRaw(.POST, loadPath, token: provider, contentType: "text/csv", body: body).status
                        if status != .ok { return status }
                    }
                    return .ok
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.count == 41 && statuses.allSatisfy { $0 == .ok })
            let after = try await app.db.sql.raw("\(unsafeRaw: count)").first()!.decode(column: "n", as: Int.self)
            #expect(after - before == 40)
            #expect(try await AuditLog.verify(on: app.db, trail: app.auditTrail).broken == nil)
        }
    }

    /// The pool's database is an `SQLiteDatabase` too, so record pages and point reads step their
    /// rows on the read connection's thread (``RecordTextRows``' fast path), and what they answer is
    /// byte for byte what SQLKit's generic decoding gives for the same statement.
    @Test func poolPagesMatchTheGenericPathByteForByte() async throws {
        try await withReadConnections { app in
            guard let pool = app.sqliteReadPool else { return }  // PostgreSQL: no read pool
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<25), token: provider)
            let fast = pool.sql(on: app.eventLoopGroup.any(), logger: app.logger)
            #expect(fast is any SQLiteDatabase)
            let generic = try #require(fast as? SQLiteReadPool.ReadDatabase).sql
            #expect(!(generic is any SQLiteDatabase))
            let store = try await RecordStores.find(f.code, on: app.db)
            let all = try RecordQuery(store: store, params: [], fields: nil, sort: nil)
            let byKey = try RecordQuery(store: store, params: [(f.keyColumn.name, f.key(7))], fields: nil, sort: nil, keyLookup: true)
            for q in [all, byKey] {
                let a = try await q.page(after: nil, limit: 10, on: fast), b = try await q.page(after: nil, limit: 10, on: generic)
                #expect(!a.rows.isEmpty && a.rows == b.rows && a.next == b.next)
                let c = try await q.csvPage(after: a.next, limit: 10, on: fast), d = try await q.csvPage(after: b.next, limit: 10, on: generic)
                #expect(c.rows == d.rows && c.next == d.next)
            }
            let over = try await app.send(.GET, "/api/v1/resources/\(f.code)/records/\(f.key(7))", token: provider)
            let expected = try await byKey.page(after: nil, limit: 1, on: generic).rows.first
            #expect(over.status == .ok && over.body.string == expected)
        }
    }

    /// A record committed on the read-write connection is on the pool's fast row reader at once.
    @Test func poolRowReaderSeesTheWriteCommittedJustBefore() async throws {
        try await withReadConnections { app in
            guard let pool = app.sqliteReadPool else { return }
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward)
            let store = try await RecordStores.find(f.code, on: app.db)
            let q = try RecordQuery(store: store, params: [(f.keyColumn.name, f.key(4))], fields: nil, sort: nil, keyLookup: true)
            let sql = pool.sql(on: app.eventLoopGroup.any(), logger: app.logger)
            #expect(try await q.page(after: nil, limit: 1, on: sql).rows.isEmpty)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<5), token: provider)
            #expect(try await q.page(after: nil, limit: 1, on: sql).rows.count == 1)
        }
    }

    /// The read connections refuse writes (`PRAGMA query_only`): nothing can be written past the audit.
    @Test func readConnectionsRefuseWrites() async throws {
        try await withReadConnections { app in
            guard let pool = app.sqliteReadPool else { return }  // PostgreSQL: reads share the request's pool
            let sql = pool.sql(on: app.eventLoopGroup.any(), logger: app.logger)
            let seq = try await sql.raw("SELECT seq FROM audit_head WHERE id = 1").first()?.decode(column: "seq", as: Int.self)
            #expect(seq != nil)
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE audit_head SET seq = seq + 1 WHERE id = 1").run() }
        }
    }

    /// PostgreSQL keeps record reads prepared on each connection (``PostgresPreparedReads``): pages,
    /// CSV cells and point reads — run past the sixth time, when the server may switch to a generic
    /// plan — are byte for byte what SQLKit's unnamed statements give, and the HTTP point read's body too.
    @Test func preparedReadsMatchTheUnnamedPathByteForByte() async throws {
        try await withReadConnections { app in
            guard app.settings.database.isPostgres else { return }
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<25), token: provider)
            let store = try await RecordStores.find(f.code, on: app.db)
            let prepared = app.db.sql, unnamed = UnnamedSQL(base: app.db.sql)
            let all = try RecordQuery(store: store, params: [], fields: nil, sort: nil)
            let byKey = try RecordQuery(store: store, params: [(f.keyColumn.name, f.key(7))], fields: nil, sort: nil, keyLookup: true)
            for _ in 0..<7 {
                for q in [all, byKey] {
                    let a = try await q.page(after: nil, limit: 10, on: prepared), b = try await q.page(after: nil, limit: 10, on: unnamed)
                    #expect(!a.rows.isEmpty && a.rows == b.rows && a.next == b.next)
                    let c = try await q.csvPage(after: a.next, limit: 10, on: prepared), d = try await q.csvPage(after: b.next, limit: 10, on: unnamed)
                    #expect(c.rows == d.rows && c.next == d.next)
                }
                let over = try await app.send(.GET, "/api/v1/resources/\(f.code)/records/\(f.key(7))", token: provider)
                let expected = try await byKey.page(after: nil, limit: 1, on: unnamed).rows.first
                #expect(over.status == .ok && over.body.string == expected)
            }
        }
    }

    /// A read statement whose preparation failed (its table gone for a moment) is prepared afresh
    /// once the table is back: PostgresNIO would otherwise answer the failed preparation's error for
    /// that statement on that connection for good.
    @Test func failedPreparationIsPreparedAfresh() async throws {
        try await withReadConnections { app in
            guard app.settings.database.isPostgres else { return }
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: provider)
            let store = try await RecordStores.find(f.code, on: app.db)
            let table = RecordTables(base: store.tableName).records
            // A field list read first while the table is away: its statement's first preparation on this app's connections fails.
            let path = "/api/v1/resources/\(f.code)/records/\(f.key(1))?fields=\(f.keyColumn.name)&purpose=test"
            try await app.db.sql.raw("ALTER TABLE \(ident: table) RENAME TO \(ident: table + "_away")").run()
            for _ in 0..<3 { #expect(try await app.send(.GET, path, token: provider).status != .ok) }
            try await app.db.sql.raw("ALTER TABLE \(ident: table + "_away") RENAME TO \(ident: table)").run()
            for _ in 0..<10 { #expect(try await app.send(.GET, path, token: provider).status == .ok) }
        }
    }
}

/// A database's SQLKit face alone (not a `PostgresDatabase`): its statements run unnamed, decoded by name.
struct UnnamedSQL: SQLDatabase {
    let base: any SQLDatabase
    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        base.execute(sql: query, onRow)
    }
}
