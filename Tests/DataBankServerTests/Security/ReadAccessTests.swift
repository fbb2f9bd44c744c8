import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The one read decision, through the real HTTP app: cursors, scoped deletes, profiles, quality
/// examples and hidden resources all answer what ``ReadAccess`` decides, and nothing more.
@Suite("One read decision")
struct ReadAccessTests {
    static let consumer = "jtj_steward"

    /// Grants the consumer the text item with the key pseudonymised (无条件共享: granted at once).
    func grantMaskedKey(_ app: Application, _ f: StoreFixture, consumer: String) async throws {
        let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
        resource.sharingType = SharingType.unconditional.rawValue
        try await resource.save(on: app.db)
        let text = try #require(f.textColumn)
        let res = try await app.send(
            .POST, "/api/v1/applications", token: consumer,
            json: [
                "resource": AnyEncodable(f.code), "purpose": AnyEncodable("企业通行证核发"), "items": AnyEncodable([text.name]),
                "masks": AnyEncodable([f.keyColumn.name: "pseudonym", text.name: "mask:name"]), "unmaskReason": AnyEncodable("测试"),
                "validUntil": AnyEncodable("2027-06-30")
            ])
        #expect(res.status == .created, "\(res.body.string)")
    }

    func auditOperations(_ app: Application, resource: String) async throws -> [String] {
        try await app.db.sql.raw("SELECT operation FROM audit_log WHERE resource_code = \(bind: resource) ORDER BY seq")
            .all().map { try $0.decode(column: "operation", as: String.self) }
    }

