import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /admin/signups`: the platform admin sees sign-ups that are not confirmed yet (no mail
/// configured, or the mail never arrived) and confirms them (`POST /admin/signups/:id/confirm`).
enum SignupsPage {
    static func show(req: Request) async throws -> Response {
        try req.authorize(.confirmPublicUsers)
        let s = req.strings
        let pending = try await PublicAccountsList.unconfirmed(on: req.db)
        let rows: [[Body]] = pending.map { u in
            [
                .el("code", .esc(u.username)), .esc(u.displayName), .esc(u.email ?? "—"), .esc(s.dateTime(u.createdAt)),
                .postForm(
                    u.id.map { SiteURL.confirmSignup($0).path } ?? "", csrf: req.csrfToken,
                    [.cls("inline"), .submit(s.t("确认", "Confirm"), .cls("primary small"), .testid("confirm-signup"))])
            ]
        }
        let banners: [Body] = FormData(query: req)["done"] == "confirmed" ? [Layout.okBanner(s.t("注册已确认。", "The sign-up is confirmed."))] : []
        return Layout.render(
            req, title: s.t("待确认注册", "Sign-ups to confirm"), path: SiteURL.signups.path, banners: banners,
            [
                Layout.heading(
                    s.t("待确认注册", "Sign-ups to confirm"),
                    sub: s.t("未配置邮件时，注册用户由平台管理员确认后方可登录。", "Without mail, registered users sign in once the platform admin confirms them.")),
                .section(
                    .cls("card"),
                    rows.isEmpty
                        ? .p(.cls("muted"), .esc(s.t("没有待确认的注册。", "No sign-ups waiting.")))
                        : .dataTable([s.t("用户名", "Username"), s.t("名称", "Name"), s.t("邮箱", "E-mail"), s.t("注册时间", "Signed up"), ""], rows, testid: "signups"))
            ])
    }

    static func confirm(req: Request) async throws -> Response {
        _ = try await PublicAccounts.confirm(req.parameters.get("id", as: UUID.self), by: try req.requireUser(), on: req.db)
        return Layout.seeOther(SiteURL.signups.with([("done", "confirmed")]))
    }
}

enum PublicAccountsList {
    static func unconfirmed(on db: any Database) async throws -> [User] {
        try await User.query(on: db).filter(\.$roleName == Role.publicUser.rawValue).filter(\.$verifiedAt == nil)
            .sort(\.$createdAt, .descending).range(0..<500).all()
    }
}
