import DataBankCore
@testable import DataBankServer
import Fluent
import Testing
import Vapor
import VaporTesting

/// Public sign-up, confirmation, sign-in and password change of a registered member of the public.
@Suite("Open portal: sign-up and accounts")
struct SignupTests {
    static let signup: [String: String] = ["username": "dev_bob", "email": "bob@example.com", "password": "long-enough-1"]

    /// A sign-up with a bad name, address and password names each field; a taken name is 409.
    @Test func signupValidation() async throws {
        try await withDataBank { app in
            let bad = try await app.send(
                .POST, "/api/v1/signup", json: ["username": "X!", "email": "not-an-address", "password": "short"])
            #expect(bad.status == .unprocessableEntity)
            let fields = Set(try bad.errorBody().details.map(\.field))
            #expect(fields == ["username", "email", "password"])
            let taken = try await app.send(.POST, "/api/v1/signup", json: ["username": "scj_steward", "email": "a@example.com", "password": "long-enough-1"])
            #expect(taken.status == .conflict)
            #expect(try taken.errorBody().code == "duplicate_username")
            let ok = try await app.send(.POST, "/api/v1/signup", json: Self.signup)
            #expect(ok.status == .created)
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "dev_bob").first())
            #expect(user.role == .publicUser && user.departmentCode.isEmpty && user.verifiedAt == nil)
            #expect(user.passwordHash.hasPrefix("$2"))
        }
    }

    /// Without mail, a sign-up waits for the platform admin: it cannot sign in until confirmed.
    @Test func verificationByAdmin() async throws {
        try await withDataBank { app in
            let created = try await app.send(.POST, "/api/v1/signup", json: Self.signup)
            #expect(try created.decode(OpenPortalAPI.SignedUp.self).confirmation == .admin)
            var browser = SignInClient(app)
            let refused = try await browser.signIn("dev_bob", "long-enough-1")
            #expect(refused.status == .forbidden)
            #expect(refused.body.string.contains("login-unverified"))

            let admin = try await app.token("admin")
            let listed = try await app.send(.GET, "/api/v1/signups", token: admin).decode(ListPage<OpenPortalAPI.SignupInfo>.self)
            let id = try #require(listed.items.first { $0.username == "dev_bob" }?.id)
            // Only the platform admin confirms.
            #expect(try await app.send(.POST, "/api/v1/signups/\(id)/confirm", token: try await app.token("scj_steward")).status == .forbidden)
            #expect(try await app.send(.POST, "/api/v1/signups/\(id)/confirm", token: admin).status == .ok)
            let signedIn = try await browser.signIn("dev_bob", "long-enough-1")
            #expect(signedIn.status == .seeOther)
            let page = try await browser.request(.GET, "/developer", body: nil)
            #expect(page.status == .ok)
        }
    }

    /// The mailed link confirms the sign-up once.
    @Test func verificationLink() async throws {
        try await withDataBank { app in
            _ = try await app.send(.POST, "/api/v1/signup", json: Self.signup)
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "dev_bob").first())
            user.verifyTokenHash = UserToken.hash("known-token")
            try await user.save(on: app.db)
            #expect(try await app.send(.GET, "/signup/verify?token=known-token").status == .ok)
            #expect(try await User.find(user.id, on: app.db)?.verifiedAt != nil)
            #expect(try await app.send(.GET, "/signup/verify?token=known-token").status == .notFound)
        }
    }

    /// With SMTP configured, the confirmation link is mailed to the address given, and it confirms the sign-up.
    @Test func verificationLinkIsMailed() async throws {
        let relay = try await FakeSMTPRelay.start()
        try await withDataBank(adjust: {
            $0.smtp = SMTPSettings(url: "smtp://127.0.0.1:\(relay.port)", from: "databank@foshan.gov.cn")
            $0.publicURL = "https://data.example"
        }) { app in
            let created = try await app.send(.POST, "/api/v1/signup", json: Self.signup)
            #expect(try created.decode(OpenPortalAPI.SignedUp.self).confirmation == .mail)
            let mail = try #require(await relay.received().first)
            #expect(mail.recipients == ["bob@example.com"])
            let link = try #require(mail.decodedBody.split(separator: "\n").first { $0.hasPrefix("https://data.example/signup/verify?token=") })
            #expect(try await app.send(.GET, String(link.dropFirst("https://data.example".count))).status == .ok)
            #expect(try await User.query(on: app.db).filter(\.$username == "dev_bob").first()?.verifiedAt != nil)
            // The person's notifications are mailed to them too (a decision on their application).
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "dev_bob").first())
            #expect(try await NotificationMail.recipients(of: user.actor.consumerCode, on: app.db) == ["bob@example.com"])
        }
        try await relay.stop()
    }

    /// A password change needs the current password; the new one then signs in.
    @Test func passwordChange() async throws {
        try await withDataBank { app in
            let (_, key) = try await app.publicUser()
            let wrong = try await app.send(
                .POST, "/api/v1/me/password", token: key, json: ["currentPassword": "nope-nope-1", "newPassword": "brand-new-pass-2"])
            #expect(wrong.status == .forbidden)
            #expect(try wrong.errorBody().code == "wrong_password")
            let weak = try await app.send(.POST, "/api/v1/me/password", token: key, json: ["currentPassword": "correct-horse-9", "newPassword": "short"])
            #expect(weak.status == .unprocessableEntity)
            let ok = try await app.send(
                .POST, "/api/v1/me/password", token: key, json: ["currentPassword": "correct-horse-9", "newPassword": "brand-new-pass-2"])
            #expect(ok.status == .noContent)
            var browser = SignInClient(app)
            #expect(try await browser.signIn("dev_alice", "correct-horse-9").status == .unauthorized)
            #expect(try await browser.signIn("dev_alice", "brand-new-pass-2").status == .seeOther)
        }
    }

    /// Sign-ups from one address are throttled like failed sign-ins: 429 with Retry-After.
    @Test func signupThrottled() async throws {
        try await withDataBank(adjust: { $0.signInThrottle.addressFailures = 2 }) { app in
            // The clock stands still, so the 5 s wait cannot pass on a slow machine.
            let now = Date(timeIntervalSince1970: 1_796_000_000)
            app.settings.now = { now }
            for i in 0..<2 {
                let res = try await app.send(
                    .POST, "/api/v1/signup", json: ["username": "dev_\(i)x", "email": "d\(i)@example.com", "password": "long-enough-1"])
                #expect(res.status == .created)
            }
            let held = try await app.send(.POST, "/api/v1/signup", json: ["username": "dev_3x", "email": "d3@example.com", "password": "long-enough-1"])
            #expect(held.status == .tooManyRequests)
            #expect(held.headers.first(name: "Retry-After") != nil)
        }
    }

    /// A registered member of the public sees nothing of the government side.
    @Test func registeredUserSeesNoInternalData() async throws {
        try await withDataBank { app in
            let (_, key) = try await app.publicUser()
            for path in ["/api/v1/grants", "/api/v1/applications", "/api/v1/inbox", "/api/v1/objections"] {
                #expect(try await app.send(.GET, path, token: key).status == .forbidden, "\(path)")
            }
            #expect(try await app.send(.GET, "/api/v1/me", token: key).status == .ok)
            #expect(Authorization.reach(Actor(userID: "u", role: .publicUser, departmentCode: ""), .readUnpublished) == .none)
        }
    }
}
