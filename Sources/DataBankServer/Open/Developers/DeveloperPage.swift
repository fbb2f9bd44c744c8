import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /developer`: a registered user's API keys (with their limits; a new key shown once), calls
/// per day per dataset, applications for 有条件开放 data, notifications and reuses.
enum DeveloperPage {
    static func show(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.role == .publicUser else { return req.redirect(to: SiteURL.account.path) }
        let query = FormData(query: req)
        let s = req.strings
        var banners: [Body] = []
        switch query["done"] {
        case "revoked": banners.append(Layout.okBanner(s.t("密钥已吊销。", "The key was revoked.")))
        case "applied": banners.append(Layout.okBanner(s.t("申请已提交，提供部门审核后会通知您。", "Your application is filed; the provider's decision will be notified here.")))
        case "reuse": banners.append(Layout.okBanner(s.t("应用案例已提交，审核通过后公开展示。", "Your reuse is submitted; it shows once approved.")))
        case "feedback": banners.append(Layout.okBanner(s.t("反馈已送达提供部门。", "Your feedback reached the provider.")))
        default: break
        }
        return try await page(req, user: user, newKey: nil, banners: banners)
    }

    static func createKey(req: Request) async throws -> Response {
        try req.authorize(.manageOwnTokens)
        let user = try req.requireUser()
        guard user.role == .publicUser else { throw AppError(.forbidden, "forbidden", "Developer keys are for registered users; staff use /account") }
        let name = String((FormData(body: req)["name"].flatMap { $0.isEmpty ? nil : $0 } ?? "api").prefix(100))
        let (key, _) = try await Accounts.issueToken(
            for: user, name: name, limits: PublicAccounts.keyLimits(for: user, req.application.settings), on: req.db)
        return try await page(req, user: user, newKey: key, banners: [], status: .created)
    }

    static func revokeKey(req: Request) async throws -> Response {
        try req.authorize(.manageOwnTokens)
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self),
            let key = try await UserToken.query(on: req.db).filter(\.$id == id).filter(\.$user.$id == user.requireID()).first()
        else { throw AppError.notFound("Key") }
        if key.revokedAt == nil {
            key.revokedAt = Date()
            try await key.save(on: req.db)
        }
        return Layout.seeOther(SiteURL.developer.with([("done", "revoked")]))
    }

    static func page(_ req: Request, user: User, newKey: String?, banners: [Body], status: HTTPResponseStatus = .ok) async throws -> Response {
        let s = req.strings
        let keys = try await UserToken.query(on: req.db).filter(\.$user.$id == user.requireID()).sort(\.$createdAt, .descending).all()
        let usage = try await DeveloperUsage.rows(for: user, req: req)
        let applications = try await OpenApplications.mine(user, on: req.db)
        let notes = try await NotificationRow.query(on: req.db).filter(\.$departmentCode == user.actor.consumerCode)
            .sort(\.$createdAt, .descending).range(0..<20).all()
        let reuses = try await ReuseRow.query(on: req.db).filter(\.$userID == user.requireID()).sort(\.$createdAt, .descending).all()
        var top = banners
        if let newKey {
            top.append(
                .banner(
                    "ok", .p(.esc(s.t("新密钥已创建。它只显示这一次，请立即复制保存：", "Your new key. It is shown only this once; copy it now:"))),
                    .p(.el("code", .cls("token"), .testid("new-key"), .esc(newKey))), testid: "key-created"))
        }
        let keyRows: [[Body]] = keys.map { k in
            [
                .esc(k.name), .el("code", .esc(k.prefix + "…")),
                .esc(k.ratePerMinute.map { s.t("\($0) 次/分钟", "\($0)/min") } ?? "—"),
                .esc(k.dailyQuota.map { s.t("\($0) 次/天", "\($0)/day") } ?? "—"),
                .esc(k.lastUsedAt.map { s.dateTime($0) } ?? s.t("从未", "Never")),
                k.revokedAt != nil
                    ? .badge(s.t("已吊销", "Revoked"), "state-retired")
                    : .postForm(
                        k.id.map { SiteURL.revokeDeveloperKey($0).path } ?? "", csrf: req.csrfToken,
                        [.cls("inline"), .submit(s.t("吊销", "Revoke"), .cls("danger small"), .testid("revoke-key"))])
            ]
        }
        let usageRows: [[Body]] = usage.map { [.esc($0.day), $0.dataset == "-" ? .esc("—") : .el("code", .esc($0.dataset)), .esc(String($0.calls))] }
        let applicationRows: [[Body]] = applications.map { a in
            [
                .el("code", .esc(a.resourceCode)), .esc(s.label(a.applicationStatus)), .esc(a.grantedUntil ?? a.validUntil),
                .esc(a.decisionReason ?? "")
            ]
        }
        let noteRows: [[Body]] = notes.map { [.esc(s.dateTime($0.createdAt)), .esc(s.isEnglish ? $0.textEn : $0.text)] }
        let reuseRows: [[Body]] = reuses.map { [.esc($0.name), .esc(s.label($0.reuseStatus)), .esc($0.decisionReason ?? "")] }
        func table(_ headers: [String], _ rows: [[Body]], _ id: String, empty: String) -> Body {
            rows.isEmpty ? .p(.cls("muted"), .esc(empty)) : .dataTable(headers, rows, testid: id)
        }
        let content: [Body] = [
            Layout.heading(
                s.t("开发者中心", "Developer"), sub: "\(user.displayName) · \(user.username)",
                .p(.link(SiteURL.password.path, s.t("修改密码", "Change password")), .esc(" · "), .link(SiteURL.newReuse.path, s.t("提交应用案例", "Submit a reuse")))),
            .section(
                .cls("card"),
                .h2(.esc(s.t("API 密钥", "API keys"))),
                .p(
                    .cls("hint"),
                    .esc(
                        s.t(
                            "调用时使用 Authorization: Bearer 密钥。每个应答带有 X-RateLimit-Limit、X-RateLimit-Remaining、X-RateLimit-Reset；超出限额返回 429 与 Retry-After。",
                            "Send Authorization: Bearer KEY. Every answer carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset; over the limit you get 429 with Retry-After."
                        ))),
                table(
                    [s.t("名称", "Name"), s.t("前缀", "Prefix"), s.t("速率", "Rate"), s.t("日配额", "Daily quota"), s.t("最近使用", "Last used"), ""], keyRows, "keys",
                    empty: s.t("还没有密钥。", "No keys yet.")),
                .postForm(
                    SiteURL.developerKeys.path, csrf: req.csrfToken,
                    [
                        .cls("filter-bar"), .el("label", .attr("for", "f-key-name"), .esc(s.t("密钥名称", "Key name"))),
                        .input([.v("type", "text"), .v("name", "name"), .v("id", "f-key-name"), .v("placeholder", "api"), .v("maxlength", "100")]),
                        .submit(s.t("创建密钥", "Create key"), .cls("primary"), .testid("create-key"))
                    ])),
            .section(
                .cls("card"), .h2(.esc(s.t("每日调用（按数据集，近 14 天）", "Calls per day and dataset (last 14 days)"))),
                table([s.t("日期", "Day"), s.t("数据集", "Dataset"), s.t("调用次数", "Calls")], usageRows, "usage", empty: s.t("暂无调用。", "No calls yet."))),
            .section(
                .cls("card"), .h2(.esc(s.t("有条件开放数据申请", "Applications for conditionally open data"))),
                table(
                    [s.t("数据集", "Dataset"), s.t("状态", "Status"), s.t("有效期至", "Valid until"), s.t("说明", "Note")], applicationRows, "applications",
                    empty: s.t("还没有申请。", "No applications yet."))),
            .section(
                .cls("card"), .h2(.esc(s.t("通知", "Notifications"))),
                table([s.t("时间", "When"), s.t("内容", "Text")], noteRows, "notifications", empty: s.t("没有通知。", "No notifications."))),
            .section(
                .cls("card"), .h2(.esc(s.t("我的应用案例", "My reuses"))),
                table([s.t("名称", "Name"), s.t("状态", "Status"), s.t("说明", "Note")], reuseRows, "my-reuses", empty: s.t("还没有提交。", "None submitted yet.")))
        ]
        return Layout.render(req, title: s.t("开发者中心", "Developer"), status: status, path: SiteURL.developer.path, banners: top, content)
    }
}
