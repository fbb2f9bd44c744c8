import Fluent
import Vapor
import DataBankCore

/// Signs the user in from a bearer token or the web session. Never rejects: routes decide
/// through ``Request/authorize(_:department:)``.
struct UserAuthenticator: AsyncMiddleware {
    static let sessionKey = "user_id"

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = req.headers.bearerAuthorization?.token {
            // An identity provider's ID token signs a resident or an enterprise in (我的数据), never a user.
            if SubjectSignIn.isIdentityToken(bearer) {
                try await SubjectSignIn.signIn(bearer: bearer, req)
            } else {
                try await Self.signIn(bearer: bearer, req)
            }
        } else if req.hasSession, let id = req.session.data[Self.sessionKey].flatMap(UUID.init(uuidString:)),
            let user = try await User.find(id, on: req.db), !user.awaitsVerification
        {
            req.auth.login(user)
            req.storage[AuthMethodKey.self] = .session
        }
        if req.hasSession, req.subject == nil { SubjectSignIn.restore(req) }
        return try await next.respond(to: req)
    }

    /// A user or app token. Guessing is throttled per client address: unknown tokens count as
    /// failures, and an address over the limit is answered 429 before its token is even looked up.
    static func signIn(bearer: String, _ req: Request) async throws {
        let from = SignInThrottle.Subject.tokenAddress(ClientAddress.of(req))
        if let wait = try await SignInThrottle.waitReadingEpoch(from, req) { throw SignInThrottled(retryAfter: wait) }
        do {
            if bearer.hasPrefix(Apps.tokenPrefix) {
                try await Apps.authenticate(bearer, req)
                return
            }
            guard let signedIn = try await Self.user(forToken: bearer, req) else {
                throw AppError(.unauthorized, "invalid_token", "The API token is unknown or revoked")
            }
            req.auth.login(signedIn.user)
            req.storage[UserTokenIDKey.self] = signedIn.tokenID
            if let perMinute = signedIn.rate { req.storage[DeveloperKeyLimitKey.self] = CallLimit(perMinute: perMinute, perDay: signedIn.quota) }
            req.storage[AuthMethodKey.self] = .token
        } catch let error as AppError where error.code == "invalid_token" {
            if let wait = try await SignInThrottle.fail(from, req) { throw SignInThrottled(retryAfter: wait) }
            throw error
        }
    }

    /// What a token stands for, cached per access epoch (``AccessEpoch``: a revoked token, or a
    /// changed user, moves it). Each request gets a ``User`` of its own.
    struct CachedToken: Sendable {
        var userID: UUID
        var username: String
        var displayName: String
        var passwordHash: String
        var roleName: String
        var departmentCode: String
        var email: String?
        var verifiedAt: Date?
        var createdAt: Date?
        var tokenID: UUID
        var lastUsedAt: Date?
        /// A developer key's limits (calls per minute, per day), when it has them.
        var rate: Int?
        var quota: Int?

        init(_ found: Found) throws {
            let user = found.user
            userID = try user.requireID(); username = user.username; displayName = user.displayName
            passwordHash = user.passwordHash; roleName = user.roleName; departmentCode = user.departmentCode
            email = user.email; verifiedAt = user.verifiedAt; createdAt = user.createdAt
            tokenID = found.tokenID; lastUsedAt = found.lastUsedAt; rate = found.rate; quota = found.quota
        }

        var user: User {
            let user = User()
            user.id = userID; user.$id.exists = true
            user.username = username; user.displayName = displayName; user.passwordHash = passwordHash
            user.roleName = roleName; user.departmentCode = departmentCode; user.email = email; user.verifiedAt = verifiedAt
            user.createdAt = createdAt
            return user
        }
    }

    /// The token's user and the token's id: from the cache when this request's access epoch is the
    /// one it was cached under, else one query.
    static func user(forToken token: String, _ req: Request) async throws -> Found? {
        let hash = UserToken.hash(token)
        let cache = req.application.readCaches.userTokens
        if let epoch = try await AccessEpoch.current(req), let cached = cache.value(hash, epoch: epoch),
            cached.lastUsedAt.map({ Date().timeIntervalSince($0) <= 60 }) ?? false
        {
            return Found(user: cached.user, tokenID: cached.tokenID, lastUsedAt: cached.lastUsedAt, rate: cached.rate, quota: cached.quota)
        }
        // Read after the epoch, so what is cached is at least as new as the epoch it is kept under.
        guard let found = try await user(forToken: token, on: req.db) else { return nil }
        if let epoch = try await AccessEpoch.current(req) {
            cache.store(try CachedToken(found), hash, epoch: epoch)
        }
        return found
    }

    /// What a token stands for: its user, its id, when it was last used, a developer key's limits.
    struct Found {
        var user: User
        var tokenID: UUID
        var lastUsedAt: Date?
        var rate: Int?
        var quota: Int?
    }

    /// The token's user and the token's id, from the database.
    static func user(forToken token: String, on db: any Database) async throws -> Found? {
        // One query (token joined to its user): every API request pays for it.
        guard
            let row = try await UserToken.query(on: db)
                .join(User.self, on: \UserToken.$user.$id == \User.$id)
                .filter(\.$tokenHash == UserToken.hash(token)).filter(\.$revokedAt == nil)
                .first()
        else { return nil }
        let user = try row.joined(User.self)
        // An unconfirmed sign-up holds no key yet; should one exist, it signs nobody in.
        if user.awaitsVerification { return nil }
        if row.lastUsedAt.map({ Date().timeIntervalSince($0) > 60 }) ?? true {
            row.lastUsedAt = Date()
            try await row.save(on: db)
        }
        return Found(user: user, tokenID: try row.requireID(), lastUsedAt: row.lastUsedAt, rate: row.ratePerMinute, quota: row.dailyQuota)
    }
}

