import Plot
import Vapor
import DataBankCore

/// `GET /admin/keys`: the platform admin's list of developer keys (owner, created, last used, calls
/// today, limits) with, per key, a form setting its calls per minute and per day
/// (`POST /admin/keys/:id/limits`) and a revoke button (`POST /admin/keys/:id/revoke`). A limit that
/// is not a whole number from 1 re-shows the page (422) with the messages and what was typed.
enum DeveloperKeysPage {
    /// What the admin typed for one key, shown again with the errors.
    struct Typed {
        var id: UUID
        var perMinute: String
        var perDay: String
    }

    static func show(req: Request) async throws -> Response {
        try req.authorize(.manageDeveloperKeys)
        let s = req.strings
        var banners: [Body] = []
        switch FormData(query: req)["done"] {
        case "limits": banners.append(Layout.okBanner(s.t("调用上限已保存。", "The limits are saved.")))
        case "revoked": banners.append(Layout.okBanner(s.t("密钥已吊销。", "The key was revoked.")))
        default: break
        }
        return try await page(req, banners: banners)
    }

    static func page(_ req: Request, banners: [Body], typed: Typed? = nil, error: AppError? = nil, status: HTTPResponseStatus = .ok) async throws
        -> Response
    {
        let s = req.strings
        let form = OpenForm(req, error)
        let keys = try await DeveloperKeysAdmin.keys(req)
        let rows: [[Body]] = keys.map { k in
            let mine = typed != nil && typed?.id == k.id
            let minute = mine ? typed!.perMinute : k.ratePerMinute.map(String.init) ?? ""
            let day = mine ? typed!.perDay : k.dailyQuota.map(String.init) ?? ""
            func number(_ name: String, _ value: String, _ label: String) -> Body {
                let invalid = mine && !form.errors.errors(name).isEmpty
                return .el(
                    "label", .cls("inline-field"), .span(.cls("muted"), .esc(label)),
                    .input([
                        .v("type", "number"), .v("name", name), .v("value", value), .v("min", "1"), .v("step", "1"), .v("inputmode", "numeric"),
                        .on("aria-invalid", invalid), .v("data-testid", "input-\(name)")
                    ]))
            }
            let errors: [Body] =
                mine ? form.errors.all.map { Body.p(.cls("field-error"), .testid("error-\($0.field)"), .esc(s.message($0))) } : []
            let limits: Body =
                k.revokedAt != nil
                ? .esc("\(k.ratePerMinute.map(String.init) ?? "—") / \(k.dailyQuota.map(String.init) ?? "—")")
                : .postForm(
                    k.id.map { SiteURL.adminKeyLimits($0).path } ?? "", csrf: req.csrfToken,
                    [
                        .cls("inline key-limits"), number("ratePerMinute", minute, s.t("每分钟", "Per minute")),
                        number("dailyQuota", day, s.t("每日", "Per day")),
                        .submit(s.t("保存", "Save"), .cls("primary small"), .testid("save-limits")), .group(errors)
                    ])
            return [
                .el("code", .esc(k.prefix + "…")), .esc(k.owner), .esc(k.name), .esc(s.dateTime(k.createdAt)),
                .esc(k.lastUsedAt.map { s.dateTime($0) } ?? s.t("从未", "Never")),
                .span(.testid("calls-today"), .esc(OpenLayout.figure(k.callsToday))), limits,
                k.revokedAt != nil
                    ? .badge(s.t("已吊销", "Revoked"), "muted", testid: "key-revoked")
                    : .postForm(
                        k.id.map { SiteURL.adminRevokeKey($0).path } ?? "", csrf: req.csrfToken,
                        [.cls("inline"), .submit(s.t("吊销", "Revoke"), .cls("danger small"), .testid("revoke-key"))])
            ]
        }
        return Layout.render(
            req, title: s.t("开发者密钥", "Developer keys"), status: status, path: SiteURL.adminKeys.path, banners: banners + form.banner(),
            [
                Layout.heading(
                    s.t("开发者密钥", "Developer keys"),
                    sub: s.t(
                        "注册用户的接口密钥：设置每分钟、每日调用上限，或吊销密钥。今日调用数按最近一次汇总计。",
                        "Registered users' API keys: set their calls per minute and per day, or revoke them. Calls today are as last flushed.")),
                .section(
                    .cls("card"),
                    rows.isEmpty
                        ? .p(.cls("muted"), .esc(s.t("还没有开发者密钥。", "No developer keys yet.")))
                        : .dataTable(
                            [
                                s.t("密钥", "Key"), s.t("所有者", "Owner"), s.t("名称", "Name"), s.t("创建时间", "Created"), s.t("最近使用", "Last used"),
                                s.t("今日调用", "Calls today"), s.t("调用上限（每分钟 / 每日）", "Limits (per minute / per day)"), ""
                            ], rows, testid: "developer-keys"))
            ])
    }

    static func setLimits(req: Request) async throws -> Response {
        let form = FormData(body: req)
        let minute = form["ratePerMinute"] ?? "", day = form["dailyQuota"] ?? ""
        let result = try await formAction {
            try await DeveloperKeysAdmin.setLimits(req, perMinute: Self.whole(minute), perDay: Self.whole(day))
        }
        switch result {
        case .success: return Layout.seeOther(SiteURL.adminKeys.with([("done", "limits")]))
        case .failure(let error):
            guard let id = req.parameters.get("id", as: UUID.self), error.status == .unprocessableEntity else { throw error }
            return try await page(req, banners: [], typed: Typed(id: id, perMinute: minute, perDay: day), error: error, status: error.status)
        }
    }

    static func revoke(req: Request) async throws -> Response {
        _ = try await DeveloperKeysAdmin.revoke(req)
        return Layout.seeOther(SiteURL.adminKeys.with([("done", "revoked")]))
    }

    /// A typed whole number (digits only, at most 12 of them); anything else is nil, which the limits refuse.
    static func whole(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, t.count <= 12, t.allSatisfy(\.isASCII), t.allSatisfy(\.isNumber) else { return nil }
        return Int(t)
    }
}
