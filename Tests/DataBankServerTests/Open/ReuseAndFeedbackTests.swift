import DataBankCore
@testable import DataBankServer
import Fluent
import Testing
import Vapor
import VaporTesting

/// Reuses show only once the platform admin approves them; feedback on a dataset reaches its provider.
@Suite("Open portal: reuses and feedback")
struct ReuseAndFeedbackTests {
    @Test func reuseApproval() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app, openToPublic: true)
            let (_, key) = try await app.publicUser()
            let script = try await app.send(
                .POST, "/api/v1/reuses", token: key,
                json: ["name": AnyEncodable("企业查"), "url": AnyEncodable("javascript:alert(1)"), "datasets": AnyEncodable([f.code])])
            #expect(script.status == .unprocessableEntity)
            #expect(try script.errorBody().details.map(\.code) == ["invalid_url"])
            let unknown = try await app.send(
                .POST, "/api/v1/reuses", token: key,
                json: ["name": AnyEncodable("企业查"), "url": AnyEncodable("https://example.com/app"), "datasets": AnyEncodable(["999999-99999"])])
            #expect(try unknown.errorBody().details.map(\.code) == ["unknown_dataset"])
            let created = try await app.send(
                .POST, "/api/v1/reuses", token: key,
                json: [
                    "name": AnyEncodable("企业查"), "url": AnyEncodable("https://example.com/app"), "description": AnyEncodable("查询企业登记信息"),
                    "datasets": AnyEncodable([f.code])
                ])
            #expect(created.status == .created)
            let id = try #require(try created.decode(OpenPortalAPI.ReuseInfo.self).id)
            #expect(try await app.send(.GET, "/api/v1/reuses").decode(ListPage<OpenPortalAPI.ReuseInfo>.self).items.isEmpty)
            #expect(!(try await app.send(.GET, "/reuses").body.string.contains("企业查")))

            // Only the platform admin decides; a refusal needs a reason.
            #expect(try await app.send(.POST, "/api/v1/reuses/\(id)/decision", token: key, json: ["decision": "approve"]).status == .forbidden)
            let admin = try await app.token("admin")
            #expect(try await app.send(.POST, "/api/v1/reuses/\(id)/decision", token: admin, json: ["decision": "reject"]).status == .badRequest)
            #expect(try await app.send(.POST, "/api/v1/reuses/\(id)/decision", token: admin, json: ["decision": "approve"]).status == .ok)
            let listed = try await app.send(.GET, "/api/v1/reuses").decode(ListPage<OpenPortalAPI.ReuseInfo>.self)
            #expect(listed.items.map(\.name) == ["企业查"])
            let page = try await app.send(.GET, "/reuses")
            #expect(page.body.string.contains("企业查") && page.body.string.contains("https://example.com/app"))
        }
    }

    @Test func feedbackReachesTheProvider() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app, openToPublic: true)
            let (_, key) = try await app.publicUser()
            let empty = try await app.send(.POST, "/api/v1/datasets/\(f.code)/feedback", token: key, json: ["kind": "error", "text": "  "])
            #expect(empty.status == .unprocessableEntity)
            let badKind = try await app.send(.POST, "/api/v1/datasets/\(f.code)/feedback", token: key, json: ["kind": "spam", "text": "x"])
            #expect(badKind.status == .badRequest)
            let sent = try await app.send(
                .POST, "/api/v1/datasets/\(f.code)/feedback", token: key, json: ["kind": "request", "text": "希望增加注册资本字段"])
            #expect(sent.status == .created)
            let inbox = try await app.send(.GET, "/api/v1/inbox", token: try await app.token(f.steward))
            #expect(inbox.status == .ok)
            #expect(inbox.body.string.contains("希望增加注册资本字段"))
            // Another department does not see it.
            let other = try await app.send(.GET, "/api/v1/inbox", token: try await app.token("jtj_steward"))
            #expect(!other.body.string.contains("希望增加注册资本字段"))
        }
    }
}
