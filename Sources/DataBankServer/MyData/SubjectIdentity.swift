import Foundation
import JWT
import NIOConcurrencyHelpers
import Vapor
import DataBankCore

/// Where residents and enterprises sign in (我的数据): an OpenID Connect provider, named by environment
/// variables (docs/MY-DATA.md). Unset `DATABANK_OIDC_ISSUER`: no production provider (the demo installs its own).
struct SubjectIdentitySettings: Sendable {
    /// The `iss` every token must carry.
    var issuer: String
    /// The `aud` every token must name (this platform's client id at the provider).
    var audience: String
    /// The provider's key set (JWKS), fetched over HTTPS and kept for ``keyLifetime``.
    var jwksURL: String?
    /// A key set read from a file instead (a pinned key set; the services bench's own provider).
    var jwksFile: String?
    /// The authorization endpoint the sign-in page sends a browser to (authorization code flow).
    var authorizeURL: String?
    /// The token endpoint the callback exchanges the code at, with ``clientSecret``.
    var tokenURL: String?
    var clientSecret: String?
    /// Which claim carries the resident ID (GB 11643), which the enterprise's credit code (GB 32100).
    var residentClaim = "resident_id"
    var creditClaim = "credit_code"
    var keyLifetime: TimeInterval = 600

    static func fromEnvironment() -> SubjectIdentitySettings? {
        guard let issuer = Environment.get("DATABANK_OIDC_ISSUER"), !issuer.isEmpty else { return nil }
        var s = SubjectIdentitySettings(
            issuer: issuer, audience: Environment.get("DATABANK_OIDC_AUDIENCE") ?? "databank", jwksURL: Environment.get("DATABANK_OIDC_JWKS_URL"),
            authorizeURL: Environment.get("DATABANK_OIDC_AUTHORIZE_URL"), tokenURL: Environment.get("DATABANK_OIDC_TOKEN_URL"),
            clientSecret: Environment.get("DATABANK_OIDC_CLIENT_SECRET"))
        s.jwksFile = Environment.get("DATABANK_OIDC_JWKS_FILE")
        if let claim = Environment.get("DATABANK_OIDC_RESIDENT_CLAIM"), !claim.isEmpty { s.residentClaim = claim }
        if let claim = Environment.get("DATABANK_OIDC_CREDIT_CLAIM"), !claim.isEmpty { s.creditClaim = claim }
        return s
    }
}

/// What the platform needs of an identity provider besides its settings: its key set, and the ID
/// token for an authorization code. Production asks over HTTP (``HTTPIdentityProvider``); the demo's
/// provider answers in process (``DemoIdentityProvider``). Verification is the same for both
/// (``SubjectTokenVerifier``).
protocol SubjectIdentitySource: Sendable {
    func jwks() async throws -> String
    func idToken(forCode code: String, redirectURI: String) async throws -> String
}

/// A real provider: its JWKS URL and its token endpoint.
struct HTTPIdentityProvider: SubjectIdentitySource {
    let settings: SubjectIdentitySettings
    let client: any Client

    func jwks() async throws -> String {
        if let file = settings.jwksFile {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw AppError(.serviceUnavailable, "identity_unavailable", "The key set file \(file) cannot be read")
            }
            return String(decoding: data, as: UTF8.self)
        }
        guard let url = settings.jwksURL else { throw AppError(.serviceUnavailable, "identity_unavailable", "DATABANK_OIDC_JWKS_URL is not set") }
        let response = try await client.get(URI(string: url))
        guard response.status == .ok, let body = response.body else {
            throw AppError(.serviceUnavailable, "identity_unavailable", "The identity provider's key set could not be read")
        }
        return String(buffer: body)
    }

    func idToken(forCode code: String, redirectURI: String) async throws -> String {
        guard let url = settings.tokenURL else { throw AppError(.serviceUnavailable, "identity_unavailable", "DATABANK_OIDC_TOKEN_URL is not set") }
        struct Exchange: Content {
            var grant_type = "authorization_code"
            var code: String
            var redirect_uri: String
            var client_id: String
            var client_secret: String?
        }
        struct Answer: Content { var id_token: String }
        let response = try await client.post(URI(string: url)) { out in
            try out.content.encode(
                Exchange(code: code, redirect_uri: redirectURI, client_id: settings.audience, client_secret: settings.clientSecret), as: .urlEncodedForm)
        }
        guard response.status == .ok, let answer = try? response.content.decode(Answer.self) else {
            throw AppError(.unauthorized, "invalid_token", "The identity provider did not exchange the sign-in code")
        }
        return answer.id_token
    }
}

