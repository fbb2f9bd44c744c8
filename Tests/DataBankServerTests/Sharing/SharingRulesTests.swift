import DataBankCore
@testable import DataBankServer
import Fluent
import Testing
import Vapor
import VaporTesting

/// Bad input and the workflow's edges: each gets a clear error, the right status, nothing changed.
@Suite("Sharing rules")
struct SharingRulesTests {
    func conditional(_ app: Application) async throws -> StoreFixture {
        let f = try await StoreFixture.enterprise(app)
        let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
        resource.sharingType = SharingType.conditional.rawValue
        try await resource.save(on: app.db)
        return f
    }

    func apply(_ app: Application, _ f: StoreFixture, _ extra: [String: AnyEncodable] = [:], token: String) async throws -> TestingHTTPResponse {
        var body: [String: AnyEncodable] = [
            "resource": AnyEncodable(f.code), "purpose": AnyEncodable("核查"), "legalBasis": AnyEncodable("条例"),
            "validUntil": AnyEncodable("2027-06-30")
        ]
        for (k, v) in extra { body[k] = v }
        return try await app.send(.POST, "/api/v1/applications", token: token, json: body)
    }

    /// Items outside the resource and a scope on an unknown item are refused, naming the field.
    @Test func unknownItemsAreRefused() async throws {
        try await withDataBank { app in
            let f = try await conditional(app)
            let consumer = try await app.token("jtj_steward")
            let items = try await apply(app, f, ["items": AnyEncodable(["no_such_item"])], token: consumer)
            #expect(items.status == .unprocessableEntity)
            #expect(try items.errorBody().details.contains { $0.code == "unknown_item" && $0.field == "items" })
            let scope = try await apply(app, f, ["rowFilter": AnyEncodable("no_such_item=1")], token: consumer)
            #expect(scope.status == .unprocessableEntity)
            #expect(try scope.errorBody().details.first?.field == "rowFilter")
            #expect(try await ApplicationRow.query(on: app.db).count() == 0)
        }
    }

    /// Only the provider decides; a rejection needs a reason; the platform countersigns only overdue ones.
    @Test func whoDecides() async throws {
        try await withDataBank { app in
            let f = try await conditional(app)
            let consumer = try await app.token("jtj_steward")
            let id = try #require(try await apply(app, f, token: consumer).decode(ApplicationInfo.self).id)
            let byConsumer = try await app.send(.POST, "/api/v1/applications/\(id)/decision", token: consumer, json: ["decision": "approve"])
            #expect(byConsumer.status == .forbidden)
            let byViewer = try await app.send(.POST, "/api/v1/applications/\(id)/decision", token: try await app.token("viewer"), json: ["decision": "approve"])
            #expect(byViewer.status == .notFound)  // not a party to it: it does not exist for them
            let noReason = try await app.send(.POST, "/api/v1/applications/\(id)/decision", token: try await app.token(f.steward), json: ["decision": "reject"])
            #expect(noReason.status == .badRequest)
            #expect(try noReason.errorBody().code == "reason_required")
            let admin = try await app.token("admin")
            let early = try await app.send(.POST, "/api/v1/applications/\(id)/countersign", token: admin, json: ["decision": "approve"])
            #expect(early.status == .conflict)
            #expect(try early.errorBody().code == "not_overdue")
            let row = try #require(try await ApplicationRow.find(id, on: app.db))
            row.deadline = "2026-01-05"
            try await row.save(on: app.db)
            let inbox = try await app.send(.GET, "/api/v1/inbox", token: admin).decode(SharingAPI.Inbox.self)
            #expect(inbox.overdue.map(\.id) == [id])
            let countersigned = try await app.send(.POST, "/api/v1/applications/\(id)/countersign", token: admin, json: ["decision": "approve"])
            #expect(countersigned.status == .ok)
            let info = try countersigned.decode(ApplicationInfo.self)
            #expect(info.status == "approved")
            #expect(info.events?.map(\.action) == ["applied", "countersigned:approve"])
            #expect(try await app.send(.GET, "/api/v1/resources/\(f.code)/records?purpose=x", token: consumer).status == .ok)
        }
    }

