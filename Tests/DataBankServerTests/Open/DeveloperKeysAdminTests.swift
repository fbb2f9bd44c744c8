import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The platform admin's developer keys: listed with owner and calls today, limits set (and then
/// applied to the key's calls) or the key revoked, through the JSON API and the admin page; each
/// change audited; bad limits refused with messages; nobody else may.
@Suite("Open portal: developer keys for the platform admin")
struct DeveloperKeysAdminTests {
    /// The operations of the last 20 audit entries.
    static func recentOperations(_ app: Application) async throws -> [String] {
        try await app.db.sql.raw("SELECT operation FROM audit_log ORDER BY seq DESC LIMIT 20").all()
            .map { try $0.decode(column: "operation", as: String.self) }
    }

    /// The list names the owner and counts today's calls (as flushed); staff other than the platform admin get 403.
    @Test func adminListsKeysWithCallsToday() async throws {
        try await withDataBank { app in
            let (_, key) = try await app.publicUser()
            for _ in 0..<2 { _ = try await app.send(.GET, "/api/v1/resources", token: key) }
            try await app.usageMeter.flush(on: app.db, now: app.settings.now())
            let admin = try await app.token("admin")
            let list = try await app.send(.GET, "/api/v1/developer-keys", token: admin)
            #expect(list.status == .ok)
            let items = try list.decode(ListPage<DeveloperKeysAdmin.KeyInfo>.self).items
            let mine = try #require(items.first { $0.owner == "dev_alice" })
            #expect(mine.callsToday == 2 && mine.revokedAt == nil && mine.createdAt != nil)
            #expect(try await app.send(.GET, "/api/v1/developer-keys", token: try await app.token("scj_steward")).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/developer-keys", token: key).status == .forbidden)
        }
    }

    /// New limits are saved, audited, and meet the key's next call (`X-RateLimit-Limit`, `X-Quota-Limit`).
    @Test func adminSetsLimitsThatApply() async throws {
        try await withDataBank { app in
            let (_, key) = try await app.publicUser()
            let id = try #require(try await UserToken.query(on: app.db).filter(\.$name == "test").first()?.id)
            let admin = try await app.token("admin")
            let res = try await app.send(.PATCH, "/api/v1/developer-keys/\(id)", token: admin, json: ["ratePerMinute": 5, "dailyQuota": 50])
            #expect(res.status == .ok)
            #expect(try res.decode(DeveloperKeysAdmin.KeyInfo.self).ratePerMinute == 5)
            let call = try await app.send(.GET, "/api/v1/resources", token: key)
            #expect(call.headers.first(name: "X-RateLimit-Limit") == "5" && call.headers.first(name: "X-Quota-Limit") == "50")
            let ops = try await Self.recentOperations(app)
            #expect(ops.contains("developer_key.limits"))
        }
    }

    /// A limit that is not a positive whole number: 422 naming each field, nothing changed.
    @Test func badLimitsRefused() async throws {
        try await withDataBank { app in
            _ = try await app.publicUser()
            let row = try #require(try await UserToken.query(on: app.db).filter(\.$name == "test").first())
            let admin = try await app.token("admin")
            let res = try await app.send(
                .PATCH, "/api/v1/developer-keys/\(try row.requireID())", token: admin, json: ["ratePerMinute": 0, "dailyQuota": -3])
            #expect(res.status == .unprocessableEntity)
            #expect(Set(try res.errorBody().details.map(\.field)) == ["ratePerMinute", "dailyQuota"])
            let text = try await app.send(.PATCH, "/api/v1/developer-keys/\(try row.requireID())", token: admin, body: #"{"ratePerMinute":"ten"}"#)
            #expect(text.status.code >= 400 && text.status.code < 500)
            let unknown = try await app.send(.PATCH, "/api/v1/developer-keys/\(UUID())", token: admin, json: ["ratePerMinute": 1, "dailyQuota": 1])
            #expect(unknown.status == .notFound)
            let after = try #require(try await UserToken.find(row.id, on: app.db))
            #expect(after.ratePerMinute == row.ratePerMinute && after.dailyQuota == row.dailyQuota)
        }
    }

    /// Revoking ends the key (401 on its next call) and is audited.
    @Test func adminRevokesKey() async throws {
        try await withDataBank { app in
            let (_, key) = try await app.publicUser()
            let id = try #require(try await UserToken.query(on: app.db).filter(\.$name == "test").first()?.id)
            let res = try await app.send(.POST, "/api/v1/developer-keys/\(id)/revoke", token: try await app.token("admin"))
            #expect(res.status == .ok)
            #expect(try res.decode(DeveloperKeysAdmin.KeyInfo.self).revokedAt != nil)
            #expect(try await app.send(.GET, "/api/v1/resources", token: key).status == .unauthorized)
            let ops = try await Self.recentOperations(app)
            #expect(ops.contains("developer_key.revoke"))
        }
    }

    /// The page lists the key; its form (CSRF) re-shows bad limits with messages and what was typed,
    /// saves good ones, and revokes; without the CSRF field the post is refused.
    @Test func pageSetsLimitsAndRevokes() async throws {
        try await withDataBank { app in
            _ = try await app.publicUser()
            let id = try #require(try await UserToken.query(on: app.db).filter(\.$name == "test").first()?.id)
            var browser = SignInClient(app)
            #expect(try await browser.signIn("admin", "databank-demo").status == .seeOther)
            let page = try await browser.request(.GET, "/admin/keys", body: nil)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("data-testid=\"developer-keys\"") && page.body.string.contains("dev_alice"))
            let csrf = browser.cookies[CSRFMiddleware.cookie] ?? ""
            let limits = "/admin/keys/\(id)/limits"
            let bad = try await browser.request(.POST, limits, body: "_csrf=\(csrf)&ratePerMinute=abc&dailyQuota=0")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("error-ratePerMinute") && bad.body.string.contains("error-dailyQuota"))
            #expect(bad.body.string.contains("value=\"abc\""))
            let forged = try await browser.request(.POST, limits, body: "ratePerMinute=9&dailyQuota=90")
            #expect(forged.status == .forbidden)
            let good = try await browser.request(.POST, limits, body: "_csrf=\(csrf)&ratePerMinute=9&dailyQuota=90")
            #expect(good.status == .seeOther)
            let saved = try #require(try await UserToken.find(id, on: app.db))
            #expect(saved.ratePerMinute == 9 && saved.dailyQuota == 90)
            let revoked = try await browser.request(.POST, "/admin/keys/\(id)/revoke", body: "_csrf=\(csrf)")
            #expect(revoked.status == .seeOther)
            #expect(try await UserToken.find(id, on: app.db)?.revokedAt != nil)
        }
    }

    /// The platform admin's navigation links the developer keys and the sign-ups to confirm; a steward's does not.
    @Test func adminNavigationLinksKeysAndSignups() async throws {
        try await withDataBank { app in
            var admin = SignInClient(app)
            #expect(try await admin.signIn("admin", "databank-demo").status == .seeOther)
            let page = try await admin.request(.GET, "/catalog", body: nil).body.string
            #expect(page.contains("href=\"/admin/keys\"") && page.contains("data-testid=\"nav-admin-keys\""))
            #expect(page.contains("href=\"/admin/signups\"") && page.contains("data-testid=\"nav-signups\""))
            var steward = SignInClient(app)
            #expect(try await steward.signIn("scj_steward", "databank-demo").status == .seeOther)
            let other = try await steward.request(.GET, "/catalog", body: nil).body.string
            #expect(!other.contains("/admin/keys") && !other.contains("/admin/signups"))
        }
    }
}
