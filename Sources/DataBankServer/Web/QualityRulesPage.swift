import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /catalog/resources/:code/rules`: a resource's quality rules — derived from its items and
/// standards, and written by its provider; the provider adds a cross-field rule (a rule that does
/// not compile comes back with the character at fault) or removes one.
enum QualityRulesPage {
    static func show(req: Request) async throws -> Response {
        try await render(req, draft: nil, failure: nil)
    }

    static func render(_ req: Request, draft: (name: String, expression: String)?, failure: AppError?, status: HTTPResponseStatus = .ok) async throws
        -> Response
    {
        let code = try req.parameters.require("code")
        let s = req.strings
        let resource = try await CatalogService(req: req).visible(code: code)
        let store = try await RecordStores.find(code, on: req.db)
        let canEdit = req.can(.manageQualityRules, department: store.departmentCode)
        let derived = try await QualityRulesAPI.derived(resource, on: req.db)
        let custom = try await QualityRuleRow.query(on: req.db).filter(\.$resourceCode == code).sort(\.$createdAt).all()
        let base = SiteURL.resource(code, .rules).path
        var banners: [Body] = []
        if let failure {
            banners.append(
                .banner(
                    "error", .p(.esc(failure.message)),
                    .ul(.group(failure.details.map { .li(.esc(s.isEnglish ? $0.messageEn : $0.message)) })), testid: "rule-error"))
        }
        let derivedRows: [[Body]] = derived.map { r in
            [
                .esc(r.column ?? "—"), .esc(s.isEnglish ? r.nameEn : r.name), .el("code", .esc(r.errorType))
            ]
        }
        let customRows: [[Body]] = custom.map { r in
            [
                .esc(r.name), .el("code", .esc(r.expression ?? r.references.map { "\(r.columnName ?? "") → \($0)" } ?? "")), .esc(r.createdBy),
                canEdit
                    ? .postForm("\(base)/\(r.id?.uuidString ?? "")/delete", csrf: req.csrfToken, [.submit(s.t("删除", "Remove"), .testid("rule-delete"))])
                    : .empty
            ]
        }
        let form: Body =
            canEdit
            ? .section(
                .cls("card"), .testid("rule-form"),
                .h2(.esc(s.t("添加跨字段规则", "Add a cross-field rule"))),
                .p(
                    .cls("hint"),
                    .esc(
                        s.t(
                            "例如 business_term_to >= business_term_from、gender == id_gender(id_number)；结果为空值时视为通过。",
                            "For example business_term_to >= business_term_from, gender == id_gender(id_number); a null result passes."))),
                .postForm(
                    base, csrf: req.csrfToken,
                    [
                        .el("label", .attr("for", Forms.id("name")), .esc(s.t("名称", "Name"))),
                        .input([.v("type", "text"), .v("name", "name"), .v("id", Forms.id("name")), .v("value", draft?.name ?? "")]),
                        .el("label", .attr("for", Forms.id("expression")), .esc(s.t("表达式", "Expression"))),
                        .textarea("expression", draft?.expression ?? "", rows: 2),
                        .submit(s.t("添加", "Add"), .cls("primary"), .testid("rule-submit"))
                    ])) : .empty
        let content: [Body] = [
            .div(
                .cls("page-head"),
                .p(.cls("crumbs"), .link(SiteURL.catalog.path, s.t("目录", "Catalog")), .text(" › "), .link(SiteURL.resource(code).path, resource.name)),
                .h1(.testid("page-title"), .esc(s.t("质量规则：\(resource.name)", "Quality rules: \(resource.nameEn ?? resource.name)")))),
            .section(
                .cls("card"), .testid("custom-rules"), .h2(.esc(s.t("自定义规则", "Written rules"))),
                customRows.isEmpty
                    ? .p(.cls("muted"), .esc(s.t("暂无。", "None yet.")))
                    : .dataTable([s.t("名称", "Name"), s.t("规则", "Rule"), s.t("添加人", "By"), ""], customRows, cls: "data compact")),
            form,
            .section(
                .cls("card"), .testid("derived-rules"),
                .h2(.esc(s.t("由信息项和标准导出的规则（\(derived.count)）", "Rules from the items and standards (\(derived.count))"))),
                .dataTable([s.t("信息项", "Item"), s.t("规则", "Rule"), s.t("错误类型", "Error type")], derivedRows, cls: "data compact"))
        ]
        return Layout.render(req, title: s.t("质量规则", "Quality rules") + " " + code, status: status, path: base, banners: banners, content)
    }

    static func add(req: Request) async throws -> Response {
        let form = FormData(body: req)
        let draft = (name: form["name"] ?? "", expression: form.raw("expression"))
        do {
            try await QualityRulesAPI.add(
                req, kind: "expression", name: draft.name.isEmpty ? nil : draft.name, expression: draft.expression,
                column: nil, references: nil)
            return req.redirect(to: SiteURL.resource(try req.parameters.require("code"), .rules).path, redirectType: .normal)
        } catch let e as AppError where e.status != .forbidden && e.status != .unauthorized {
            return try await render(req, draft: draft, failure: e, status: e.status)
        }
    }

    static func remove(req: Request) async throws -> Response {
        try await QualityRulesAPI.removeRule(req)
        return req.redirect(to: SiteURL.resource(try req.parameters.require("code"), .rules).path, redirectType: .normal)
    }
}
