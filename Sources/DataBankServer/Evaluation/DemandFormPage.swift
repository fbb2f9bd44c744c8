import Plot
import Vapor
import DataBankCore

/// `GET /demands/new`: 登记需求 — first a look in the catalog (`?title=`: the resources that may already
/// answer it, through the catalog search), then the form; `POST /demands` registers it and goes to the
/// demand's page; bad input shows the form again with the messages and what was typed.
enum DemandFormPage {
    static func show(req: Request) async throws -> Response {
        let query = FormData(query: req)
        var typed = Demands.Input()
        typed.title = query["title"]; typed.provider = query["provider"]
        return try await render(req, typed: typed, failure: nil)
    }

    static func submit(req: Request) async throws -> Response {
        let form = FormData(body: req)
        let input = Demands.Input(
            title: form.raw("title"), reason: form.raw("reason"), items: form.raw("items"),
            standards: form.raw("standards").split(whereSeparator: { ",，、 \n".contains($0) }).map(String.init),
            theme: form["theme"], urgency: form["urgency"], provider: form["provider"])
        do {
            let row = try await Demands.register(input, req: req)
            return Layout.seeOther(SiteURL.demand(row.id ?? UUID()).with([("registered", "1")]))
        } catch {
            guard let e = SharingWeb.showable(error) else { throw error }
            return try await render(req, typed: input, failure: e, status: e.status)
        }
    }

    static func render(_ req: Request, typed: Demands.Input, failure: AppError?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = try req.requireUser()
        let s = req.strings
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        let form = SharingFormView(s: s, errors: FieldErrors(failure))
        let title = Demands.clean(typed.title) ?? ""
        var lookup: Body = .empty
        if !title.isEmpty {
            let found = try await DemandSuggestions.find(title: title, items: typed.items ?? "", actor: req.actor, sql: req.sql)
            lookup = .section(
                .cls("card"), .testid("demand-suggestions"),
                .h2(.esc(s.t("目录中可能已有的资源", "Resources that may already answer it"))),
                .p(.cls("hint"), .esc(s.t("若其中已有所需数据，可直接申请共享，无需登记需求。", "If one of these holds what you need, apply for it instead."))),
                DemandWeb.suggestions(found, names, s))
        }
        let providers: [(String, String)] =
            [("", s.t("不清楚：由数据管理机构指派", "Not known: the data authority assigns one"))]
            + names.filter { $0.key != user.departmentCode }.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)（\($0.key)）") }
        let themes: [(String, String)] = [("", s.t("—", "—"))] + Theme.allCases.map { ($0.rawValue, s.t($0.zh, $0.en)) }
        let urgencies = DemandUrgency.allCases.map { ($0.rawValue, s.t($0.zh, $0.en)) }
        let content: [Body] = [
            .div(
                .cls("page-head"),
                .p(.cls("crumbs"), .link(SiteURL.demands.path, s.t("需求登记", "Data demands"))),
                .h1(.testid("page-title"), .esc(s.t("登记数据需求", "Register a data demand"))),
                .p(
                    .cls("sub"),
                    .esc(
                        s.t(
                            "说明需要什么数据、为什么需要；提供方须在 \(Demands.answerDays) 个工作日内答复。",
                            "Say what data you need and why; the provider answers within \(Demands.answerDays) working days.")))),
            DemandWeb.summary(failure, s),
            .section(
                .cls("card"), .testid("demand-lookup"),
                .getForm(
                    SiteURL.newDemand.path,
                    [
                        .cls("filter-bar"),
                        .el("label", .attr("for", "lookup-title"), .esc(s.t("先查一查目录", "Look in the catalog first"))),
                        .input([.v("type", "search"), .v("name", "title"), .v("id", "lookup-title"), .v("value", title), .v("data-testid", "lookup-title")]),
                        .submit(s.t("查找", "Look"), .testid("lookup-submit"))
                    ])),
            lookup,
            .section(
                .cls("card"), .testid("demand-form"),
                .postForm(
                    SiteURL.demands.path, csrf: req.csrfToken,
                    [
                        form.text("title", s.t("需要什么数据（必填）", "What data (required)"), value: typed.title ?? "", wide: true, required: true),
                        form.area("reason", s.t("用途：为什么需要（必填）", "Why it is needed (required)"), value: typed.reason ?? "", required: true),
                        form.area(
                            "items", s.t("需要的数据项（必填）", "Items wanted (required)"), value: typed.items ?? "",
                            hint: s.t("例如：企业名称、统一社会信用代码、注册地址", "E.g. enterprise name, credit code, registered address"), required: true),
                        form.text(
                            "standards", s.t("对应的标准数据元（选填）", "Standard data elements (optional)"), value: (typed.standards ?? []).joined(separator: ", "),
                            hint: s.t("数据元代码，以逗号分隔", "Data element codes, comma-separated")),
                        form.field("provider", s.t("提供方", "Provider"), .select("provider", providers, selected: typed.provider ?? "")),
                        form.field("theme", s.t("主题", "Theme"), .select("theme", themes, selected: typed.theme ?? "")),
                        form.field("urgency", s.t("紧急程度", "Urgency"), .select("urgency", urgencies, selected: typed.urgency ?? "normal")),
                        .submit(s.t("登记需求", "Register"), .cls("primary"), .testid("demand-submit"))
                    ]))
        ]
        return Layout.render(req, title: s.t("登记数据需求", "Register a data demand"), status: status, path: SiteURL.newDemand.path, content)
    }
}
