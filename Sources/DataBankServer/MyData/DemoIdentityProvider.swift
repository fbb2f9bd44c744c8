import Fluent
import JWT
import SQLKit
import NIOConcurrencyHelpers
import Plot
import Vapor
import DataBankCore

/// The demo's identity provider (`/demo-idp/…`): a visitor chooses one of the demo city's residents or
/// enterprises and is signed in as them, as a real OpenID Connect provider would after its own checks.
/// It signs ES256 ID tokens with a key made when it starts and publishes the key set at
/// `/demo-idp/jwks.json`; the platform verifies its tokens with ``SubjectTokenVerifier`` exactly as a
/// production provider's (key set, signature, issuer, audience, expiry, identifier check). The one
/// shortcut: the platform reads the demo's key set and exchanges its codes in process, not over HTTP.
final class DemoIdentityProvider: SubjectIdentitySource {
    static let issuer = "urn:databank:demo-idp"
    static let audience = "databank-demo"
    static let settings = SubjectIdentitySettings(issuer: issuer, audience: audience, authorizeURL: "/demo-idp/authorize")

    let keys = JWTKeyCollection()
    let kid: String
    let jwksJSON: String
    /// One-time authorization codes and the ID token each stands for (a minute to use each).
    private let codes = NIOLockedValueBox<[String: (token: String, at: Date)]>([:])
    /// Subjects offered besides the demo city's (``offer(_:)``).
    private let offered = NIOLockedValueBox<[DemoSubjects.Subject]>([])

    /// Offers one more subject to sign in as (a test's fixture enterprise).
    func offer(_ subject: DemoSubjects.Subject) { offered.withLockedValue { $0.append(subject) } }

    /// Whom one may sign in as: the offered subjects, then the demo city's.
    func subjects(on db: any Database) async throws -> [DemoSubjects.Subject] {
        offered.withLockedValue { $0 } + (try await DemoSubjects.all(on: db))
    }

    private init(kid: String, jwksJSON: String) { self.kid = kid; self.jwksJSON = jwksJSON }

    /// Makes a provider with a fresh key, makes it the application's subject verifier, and serves its pages.
    @discardableResult
    static func install(_ app: Application) async throws -> DemoIdentityProvider {
        let provider = try await make()
        app.subjectVerifier = SubjectTokenVerifier(settings: settings, source: provider)
        let idp = app.grouped("demo-idp").gated(.open)
        idp.get("jwks.json") { _ in provider.jwksResponse() }
        idp.get("authorize") { req in try await provider.chooser(req) }
        idp.post("authorize") { req in try await provider.authorize(req) }
        idp.get("token") { req in try await provider.token(req) }
        return provider
    }

    /// A provider with a fresh key, serving nothing.
    static func make() async throws -> DemoIdentityProvider {
        let key = ES256PrivateKey()
        let kid = "demo-" + String(UUID().uuidString.prefix(8)).lowercased()
        guard let (x, y) = key.publicKey.parameters else { throw AppError(.internalServerError, "identity_unavailable", "No demo key") }
        let jwks = JSONText.encode(["keys": [["kty": "EC", "crv": "P-256", "x": x, "y": y, "kid": kid, "alg": "ES256", "use": "sig"]]])
        let provider = DemoIdentityProvider(kid: kid, jwksJSON: jwks)
        await provider.keys.add(ecdsa: key, kid: JWKIdentifier(string: kid))
        return provider
    }

    func jwks() async throws -> String { jwksJSON }

    func idToken(forCode code: String, redirectURI: String) async throws -> String {
        let found = codes.withLockedValue { $0.removeValue(forKey: code) }
        guard let found, Date().timeIntervalSince(found.at) < 60 else {
            throw AppError(.unauthorized, "invalid_token", "The sign-in code is unknown or expired")
        }
        return found.token
    }

    /// An ID token for a demo subject, valid for an hour.
    func sign(_ subject: DemoSubjects.Subject, nonce: String?) async throws -> String {
        var strings = ["sub": "demo-" + String(AuditKey.inMemory.mac(subject.key).prefix(16)), "name": subject.name]
        strings[subject.kind == .resident ? "resident_id" : "credit_code"] = subject.key
        if let nonce { strings["nonce"] = nonce }
        let claims = SubjectClaims(issuer: Self.issuer, audience: Self.audience, expiration: Date().addingTimeInterval(3600), strings: strings)
        return try await keys.sign(claims, kid: JWKIdentifier(string: kid))
    }

    func jwksResponse() -> Response {
        let response = Response(status: .ok, body: .init(string: jwksJSON))
        response.headers.contentType = .json
        return response
    }

