import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET|POST /datasets/:code/apply`: a 有条件开放 dataset's metadata and the application form of a
/// registered user (purpose, items wanted, how the data will be used, until when).
enum OpenApplyPage {
    static func show(req: Request) async throws -> Response {
        try req.authorize(.applyForOpenData)
        let resource = try await OpenApplications.applicable(try req.parameters.require("code"), actor: req.actor, on: req.db)
        return try await page(req, resource, form: FormData(""), error: nil)
    }

    static func submit(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let code = try req.parameters.require("code")
        let form = FormData(body: req)
        let input = OpenApplications.Input(
            purpose: form["purpose"] ?? "", use: form["use"] ?? "", items: form.all("items"), validUntil: form["validUntil"])
        let result = try await formAction {
            try await OpenApplications.apply(input, code: code, by: user, reviewDays: SharingAPI.reviewDays, today: req.application.today, on: req.db)
        }
        switch result {
        case .success: return Layout.seeOther(SiteURL.developer.with([("done", "applied")]))
        case .failure(let error):
            let resource = try await OpenApplications.applicable(code, actor: req.actor, on: req.db)
            return try await page(req, resource, form: form, error: error, status: error.status)
        }
    }

    static func page(_ req: Request, _ resource: ResourceRow, form: FormData, error: AppError?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let s = req.strings
        let f = OpenForm(req, error)
        let items = resource.catalogSnapshot?.items ?? []
        let chosen = Set(form.all("items"))
        let departments = try await Directory.departmentNames(on: req.db, language: s.lang)
        let itemBoxes: [Body] = items.map { item in
            .el(
                "label", .cls("check"),
                .input([.v("type", "checkbox"), .v("name", "items"), .v("value", item.column), .on("checked", chosen.contains(item.column))]),
                .esc(" \(item.name) "), .el("code", .esc(item.column)))
        }
        let body: Body = .postForm(
            SiteURL.datasetApply(resource.code).path, csrf: req.csrfToken,
            [
                .testid("apply-form"),
                f.textarea("purpose", s.t("数据用途", "Purpose"), value: form.raw("purpose"), hint: s.t("最多 500 个字符", "At most 500 characters")),
                f.field(
                    "items", s.t("所需数据项（不选即全部）", "Items wanted (none ticked: all)"), .div(.cls("checks"), .group(itemBoxes)),
                    hint: s.t("敏感数据项按默认脱敏规则提供。", "Sensitive items come under their default masks.")),
                f.textarea(
                    "use", s.t("使用方式", "How the data will be used"), value: form.raw("use"),
                    hint: s.t("谁使用、如何发布、是否公开", "Who uses it, how it is published, whether it is public")),
                f.input(
                    "validUntil", s.t("使用期限至（可选，最长 1 年）", "Use until (optional, one year at most)"), type: "date", value: form["validUntil"] ?? "",
                    required: false),
                .submit(s.t("提交申请", "Apply"), .cls("primary"), .testid("apply-submit"))
            ])
        return Layout.render(
            req, title: s.t("申请有条件开放数据", "Apply for conditionally open data"), status: status, path: SiteURL.datasetApply(resource.code).path,
            banners: f.banner(),
            [
                Layout.heading(s.t("申请：", "Apply: ") + resource.name, sub: resource.code),
                .section(
                    .cls("card"),
                    .fields(
                        [
                            (s.t("提供部门", "Provider"), .esc(departments[resource.departmentCode] ?? resource.departmentCode)),
                            (s.t("开放类型", "Open type"), .esc(s.label(OpenType.self, resource.openType))),
                            (s.t("摘要", "Abstract"), .esc(resource.catalogSnapshot?.abstract ?? "")),
                            (s.t("数据项", "Items"), .esc(items.map(\.name).joined(separator: "、")))
                        ], testid: "dataset-fields")),
                .section(.cls("card"), body)
            ])
    }
}
