@testable import DataBankServer
import Testing
import Vapor
import VaporTesting

/// After sign-in only same-site paths are followed, judged as a browser reads them.
@Suite struct SafeNextTests {
    static let hostile = [
        "//evil.example/", "/\\evil.example", "\\\\evil.example", "/%09/evil.example/", "/\t/evil.example/",
        "/%5cevil.example", "/%5Cevil.example", "https://evil.example/", "http:evil.example", "javascript:alert(1)",
        "/%2F%2Fevil.example", "/%2f/evil.example", "/%252F%252Fevil.example", "/\r\n/evil.example", "/%0d%0a/evil.example",
        " //evil.example", "evil.example", "/%", "/%zz", "",
    ]
    static let good = ["/catalog?q=a", "/catalog/resources/301001-00001", "/sharing", "/catalog?q=%E4%BC%81%E4%B8%9A&offset=20"]

    @Test func hostileNextValuesGoHome() async throws {
        try await withDataBank { app in
            for next in Self.hostile {
                var browser = SignInClient(app)
                let res = try await browser.signIn("viewer", "databank-demo", next: next)
                #expect(res.status == .seeOther, "\(next.debugDescription)")
                #expect(res.headers.first(name: .location) == "/catalog", "\(next.debugDescription) → \(res.headers.first(name: .location) ?? "")")
                // Signed in already: the sign-in page redirects the same way.
                let again = try await browser.request(.GET, "/login?next=" + Escape.url(next), body: nil)
                #expect(again.headers.first(name: .location) == "/catalog", "GET \(next.debugDescription)")
            }
        }
    }

    @Test func sameSitePathsAreFollowed() async throws {
        try await withDataBank { app in
            for next in Self.good {
                var browser = SignInClient(app)
                let res = try await browser.signIn("viewer", "databank-demo", next: next)
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location) == next)
            }
        }
    }

    @Test func hostileNextIsNotCarriedByTheForm() async throws {
        try await withDataBank { app in
            var browser = SignInClient(app)
            let page = try await browser.open("/login?next=" + Escape.url("/%09/evil.example/"))
            #expect(!page.body.string.contains("evil.example"))
            let kept = try await browser.open("/login?next=" + Escape.url("/catalog?q=a"))
            #expect(kept.body.string.contains("name=\"next\""))
        }
    }
}
