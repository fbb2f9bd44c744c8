import DataBankCore
@testable import DataBankServer
import Fluent
import Testing
import Vapor
import VaporTesting

/// A registered user applies for a 有条件开放 dataset; the provider decides through the existing
/// flow, and the grant lets the user's key read the store — masked as granted — until revoked.
@Suite("Open portal: conditional-open applications")
struct OpenApplicationTests {
    func conditionalStore(_ app: Application) async throws -> StoreFixture {
        let f = try await StoreFixture.enterprise(app)
        let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
        resource.openType = OpenType.conditional.rawValue
        try await resource.save(on: app.db)
        return f
    }

    @Test func publicUserAppliesAndReadsMaskedRows() async throws {
        try await withDataBank { app in
            let f = try await conditionalStore(app)
            let provider = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: provider)
            let (user, key) = try await app.publicUser()
            let person = "user:\(try user.requireID())"
            let before = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?purpose=app", token: key)
            #expect(before.status == .forbidden)
            #expect(try before.errorBody().code == "no_grant")

            let asked = [f.keyColumn.name, "enterprise_name", "legal_rep", "region_code"]
            let applied = try await app.send(
                .POST, "/api/v1/datasets/\(f.code)/applications", token: key,
                json: [
                    "purpose": AnyEncodable("企业信息查询小程序"), "use": AnyEncodable("在小程序中展示企业名称"),
                    "items": AnyEncodable(asked)
                ])
            #expect(applied.status == .created, "\(applied.body.string)")
            let application = try applied.decode(ApplicationInfo.self)
            #expect(application.status == "pending" && application.consumer == person)
            #expect(application.intendedUse == "在小程序中展示企业名称")
            // The provider hears of it, naming the person.
            let note = try #require(
                try await NotificationRow.query(on: app.db).filter(\.$departmentCode == application.provider).filter(\.$kind == "application")
                    .sort(\.$createdAt, .descending).first())
            #expect(note.text.contains("dev_alice"))
            // The provider's review page shows who applies and how the data will be used.
            let review = try await app.send(.GET, "/sharing/applications/\(application.id!)", token: provider)
            #expect(review.status == .ok)
            #expect(review.body.string.contains("intended-use") && review.body.string.contains("注册用户 dev_alice"))
            // Applying twice while pending is refused.
            let again = try await app.send(
                .POST, "/api/v1/datasets/\(f.code)/applications", token: key, json: ["purpose": "x", "use": "y"])
            #expect(again.status == .conflict)

            let decided = try await app.send(
                .POST, "/api/v1/applications/\(application.id!)/decision", token: provider,
                json: [
                    "decision": AnyEncodable("approvePart"), "items": AnyEncodable(Array(asked.prefix(3))),
                    "masks": AnyEncodable(["legal_rep": "mask:name"])
                ])
            #expect(decided.status == .ok, "\(decided.body.string)")
            // The person hears of the decision.
            #expect(try await NotificationRow.query(on: app.db).filter(\.$departmentCode == person).count() == 1)

            let page = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?purpose=app", token: key)
            #expect(page.status == .ok, "\(page.body.string)")
            let records = try page.decode(RecordPage.self)
            #expect(records.total == 3)
            #expect(Set(records.fields) == Set(asked.prefix(3)))
            for (i, row) in records.items.enumerated() {
                let shown = try #require(row["legal_rep"]?.text)
                #expect(shown.dropFirst().allSatisfy { $0 == "*" } && shown.count > 1, "row \(i): \(shown)")
            }
        }
    }

    @Test func revocationEndsTheKeysReads() async throws {
        try await withDataBank { app in
            let f = try await conditionalStore(app)
            let provider = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<2), token: provider)
            let (_, key) = try await app.publicUser()
            let applied = try await app.send(
                .POST, "/api/v1/datasets/\(f.code)/applications", token: key, json: ["purpose": "研究", "use": "论文统计"])
            let id = try #require(try applied.decode(ApplicationInfo.self).id)
            #expect(try await app.send(.POST, "/api/v1/applications/\(id)/decision", token: provider, json: ["decision": "approve"]).status == .ok)
            #expect(try await app.send(.GET, "/api/v1/resources/\(f.code)/records?purpose=r", token: key).status == .ok)
            let grant = try #require(try await GrantRow.query(on: app.db).filter(\.$applicationID == id).first())
            let revoked = try await app.send(.POST, "/api/v1/grants/\(try grant.requireID())/revoke", token: provider, json: ["reason": "用途变更"])
            #expect(revoked.status == .ok, "\(revoked.body.string)")
            let after = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?purpose=r", token: key)
            #expect(after.status == .forbidden)
            #expect(try after.errorBody().code == "no_grant")
        }
    }

    /// A registered user withdraws their own undecided application; nobody else's.
    @Test func withdrawOwnApplication() async throws {
        try await withDataBank { app in
            let f = try await conditionalStore(app)
            let (_, key) = try await app.publicUser()
            let (_, other) = try await app.publicUser("dev_carol")
            let applied = try await app.send(.POST, "/api/v1/datasets/\(f.code)/applications", token: key, json: ["purpose": "研究", "use": "统计"])
            let id = try #require(try applied.decode(ApplicationInfo.self).id)
            #expect(try await app.send(.POST, "/api/v1/developer/applications/\(id)/withdraw", token: other).status == .notFound)
            let withdrawn = try await app.send(.POST, "/api/v1/developer/applications/\(id)/withdraw", token: key)
            #expect(withdrawn.status == .ok)
            #expect(try withdrawn.decode(ApplicationInfo.self).status == "withdrawn")
            #expect(try await app.send(.POST, "/api/v1/developer/applications/\(id)/withdraw", token: key).status == .conflict)
        }
    }

    /// Only 有条件开放 datasets are applied for; departments use their own flow.
    @Test func onlyConditionallyOpenDatasets() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app, openToPublic: true)
            let (_, key) = try await app.publicUser()
            let res = try await app.send(.POST, "/api/v1/datasets/\(f.code)/applications", token: key, json: ["purpose": "x", "use": "y"])
            #expect(res.status == .conflict)
            #expect(try res.errorBody().code == "not_conditionally_open")
            let staff = try await app.send(
                .POST, "/api/v1/datasets/\(f.code)/applications", token: try await app.token("jtj_steward"), json: ["purpose": "x", "use": "y"])
            #expect(staff.status == .forbidden)
        }
    }

    /// The form page is shown to a registered user and re-shown with messages on bad input.
    @Test func applyFormReshownWithMessages() async throws {
        try await withDataBank { app in
            let f = try await conditionalStore(app)
            _ = try await app.publicUser()
            var browser = SignInClient(app)
            #expect(try await browser.signIn("dev_alice", "correct-horse-9").status == .seeOther)
            let form = try await browser.request(.GET, "/datasets/\(f.code)/apply", body: nil)
            #expect(form.status == .ok)
            #expect(form.body.string.contains("apply-form"))
            let csrf = browser.cookies[CSRFMiddleware.cookie] ?? ""
            let bad = try await browser.request(.POST, "/datasets/\(f.code)/apply", body: "_csrf=\(csrf)&purpose=&use=")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("error-purpose") && bad.body.string.contains("error-use"))
            let good = try await browser.request(.POST, "/datasets/\(f.code)/apply", body: "_csrf=\(csrf)&purpose=%E7%A0%94%E7%A9%B6&use=%E7%BB%9F%E8%AE%A1")
            #expect(good.status == .seeOther)
        }
    }
}
