import DataBankCore
@testable import DataBankServer
import Fluent
import Testing
import Vapor
import VaporTesting

/// Governed sharing through the real HTTP app: nothing leaves a record store except through a
/// grant, and every grant comes from a recorded decision.
@Suite("Grants and applications")
struct GrantEnforcementTests {
    static let consumer = "jtj_steward"   // transport bureau: not the provider of the enterprise registrations

    func setSharing(_ app: Application, _ f: StoreFixture, _ type: SharingType) async throws {
        let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
        resource.sharingType = type.rawValue
        try await resource.save(on: app.db)
    }

    func apply(_ app: Application, _ f: StoreFixture, token: String, items: [String], masks: [String: String] = [:]) async throws -> TestingHTTPResponse {
        try await app.send(.POST, "/api/v1/applications", token: token, json: [
            "resource": AnyEncodable(f.code), "purpose": AnyEncodable("企业通行证核发"), "legalBasis": AnyEncodable("《道路运输条例》"),
            "items": AnyEncodable(items), "masks": AnyEncodable(masks), "validUntil": AnyEncodable("2027-06-30"),
        ])
    }

    /// A department without a grant reads nothing of another department's records.
    @Test func noGrantNoRecords() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: try await app.token(f.steward))
            let res = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?purpose=test", token: try await app.token(Self.consumer))
            #expect(res.status == .forbidden)
            #expect(try res.errorBody().code == "no_grant")
        }
    }

    /// 有条件共享: the provider approves part (fewer items); the consumer then sees only those
    /// items, masked as granted, and a revocation shuts the door on the next request.
    @Test func approvedPartIsEnforcedAndRevocable() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward), consumer = try await app.token(Self.consumer)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: provider)
            try await setSharing(app, f, .conditional)
            let text = try #require(f.textColumn)
            let others = f.layout.columns.filter { !$0.primaryKey && $0.name != text.name }.map(\.name)
            let applied = try await apply(app, f, token: consumer, items: [text.name] + others, masks: [text.name: "mask:name"])
            #expect(applied.status == .created)
            let application = try applied.decode(ApplicationInfo.self)
            #expect(application.status == "pending")
            #expect(application.deadline != nil)

            let decided = try await app.send(.POST, "/api/v1/applications/\(application.id!)/decision", token: provider,
                                             json: ["decision": AnyEncodable("approvePart"), "items": AnyEncodable([text.name])])
            #expect(decided.status == .ok, "\(decided.body.string)")
            #expect(try decided.decode(ApplicationInfo.self).status == "partiallyApproved")

            let page = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?purpose=test", token: consumer).decode(RecordPage.self)
            #expect(page.total == 3)
            #expect(Set(page.items[0].keys) == Set([f.keyColumn.name, text.name]))
            let shown = page.items[0][text.name]?.text ?? ""
            #expect(shown.hasPrefix("值") && shown.contains("*") && shown != "值0-0")

            let hidden = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?purpose=test&fields=\(others[0])", token: consumer)
            #expect(hidden.status == .forbidden)
            #expect(try hidden.errorBody().code == "item_not_granted")

            let second = try await app.send(.POST, "/api/v1/applications/\(application.id!)/decision", token: provider,
                                            json: ["decision": AnyEncodable("approve")])
            #expect(second.status == .conflict)

            let grant = try #require(try await GrantRow.query(on: app.db).filter(\.$applicationID == application.id!).first())
            let revoked = try await app.send(.POST, "/api/v1/grants/\(grant.id!)/revoke", token: provider, json: ["reason": "用途已结束"])
            #expect(revoked.status == .ok)
            let after = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?purpose=test", token: consumer)
            #expect(after.status == .forbidden)
        }
    }

    /// 不予共享: raw access cannot be applied for, and nothing is stored.
    @Test func notShareableIsRefused() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            try await setSharing(app, f, .none)
            let res = try await apply(app, f, token: try await app.token(Self.consumer), items: [])
            #expect(res.status == .forbidden)
            #expect(try res.errorBody().code == "not_shareable")
            #expect(try await ApplicationRow.query(on: app.db).count() == 0)
        }
    }

    /// 无条件共享 is granted at once, still as an application with a grant; the change feed then
    /// carries only the granted items.
    @Test func unconditionalIsGrantedAtOnceAndTheFeedIsScoped() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward), consumer = try await app.token(Self.consumer)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<4), token: provider)
            try await setSharing(app, f, .unconditional)
            let text = try #require(f.textColumn)
            let applied = try await apply(app, f, token: consumer, items: [text.name])
            #expect(try applied.decode(ApplicationInfo.self).status == "approved")
            let feed = try await app.send(.GET, "/api/v1/resources/\(f.code)/changes?purpose=test", token: consumer).decode(ChangePage.self)
            #expect(feed.items.count == 4)
            #expect(Set(feed.items[0].data?.keys ?? [:].keys) == Set([f.keyColumn.name, text.name]))
        }
    }

    /// A verification service answers yes/no, never the data; a batch answers the valid lines and
    /// names the broken ones.
    @Test func verificationAnswersStatusNotData() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward), consumer = try await app.token(Self.consumer)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<5), token: provider)
            let key = f.keyColumn.name
            let spec = VerificationSpec(parameters: [.init(name: "code", type: .C)],
                                        predicate: .exists(where: [.init(column: key, op: .eq, operand: .parameter("code"))]))
            let defined = try await app.send(.POST, "/api/v1/resources/\(f.code)/services", token: provider,
                                             json: ["code": AnyEncodable("registered"), "name": AnyEncodable("登记核验"), "spec": AnyEncodable(spec)])
            #expect(defined.status == .created)
            let refused = try await app.send(.POST, "/api/v1/verify/registered", token: consumer, json: ["params": AnyEncodable(["code": f.key(1)]), "purpose": AnyEncodable("核验")])
            #expect(refused.status == .forbidden)
            try await setSharing(app, f, .unconditional)
            let applied = try await app.send(.POST, "/api/v1/applications", token: consumer, json: [
                "resource": AnyEncodable(f.code), "service": AnyEncodable("registered"), "purpose": AnyEncodable("核验企业登记"),
                "validUntil": AnyEncodable("2027-06-30")])
            #expect(applied.status == .created)
            let yes = try await app.send(.POST, "/api/v1/verify/registered", token: consumer, json: ["params": AnyEncodable(["code": f.key(1)]), "purpose": AnyEncodable("核验")])
            #expect(yes.status == .ok)
            #expect(yes.body.string.contains("\"answer\":\"yes\""))
            #expect(!yes.body.string.contains("值"))
            let no = try await app.send(.POST, "/api/v1/verify/registered", token: consumer, json: ["params": AnyEncodable(["code": f.key(99_999)]), "purpose": AnyEncodable("核验")])
            #expect(no.body.string.contains("\"answer\":\"no\""))
            let unknown = try await app.send(.POST, "/api/v1/verify/registered", token: consumer, json: ["params": AnyEncodable(["nope": "1"]), "purpose": AnyEncodable("核验")])
            #expect(unknown.status == .badRequest)

            let batch = "code\n\(f.key(0))\n\(f.key(99_999))\n\"broken\n"
            let answered = try await app.sendRaw(.POST, "/api/v1/verify/registered/batch?purpose=核验", token: consumer, contentType: "text/csv", body: Array(batch.utf8))
            #expect(answered.status == .ok)
            let lines = answered.body.string.split(separator: "\n")
            #expect(lines.count == 3)
            #expect(lines[0].contains("\"answer\":\"yes\"") && lines[1].contains("\"answer\":\"no\"") && lines[2].contains("\"error\""))
        }
    }
}
