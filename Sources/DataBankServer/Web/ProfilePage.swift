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
        let path = "/catalog/resources/\(Escape.url(code))/profile"
        let scan: Body = req.can(.runQualityCheck, department: store.departmentCode)
            ? .postForm(path, csrf: req.csrfToken, [.submit(s.t("立即全量扫描", "Run a full scan now"), .cls("primary"), .testid("profile-scan"))])
            : .empty
        let content: [Body] = [
            .div(.cls("page-head"),
                .p(.cls("crumbs"), .link("/catalog", s.t("目录", "Catalog")), .text(" › "), .link("/catalog/resources/\(Escape.url(code))", resource.name)),
                .h1(.testid("page-title"), .esc(s.t("字段画像：\(resource.name)", "Column profile: \(resource.nameEn ?? resource.name)"))),
                scan),
            answer.masked ? .p(.cls("hint"), .esc(s.t("敏感信息项的取值已按默认规则脱敏。", "Values of sensitive items are masked by their default rule."))) : .empty,
            ProfileSection.render(answer.profile, history: answer.history, lang: s.lang),
        ]
        return Layout.render(req, title: s.t("字段画像", "Column profile") + " " + code, path: path, content)
    }

    static func scan(req: Request) async throws -> Response {
        let code = try req.parameters.require("code")
        let (store, _) = try await QualityRulesAPI.load(req)
        try req.authorize(.runQualityCheck, department: store.departmentCode)
        _ = try await req.application.profileScheduler.run(store.resourceCode, kind: .full)
        return req.redirect(to: "/catalog/resources/\(Escape.url(code))/profile", redirectType: .normal)
    }
}
