import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET|POST /datasets/:code/feedback`: an error report or a request for more data, sent to the provider.
enum FeedbackPage {
    static func show(req: Request) async throws -> Response {
        try req.authorize(.giveFeedback)
        return try await page(req, try await resource(req), form: FormData(""), error: nil)
    }

    static func submit(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let resource = try await resource(req)
        let form = FormData(body: req)
        let result = try await formAction {
            try await DatasetFeedback.give(.init(kind: form["kind"] ?? "", text: form.raw("text")), code: resource.code, by: user, on: req.db)
        }
        switch result {
        case .success:
            if user.role == .publicUser { return Layout.seeOther(SiteURL.developer.with([("done", "feedback")])) }
            return Layout.seeOther(SiteURL.resource(resource.code).path)
        case .failure(let error): return try await page(req, resource, form: form, error: error, status: error.status)
        }
    }

    static func resource(_ req: Request) async throws -> ResourceRow {
        let code = try req.parameters.require("code")
        guard let r = try await ResourceRow.query(on: req.db).filter(\.$code == code).first(), CatalogService.canSee(r, actor: req.actor),
            CatalogService.isInCatalog(r)
        else { throw AppError.notFound("Resource \(code)") }
        return r
    }

    static func page(_ req: Request, _ resource: ResourceRow, form: FormData, error: AppError?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let s = req.strings
        let f = OpenForm(req, error)
        let kinds = FeedbackKind.allCases.map { ($0.rawValue, s.label($0)) }
        let body: Body = .postForm(
            SiteURL.datasetFeedback(resource.code).path, csrf: req.csrfToken,
            [
                .testid("feedback-form"),
                f.field("kind", s.t("反馈类型", "Kind"), .select("kind", kinds, selected: form["kind"] ?? "error")),
                f.textarea("text", s.t("内容", "Your feedback"), value: form.raw("text"), hint: s.t("最多 2000 个字符", "At most 2,000 characters")),
                .submit(s.t("发送给提供部门", "Send to the provider"), .cls("primary"), .testid("feedback-submit"))
            ])
        return Layout.render(
            req, title: s.t("数据反馈", "Feedback"), status: status, path: SiteURL.datasetFeedback(resource.code).path, banners: f.banner(),
            [.div(.cls("narrow"), Layout.heading(s.t("反馈：", "Feedback: ") + resource.name, sub: resource.code), .section(.cls("card"), body))])
    }
}