/// A developer key's limits, when the request signed in with one (the open data API meters it).
struct DeveloperKeyLimitKey: StorageKey { typealias Value = CallLimit }

/// The id of the API token a request signed in with (long-lived responses re-check it).
struct UserTokenIDKey: StorageKey { typealias Value = UUID }

enum AuthMethod { case session, token }
struct AuthMethodKey: StorageKey { typealias Value = AuthMethod }

extension Request {
    /// The signed-in user, if any.
    var user: User? { auth.get(User.self) }
    /// The signed-in user as the domain sees them.
    var actor: Actor? { user?.actor }

    /// Asks the authorization table; throws 401 or 403 when the answer is no.
    func authorize(_ action: CatalogAction, department: String? = nil) throws {
        try AuthorizationGate.authorize(actor, action, department: department)
    }

    /// Whether the table allows it, for showing or hiding buttons.
    func can(_ action: CatalogAction, department: String? = nil) -> Bool {
        Authorization.decide(actor, action, departmentCode: department).isAllowed
    }

    /// The signed-in user, or 401.
    func requireUser() throws -> User { try AuthorizationGate.signedIn(user) }
}

/// The authorization table's answers as HTTP errors: the one place that turns "no" into 401 or 403.
enum AuthorizationGate {
    static func authorize(_ actor: Actor?, _ action: CatalogAction, department: String?) throws {
        switch Authorization.decide(actor, action, departmentCode: department) {
        case .allow: return
        case .needsSignIn: throw AppError(.unauthorized, "unauthenticated", "Sign in to \(action.rawValue)")
        case .deny(let why): throw AppError(.forbidden, "forbidden", why)
        }
    }

    static func signedIn(_ user: User?) throws -> User {
        guard let user else { throw AppError(.unauthorized, "unauthenticated", "Sign in first") }
        return user
    }
}

/// Password hashing and the account operations shared by the CLI and the web.
enum Accounts {
    static func hashPassword(_ password: String) throws -> String { try Bcrypt.hash(password, cost: 10) }

    static func verify(_ password: String, hash: String) -> Bool { (try? Bcrypt.verify(password, created: hash)) ?? false }

    static func checkPassword(_ password: String) throws {
        guard password.count >= 8 else {
            throw AppError.field(.unprocessableEntity, "weak_password", "password", zh: "密码至少 8 个字符", en: "A password needs at least 8 characters")
        }
    }

    /// Creates a user; refuses an unknown department or a taken username.
    @discardableResult
    static func addUser(username: String, displayName: String, password: String, role: Role, departmentCode: String, on db: any Database) async throws -> User {
        try checkPassword(password)
        guard role != .subject else {
            throw AppError.field(
                .unprocessableEntity, "invalid_role", "role", zh: "数据主体通过身份认证服务登录，不建用户账号",
                en: "A data subject signs in through the identity provider; it has no user account")
        }
        guard try await Department.query(on: db).filter(\.$code == departmentCode).first() != nil else {
            throw AppError.field(
                .unprocessableEntity, "unknown_department", "department", zh: "未知部门：\(departmentCode)", en: "Unknown department: \(departmentCode)")
        }
        guard try await User.query(on: db).filter(\.$username == username).first() == nil else {
            throw AppError.field(.conflict, "duplicate_username", "username", zh: "用户名已存在", en: "Username \(username) is taken")
        }
        let user = User(username: username, displayName: displayName, passwordHash: try hashPassword(password), role: role, departmentCode: departmentCode)
        try await user.save(on: db)
        return user
    }

    /// Issues a new token for `user`; returns the token text, which is never stored.
    /// `limits`: a developer key's calls per minute and per day (``PublicAccounts/keyLimits(for:_:)``).
    static func issueToken(for user: User, name: String, limits: CallLimit? = nil, on db: any Database) async throws -> (String, UserToken) {
        let token = UserToken.generate()
        let row = UserToken(userID: try user.requireID(), name: name, tokenHash: UserToken.hash(token), prefix: String(token.prefix(8)))
        row.ratePerMinute = limits?.perMinute
        row.dailyQuota = limits?.perDay
        try await row.save(on: db)
        return (token, row)
    }

    static func signIn(username: String, password: String, on db: any Database) async throws -> User? {
        guard let user = try await User.query(on: db).filter(\.$username == username).first() else {
            _ = verify(password, hash: "$2b$10$abcdefghijklmnopqrstuuF8pC3bNv1t1mE8H2fPp0Q7bK1Y5uW9i")  // same cost either way
            return nil
        }
        return verify(password, hash: user.passwordHash) ? user : nil
    }
}