    /// A masked key never leaves in a cursor: `next` decodes to nothing readable, paging still
    /// visits every record, and a forged or foreign cursor is a 400.
    @Test func cursorsRevealNoMaskedKey() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward), consumer = try await app.token(Self.consumer)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<4), token: provider)
            try await grantMaskedKey(app, f, consumer: consumer)

            var next: String? = nil
            var seen = 0
            repeat {
                let res = try await app.send(
                    .GET, "/api/v1/resources/\(f.code)/records?purpose=test&limit=1" + (next.map { "&after=\($0)" } ?? ""), token: consumer)
                #expect(res.status == .ok, "\(res.body.string)")
                let page = try res.decode(RecordPage.self)
                seen += page.items.count
                #expect(!res.body.string.contains(f.key(0)) && !res.body.string.contains(f.key(1)))
                if let cursor = page.next {
                    let decoded = CursorSeal.fromBase64URL(cursor).map { String(decoding: $0, as: UTF8.self) } ?? ""
                    #expect((0..<4).allSatisfy { !decoded.contains(f.key($0)) })
                }
                next = page.next
            } while next != nil && seen < 10
            #expect(seen == 4)

            // The old, readable shape of a cursor is refused, as is one issued to someone else.
            let forged = Data("[\"\(f.key(1))\"]".utf8).base64EncodedString()
            let refused = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?purpose=test&limit=1&after=\(forged)", token: consumer)
            #expect(refused.status == .badRequest)
            #expect(try refused.errorBody().code == "invalid_cursor")
            let providerPage = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?limit=1", token: provider).decode(RecordPage.self)
            let foreign = try await app.send(
                .GET, "/api/v1/resources/\(f.code)/records?purpose=test&limit=1&after=\(try #require(providerPage.next))", token: consumer)
            #expect(foreign.status == .badRequest)
        }
    }

    /// A consumer scoped to some rows sees the deletes of those rows only; the provider sees every delete.
    @Test func deletesReachOnlyConsumersInScope() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward), consumer = try await app.token(Self.consumer)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<4), token: provider)
            _ = try await app.grantAtOnce(f, consumer: consumer, items: ["enterprise_name", "legal_rep"], lastKey: f.key(1), purpose: "订阅")
            #expect(try await app.send(.DELETE, "/api/v1/resources/\(f.code)/records/\(f.key(0))", token: provider).status == .noContent)
            #expect(try await app.send(.DELETE, "/api/v1/resources/\(f.code)/records/\(f.key(3))", token: provider).status == .noContent)

            let mine = try await app.send(.GET, "/api/v1/resources/\(f.code)/changes?purpose=test", token: consumer).decode(ChangePage.self)
            let deleted = mine.items.filter { $0.op == "delete" }.compactMap { $0.key?.first?.text }
            #expect(deleted == [f.key(0)])
            let all = try await app.send(.GET, "/api/v1/resources/\(f.code)/changes", token: provider).decode(ChangePage.self)
            let deletes = all.items.filter { $0.op == "delete" }
            #expect(deletes.compactMap { $0.key?.first?.text } == [f.key(0), f.key(3)])
            #expect(deletes.allSatisfy { $0.data == nil })
        }
    }

    /// A consumer's profile shows only its granted items, masked as granted; an anonymous reader of a
    /// resource not open to the public gets no profile; an open one shows the default masks.
    @Test func profilesFollowTheReadDecision() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward), consumer = try await app.token(Self.consumer)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<6), token: provider)
            #expect(try await app.send(.POST, "/api/v1/resources/\(f.code)/profile", token: provider).status == .ok)
            try await grantMaskedKey(app, f, consumer: consumer)
            let text = try #require(f.textColumn)

            let seen = try await app.send(.GET, "/api/v1/resources/\(f.code)/profile", token: consumer).decode(ProfileAPI.ProfileAnswer.self)
            let columns = try #require(seen.profile).columns
            #expect(Set(columns.map(\.name)) == [f.keyColumn.name, text.name])
            let clearKeys = Set((0..<6).map { f.key($0) })
            let key = try #require(columns.first { $0.name == f.keyColumn.name })
            #expect(key.topValues.allSatisfy { !clearKeys.contains($0.value ?? "") })
            #expect(key.min.map { !clearKeys.contains($0) } ?? true)
            #expect(key.patterns.isEmpty)

            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
            resource.openType = OpenType.closed.rawValue
            try await resource.save(on: app.db)
            let anonymous = try await app.send(.GET, "/api/v1/resources/\(f.code)/profile")
            #expect(anonymous.status == .unauthorized)

            resource.openType = OpenType.unconditional.rawValue
            try await resource.save(on: app.db)
            let open = try await app.send(.GET, "/api/v1/resources/\(f.code)/profile")
            #expect(open.status == .ok)
            #expect(try open.decode(ProfileAPI.ProfileAnswer.self).masked)
        }
    }

    /// Whoever may not see a resource gets exactly what an unknown code gets, on every route tried.
    @Test func hiddenResourcesAnswerAsUnknown() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward), consumer = try await app.token(Self.consumer)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<2), token: provider)
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
            resource.classified = true
            try await resource.save(on: app.db)
            let unknown = "999999-99999"
            for path in [
                "records?purpose=x", "records/\(f.key(0))?purpose=x", "changes?purpose=x", "objections/counts", "profile", "quality",
                "quality/runs", "loads?purpose=x", "datapackage.zip?purpose=x", "heat"
            ] {
                let hidden = try await app.send(.GET, "/api/v1/resources/\(f.code)/\(path)", token: consumer)
                let none = try await app.send(.GET, "/api/v1/resources/\(unknown)/\(path)", token: consumer)
                #expect(hidden.status == .notFound, "\(path): \(hidden.status) \(hidden.body.string)")
                #expect(none.status == .notFound, "\(path): \(none.status)")
                #expect(try hidden.errorBody().code == none.errorBody().code, "\(path)")
            }
            let write = try await app.sendRaw(
                .POST, "/api/v1/resources/\(f.code)/records", token: consumer, contentType: "text/csv", body: Array(f.csv(rows: 0..<1).utf8))
            #expect(write.status == .notFound)
            // The provider still reads its own classified resource.
            #expect(try await app.send(.GET, "/api/v1/resources/\(f.code)/records", token: provider).status == .ok)
            #expect(try await auditOperations(app, resource: f.code).contains("refused.hidden"))
        }
    }

    /// A read refused for want of a grant is written to the audit trail, with who and why.
    @Test func refusedReadsAreAudited() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let refused = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?purpose=probe", token: try await app.token(Self.consumer))
            #expect(refused.status == .forbidden)
            let row = try #require(
                try await app.db.sql.raw(
                    """
                    SELECT actor_name, purpose FROM audit_log WHERE resource_code = \(bind: f.code) AND operation = 'refused.no_grant'
                    """
                ).first())
            #expect(try row.decode(column: "actor_name", as: String.self) == Self.consumer)
            #expect(try row.decode(column: "purpose", as: String?.self) == "probe")
        }
    }

    /// The data authority reads with a purpose and an audit entry, and writes no department's records.
    @Test func platformAdminReadsWithPurposeAndWritesNothing() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let admin = try await app.token("admin")
            let load = try await app.loadCSV(f, f.csv(rows: 0..<1), token: admin)
            #expect(load.status == .forbidden)
            let retention = try await app.send(.PATCH, "/api/v1/resources/\(f.code)/store", token: admin, json: ["retentionHours": 24])
            #expect(retention.status == .forbidden)
            let policy = try await app.send(.PUT, "/api/v1/resources/\(f.code)/quality/policy", token: admin, json: ["policy": "reject"])
            #expect(policy.status == .forbidden)
            let noPurpose = try await app.send(.GET, "/api/v1/resources/\(f.code)/loads", token: admin)
            #expect(noPurpose.status == .badRequest)
            #expect(try noPurpose.errorBody().code == "purpose_required")
            #expect(try await app.send(.GET, "/api/v1/resources/\(f.code)/quarantine?purpose=督查", token: admin).status == .ok)
            #expect(try await app.send(.GET, "/api/v1/resources/\(f.code)/records", token: admin).status == .badRequest)
            #expect(try await app.send(.GET, "/api/v1/resources/\(f.code)/records?purpose=督查", token: admin).status == .ok)
            let operations = try await auditOperations(app, resource: f.code)
            #expect(operations.contains("quarantine.read") && operations.contains("query") && operations.contains("refused.purpose_required"))
        }
    }

    /// Every registered route declares what it asks of its caller (an action, the read decision,
    /// signed in, or open); a route that declares nothing is not served.
    @Test func everyRouteDeclaresItsGate() async throws {
        try await withDataBank { app in
            let undeclared = app.routes.all.filter { $0.declaredGate == nil }.map { "\($0.method) \($0.path.string)" }
            #expect(undeclared.isEmpty, "\(undeclared)")
            app.get("undeclared-probe") { _ in "served" }
            let res = try await app.send(.GET, "/undeclared-probe")
            #expect(res.status == .internalServerError)
            #expect(!res.body.string.contains("served"))
        }
    }
}
