import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The governed-sharing pages through the real app, signed in through the login form with a
/// session cookie and the CSRF field every form carries.
@Suite("Sharing pages")
struct SharingPagesTests {
    static let consumer = "jtj_steward"  // transport bureau
    static let provider = "scj_steward"  // market regulation bureau, provides 企业登记信息表

    /// 企业登记信息表, made 有条件共享 so that an application waits for the provider.
    func conditionalResource(_ app: Application) async throws -> ResourceRow {
        let row = try #require(try await ResourceRow.query(on: app.db).filter(\.$name == "企业登记信息表").first())
        row.sharingType = SharingType.conditional.rawValue
        try await row.save(on: app.db)
        return row
    }

    func applyThroughForm(_ web: WebSession, code: String, purpose: String = "道路运输企业资质核查") async throws -> TestingHTTPResponse {
        try await web.post(
            "/catalog/resources/\(code)/apply",
            [
                ("purpose", purpose), ("legalBasis", "《道路运输条例》第八条"), ("validUntil", SharingWeb.day(plus: 200))
            ])
    }

    @Test func inboxRendersForSignedInSteward() async throws {
        try await withDataBank { app in
            let web = try await WebSession.signIn(app, Self.provider)
            let res = try await web.get("/sharing")
            #expect(res.status == .ok)
            let html = res.body.string
            for text in ["申请与授权", "待我审核", "我的申请", "即将到期的授权", "通知", "data-testid=\"nav-sharing\""] {
                #expect(html.contains(text), "missing \(text)")
            }
            #expect(!html.contains("超期申请"), "only the platform sees the overdue box")
        }
    }

    @Test func inboxInEnglish() async throws {
        try await withDataBank { app in
            let web = try await WebSession.signIn(app, "admin")
            let html = try await web.get("/sharing?lang=en").body.string
            #expect(html.contains("To review") && html.contains("My applications") && html.contains("Overdue applications"))
        }
    }

