import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// A resource in public notice (公示) is there to be seen: by anyone, anonymous visitors too, with
/// the notice's end and a way to give an opinion; the opinions go to the provider and the reviewers.
@Suite("Public notice")
struct PublicNoticeTests {
    struct Step: Encodable, Sendable { var action: String }
    struct Comment: Encodable, Sendable { var body: String }
    static let code = "301001-09001"

    /// A draft of the market regulator's, submitted and approved into notice.
    static func inNotice(_ app: Application) async throws {
        let steward = try await app.token("scj_steward"), reviewer = try await app.token("reviewer")
        #expect(try await app.send(.POST, "/api/v1/resources", token: steward, json: try await sampleResource(app)).status == .created)
        #expect(try await app.send(.POST, "/api/v1/resources/\(code)/transitions", token: steward, json: Step(action: "submit")).status == .ok)
        #expect(try await app.send(.POST, "/api/v1/resources/\(code)/transitions", token: reviewer, json: Step(action: "approve")).status == .ok)
    }

    /// An anonymous visitor opens the page (notice end in Beijing time) and the catalog lists it.
    @Test func anonymousVisitorsSeeTheNotice() async throws {
        try await withDataBank { app in
            try await Self.inNotice(app)
            #expect(try await app.send(.GET, "/api/v1/resources/\(Self.code)").status == .ok)
            let page = try await app.send(.GET, "/catalog/resources/\(Self.code)")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("data-testid=\"notice-end\"") && html.contains("(北京时间)"))
            #expect(html.contains("data-testid=\"comment-sign-in\""))
            let en = try await app.send(.GET, "/catalog/resources/\(Self.code)?lang=en").body.string
            #expect(en.contains("(China Standard Time)") && en.contains("Sign in to comment"))
            let found = try await app.send(.GET, "/api/v1/resources?q=年报信息").decode(SearchPage.self)
            #expect(found.items.contains { $0.code == Self.code })
        }
    }

    /// A change of a published resource in notice shows what is about to change to anonymous visitors too.
    @Test func aChangeInNoticeShowsItsDifferences() async throws {
        try await withDataBank { app in
            let steward = try await app.token("scj_steward"), reviewer = try await app.token("reviewer")
            let published = try #require(try await app.send(.GET, "/api/v1/resources?q=企业登记信息表").decode(SearchPage.self).items.first)
            let path = "/api/v1/resources/\(published.code)"
            struct Change: Encodable, Sendable { var action: String; var reason: String }
            let detail = try await app.send(.POST, "\(path)/transitions", token: steward, json: Change(action: "requestChange", reason: "摘要更新"))
                .decode(ResourceDetail.self)
            var edited = try #require(detail.working)
            edited.abstract = "公示中的新摘要"
            #expect(try await app.send(.PUT, path, token: steward, json: ResourceAPI.UpdateBody(version: detail.version, resource: edited)).status == .ok)
            #expect(try await app.send(.POST, "\(path)/transitions", token: steward, json: Step(action: "submit")).status == .ok)
            #expect(try await app.send(.POST, "\(path)/transitions", token: reviewer, json: Step(action: "approve")).status == .ok)
            let html = try await app.send(.GET, "/catalog/resources/\(published.code)").body.string
            #expect(html.contains("data-testid=\"pending-diff\"") && html.contains("公示中的新摘要"))
        }
    }

    /// `publish` is offered only when it would succeed: not to a reviewer while the notice runs, to the data authority.
    @Test func publishIsOfferedOnlyWhenItWouldSucceed() async throws {
        try await withDataBank { app in
            try await Self.inNotice(app)
            let reviewer = try await app.send(.GET, "/api/v1/resources/\(Self.code)", token: try await app.token("reviewer")).decode(ResourceDetail.self)
            #expect(!reviewer.allowedActions.contains("publish"))
            #expect(reviewer.allowedActions.contains("reject"))
            let admin = try await app.send(.GET, "/api/v1/resources/\(Self.code)", token: try await app.token("admin")).decode(ResourceDetail.self)
            #expect(admin.allowedActions.contains("publish"))
        }
    }

    /// Another department comments; the provider and the reviewers read it, a third department does not,
    /// and the comment is in the audit log.
    @Test func commentsGoToTheProviderAndTheReviewers() async throws {
        try await withDataBank { app in
            try await Self.inNotice(app)
            let path = "/api/v1/resources/\(Self.code)/comments"
            let res = try await app.send(.POST, path, token: try await app.token("jtj_steward"), json: Comment(body: "建议补充更新时间说明，联系电话 0757-1234567"))
            #expect(res.status == .created)
            for reader in ["scj_steward", "reviewer", "jtj_steward"] {
                let list = try await app.send(.GET, path, token: try await app.token(reader)).decode(ListPage<ResourceAPI.CommentView>.self)
                #expect(list.items.count == 1, "\(reader)")
            }
            let other = try await app.send(.GET, path, token: try await app.token("rsj_steward")).decode(ListPage<ResourceAPI.CommentView>.self)
            #expect(other.items.isEmpty)
            let provider = try await WebSession.signIn(app, "scj_steward")
            #expect(try await provider.get("/catalog/resources/\(Self.code)").body.string.contains("0757-1234567"))
            let audited = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'catalog.comment'")
                .first()?.decode(column: "n", as: Int.self)
            #expect(audited == 1)
        }
    }
}

