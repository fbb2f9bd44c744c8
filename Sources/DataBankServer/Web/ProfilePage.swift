import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /catalog/resources/:code/profile`: a resource's column profile (``ProfileSection``), with
/// a button for the provider to run a full scan now (`POST` the same path).
enum ProfilePage {
    static func show(req: Request) async throws -> Response {
        let code = try req.parameters.require("code")
        let s = req.strings
        let resource = try await CatalogService(req: req).visible(code: code)
        let store = try await RecordStores.find(code, on: req.db)
        let answer = try await ProfileAPI.answer(req)
        let path = SiteURL.resource(code, .profile).path
        let scan: Body =
            req.can(.runQualityCheck, department: store.departmentCode)
            ? .postForm(path, csrf: req.csrfToken, [.submit(s.t("立即全量扫描", "Run a full scan now"), .cls("primary"), .testid("profile-scan"))])
            : .empty
        let content: [Body] = [
            .div(
                .cls("page-head"),
                .p(.cls("crumbs"), .link(SiteURL.catalog.path, s.t("目录", "Catalog")), .text(" › "), .link(SiteURL.resource(code).path, resource.name)),
                .h1(.testid("page-title"), .esc(s.t("字段画像：\(resource.name)", "Column profile: \(resource.nameEn ?? resource.name)"))),
                scan),
            ProfileSection.accessHint(answer.access, s),
            ProfileSection.render(answer.profile, history: answer.history, lang: s.lang)
        ]
        return Layout.render(req, title: s.t("字段画像", "Column profile") + " " + code, path: path, content)
    }

    static func scan(req: Request) async throws -> Response {
        let code = try req.parameters.require("code")
        let (store, _) = try await QualityRulesAPI.load(req)
        try req.authorize(.runQualityCheck, department: store.departmentCode)
        _ = try await req.application.profileScheduler.run(store.resourceCode, kind: .full)
        return req.redirect(to: SiteURL.resource(code, .profile).path, redirectType: .normal)
    }
}
