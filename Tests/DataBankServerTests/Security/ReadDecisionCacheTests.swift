import DataBankCore
@testable import DataBankServer
import Fluent
import Testing
import Vapor
import VaporTesting

/// The read decision's facts and tokens are cached per access epoch (``AccessEpoch``): whatever
/// changes a grant, a token or a user — through the API or straight in the database, as another
/// instance would — takes effect on the very next read, however warm the cache.
@Suite("Cached read decisions")
struct ReadDecisionCacheTests {
    static let consumer = "jtj_steward"

    func pointRead(_ app: Application, _ f: StoreFixture, row: Int = 0, token: String) async throws -> TestingHTTPResponse {
        try await app.send(.GET, "/api/v1/resources/\(f.code)/records/\(f.key(row))?purpose=test", token: token)
    }

    /// A store with 3 rows, the consumer granted two items of them; both readers' caches warmed.
    func granted(_ app: Application) async throws -> (StoreFixture, provider: String, consumer: String, grant: GrantRow) {
        let f = try await StoreFixture.enterprise(app)
        let provider = try await app.token(f.steward), consumer = try await app.token(Self.consumer)
        _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: provider)
        let grant = try await app.grantAtOnce(f, consumer: consumer, items: ["enterprise_name", "legal_rep"], lastKey: f.key(2), purpose: "缓存测试")
        for _ in 0..<2 {
            #expect(try await pointRead(app, f, token: consumer).status == .ok)
            #expect(try await pointRead(app, f, token: provider).status == .ok)
        }
        // The reads above were served from the caches (else these tests would prove nothing of them).
        #expect(app.readCaches.decisions.count >= 2 && app.readCaches.userTokens.count >= 2)
        return (f, provider, consumer, grant)
    }

    /// A grant revoked through the API is refused on the next read.
    @Test func grantRevokedThroughTheAPIIsRefusedAtOnce() async throws {
        try await withDataBank { app in
            let (f, provider, consumer, grant) = try await granted(app)
            let revoked = try await app.send(.POST, "/api/v1/grants/\(grant.id!)/revoke", token: provider, json: ["reason": "用途已结束"])
            #expect(revoked.status == .ok)
            let after = try await pointRead(app, f, token: consumer)
            #expect(after.status == .forbidden)
            #expect(try after.errorBody().code == "no_grant")
        }
    }

    /// A grant revoked by a write no code of this process made (another instance, an operator's
    /// SQL) is refused on the next read: the database moves the epoch, not the revoking code.
    @Test func grantRevokedInTheDatabaseIsRefusedAtOnce() async throws {
        try await withDataBank { app in
            let (f, _, consumer, grant) = try await granted(app)
            try await app.db.sql.raw("UPDATE grants SET valid_until = '2000-01-01' WHERE id = \(bind: grant.id!)").run()
            let after = try await pointRead(app, f, token: consumer)
            #expect(after.status == .forbidden)
            #expect(try after.errorBody().code == "no_grant")
        }
    }

    /// A grant's narrowed scope (an item taken away) applies to the next read.
    @Test func changedScopeAppliesAtOnce() async throws {
        try await withDataBank { app in
            let (f, _, consumer, grant) = try await granted(app)
            let before = try await pointRead(app, f, token: consumer).decode([String: JSONValue].self)
            #expect(before["legal_rep"] != nil)
            var scope = try #require(JSONText.decode(GrantScope.self, grant.scope))
            scope.items = ["enterprise_name"]
            try await app.db.sql.raw("UPDATE grants SET scope = \(bind: JSONText.encode(scope)) WHERE id = \(bind: grant.id!)").run()
            let after = try await pointRead(app, f, token: consumer).decode([String: JSONValue].self)
            #expect(after["legal_rep"] == nil)
            #expect(after["enterprise_name"] != nil)
        }
    }

    /// A revoked token is refused on the next request, revoked through the API or in the database.
    @Test(arguments: ["api", "database"])
    func revokedTokenIsRefusedAtOnce(_ how: String) async throws {
        try await withDataBank { app in
            let (f, provider, _, _) = try await granted(app)
            #expect(try await app.send(.GET, "/api/v1/me", token: provider).status == .ok)
            let token = try #require(try await UserToken.query(on: app.db).filter(\.$tokenHash == UserToken.hash(provider)).first())
            if how == "api" {
                #expect(try await app.send(.DELETE, "/api/v1/tokens/\(token.id!)", token: provider).status.code < 300)
            } else {
                try await app.db.sql.raw("DELETE FROM user_tokens WHERE id = \(bind: token.id!)").run()
            }
            let after = try await pointRead(app, f, token: provider)
            #expect(after.status == .unauthorized)
            #expect(try after.errorBody().code == "invalid_token")
            #expect(try await app.send(.GET, "/api/v1/me", token: provider).status == .unauthorized)
        }
    }

    /// A user moved to another department reads their old department's records only as the new
    /// department's grant allows, from the next read on.
    @Test func movedUserReadsUnderTheNewDepartmentAtOnce() async throws {
        try await withDataBank { app in
            let (f, provider, _, _) = try await granted(app)
            let full = try await pointRead(app, f, token: provider).decode([String: JSONValue].self)
            #expect(Set(full.keys) == Set(f.layout.columns.map(\.name)))
            let transport = try #require(try await User.query(on: app.db).filter(\.$username == Self.consumer).first()).departmentCode
            try await app.db.sql.raw("UPDATE users SET department_code = \(bind: transport) WHERE username = \(bind: f.steward)").run()
            let after = try await pointRead(app, f, token: provider).decode([String: JSONValue].self)
            #expect(Set(after.keys) == [f.keyColumn.name, "enterprise_name", "legal_rep"])
        }
    }

    /// A load moves the store's counters but not the epoch: a warm reader's total and change
    /// sequence still follow it at once.
    @Test func loadsShowInTotalsWithAWarmCache() async throws {
        try await withDataBank { app in
            let (f, provider, _, _) = try await granted(app)
            let before = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?limit=1", token: provider).decode(RecordPage.self)
            #expect(before.total == 3)
            _ = try await app.loadCSV(f, f.csv(rows: 3..<7), token: provider)
            let after = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?limit=1", token: provider).decode(RecordPage.self)
            #expect(after.total == 7)
            #expect(try await pointRead(app, f, row: 6, token: provider).status == .ok)
        }
    }

    /// Concurrent point reads with a warm cache: each one audited (its entry committed before its
    /// answer), and the chain verifies.
    @Test func concurrentReadsAreAllAuditedAndTheChainVerifies() async throws {
        try await withDataBank { app in
            let (f, provider, consumer, _) = try await granted(app)
            let sql = app.db.sql
            let before = try await sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'read'").first()!.decode(column: "n", as: Int.self)
            let paths = (0..<3).map { "/api/v1/resources/\(f.code)/records/\(f.key($0))?purpose=test" }
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<40 {
                    let path = paths[i % 3], token = i % 2 == 0 ? provider : consumer
                    group.addTask { try await app.send(.GET, path, token: token).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.count == 40 && statuses.allSatisfy { $0 == .ok })
            let after = try await sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'read'").first()!.decode(column: "n", as: Int.self)
            #expect(after - before == 40)
            #expect(try await AuditLog.verify(on: app.db, trail: app.auditTrail).broken == nil)
        }
    }
}
