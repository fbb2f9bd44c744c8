import Fluent
import Vapor
import DataBankCore

/// Registered members of the public: sign-up (throttled per client address), confirmation by the
/// mailed link or — when no mail is configured — by the platform admin, and password changes.
enum PublicAccounts {
    /// How a sign-up is confirmed.
    enum Confirmation: String, Content { case mail, admin }

    struct SignupInput: Content, BoundedText {
        var username: String
        var email: String
        var password: String
        var displayName: String?
        var boundedFields: [(field: String, value: String?, max: Int)] {
            [("username", username, 64), ("email", email, 300), ("password", password, 200), ("displayName", displayName, 100)]
        }
    }

    /// Stores an unconfirmed registered user and sends (or keeps for the platform admin) the confirmation.
    /// 429 when the address signed up too often; 422 with every field at fault; 409 for a taken name.
    static func signUp(_ input: SignupInput, _ req: Request) async throws -> (User, Confirmation) {
        let from = SignInThrottle.Subject.signup(ClientAddress.of(req))
        if let wait = try await SignInThrottle.wait([from], req) { throw SignInThrottled(retryAfter: wait) }
        // Every attempt counts, so an address cannot register (or probe names) without end.
        try await SignInThrottle.fail(from, req)
        try input.checkLengths()
        let username = input.username.trimmingCharacters(in: .whitespaces), email = input.email.trimmingCharacters(in: .whitespaces)
        let problems = PublicSignup.problems(username: username, email: email, password: input.password)
        if !problems.isEmpty { throw AppError.validation(problems) }
        guard try await User.query(on: req.db).filter(\.$username == username).first() == nil else {
            throw AppError.field(.conflict, "duplicate_username", "username", zh: "用户名已被使用", en: "Username \(username) is taken")
        }
        let token = UserToken.generate()
        let user = User(
            username: username, displayName: input.displayName.flatMap { $0.isEmpty ? nil : String($0.prefix(100)) } ?? username,
            passwordHash: try Accounts.hashPassword(input.password), role: .publicUser, departmentCode: "")
        user.email = email
        user.verifyTokenHash = UserToken.hash(token)
        try await user.save(on: req.db)
        guard let smtp = req.application.settings.smtp else { return (user, .admin) }
        // The configured address only: a request's Host must never choose where a mailed link points.
        let link = (req.application.settings.publicURL ?? "http://127.0.0.1:8080") + SiteURL.verifySignup.with([("token", token)])
        do {
            try await SMTPMailer(settings: smtp).send(
                to: [email], subject: "【DataBank】请确认您的注册 / Confirm your sign-up",
                body: "请打开以下链接确认注册：\nOpen this link to confirm your sign-up:\n\n" + link)
            return (user, .mail)
        } catch {
            // The platform admin confirms it instead; the sign-up itself stands.
            req.logger.warning("sign-up mail to \(username) failed: \(error)")
            return (user, .admin)
        }
    }

    /// Confirms the sign-up whose mailed link carries `token`; nil for an unknown or used token.
    static func verify(token: String, on db: any Database) async throws -> User? {
        guard !token.isEmpty, let user = try await User.query(on: db).filter(\.$verifyTokenHash == UserToken.hash(token)).first() else { return nil }
        user.verifiedAt = Date()
        user.verifyTokenHash = nil
        try await user.save(on: db)
        return user
    }

    /// The platform admin confirms a sign-up (no mail configured, or the mail never arrived).
    static func confirm(_ id: UUID?, by admin: User, on db: any Database) async throws -> User {
        try AuthorizationGate.authorize(admin.actor, .confirmPublicUsers, department: nil)
        guard let id, let user = try await User.find(id, on: db), user.role == .publicUser else { throw AppError.notFound("Sign-up") }
        if user.verifiedAt == nil {
            user.verifiedAt = Date()
            user.verifyTokenHash = nil
            try await user.save(on: db)
        }
        return user
    }

    struct PasswordInput: Content, BoundedText {
        var currentPassword: String
        var newPassword: String
        var boundedFields: [(field: String, value: String?, max: Int)] { [("currentPassword", currentPassword, 200), ("newPassword", newPassword, 200)] }
    }

    /// Changes the signed-in user's password; a wrong current password counts against the account as a failed sign-in.
    static func changePassword(_ input: PasswordInput, _ req: Request) async throws {
        try req.authorize(.changeOwnPassword)
        let user = try req.requireUser()
        try input.checkLengths()
        let account = SignInThrottle.Subject.account(user.username)
        if let wait = try await SignInThrottle.wait([account], req) { throw SignInThrottled(retryAfter: wait) }
        guard Accounts.verify(input.currentPassword, hash: user.passwordHash) else {
            if let wait = try await SignInThrottle.fail(account, req) { throw SignInThrottled(retryAfter: wait) }
            throw AppError.field(.forbidden, "wrong_password", "currentPassword", zh: "当前密码不正确", en: "The current password is wrong")
        }
        if let problem = PublicSignup.passwordProblem(input.newPassword, username: user.username) { throw AppError.validation([problem]) }
        user.passwordHash = try Accounts.hashPassword(input.newPassword)
        try await user.save(on: req.db)
        try await SignInThrottle.reset(account, req)
    }

    /// A new API key's limits: a registered user's keys are metered; staff tokens are not (nil).
    static func keyLimits(for user: User, _ settings: Settings) -> CallLimit? {
        user.role == .publicUser ? CallLimit(perMinute: settings.keyCallsPerMinute, perDay: settings.keyCallsPerDay) : nil
    }
}