/// A signed-in resident or enterprise: its key (kept in the session, never in the audit) and the
/// keyed hash the audit and the subject's ``Actor`` name it by.
struct SignedInSubject: Codable, Sendable {
    var kind: SubjectKind
    var key: String
    var name: String?
    var hash: String
    var expiresAt: Date

    /// The subject as the authorization table sees it.
    var actor: Actor { Actor(userID: hash, role: .subject, departmentCode: "") }
}

/// An ID token's claims: the registered ones the platform checks, and every string claim by name
/// (which one carries the subject's key is a setting).
struct SubjectClaims: JWTIdentityToken {
    var issuer: IssuerClaim
    var audience: AudienceClaim
    var expiration: ExpirationClaim
    var strings: [String: String]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(issuer: String, audience: String, expiration: Date, strings: [String: String]) {
        self.issuer = IssuerClaim(value: issuer); self.audience = AudienceClaim(value: [audience])
        self.expiration = ExpirationClaim(value: expiration); self.strings = strings
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        issuer = try c.decode(IssuerClaim.self, forKey: Key("iss"))
        audience = try c.decode(AudienceClaim.self, forKey: Key("aud"))
        expiration = try c.decode(ExpirationClaim.self, forKey: Key("exp"))
        var strings: [String: String] = [:]
        for key in c.allKeys where !["iss", "aud", "exp"].contains(key.stringValue) {
            if let text = try? c.decode(String.self, forKey: key) { strings[key.stringValue] = text }
        }
        self.strings = strings
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(issuer, forKey: Key("iss"))
        try c.encode(audience, forKey: Key("aud"))
        try c.encode(expiration, forKey: Key("exp"))
        for (k, v) in strings { try c.encode(v, forKey: Key(k)) }
    }

    func verify(using algorithm: some JWTAlgorithm) async throws { try expiration.verifyNotExpired() }
}

/// Verifies subjects' tokens against the provider's key set: signature (`vapor/jwt`), expiry, issuer,
/// audience, then the subject's key (the platform's identifier check). One instance per application;
/// the key set is fetched once per ``SubjectIdentitySettings/keyLifetime`` and again (at most every
/// 30 s) when a token names a key it does not hold, so a provider's key rotation is followed.
final class SubjectTokenVerifier: Sendable {
    let settings: SubjectIdentitySettings
    let source: any SubjectIdentitySource
    private let cache = NIOLockedValueBox<(keys: JWTKeyCollection, at: Date)?>(nil)

    init(settings: SubjectIdentitySettings, source: any SubjectIdentitySource) { self.settings = settings; self.source = source }

    private func keys(refresh: Bool) async throws -> JWTKeyCollection {
        if let cached = cache.withLockedValue({ $0 }) {
            let age = Date().timeIntervalSince(cached.at)
            if age < settings.keyLifetime && !(refresh && age > 30) { return cached.keys }
        }
        let keys = JWTKeyCollection()
        try await keys.add(jwksJSON: try await source.jwks())
        cache.withLockedValue { $0 = (keys, Date()) }
        return keys
    }