    @Test func applyFormCreatesApplicationAndRedirectsToIt() async throws {
        try await withDataBank { app in
            let resource = try await conditionalResource(app)
            let web = try await WebSession.signIn(app, Self.consumer)
            let form = try await web.get("/catalog/resources/\(resource.code)/apply")
            #expect(form.status == .ok)
            #expect(form.body.string.contains("data-testid=\"apply-form\""))
            #expect(form.body.string.contains("name=\"mask.credit_code\""))

            let res = try await applyThroughForm(web, code: resource.code)
            #expect(res.status == .seeOther)
            let location = try #require(res.headers.first(name: .location))
            #expect(location.hasPrefix("/sharing/applications/") && location.hasSuffix("?done=applied"))
            let row = try #require(try await ApplicationRow.query(on: app.db).filter(\.$resourceCode == resource.code).first())
            #expect(row.status == "pending" && row.purpose == "道路运输企业资质核查" && row.consumerCode != row.providerCode)

            let page = try await web.get(location)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("道路运输企业资质核查") && page.body.string.contains("待审核"))
            #expect(page.body.string.contains("withdraw-card"), "the applicant may withdraw while pending")
        }
    }

    @Test func applyFormShowsMessagesNextToFields() async throws {
        try await withDataBank { app in
            let resource = try await conditionalResource(app)
            let web = try await WebSession.signIn(app, Self.consumer)
            let res = try await web.post("/catalog/resources/\(resource.code)/apply", [("purpose", ""), ("validUntil", SharingWeb.day(plus: 30))])
            #expect(res.status == .unprocessableEntity)
            let html = res.body.string
            #expect(html.contains("data-testid=\"error-purpose\"") && html.contains("data-testid=\"error-legalBasis\""))
            #expect(try await ApplicationRow.query(on: app.db).count() == 0)
        }
    }

    @Test func providerSeesDecisionFormAndRejectNeedsReason() async throws {
        try await withDataBank { app in
            let resource = try await conditionalResource(app)
            let consumer = try await WebSession.signIn(app, Self.consumer)
            let location = try #require(try await applyThroughForm(consumer, code: resource.code).headers.first(name: .location))
            let path = String(location.prefix { $0 != "?" })
            #expect(!(try await consumer.get(path).body.string.contains("decision-form")), "the applicant does not decide")

            let provider = try await WebSession.signIn(app, Self.provider)
            let page = try await provider.get(path).body.string
            #expect(page.contains("data-testid=\"decision-form\"") && page.contains("decide-reject") && page.contains("decide-approvePart"))

            let refused = try await provider.post(path + "/decision", [("decision", "reject"), ("reason", "")])
            #expect(refused.status == .badRequest)
            let html = refused.body.string
            #expect(html.contains("不同意时须说明理由"))
            #expect(html.contains("data-testid=\"error-reason\"") && html.contains("data-testid=\"decision-form\""))
            #expect(try await ApplicationRow.query(on: app.db).first()?.status == "pending")

            let rejected = try await provider.post(path + "/decision", [("decision", "reject"), ("reason", "用途与本资源无关")])
            #expect(rejected.status == .seeOther)
            #expect(try await ApplicationRow.query(on: app.db).first()?.status == "rejected")
        }
    }

    @Test func providerApprovesAndConsumerSeesTheGrant() async throws {
        try await withDataBank { app in
            let resource = try await conditionalResource(app)
            let consumer = try await WebSession.signIn(app, Self.consumer)
            let location = try #require(try await applyThroughForm(consumer, code: resource.code).headers.first(name: .location))
            let provider = try await WebSession.signIn(app, Self.provider)
            let approved = try await provider.post(String(location.prefix { $0 != "?" }) + "/decision", [("decision", "approve")])
            #expect(approved.status == .seeOther)
            let grants = try await consumer.get("/sharing/grants").body.string
            #expect(grants.contains("企业登记信息表") && grants.contains("有效"))
            let resourcePage = try await consumer.get("/catalog/resources/\(resource.code)").body.string
            #expect(resourcePage.contains("resource-governed-sharing") && resourcePage.contains("apply-link"))
        }
    }

    @Test func notSharedResourceOffersItsVerificationServices() async throws {
        try await withDataBank { app in
            let resource = try await conditionalResource(app)
            let spec =
                #"{"code":"registered","name":"企业登记核验","spec":{"parameters":[{"name":"credit_code","type":"C"}],"#
                + #""predicate":{"exists":{"where":[{"column":"credit_code","op":"eq","param":"credit_code"}]}},"answer":"yesNo"}}"#
            let defined = try await app.send(.POST, "/api/v1/resources/\(resource.code)/services", token: try await app.token(Self.provider), body: spec)
            #expect(defined.status == .created)
            resource.sharingType = SharingType.none.rawValue
            try await resource.save(on: app.db)

            let web = try await WebSession.signIn(app, Self.consumer)
            let form = try await web.get("/catalog/resources/\(resource.code)/apply").body.string
            #expect(form.contains("data-testid=\"service-form\"") && form.contains("apply-service-registered"))
            #expect(!form.contains("data-testid=\"apply-form\""), "no records form for 不予共享")
            let res = try await web.post(
                "/catalog/resources/\(resource.code)/apply",
                [
                    ("purpose", "道路运输经营者资格核验"), ("legalBasis", "《道路运输条例》"), ("validUntil", SharingWeb.day(plus: 90)), ("service", "registered")
                ])
            #expect(res.status == .seeOther)
            let row = try #require(try await ApplicationRow.query(on: app.db).first())
            #expect(row.kind == "service" && row.serviceCode == "registered" && row.status == "pending")
        }
    }

    @Test func appsPageShowsNewTokenOnce() async throws {
        try await withDataBank { app in
            let web = try await WebSession.signIn(app, Self.consumer)
            let created = try await web.post("/sharing/apps", [("name", "通行证系统"), ("ratePerMinute", "120")])
            #expect(created.status == .ok)
            let html = created.body.string
            let token = try #require(html.range(of: "dbk_app_[A-Za-z0-9_-]+", options: .regularExpression).map { String(html[$0]) })
            #expect(html.contains("data-testid=\"new-app-token\""))
            let again = try await web.get("/sharing/apps").body.string
            #expect(again.contains("通行证系统") && again.contains(String(token.prefix(12))))
            #expect(!again.contains(token), "the token is shown only once")
            #expect(try await AppRow.query(on: app.db).filter(\.$name == "通行证系统").first()?.ratePerMinute == 120)

            let bad = try await web.post("/sharing/apps", [("name", ""), ("ratePerMinute", "60")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("data-testid=\"error-name\""))
        }
    }
}

/// A browser-like session: cookies kept between requests, forms posted with the CSRF field.
struct WebSession {
    let app: Application
    var cookies: [String: String] = [:]

    static func signIn(_ app: Application, _ username: String) async throws -> WebSession {
        var web = WebSession(app: app)
        let login = try await web.request(.GET, "/login", body: nil)
        web.keep(login)
        let res = try await web.post("/login", [("username", username), ("password", "databank-demo")])
        #expect(res.status == .seeOther, "sign-in of \(username)")
        web.keep(res)
        #expect(web.cookies["databank_session"] != nil)
        return web
    }

    mutating func keep(_ res: TestingHTTPResponse) {
        for header in res.headers[.setCookie] {
            let pair = header.prefix { $0 != ";" }.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { cookies[pair[0]] = pair[1] }
        }
    }

    func get(_ path: String) async throws -> TestingHTTPResponse { try await request(.GET, path, body: nil) }

    /// `accept`: the Accept header a script's `fetch` would send.
    func post(_ path: String, _ fields: [(String, String)], accept: String? = nil) async throws -> TestingHTTPResponse {
        let all = [("_csrf", cookies[CSRFMiddleware.cookie] ?? "")] + fields
        return try await request(.POST, path, body: all.map { "\(Escape.url($0.0))=\(Escape.url($0.1))" }.joined(separator: "&"), accept: accept)
    }

    func request(_ method: HTTPMethod, _ path: String, body: String?, accept: String? = nil) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let accept { headers.replaceOrAdd(name: .accept, value: accept) }
        if !cookies.isEmpty { headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        if body != nil { headers.contentType = .urlEncodedForm }
        var result: TestingHTTPResponse?
        try await app.testing().test(
            method, path, headers: headers,
            beforeRequest: { req in
                if let body { req.body = ByteBuffer(string: body) }
            }, afterResponse: { res in result = res })
        return try #require(result)
    }
}
