import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// 我的数据 in the browser's terms: sign-in through the (demo) identity provider, the page, an
/// objection from a record, and the provider's form on the resource page.
@Suite("My data (我的数据): pages")
struct MyDataPageTests {
    typealias Fixture = MyDataAPITests.Fixture

    /// Signs in as the enterprise of row `row` the way a browser does: /my → sign-in → the provider's
    /// chooser → its form → the callback → /my.
    static func signIn(_ app: Application, _ x: Fixture, row: Int) async throws -> WebSession {
        var web = WebSession(app: app)
        let start = try await web.get("/my")
        #expect(start.status == .seeOther || start.status == .found)
        #expect(start.headers.first(name: .location)?.hasPrefix(MyDataURL.signIn) == true)
        let signIn = try await web.get(MyDataURL.signIn + "?next=/my")
        web.keep(signIn)
        let authorize = try #require(signIn.headers.first(name: .location))
        #expect(authorize.hasPrefix("/demo-idp/authorize?"))
        let chooser = try await web.get(authorize)
        web.keep(chooser)
        #expect(chooser.status == .ok)
        let query = try #require(URLComponents(string: authorize)?.queryItems)
        func value(_ name: String) -> String { query.first { $0.name == name }?.value ?? "" }
        let chosen = try await web.post(
            "/demo-idp/authorize",
            [("subject", x.f.key(row)), ("redirect_uri", value("redirect_uri")), ("state", value("state")), ("nonce", value("nonce"))])
        #expect(chosen.status == .seeOther)
        let callback = try #require(chosen.headers.first(name: .location))
        #expect(callback.hasPrefix(MyDataURL.callback + "?"))
        let back = try await web.get(callback)
        #expect(back.status == .seeOther)
        web.keep(back)
        return web
    }

    static func make(_ app: Application) async throws -> Fixture {
        let x = try await Fixture.make(app)
        #expect(try await x.mark(app).status == .ok)
        return x
    }

    @Test func anEnterpriseSignsInThroughTheProviderAndSeesItsRecords() async throws {
        try await withDataBank { app in
            let x = try await Self.make(app)
            // The chooser lists the demo's subjects and the fixture's enterprise.
            x.idp.offer(.init(kind: .enterprise, key: x.f.key(2), name: "测试企业"))
            let web = try await Self.signIn(app, x, row: 2)
            let page = try await web.get("/my")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("我的数据") && html.contains("my-records-\(x.f.code)") && html.contains(x.f.key(2)))
            #expect(!html.contains(x.f.key(3)), "another enterprise's record is not shown")
            #expect(html.contains("my-no-accesses"))
            let english = try await web.get("/my?lang=en").body.string
            #expect(english.contains("My data") && english.contains("Who looked at my data"))
        }
    }

    @Test func aSignInThatDidNotStartHereIsRefused() async throws {
        try await withDataBank { app in
            let x = try await Self.make(app)
            x.idp.offer(.init(kind: .enterprise, key: x.f.key(2), name: "测试企业"))
            let web = WebSession(app: app)
            let forged = try await web.get(MyDataURL.callback + "?code=x&state=y")
            #expect(forged.status == .forbidden)
        }
    }

    @Test func aStaffUserCannotOpenMyData() async throws {
        try await withDataBank { app in
            _ = try await Self.make(app)
            let staff = try await WebSession.signIn(app, "scj_steward")
            let page = try await staff.get("/my")
            #expect(page.status == .seeOther || page.status == .found, "to the subject sign-in, not the page")
            #expect(try await app.send(.GET, "/api/v1/my/records", token: try await app.token("scj_steward")).status == .forbidden)
        }
    }

    @Test func anObjectionFromARecordReachesTheProvider() async throws {
        try await withDataBank { app in
            let x = try await Self.make(app)
            x.idp.offer(.init(kind: .enterprise, key: x.f.key(2), name: "测试企业"))
            let web = try await Self.signIn(app, x, row: 2)
            let html = try await web.get("/my").body.string
            let link = try #require(
                html.range(of: "/my/objection?").map { start in
                    String(html[start.lowerBound...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
                })
            let form = try await web.get(link)
            #expect(form.status == .ok && form.body.string.contains("my-objection-note"))
            let query = try #require(URLComponents(string: link)?.queryItems)
            let sent = try await web.post(
                "/my/objection",
                [
                    ("resource", query.first { $0.name == "resource" }?.value ?? ""), ("record", query.first { $0.name == "record" }?.value ?? ""),
                    ("column", x.key), ("note", "名称有误")
                ])
            #expect(sent.status == .seeOther)
            #expect(try await ObjectionRow.query(on: app.db).filter(\.$providerCode == x.department).count() == 1)
            let after = try await web.get("/my?done=objection").body.string
            #expect(after.contains("my-objections") && after.contains("名称有误"))
        }
    }

    @Test func theProviderMarksTheResourceOnItsPage() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            let steward = try await WebSession.signIn(app, x.f.steward)
            let page = try await steward.get("/catalog/resources/\(x.f.code)")
            #expect(page.body.string.contains("data-testid=\"subject-view\""))
            let saved = try await steward.post(
                "/catalog/resources/\(x.f.code)/subject-view",
                [
                    ("subject_column", x.key), ("kind", "enterprise"), ("items", x.key), ("mask.\(x.key)", "clear"), ("items", x.masked),
                    ("mask.\(x.masked)", "suppress")
                ])
            #expect(saved.status == .seeOther)
            let view = try #require(try await SubjectViews.get(x.f.code, on: app.db))
            #expect(view.masks == [x.key: .clear, x.masked: .suppress])
            let refused = try await steward.post("/catalog/resources/\(x.f.code)/subject-view", [("subject_column", x.key), ("kind", "enterprise")])
            #expect(refused.status == .unprocessableEntity)
            let other = try await WebSession.signIn(app, "jtj_steward")
            #expect(!(try await other.get("/catalog/resources/\(x.f.code)").body.string.contains("data-testid=\"subject-view\"")))
        }
    }
}
