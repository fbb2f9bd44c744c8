import Fluent
import Vapor
import DataBankCore

/// `/api/v1/me` and personal API tokens.
struct AccountAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("me", use: me).gate(.registered)
        routes.get("tokens", use: tokens).gate(.action(.manageOwnTokens))
        routes.post("tokens", use: createToken).gate(.action(.manageOwnTokens))
        routes.delete("tokens", ":id", use: revokeToken).gate(.action(.manageOwnTokens))
    }

    struct MeView: Content { var username: String; var displayName: String; var role: String; var departmentCode: String }

    func me(req: Request) async throws -> MeView {
        let u = try req.requireUser()
        return MeView(username: u.username, displayName: u.displayName, role: u.roleName, departmentCode: u.departmentCode)
    }

    struct TokenView: Content {
        var id: UUID?; var name: String; var prefix: String; var createdAt: Date?; var lastUsedAt: Date?; var revoked: Bool
        /// Present only in the answer that creates it.
        var token: String?
        /// A registered user's key: its calls per minute and per day (absent for staff tokens, not metered).
        var ratePerMinute: Int?
        var dailyQuota: Int?
        init(_ t: UserToken, token: String? = nil) {
            id = t.id; name = t.name; prefix = t.prefix; createdAt = t.createdAt; lastUsedAt = t.lastUsedAt; revoked = t.revokedAt != nil; self.token = token
            ratePerMinute = t.ratePerMinute; dailyQuota = t.dailyQuota
        }
    }

    func tokens(req: Request) async throws -> ListPage<TokenView> {
        try req.authorize(.manageOwnTokens)
        let u = try req.requireUser()
        return ListPage(
            items: try await UserToken.query(on: req.db).filter(\.$user.$id == u.requireID()).sort(\.$createdAt, .descending).all().map { TokenView($0) })
    }

    struct CreateBody: Content, BoundedText {
        var name: String?
        var boundedFields: [(field: String, value: String?, max: Int)] { [("name", name, TextLimit.name)] }
    }

    func createToken(req: Request) async throws -> Response {
        try req.authorize(.manageOwnTokens)
        // An empty body names the token "api"; a malformed one is a 400, never a default.
        let name = try req.decodeOptionalBody(CreateBody.self)?.name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "api"
        guard !name.isEmpty else {
            throw AppError.field(.unprocessableEntity, "required", "name", zh: "令牌名称不能为空", en: "name may not be blank")
        }
        let user = try req.requireUser()
        let (token, row) = try await Accounts.issueToken(
            for: user, name: name, limits: PublicAccounts.keyLimits(for: user, req.application.settings), on: req.db)
        return try await TokenView(row, token: token).encodeResponse(status: .created, for: req)
    }

    func revokeToken(req: Request) async throws -> HTTPStatus {
        try req.authorize(.manageOwnTokens)
        let u = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self),
            let t = try await UserToken.query(on: req.db).filter(\.$id == id).filter(\.$user.$id == u.requireID()).first()
        else {
            throw AppError.notFound("Token")
        }
        t.revokedAt = Date()
        try await t.save(on: req.db)
        return .noContent
    }
}