    /// The subject a token names, or 401 `invalid_token`. `nonce`: the one the sign-in page sent, when it sent one.
    func verify(_ token: String, nonce: String? = nil, today: CivilDate, trail: AuditTrail) async throws -> SignedInSubject {
        let claims: SubjectClaims
        do {
            do {
                claims = try await keys(refresh: false).verify(token, as: SubjectClaims.self, expectedAudience: settings.audience)
            } catch let error as JWTError where error.errorType == .unknownKID {
                claims = try await keys(refresh: true).verify(token, as: SubjectClaims.self, expectedAudience: settings.audience)
            }
        } catch let error as AppError {
            throw error
        } catch {
            throw AppError(.unauthorized, "invalid_token", "The identity token is invalid or expired")
        }
        guard claims.issuer.value == settings.issuer else { throw AppError(.unauthorized, "invalid_token", "The identity token is from another issuer") }
        if let nonce, claims.strings["nonce"] != nonce { throw AppError(.unauthorized, "invalid_token", "The identity token answers another sign-in") }
        let name = claims.strings["name"]
        for (kind, claim) in [(SubjectKind.resident, settings.residentClaim), (.enterprise, settings.creditClaim)] {
            guard let key = claims.strings[claim] else { continue }
            guard kind.check(key, today: today) == nil else {
                throw AppError(.unauthorized, "invalid_token", "The identity token's \(claim) is not a valid \(kind.en.lowercased())")
            }
            return SignedInSubject(kind: kind, key: key, name: name, hash: AuditSubjects.hash(key, trail: trail), expiresAt: claims.expiration.value)
        }
        throw AppError(
            .unauthorized, "invalid_token", "The identity token names no resident ID (\(settings.residentClaim)) or credit code (\(settings.creditClaim))")
    }
}

extension Application {
    private struct SubjectVerifierKey: StorageKey { typealias Value = SubjectTokenVerifier }

    /// The verifier of subjects' tokens: the demo's when it installed one, else the production
    /// provider's from the environment, else none (subjects cannot sign in).
    var subjectVerifier: SubjectTokenVerifier? {
        get {
            if let verifier = storage[SubjectVerifierKey.self] { return verifier }
            guard let settings = self.settings.subjectIdentity else { return nil }
            let verifier = SubjectTokenVerifier(settings: settings, source: HTTPIdentityProvider(settings: settings, client: client))
            storage[SubjectVerifierKey.self] = verifier
            return verifier
        }
        set { storage[SubjectVerifierKey.self] = newValue }
    }
}

/// Signs a subject in from a bearer ID token or the session, alongside ``UserAuthenticator``.
enum SubjectSignIn {
    static let sessionKey = "subject"

    /// Whether a bearer token is a JWT (three base64url parts) rather than a platform token.
    static func isIdentityToken(_ bearer: String) -> Bool { bearer.hasPrefix("eyJ") && bearer.split(separator: ".").count == 3 }

    /// A bearer ID token: verified on every request (no session). Failures count towards the
    /// client's throttle like unknown API tokens.
    static func signIn(bearer: String, _ req: Request) async throws {
        let from = SignInThrottle.Subject.tokenAddress(ClientAddress.of(req))
        if let wait = try await SignInThrottle.waitReadingEpoch(from, req) { throw SignInThrottled(retryAfter: wait) }
        guard let verifier = req.application.subjectVerifier else {
            throw AppError(.unauthorized, "invalid_token", "This platform accepts no identity tokens (no identity provider is configured)")
        }
        do {
            req.storage[SubjectStorageKey.self] = try await verifier.verify(bearer, today: req.application.today, trail: req.application.auditTrail)
        } catch let error as AppError where error.code == "invalid_token" {
            if let wait = try await SignInThrottle.fail(from, req) { throw SignInThrottled(retryAfter: wait) }
            throw error
        }
    }

    /// The subject of the page session, while its token was valid.
    static func restore(_ req: Request) {
        guard let text = req.session.data[sessionKey], let subject = JSONText.decode(SignedInSubject.self, text) else { return }
        guard subject.expiresAt > Date() else {
            req.session.data[sessionKey] = nil
            return
        }
        req.storage[SubjectStorageKey.self] = subject
    }

    static func remember(_ subject: SignedInSubject, _ req: Request) { req.session.data[sessionKey] = JSONText.encode(subject) }
}

struct SubjectStorageKey: StorageKey { typealias Value = SignedInSubject }

extension Request {
    /// The signed-in resident or enterprise, if any (never a staff user).
    var subject: SignedInSubject? { storage[SubjectStorageKey.self] }

    /// The signed-in subject, allowed `action` by the authorization table; else 401.
    func requireSubject(_ action: CatalogAction) throws -> SignedInSubject {
        guard let subject else { throw AppError(.unauthorized, "unauthenticated", "Sign in with the identity provider first") }
        try AuthorizationGate.authorize(subject.actor, action, department: nil)
        return subject
    }
}
