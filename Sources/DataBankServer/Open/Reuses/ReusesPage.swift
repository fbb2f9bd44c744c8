import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /reuses` (the approved reuses), `GET|POST /reuses/new` (a registered user submits one),
/// `GET /admin/reuses` and `POST /admin/reuses/:id/decide` (the platform admin approves or turns down).
enum ReusesPage {
    static func list(req: Request) async throws -> Response {
        let s = req.strings
        let rows = try await Reuses.approved(on: req.db)
        let cards: [Body] = rows.map { r in
            .section(
                .cls("card"), .testid("reuse"),
                .h2(.link(r.url, r.name, .attr("rel", "nofollow noopener ugc"))),
                .p(.esc(r.description)),
                .p(.cls("hint"), .esc(s.t("所用数据集：", "Datasets: ")), .group(r.datasetCodes.map { Body.el("code", .esc($0 + " ")) })))
        }
        return Layout.render(
            req, title: s.t("应用案例", "Reuses"), path: SiteURL.reuses.path,
            [
                Layout.heading(
                    s.t("应用案例", "Reuses"), sub: s.t("基于开放数据开发的应用和服务。", "Apps and services built on the open data."),
                    req.user?.role == .publicUser ? Body.link(SiteURL.newReuse.path, s.t("提交应用案例", "Submit a reuse"), .cls("button")) : Body.empty),
                cards.isEmpty ? .p(.cls("muted"), .esc(s.t("还没有应用案例。", "No reuses yet."))) : .group(cards)
            ])
    }

    static func new(req: Request) async throws -> Response {
        try req.authorize(.submitReuse)
        return page(req, form: FormData(""), error: nil)
    }

    static func submit(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = FormData(body: req)
        let input = Reuses.Input(
            name: form["name"] ?? "", url: form["url"] ?? "", description: form.raw("description"),
            datasets: (form["datasets"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == "，" }).map(String.init))
        switch try await formAction({ try await Reuses.submit(input, by: user, on: req.db) }) {
        case .success: return Layout.seeOther(SiteURL.developer.with([("done", "reuse")]))
        case .failure(let error): return page(req, form: form, error: error, status: error.status)
        }
    }

    static func page(_ req: Request, form: FormData, error: AppError?, status: HTTPResponseStatus = .ok) -> Response {
        let s = req.strings
        let f = OpenForm(req, error)
        let body: Body = .postForm(
            SiteURL.newReuse.path, csrf: req.csrfToken,
            [
                .testid("reuse-form"),
                f.input("name", s.t("名称", "Name"), value: form["name"] ?? ""),
                f.input("url", s.t("链接", "Link"), type: "url", value: form["url"] ?? "", hint: "https://…"),
                f.textarea("description", s.t("说明", "Description"), value: form.raw("description")),
                f.input(
                    "datasets", s.t("所用数据集代码", "Dataset codes used"), value: form["datasets"] ?? "",
                    hint: s.t("用逗号分隔，例如 101001-00001", "Separated by commas, e.g. 101001-00001")),
                .submit(s.t("提交审核", "Submit for review"), .cls("primary"), .testid("reuse-submit"))
            ])
        return Layout.render(
            req, title: s.t("提交应用案例", "Submit a reuse"), status: status, path: SiteURL.newReuse.path, banners: f.banner(),
            [.div(.cls("narrow"), Layout.heading(s.t("提交应用案例", "Submit a reuse")), .section(.cls("card"), body))])
    }

    static func review(req: Request) async throws -> Response {
        try req.authorize(.approveReuses)
        let s = req.strings
        let pending = try await ReuseRow.query(on: req.db).filter(\.$status == ReuseStatus.pending.rawValue).sort(\.$createdAt).range(0..<500).all()
        let rows: [[Body]] = pending.map { r in
            [
                .esc(r.name), .el("code", .esc(r.url)), .esc(r.description), .esc(r.datasetCodes.joined(separator: ", ")),
                .postForm(
                    r.id.map { SiteURL.decideReuse($0).path } ?? "", csrf: req.csrfToken,
                    [
                        .cls("inline"), .hidden("decision", "approve"),
                        .submit(s.t("发布", "Approve"), .cls("primary small"), .testid("approve-reuse"))
                    ]),
                .postForm(
                    r.id.map { SiteURL.decideReuse($0).path } ?? "", csrf: req.csrfToken,
                    [
                        .cls("inline"), .hidden("decision", "reject"),
                        .input([.v("type", "text"), .v("name", "reason"), .on("required"), .v("placeholder", s.t("理由", "Reason")), .v("maxlength", "2000")]),
                        .submit(s.t("不予发布", "Turn down"), .cls("danger small"), .testid("reject-reuse"))
                    ])
            ]
        }
        let banners: [Body] = FormData(query: req)["done"] == "decided" ? [Layout.okBanner(s.t("已处理。", "Done."))] : []
        return Layout.render(
            req, title: s.t("应用案例审核", "Review reuses"), path: SiteURL.reviewReuses.path, banners: banners,
            [
                Layout.heading(s.t("应用案例审核", "Review reuses")),
                .section(
                    .cls("card"),
                    rows.isEmpty
                        ? .p(.cls("muted"), .esc(s.t("没有待审核的应用案例。", "No reuses waiting.")))
                        : .dataTable(
                            [s.t("名称", "Name"), s.t("链接", "Link"), s.t("说明", "Description"), s.t("数据集", "Datasets"), "", ""], rows, testid: "pending-reuses"))
            ])
    }

    static func decide(req: Request) async throws -> Response {
        let form = FormData(body: req)
        _ = try await Reuses.decide(
            req.parameters.get("id", as: UUID.self), approve: form["decision"] == "approve", reason: form["reason"], by: try req.requireUser(), on: req.db)
        return Layout.seeOther(SiteURL.reviewReuses.with([("done", "decided")]))
    }
}