    /// An app is limited by its token bucket: 429 with Retry-After; a revoked app token is 401.
    @Test func appsAreRateLimitedAndRevocable() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let consumer = try await app.token("jtj_steward")
            let created = try await app.send(.POST, "/api/v1/apps", token: consumer, json: ["name": AnyEncodable("限流"), "ratePerMinute": AnyEncodable(2)])
            #expect(created.status == .created)
            let info = try created.decode(AppInfo.self)
            let token = try #require(info.token)
            #expect(try await AppRow.query(on: app.db).first()?.tokenHash != token)
            let path = "/api/v1/resources/\(f.code)/records?purpose=x"
            // The platform clock stands still: a slow machine's seconds between requests refill nothing.
            let frozen = app.settings.now()
            app.settings.now = { frozen }
            #expect(try await app.send(.GET, path, token: token).status == .forbidden)  // no grant bound, but it counts
            #expect(try await app.send(.GET, path, token: token).status == .forbidden)
            let limited = try await app.send(.GET, path, token: token)
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers.first(name: "Retry-After") ?? "") ?? 0 >= 1)
            #expect(try limited.errorBody().code == "rate_limited")
            #expect(try await app.send(.DELETE, "/api/v1/apps/\(info.id!)", token: consumer).status == .noContent)
            let revoked = try await app.send(.GET, path, token: token)
            #expect(revoked.status == .unauthorized)
        }
    }

    /// Keyed pseudonyms: the same value gives the same token wherever it appears (records and
    /// the feed), never the value itself; per-consumer tokens differ between consumers.
    @Test func pseudonymsAreStableAndKeyed() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<2), token: try await app.token(f.steward))
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
            resource.sharingType = SharingType.unconditional.rawValue
            try await resource.save(on: app.db)
            let consumer = try await app.token("jtj_steward")
            let key = f.keyColumn.name
            let applied = try await app.send(
                .POST, "/api/v1/applications", token: consumer,
                json: [
                    "resource": AnyEncodable(f.code), "purpose": AnyEncodable("关联"), "items": AnyEncodable([key]),
                    "masks": AnyEncodable([key: "pseudonym"]), "unmaskReason": AnyEncodable("关联比对"), "validUntil": AnyEncodable("2027-06-30")
                ])
            #expect(applied.status == .created, "\(applied.body.string)")
            // Unmasking beyond the default is recorded with the grant.
            let grantID = try #require(try applied.decode(ApplicationInfo.self).grant?.id)
            #expect(try await GrantRow.find(grantID, on: app.db)?.unmaskReason == "关联比对")
            let page = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?purpose=x", token: consumer).decode(RecordPage.self)
            let tokens = page.items.compactMap { $0[key]?.text }
            #expect(tokens.count == 2 && tokens.allSatisfy { $0.hasPrefix("P") && !$0.contains("K1000") })
            let feed = try await app.send(.GET, "/api/v1/resources/\(f.code)/changes?purpose=x", token: consumer).decode(ChangePage.self)
            #expect(Set(feed.items.compactMap { $0.data?[key]?.text }) == Set(tokens))
            let k = try await Pseudonyms.key(app: app, on: app.db)
            let shared = Pseudonyms.token("K100000", rule: .pseudonym(perConsumer: false), consumer: "A", key: k)
            #expect(shared == Pseudonyms.token("K100000", rule: .pseudonym(perConsumer: false), consumer: "B", key: k))
            #expect(
                Pseudonyms.token("K100000", rule: .pseudonym(perConsumer: true), consumer: "A", key: k)
                    != Pseudonyms.token("K100000", rule: .pseudonym(perConsumer: true), consumer: "B", key: k))
        }
    }

    /// A verification call says why; unknown parameters are named.
    @Test func verificationNeedsPurposeAndKnownParameters() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward)
            let spec = VerificationSpec(
                parameters: [.init(name: "code", type: .C)],
                predicate: .exists(where: [.init(column: f.keyColumn.name, op: .eq, operand: .parameter("code"))]))
            #expect(
                try await app.send(
                    .POST, "/api/v1/resources/\(f.code)/services", token: provider,
                    json: ["code": AnyEncodable("reg"), "name": AnyEncodable("核验"), "spec": AnyEncodable(spec)]
                ).status == .created)
            let noPurpose = try await app.send(.POST, "/api/v1/verify/reg", token: provider, json: ["params": ["code": "K1"]])
            #expect(noPurpose.status == .badRequest)
            #expect(try noPurpose.errorBody().code == "purpose_required")
            let unknown = try await app.send(
                .POST, "/api/v1/verify/reg", token: provider, json: ["params": AnyEncodable(["code": "K1", "extra": "x"]), "purpose": AnyEncodable("核查")])
            #expect(unknown.status == .badRequest)
            #expect(try unknown.errorBody().code == "unknown_parameter")
            let badSpec = VerificationSpec(parameters: [], predicate: .exists(where: [.init(column: "nope", op: .eq, operand: .constant("1"))]))
            let refused = try await app.send(
                .POST, "/api/v1/resources/\(f.code)/services", token: provider,
                json: ["code": AnyEncodable("bad"), "name": AnyEncodable("坏"), "spec": AnyEncodable(badSpec)])
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.errorBody().details.first?.code == "unknown_item")
        }
    }
}

