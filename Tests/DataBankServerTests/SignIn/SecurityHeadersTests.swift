@testable import DataBankServer
import Testing
import Vapor
import VaporTesting

/// Every answer carries the browser-side defences; cookies are `Secure` when the setting says so.
@Suite struct SecurityHeadersTests {
    static func expectHeaders(_ res: TestingHTTPResponse, _ what: String) {
        let csp = res.headers.first(name: "Content-Security-Policy") ?? ""
        #expect(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "\(what)")
        #expect(res.headers.first(name: "X-Frame-Options") == "DENY", "\(what)")
        #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(what)")
        #expect(res.headers.first(name: "Referrer-Policy") == "strict-origin-when-cross-origin", "\(what)")
    }

    @Test func everyKindOfAnswerCarriesTheHeaders() async throws {
        try await withDataBank { app in
            let token = try await app.token("viewer")
            let answers: [(String, TestingHTTPResponse)] = [
                ("page", try await app.send(.GET, "/catalog")),
                ("sign-in page", try await app.send(.GET, "/login")),
                ("API", try await app.send(.GET, "/api/v1/resources", token: token)),
                ("API error", try await app.send(.GET, "/api/v1/resources/nope", token: token)),
                ("API 401", try await app.send(.GET, "/api/v1/me", token: "dbk_unknown")),
                ("error page", try await app.send(.GET, "/no/such/page")),
                ("static file", try await app.send(.GET, "/app.js")),
                ("redirect", try await app.send(.GET, "/")),
            ]
            for (what, res) in answers { Self.expectHeaders(res, what) }
            #expect(answers[3].1.status == .notFound && answers[5].1.status == .notFound)
        }
    }

    @Test func pagesHoldNoInlineScriptStyleOrHandler() async throws {
        try await withDataBank { app in
            var steward = SignInClient(app)
            let status = try await steward.signIn("scj_steward", "databank-demo").status; #expect(status == .seeOther)
            let code = try #require(try await ResourceRow.query(on: app.db).first()?.code)
            var anonymous = SignInClient(app)
            let login = try await anonymous.open().body.string
            #expect(login.contains("<script src=\"/app.js\"") && !login.contains(" style="))
            for path in ["/catalog", "/catalog/new", "/catalog/resources/\(code)", "/sharing", "/quality", "/account", "/departments", "/standards"] {
                let page = try await steward.request(.GET, path, body: nil)
                #expect(page.status == .ok, "\(path)")
                let html = page.body.string
                #expect(html.contains("<script src=\"/app.js\""), "\(path)")
                #expect(html.range(of: "<script(?![^>]*\\ssrc=)", options: .regularExpression) == nil, "inline script on \(path)")
                #expect(html.range(of: "<style|\\sstyle=|\\son[a-z]+=|javascript:", options: [.regularExpression, .caseInsensitive]) == nil, "inline style or handler on \(path)")
            }
        }
    }

    @Test func cookiesAreSecureWhenTheSettingIsOn() async throws {
        try await withDataBank(adjust: { $0.secureCookies = true }) { app in
            var browser = SignInClient(app)
            let page = try await browser.open("/login?lang=en")
            let set = page.headers[.setCookie]
            #expect(set.contains { $0.hasPrefix("databank_csrf=") && $0.contains("Secure") })
            #expect(set.contains { $0.hasPrefix("lang=") && $0.contains("Secure") })
            #expect(page.headers.first(name: "Strict-Transport-Security") != nil)
            let signedIn = try await browser.signIn("viewer", "databank-demo")
            #expect(signedIn.headers[.setCookie].contains { $0.hasPrefix("databank_session=") && $0.contains("Secure") })
        }
    }

    @Test func cookiesAreNotSecureByDefault() async throws {
        try await withDataBank { app in
            var browser = SignInClient(app)
            let page = try await browser.open()
            #expect(page.headers[.setCookie].contains { $0.hasPrefix("databank_csrf=") && !$0.contains("Secure") })
            #expect(page.headers.first(name: "Strict-Transport-Security") == nil)
        }
    }
}
