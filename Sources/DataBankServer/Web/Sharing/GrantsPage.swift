import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /sharing/grants`: the grants the department holds or gave (all of them for the
/// platform); `POST /sharing/grants/:id/revoke` lets the provider revoke one, with a reason.
enum GrantsPage {
    static func show(req: Request) async throws -> Response {
        let s = req.strings
        let banners: [Body] = FormData(query: req)["done"] == "revoked" ? [Layout.okBanner(s.t("授权已撤销。", "The grant was revoked."))] : []
        return try await render(req, banners: banners)
    }

    static func revoke(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let grant = try await GrantRow.find(req.parameters.get("id", as: UUID.self), on: req.db) else { throw AppError.notFound("Grant") }
        let form = FormData(body: req)
        do {
            try await Applications.revoke(grant, reason: form.raw("reason").trimmingCharacters(in: .whitespacesAndNewlines), by: user, on: req.db)
            return Layout.seeOther("\(SiteURL.grants.path)?done=revoked")
        } catch {
            guard let e = SharingWeb.showable(error) else { throw error }
            return try await render(req, banners: [Layout.errorBanner(e, req.strings)], status: e.status, failed: grant.id)
        }
    }

    static func render(_ req: Request, banners: [Body], status: HTTPResponseStatus = .ok, failed: UUID? = nil) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.readGrants)
        let s = req.strings
        var q = GrantRow.query(on: req.db)
        if user.role != .platformAdmin {
            q = q.group(.or) { $0.filter(\.$consumerCode == user.departmentCode).filter(\.$providerCode == user.departmentCode) }
        }
        let grants = try await q.sort(\.$createdAt, .descending).range(0..<500).all()
        let resources = try await SharingWeb.resourceNames(grants.map(\.resourceCode), req: req)
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        let today = req.application.today.iso
        let rows: [[Body]] = grants.map { g in
            let state = g.state(today: today)
            let items = g.grantScope.items
            var revoke: Body = .empty
            if g.revokedAt == nil, req.can(.reviewApplication, department: g.providerCode), user.departmentCode == g.providerCode || user.role == .platformAdmin
            {
                revoke = .postForm(
                    g.id.map { SiteURL.revokeGrant($0).path } ?? "", csrf: req.csrfToken,
                    [
                        .cls("inline revoke-form"),
                        .input([
                            .v("type", "text"), .v("name", "reason"), .v("placeholder", s.t("撤销理由（必填）", "Reason (required)")),
                            .v("aria-label", s.t("撤销理由", "Reason for revoking")), .on("aria-invalid", failed == g.id), .v("data-testid", "revoke-reason")
                        ]),
                        .submit(s.t("撤销", "Revoke"), .cls("danger small"), .testid("revoke-grant"))
                    ])
            }
            return [
                SharingWeb.resource(g.resourceCode, resources),
                .esc(names[g.providerCode] ?? g.providerCode),
                .esc(names[g.consumerCode] ?? g.consumerCode),
                g.kind == "service"
                    ? .esc(s.t("核验服务 \(g.serviceCode ?? "")", "Service \(g.serviceCode ?? "")"))
                    : .group([
                        .esc(s.t("\(items.count) 项", "\(items.count) items")), .br(),
                        .span(.cls("code muted small-text"), .esc(items.prefix(6).joined(separator: ", ") + (items.count > 6 ? "…" : "")))
                    ]),
                SharingWeb.grantState(state, s),
                .group([
                    .esc(SharingWeb.period(g.validFrom, g.validUntil, s)),
                    g.revokeReason.map { Body.group([.br(), .span(.cls("muted"), .esc(s.t("撤销理由：", "Revoked: ") + $0))]) } ?? .empty
                ]),
                .group([.link(SharingWeb.applicationLink(g.applicationID), s.t("申请", "Application"), .testid("grant-application")), revoke])
            ]
        }
        let content: [Body] = [
            Layout.heading(
                s.t("授权", "Grants"),
                sub: user.role == .platformAdmin
                    ? s.t("全市的共享授权。", "Every grant in the city.")
                    : s.t("本部门获得的和本部门提供的授权。", "Grants your department holds or has given.")),
            .section(
                .cls("card"),
                grants.isEmpty
                    ? SharingWeb.empty(s, "grants-empty", "暂无授权。", "No grants yet.")
                    : .dataTable(
                        [
                            s.t("资源", "Resource"), s.t("提供方", "Provider"), s.t("使用方", "Consumer"), s.t("信息项", "Items"),
                            s.t("状态", "State"), s.t("有效期", "Validity"), ""
                        ], rows, testid: "grants"))
        ]
        return Layout.render(req, title: s.t("授权", "Grants"), status: status, path: SiteURL.grants.path, banners: banners, content)
    }
}
