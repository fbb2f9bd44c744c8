import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /account`: who I am and my API tokens; `POST /account/tokens` issues one (shown
/// once), `POST /account/tokens/:id/revoke` revokes one.
enum AccountPage {
    static func show(req: Request) async throws -> Response {
        try req.authorize(.manageOwnTokens)
        // A registered member of the public has no department: their account is the developer page.
        if req.user?.role == .publicUser { return req.redirect(to: SiteURL.developer.path) }
        let query = FormData(query: req)
        let s = req.strings
        let banners: [Body] = query["done"] == "revoked" ? [Layout.okBanner(s.t("令牌已吊销。", "The token was revoked."))] : []
        return try await page(req, newToken: nil, banners: banners)
    }

    static func create(req: Request) async throws -> Response {
        try req.authorize(.manageOwnTokens)
        let user = try req.requireUser()
        let form = FormData(body: req)
        let name = String((form["name"].flatMap { $0.isEmpty ? nil : $0 } ?? "api").prefix(100))
        let (token, _) = try await Accounts.issueToken(
            for: user, name: name, limits: PublicAccounts.keyLimits(for: user, req.application.settings), on: req.db)
        return try await page(req, newToken: token, banners: [])
    }

    static func revoke(req: Request) async throws -> Response {
        try req.authorize(.manageOwnTokens)
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self),
            let t = try await UserToken.query(on: req.db).filter(\.$id == id).filter(\.$user.$id == user.requireID()).first()
        else {
            throw AppError.notFound("Token")
        }
        if t.revokedAt == nil {
            t.revokedAt = Date()
            try await t.save(on: req.db)
        }
        return Layout.seeOther("\(SiteURL.account.path)?done=revoked")
    }

    static func page(_ req: Request, newToken: String?, banners: [Body], status: HTTPResponseStatus = .ok) async throws -> Response {
        let s = req.strings
        let user = try req.requireUser()
        let tokens = try await UserToken.query(on: req.db).filter(\.$user.$id == user.requireID()).sort(\.$createdAt, .descending).all()
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        var top = banners
        if let newToken {
            top.append(
                .banner(
                    "ok",
                    .p(.esc(s.t("新令牌已创建。它只显示这一次，请立即复制保存：", "Your new token. It is shown only this once; copy it now:"))),
                    .p(.el("code", .cls("token"), .testid("new-token"), .esc(newToken))),
                    .p(.cls("hint"), .esc(s.t("用法：", "Use: ")), .el("code", .esc("Authorization: Bearer \(newToken.prefix(8))…"))),
                    testid: "token-created"))
        }
        let rows: [[Body]] = tokens.map { t in
            [
                .esc(t.name),
                .el("code", .esc(t.prefix + "…")),
                .esc(s.dateTime(t.createdAt)),
                .esc(t.lastUsedAt.map { s.dateTime($0) } ?? s.t("从未", "Never")),
                t.revokedAt != nil
                    ? .badge(s.t("已吊销", "Revoked"), "state-retired")
                    : .postForm(
                        t.id.map { SiteURL.revokeToken($0).path } ?? "", csrf: req.csrfToken,
                        [
                            .cls("inline"), .submit(s.t("吊销", "Revoke"), .cls("danger small"), .testid("revoke-token"))
                        ])
            ]
        }
        let content: [Body] = [
            Layout.heading(s.t("我的账号", "My account")),
            .section(
                .cls("card"),
                .fields(
                    [
                        (s.t("姓名", "Name"), .esc(user.displayName)),
                        (s.t("用户名", "Username"), .el("code", .esc(user.username))),
                        (s.t("角色", "Role"), .esc(s.label(user.role))),
                        (s.t("所属部门", "Department"), .link(SiteURL.department(user.departmentCode).path, names[user.departmentCode] ?? user.departmentCode))
                    ], testid: "account-fields")),
            .section(
                .cls("card"),
                .h2(.esc(s.t("API 令牌", "API tokens"))),
                .p(
                    .cls("hint"),
                    .esc(
                        s.t(
                            "脚本通过 Authorization: Bearer 令牌访问 /api/v1。令牌与您的账号权限相同。",
                            "Scripts call /api/v1 with Authorization: Bearer TOKEN, with your account's permissions."))),
                rows.isEmpty
                    ? .p(.cls("muted"), .esc(s.t("还没有令牌。", "No tokens yet.")))
                    : .dataTable([s.t("名称", "Name"), s.t("前缀", "Prefix"), s.t("创建", "Created"), s.t("最近使用", "Last used"), ""], rows, testid: "tokens"),
                .postForm(
                    SiteURL.tokens.path, csrf: req.csrfToken,
                    [
                        .cls("filter-bar"),
                        .el("label", .attr("for", "f-token-name"), .esc(s.t("令牌名称", "Token name"))),
                        .input([.v("type", "text"), .v("name", "name"), .v("id", "f-token-name"), .v("placeholder", "api"), .v("data-testid", "token-name")]),
                        .submit(s.t("创建令牌", "Create token"), .cls("primary"), .testid("create-token"))
                    ]))
        ]
        return Layout.render(req, title: s.t("我的账号", "My account"), status: status, path: SiteURL.account.path, banners: top, content)
    }
}