/// Notifications are read in the inbox and can be marked read, all or by id.
@Suite("Notifications")
struct NotificationTests {
    /// A notification names the applying department and the resource, not their codes.
    @Test func namesNotCodes() async throws {
        try await withDataBank { app in
            let f = try await SharingRulesTests().conditional(app)
            _ = try await SharingRulesTests().apply(app, f, token: try await app.token("jtj_steward"))
            let inbox = try await app.send(.GET, "/api/v1/inbox", token: try await app.token(f.steward)).decode(SharingAPI.Inbox.self)
            let note = try #require(inbox.notifications.first)
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "jtj_steward").first())
            let consumer = try #require(try await Department.query(on: app.db).filter(\.$code == user.departmentCode).first())
            #expect(note.text.hasPrefix(consumer.name) && note.text.contains("企业登记信息表"), "\(note.text)")
            #expect(note.textEn.hasPrefix(consumer.nameEn), "\(note.textEn)")
        }
    }

    @Test func markingRead() async throws {
        try await withDataBank { app in
            let f = try await SharingRulesTests().conditional(app)
            let consumer = try await app.token("jtj_steward")
            _ = try await SharingRulesTests().apply(app, f, token: consumer)
            _ = try await SharingRulesTests().apply(app, f, token: consumer)
            let provider = try await app.token(f.steward)
            let inbox = try await app.send(.GET, "/api/v1/inbox", token: provider).decode(SharingAPI.Inbox.self)
            #expect(inbox.notifications.filter { !$0.read }.count == 2)
            let one = try #require(inbox.notifications.first?.id)
            let marked = try await app.send(.POST, "/api/v1/notifications/read", token: provider, json: ["ids": [one]])
            #expect(try marked.decode(SharingAPI.ReadCount.self).marked == 1)
            let rest = try await app.send(.POST, "/api/v1/notifications/read", token: provider, json: [String: String]())
            #expect(try rest.decode(SharingAPI.ReadCount.self).marked == 1)
            let after = try await app.send(.GET, "/api/v1/inbox", token: provider).decode(SharingAPI.Inbox.self)
            let unread = after.notifications.filter { !$0.read }
            #expect(unread.isEmpty)
        }
    }
}
