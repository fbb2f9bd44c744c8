@testable import DataBankServer
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Wrong passwords and unknown tokens are throttled per account and per client address, with
/// counters in the database; the window expires and a success clears the account.
@Suite struct SignInThrottleTests {
    /// Tests stop the platform clock, so a slow run (a loaded machine) never lets a block expire
    /// between two requests, and move it instead of waiting.
    static func freeze(_ app: Application) {
        let instant = Date()
        app.settings.now = { instant }
    }

    static func later(_ app: Application, by seconds: Double) {
        let instant = app.settings.now().addingTimeInterval(seconds)
        app.settings.now = { instant }
    }

    @Test func backoffDoublesAfterTheThresholdUpToTheCap() {
        let policy = SignInThrottlePolicy()
        #expect(policy.delay(afterFailures: 4, threshold: 5) == nil)
        #expect((5...13).map { policy.delay(afterFailures: $0, threshold: 5) } == [5, 10, 20, 40, 80, 160, 320, 640, 900])
        #expect(policy.delay(afterFailures: 500, threshold: 5) == 900)
    }

    @Test func rightPasswordAfterManyWrongOnesIsStillRefusedUntilTheWindowEnds() async throws {
        try await withDataBank(adjust: { $0.signInThrottle.firstDelay = 120 }) { app in
            Self.freeze(app)
            var browser = SignInClient(app)
            var statuses: [HTTPStatus] = []
            for i in 0..<25 { statuses.append(try await browser.signIn("scj_steward", "wrong-\(i)").status) }
            #expect(statuses.prefix(4).allSatisfy { $0 == .unauthorized })
            #expect(statuses.dropFirst(4).allSatisfy { $0 == .tooManyRequests })

            let right = try await browser.signIn("scj_steward", "databank-demo")
            #expect(right.status == .tooManyRequests)
            let wait = try #require(right.headers.first(name: "Retry-After").flatMap(Int.init))
            #expect(wait > 0 && wait <= 120)
            #expect(right.body.string.contains("data-testid=\"login-throttled\"") && right.body.string.contains("请在"))
            #expect(browser.cookies["databank_session"] == nil)
            let english = try await browser.request(.GET, "/login?lang=en", body: nil)
            browser.keep(english)
            let again = try await browser.signIn("scj_steward", "databank-demo")
            #expect(again.body.string.contains("try again in"))

            Self.later(app, by: 16 * 60)
            // A later failure prunes the expired rows: only its own two remain.
            var other = SignInClient(app)
            let status = try await other.signIn("viewer", "wrong").status; #expect(status == .unauthorized)
            #expect(try await throttleRows(app) == 2)
            let after = try await browser.signIn("scj_steward", "databank-demo")
            #expect(after.status == .seeOther, "the window has passed")
        }
    }

    @Test func aSuccessClearsTheAccountsCount() async throws {
        try await withDataBank { app in
            Self.freeze(app)
            var browser = SignInClient(app)
            for i in 0..<4 {
                let wrong = try await browser.signIn("viewer", "wrong-\(i)").status
                #expect(wrong == .unauthorized)
            }
            let right = try await browser.signIn("viewer", "databank-demo").status
            #expect(right == .seeOther)
            var again = SignInClient(app)
            for i in 0..<4 {
                let wrong = try await again.signIn("viewer", "wrong-\(i)").status
                #expect(wrong == .unauthorized, "counting from zero again")
            }
        }
    }

    @Test func anotherAccountFromAnotherAddressIsUnaffected() async throws {
        try await withDataBank(adjust: {
            $0.trustedProxies = ["127.0.0.1"]; $0.signInThrottle.firstDelay = 120
        }) { app in
            Self.freeze(app)
            var attacker = SignInClient(app, live: true, forwardedFor: "203.0.113.7")
            for i in 0..<25 { _ = try await attacker.signIn("scj_steward", "wrong-\(i)") }
            let guessed = try await attacker.signIn("scj_steward", "databank-demo").status
            #expect(guessed == .tooManyRequests)

            // Through the same proxy, another client: its own account signs in; the guessed one waits.
            var colleague = SignInClient(app, live: true, forwardedFor: "198.51.100.9")
            let own = try await colleague.signIn("jtj_steward", "databank-demo").status
            #expect(own == .seeOther || own == .ok, "signed in (the socket client follows the redirect to the catalog)")
            var owner = SignInClient(app, live: true, forwardedFor: "198.51.100.10")
            let held = try await owner.signIn("scj_steward", "databank-demo").status
            #expect(held == .tooManyRequests, "per account, whatever the address")
        }
    }

    @Test func guessingAcrossAccountsIsHeldBackPerAddressWhateverForwardedForSays() async throws {
        try await withDataBank { app in
            Self.freeze(app)
            // No trusted proxy: the header is the client's own claim and changes nothing.
            var statuses: [HTTPStatus] = []
            for i in 0..<22 {
                var browser = SignInClient(app, forwardedFor: "192.0.2.\(i)")
                statuses.append(try await browser.signIn("nobody-\(i)", "wrong").status)
            }
            #expect(statuses.prefix(19).allSatisfy { $0 == .unauthorized })
            #expect(statuses.dropFirst(19).allSatisfy { $0 == .tooManyRequests })
        }
    }

    @Test func unknownTokensFromOneAddressAreAnswered429() async throws {
        try await withDataBank { app in
            Self.freeze(app)
            var statuses: [HTTPStatus] = []
            for i in 0..<22 {
                let guess = i.isMultiple(of: 2) ? "dbk_guess\(i)" : Apps.tokenPrefix + "guess\(i)"
                statuses.append(try await app.send(.GET, "/api/v1/me", token: guess).status)
            }
            #expect(statuses.prefix(19).allSatisfy { $0 == .unauthorized })
            #expect(statuses.dropFirst(19).allSatisfy { $0 == .tooManyRequests })

            // Held back before the token is looked up: even a real one waits.
            let real = try await app.token("viewer")
            let refused = try await app.send(.GET, "/api/v1/me", token: real)
            #expect(refused.status == .tooManyRequests)
            #expect(try refused.errorBody().code == "rate_limited")
            #expect(refused.headers.first(name: "Retry-After").flatMap(Int.init).map { $0 > 0 } == true)

            Self.later(app, by: 16 * 60)
            #expect(try await app.send(.GET, "/api/v1/me", token: real).status == .ok)
        }
    }
}

/// The rows of `auth_throttle` (pruned as failures come in).
func throttleRows(_ app: Application) async throws -> Int {
    let row = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM auth_throttle").first()
    return try row?.decode(column: "n", as: Int.self) ?? 0
}