    /// `GET /demo-idp/authorize`: whom to sign in as.
    func chooser(_ req: Request) async throws -> Response {
        let s = req.strings
        let form = FormData(query: req)
        let subjects = try await subjects(on: req.db)
        let buttons: [Body] = subjects.map { subject in
            .postForm(
                "/demo-idp/authorize", csrf: req.csrfToken,
                [
                    .cls("idp-choice"), .hidden("subject", subject.key), .hidden("redirect_uri", form.raw("redirect_uri")),
                    .hidden("state", form.raw("state")), .hidden("nonce", form.raw("nonce")),
                    .submit(
                        "\(subject.name) · \(subject.kind.label(s.isEnglish ? "en" : "zh")) · \(subject.key)", .cls("primary"),
                        .testid("idp-\(subject.kind.rawValue)"))
                ])
        }
        return Layout.render(
            req, title: s.t("演示身份认证", "Demo identity provider"),
            [
                Layout.heading(
                    s.t("演示身份认证服务", "Demo identity provider"),
                    sub: s.t(
                        "正式环境由统一身份认证平台核验本人身份；演示中请选择一位居民或企业登录“我的数据”。",
                        "In production the city's identity provider checks who you are; in the demo, choose a resident or an enterprise to sign in to My data as."
                    )),
                .div(.cls("idp-choices"), .testid("idp-choices"), .group(buttons))
            ])
    }

    /// `POST /demo-idp/authorize`: signs the chosen subject's ID token and sends the browser back with a code.
    func authorize(_ req: Request) async throws -> Response {
        let form = FormData(body: req)
        guard let subject = try await subjects(on: req.db).first(where: { $0.key == form.raw("subject") }) else {
            throw AppError.field(.unprocessableEntity, "unknown_subject", "subject", zh: "演示数据中没有该居民或企业", en: "No such demo resident or enterprise")
        }
        // Only back to this platform's own callback (an open redirect would hand the code to anyone).
        let redirect = URI(string: form.raw("redirect_uri"))
        guard redirect.path == MyDataURL.callback else {
            throw AppError.field(.badRequest, "invalid_redirect", "redirect_uri", zh: "回调地址不是本平台的", en: "The redirect URI is not this platform's callback")
        }
        let token = try await sign(subject, nonce: form["nonce"])
        let code = UUID().uuidString
        codes.withLockedValue { codes in
            codes = codes.filter { Date().timeIntervalSince($0.value.at) < 60 }
            codes[code] = (token, Date())
        }
        return Layout.seeOther(QueryLink(MyDataURL.callback, [("code", code), ("state", form.raw("state"))]).href)
    }

    /// `GET /demo-idp/token?subject=…`: an ID token for scripts (the API takes it as Bearer). Demo only.
    func token(_ req: Request) async throws -> [String: String] {
        let key = req.queryValue("subject") ?? ""
        guard let subject = try await subjects(on: req.db).first(where: { $0.key == key }) else {
            throw AppError.field(.notFound, "unknown_subject", "subject", zh: "演示数据中没有该居民或企业", en: "No such demo resident or enterprise")
        }
        return ["id_token": try await sign(subject, nonce: nil), "token_type": "Bearer"]
    }
}

/// The demo residents and enterprises one can sign in as: the people of the school-admission story
/// (``DemoJointChecks``), who have social-insurance and housing-fund records, and their employer.
enum DemoSubjects {
    struct Subject: Sendable {
        var kind: SubjectKind
        var key: String
        var name: String
    }

    static func all(on db: any Database) async throws -> [Subject] {
        var found: [Subject] = []
        if try await JointCheckRow.query(on: db).filter(\.$code == "school-admission").first() != nil,
            let residence = try await DemoSharing.store(DemoJointChecks.residence, db)
        {
            let first = DemoJointChecks.firstPerson
            for row in try await DemoJointChecks.generated(residence, rows: [first, first + 1], on: db) {
                if let id = row["id_number"] { found.append(Subject(kind: .resident, key: id, name: row["person_name"] ?? id)) }
            }
        } else if let insurance = try await DemoSharing.store(DemoJointChecks.insurance, db), let fund = try await DemoSharing.store(DemoJointChecks.fund, db) {
            // A smaller city without the story: two people with records in both registers.
            let rows = try await db.sql.raw(
                """
                SELECT i.id_number, MIN(i.person_name) AS person_name FROM \(ident: insurance.tables.records) AS i
                WHERE i.id_number IN (SELECT f.id_number FROM \(ident: fund.tables.records) AS f)
                GROUP BY i.id_number ORDER BY i.id_number LIMIT 2
                """
            ).all()
            for row in rows {
                let id = try row.decode(column: "id_number", as: String.self)
                found.append(Subject(kind: .resident, key: id, name: (try? row.decode(column: "person_name", as: String.self)) ?? id))
            }
        }
        if let enterprises = try await DemoSharing.store(DemoJointChecks.enterprises, db),
            let row = try await DemoJointChecks.generated(enterprises, rows: [DemoJointChecks.firstEnterprise], on: db).first,
            let code = row["credit_code"]
        {
            found.append(Subject(kind: .enterprise, key: code, name: row["enterprise_name"] ?? code))
        }
        return found
    }
}
