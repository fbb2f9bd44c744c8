import Fluent
import Vapor
import DataBankCore

/// A person who signs in: a department's steward, a reviewer, the platform admin …
final class User: Model, Authenticatable, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "role") var roleName: String
    @Field(key: "department_code") var departmentCode: String
    /// Where notifications are mailed when SMTP is configured (migration 008).
    @OptionalField(key: "email") var email: String?
    /// When a registered member of the public confirmed their address, or the platform admin their
    /// sign-up (migration 017); nil for an unconfirmed sign-up (staff accounts never need it).
    @OptionalField(key: "verified_at") var verifiedAt: Date?
    /// SHA-256 of the sign-up's verification link token, until it is used.
    @OptionalField(key: "verify_token_hash") var verifyTokenHash: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(username: String, displayName: String, passwordHash: String, role: Role, departmentCode: String) {
        self.username = username; self.displayName = displayName; self.passwordHash = passwordHash
        self.roleName = role.rawValue; self.departmentCode = departmentCode
    }

    var role: Role { Role(rawValue: roleName) ?? .viewer }

    var actor: Actor { Actor(userID: id?.uuidString ?? "", role: role, departmentCode: departmentCode) }

    /// A registered member of the public who has not yet confirmed their sign-up: may not sign in.
    var awaitsVerification: Bool { role == .publicUser && verifiedAt == nil }
}

/// A personal API token. Only its SHA-256 is stored; the token itself is shown once.
final class UserToken: Model, @unchecked Sendable {
    static let schema = "user_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "prefix") var prefix: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    /// A developer key's limits (migration 017): calls per minute and per day; nil for staff tokens,
    /// which the open data API does not limit (docs/SECURITY.md).
    @OptionalField(key: "rate_per_minute") var ratePerMinute: Int?
    @OptionalField(key: "daily_quota") var dailyQuota: Int?

    init() {}

    init(userID: UUID, name: String, tokenHash: String, prefix: String) {
        self.$user.id = userID; self.name = name; self.tokenHash = tokenHash; self.prefix = prefix
    }

    /// A new random token: `dbk_` + 40 url-safe characters.
    static func generate() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var rng = SystemRandomNumberGenerator()
        return "dbk_" + String((0..<40).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).hexString
    }
}
