import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /catalog/resources/:code/objections/new?key=…&column=…`: 数据纠错 — the record as the
/// reader sees it (masked where their grant masks it) and a form to flag it or one value as
/// wrong; `POST /catalog/resources/:code/objections` raises it (bad input: the form again, with messages).
enum ObjectionFormPage {
    static func show(req: Request) async throws -> Response {
        let query = FormData(query: req)
        return try await render(req, key: query["key"] ?? "", column: query["column"] ?? "", suggested: "", note: "", failure: nil)
    }

    static func submit(req: Request) async throws -> Response {
        let form = FormData(body: req)
        let input = Objections.Raise(recordKey: form["recordKey"] ?? "", column: form["column"], suggested: form.raw("suggested"), note: form.raw("note"))
        do {
            let row = try await Objections.raise(input, resource: try req.parameters.require("code"), req: req)
            return Layout.seeOther("\(SiteURL.objections.path)?raised=1#objection-\(row.id?.uuidString ?? "")")
        } catch {
            guard let e = SharingWeb.showable(error), e.code != "no_grant" else { throw error }
            return try await render(
                req, key: input.recordKey, column: input.column ?? "", suggested: input.suggested ?? "", note: input.note,
                failure: e, status: e.status)
        }
    }

    static func render(
        _ req: Request, key: String, column: String, suggested: String, note: String, failure: AppError?,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        _ = try req.requireUser()
        let s = req.strings
        let code = try req.parameters.require("code")
        let resource = try await CatalogService(req: req).visible(code: code)
        let (store, view) = try await ObjectionReading.read(req, code: code)
        let columns = view?.columns ?? store.recordLayout.columns
        var banners: [Body] = []

        var record: Body = .empty
        if !key.isEmpty {
            do {
                let cells = try await ObjectionReading.record(key, store: store, view: view, on: req.db)
                try await AuditLog.append(
                    .of(req), resource: code, operation: "objection.view", fields: cells.map(\.column.name), count: 1,
                    purpose: "数据纠错", requestID: req.id, requestHash: RecordsAPI.requestHash(req), on: req.db,
                    trail: req.application.auditTrail)
                record = .section(
                    .cls("card"), .testid("objection-record"),
                    .h2(.esc(s.t("记录 \(key)", "Record \(key)"))),
                    view.map { v in
                        v.showsClearValues
                            ? Body.empty
                            : .p(.cls("hint"), .esc(s.t("按您的授权，部分数据项经脱敏显示。", "Some items are masked, as your grant provides them.")))
                    } ?? .empty,
                    .dataTable(
                        [s.t("信息项", "Item"), s.t("值", "Value"), ""],
                        cells.map { cell in
                            [
                                .esc("\(cell.column.itemName) \(cell.column.name)"), .el("code", .esc(cell.value ?? "")),
                                .link(
                                    link(code, key: key, column: cell.column.name), s.t("纠错此项", "Object to this value"), .testid("object-\(cell.column.name)"))
                            ]
                        }, cls: "data compact"))
            } catch let e as AppError where e.code == "record_not_found" || e.code == "invalid_key" || e.code == "invalid_filter" {
                if failure == nil { banners.append(Layout.errorBanner(e, s)) }
            }
        }

        let form = SharingFormView(s: s, errors: FieldErrors(failure))
        let options = [("", s.t("整条记录", "The whole record"))] + columns.map { ($0.name, "\($0.itemName)（\($0.name)）") }
        let content: [Body] = [
            .div(
                .cls("page-head"),
                .p(
                    .cls("crumbs"), .link(SiteURL.catalog.path, s.t("目录", "Catalog")), .text(" › "),
                    .link(SiteURL.resource(code).path, s.isEnglish ? (resource.nameEn ?? resource.name) : resource.name)),
                .h1(.testid("page-title"), .esc(s.t("数据纠错", "Report an error"))),
                .p(
                    .cls("sub"),
                    .esc(
                        s.t(
                            "发现数据有误？说明哪里不对，提供方会采纳并更正，或说明不予采纳的理由。",
                            "Found something wrong? Say what; the provider accepts and corrects it, or says why not.")))),
            form.summary(failure),
            .section(
                .cls("card"), .testid("objection-lookup"),
                .getForm(
                    SiteURL.resource(code, .newObjection).path,
                    [
                        .cls("filter-bar"),
                        .el("label", .attr("for", "f-key"), .esc(s.t("记录主键", "Record key") + "（\(store.recordLayout.keyNames.joined(separator: ","))）")),
                        .input([.v("type", "text"), .v("name", "key"), .v("id", "f-key"), .v("value", key), .v("data-testid", "objection-key")]),
                        .submit(s.t("查看记录", "Show the record"), .testid("objection-lookup-submit"))
                    ])),
            record,
            .section(
                .cls("card"), .testid("objection-form"),
                .h2(.esc(s.t("提出纠错", "Raise an objection"))),
                .postForm(
                    SiteURL.resource(code, .objections).path, csrf: req.csrfToken,
                    [
                        form.text("recordKey", s.t("记录主键", "Record key"), value: key, required: true),
                        form.field("column", s.t("有误的数据项", "Item in error"), .select("column", options, selected: column)),
                        form.text("suggested", s.t("建议值（选填）", "Suggested value (optional)"), value: suggested),
                        form.area("note", s.t("说明（必填）", "What is wrong (required)"), value: note, required: true),
                        .submit(s.t("提交纠错", "Send the objection"), .cls("primary"), .testid("objection-submit"))
                    ]))
        ]
        return Layout.render(
            req, title: s.t("数据纠错", "Report an error") + " " + code, status: status,
            path: SiteURL.resource(code, .newObjection).path, banners: banners, content)
    }

    /// The form for one record (and item).
    static func link(_ code: String, key: String, column: String? = nil) -> String {
        QueryLink(SiteURL.resource(code, .newObjection).path, [("key", key)] + (column.map { [("column", $0)] } ?? [])).href
    }
}
