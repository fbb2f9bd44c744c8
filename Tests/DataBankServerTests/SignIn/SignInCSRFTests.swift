@testable import DataBankServer
import Testing
import Vapor
import VaporTesting

/// The sign-in form carries the CSRF token like every other form, so a foreign page cannot
/// sign a visitor into another account.
@Suite struct SignInCSRFTests {
    @Test func signInWithoutTheFormTokenIsRefusedWithTheFormAgain() async throws {
        try await withDataBank { app in
            // A foreign page's form: no CSRF cookie (SameSite=Strict), no field.
            var browser = SignInClient(app)
            let body = "username=viewer&password=databank-demo"
            let res = try await browser.request(.POST, "/login", body: body)
            #expect(res.status == .forbidden)
            #expect(res.body.string.contains("data-testid=\"login-csrf\"") && res.body.string.contains("data-testid=\"login-form\""))
            #expect(!res.headers[.setCookie].contains { $0.hasPrefix("databank_session=") }, "not signed in")
            // The form shown again works.
            browser.keep(res)
            let retry = try await browser.signIn("viewer", "databank-demo")
            #expect(retry.status == .seeOther)
            #expect(browser.cookies["databank_session"] != nil)
        }
    }

    @Test func signInWithAWrongTokenIsRefused() async throws {
        try await withDataBank { app in
            var browser = SignInClient(app)
            _ = try await browser.open()
            let res = try await browser.signIn("viewer", "databank-demo", csrf: "forged")
            #expect(res.status == .forbidden)
            #expect(res.body.string.contains("data-testid=\"login-csrf\""))
            #expect(browser.cookies["databank_session"] == nil)
        }
    }

    @Test func bearerTokenCallsNeedNoCSRFToken() async throws {
        try await withDataBank { app in
            let token = try await app.token("viewer")
            let res = try await app.send(.POST, "/api/v1/tokens", token: token, json: ["name": "cron"])
            #expect(res.status == .created)
        }
    }
}