/// Labels, not codes; one time zone, named.
@Suite("Page labels")
struct PageLabelTests {
    /// The audit page shows who by display name, the operation translated, the time in Beijing time.
    @Test func auditPageSpeaksInLabels() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<2), token: try await app.token(f.steward))
            let admin = try await WebSession.signIn(app, "admin")
            let zh = try await admin.get("/audit").body.string
            #expect(zh.contains("载入（更新或新增）") && zh.contains("(北京时间)") && zh.contains("市场监管局数据专员（梁晓琳）"))
            let en = try await admin.get("/audit?lang=en").body.string
            #expect(en.contains("Load (Upsert)") && en.contains("(China Standard Time)"))
        }
    }

    /// A 404 page in Chinese carries no English server message.
    @Test func notFoundPageIsInThePageLanguage() async throws {
        try await withDataBank { app in
            let zh = try await app.send(.GET, "/catalog/resources/999999-00000")
            #expect(zh.status == .notFound)
            #expect(zh.body.string.contains("未找到") && !zh.body.string.contains("not found"))
            let en = try await app.send(.GET, "/catalog/resources/999999-00000?lang=en").body.string
            #expect(en.contains("Not found") && !en.contains("未找到"))
        }
    }

    /// An application's page names the applicant and the steps' actors by display name, not username.
    @Test func applicationPageNamesPeople() async throws {
        try await withDataBank { app in
            let f = try await SharingRulesTests().conditional(app)
            let applied = try await SharingRulesTests().apply(app, f, token: try await app.token("jtj_steward"))
            let id = try #require(try applied.decode(ApplicationInfo.self).id)
            let web = try await WebSession.signIn(app, f.steward)
            let html = try await web.get("/sharing/applications/\(id)").body.string
            #expect(html.contains("交通运输局数据专员（罗嘉欣）") && !html.contains(">jtj_steward<"))
        }
    }

    /// A load's mode and its steward's display name on the records page, not `upsert` and a username.
    @Test func recordsPageNamesLoads() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<2), token: try await app.token(f.steward))
            let web = try await WebSession.signIn(app, f.steward)
            let html = try await web.get("/catalog/resources/\(f.code)/records").body.string
            #expect(html.contains("<td>更新或新增</td>") && html.contains("市场监管局数据专员（梁晓琳）") && !html.contains("<td>upsert</td>"))
        }
    }
}
