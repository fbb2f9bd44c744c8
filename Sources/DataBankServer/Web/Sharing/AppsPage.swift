import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /sharing/apps`: the department's API apps; `POST /sharing/apps` creates one (its token
/// is shown once), `POST /sharing/apps/:id/revoke` revokes one. Creation and revocation are
/// the API's own handlers, so both paths check the same things.
enum AppsPage {
    static func show(req: Request) async throws -> Response {
        let s = req.strings
        let banners: [Body] = FormData(query: req)["done"] == "revoked" ? [Layout.okBanner(s.t("应用已吊销。", "The app was revoked."))] : []
        return try await render(req, banners: banners)
    }

    static func create(req: Request) async throws -> Response {
        let form = FormData(body: req)
        do {
            let rateText = form["ratePerMinute"] ?? ""
            guard rateText.isEmpty || Int(rateText) != nil else {
                throw AppError.field(.unprocessableEntity, "invalid", "ratePerMinute", zh: "每分钟请求数须为整数", en: "ratePerMinute is a whole number")
            }
            let body = SharingAPI.NewApp(
                name: form["name"] ?? "", ratePerMinute: Int(rateText),
                grants: form.all("grants").compactMap(UUID.init(uuidString:)), department: nil)
            try req.content.encode(body, as: .json)
            let created = try await SharingAPI().createApp(req: req).content.decode(AppInfo.self)
            return try await render(req, banners: [tokenBanner(created, req.strings)])
        } catch {
            guard let e = SharingWeb.showable(error) else { throw error }
            return try await render(req, banners: [], status: e.status, posted: form, error: e)
        }
    }

    static func revoke(req: Request) async throws -> Response {
        _ = try await SharingAPI().revokeApp(req: req)
        return Layout.seeOther("\(SiteURL.apps.path)?done=revoked")
    }

    static func tokenBanner(_ app: AppInfo, _ s: Strings) -> Body {
        let token = app.token ?? ""
        return .banner(
            "ok",
            .p(.esc(s.t("应用“\(app.name)”已创建。令牌只显示这一次，请立即复制保存：", "The app “\(app.name)” was created. Its token is shown only this once; copy it now:"))),
            .p(.el("code", .cls("token"), .testid("new-app-token"), .esc(token))),
            .p(.cls("hint"), .esc(s.t("用法：", "Use: ")), .el("code", .esc("Authorization: Bearer \(token.prefix(12))…"))),
            testid: "app-created")
    }

    static func render(_ req: Request, banners: [Body], status: HTTPResponseStatus = .ok, posted: FormData? = nil, error: AppError? = nil) async throws
        -> Response
    {
        let user = try req.requireUser()
        try req.authorize(.manageApps, department: user.departmentCode)
        let s = req.strings
        let apps = try await SharingAPI().apps(req: req).items
        let today = req.application.today.iso
        let bound = try await GrantRow.query(on: req.db).filter(\.$id ~~ apps.flatMap(\.grants)).all()
        let active = try await GrantRow.query(on: req.db).filter(\.$consumerCode == user.departmentCode).filter(\.$revokedAt == nil)
            .filter(\.$validUntil >= today).sort(\.$createdAt, .descending).all()
        let resources = try await SharingWeb.resourceNames((bound + active).map(\.resourceCode), req: req)
        let grantName = Dictionary(
            (bound + active).compactMap { g in g.id.map { ($0, resources[g.resourceCode] ?? g.resourceCode) } }, uniquingKeysWith: { a, _ in a })

        let rows: [[Body]] = apps.map { a in
            [
                .esc(a.name), .el("code", .esc(a.prefix + "…")), .esc(s.t("\(a.ratePerMinute) 次/分钟", "\(a.ratePerMinute)/min")),
                a.grants.isEmpty ? .span(.cls("muted"), .esc(s.t("无", "None"))) : .esc(a.grants.map { grantName[$0] ?? $0.uuidString }.joined(separator: "、")),
                a.revoked
                    ? .badge(s.t("已吊销", "Revoked"), "state-retired")
                    : .postForm(
                        a.id.map { SiteURL.revokeApp($0).path } ?? "", csrf: req.csrfToken,
                        [
                            .cls("inline"), .submit(s.t("吊销", "Revoke"), .cls("danger small"), .testid("revoke-app"))
                        ])
            ]
        }
        let f = SharingFormView(s: s, errors: FieldErrors(error))
        let ticked = Set(posted?.all("grants") ?? [])
        let grantChecks: Body =
            active.isEmpty
            ? SharingWeb.empty(s, "no-active-grants", "本部门暂无有效授权。", "Your department holds no active grant.")
            : .div(
                .cls("checks"),
                .group(
                    active.map { g in
                        let id = g.id?.uuidString ?? ""
                        return Body.el(
                            "label", .cls("check"),
                            .input([
                                .v("type", "checkbox"), .v("name", "grants"), .v("value", id), .on("checked", ticked.contains(id)),
                                .v("data-testid", "bind-grant")
                            ]),
                            .esc(" \(grantName[g.id!] ?? g.resourceCode)" + s.t("（至 \(g.validUntil)）", " (until \(g.validUntil))")))
                    }))
        let content: [Body] = [
            Layout.heading(
                s.t("API 应用", "API apps"),
                sub: s.t(
                    "应用使用自己的令牌（dbk_app_…）调用接口，只能使用绑定的授权，并受每分钟请求数限制。",
                    "An app calls the API with its own token (dbk_app_…), may use only the grants bound to it, and is rate-limited.")),
            .section(
                .cls("card"),
                apps.isEmpty
                    ? SharingWeb.empty(s, "apps-empty", "还没有应用。", "No apps yet.")
                    : .dataTable([s.t("名称", "Name"), s.t("前缀", "Prefix"), s.t("限流", "Rate"), s.t("绑定的授权", "Bound grants"), ""], rows, testid: "apps")),
            .section(
                .cls("card"),
                .h2(.esc(s.t("新建应用", "New app"))),
                .postForm(
                    SiteURL.apps.path, csrf: req.csrfToken,
                    [
                        .cls("sharing-form"), .attr("novalidate", ""), .testid("app-form"),
                        .div(
                            .cls("grid"),
                            f.text("name", s.t("应用名称", "App name"), value: posted?["name"] ?? "", required: true),
                            f.text(
                                "ratePerMinute", s.t("每分钟请求数", "Requests per minute"), value: posted?["ratePerMinute"] ?? "600", type: "number",
                                hint: s.t("1–600000，默认 600。", "1 to 600000; 600 by default.")),
                            f.field("grants", s.t("绑定的授权", "Bind grants"), grantChecks, wide: true)),
                        .submit(s.t("创建应用", "Create the app"), .cls("primary"), .testid("create-app"))
                    ]))
        ]
        let top = banners + (error.map { [f.summary($0)] } ?? [])
        return Layout.render(req, title: s.t("API 应用", "API apps"), status: status, path: SiteURL.apps.path, banners: top, content)
    }
}
