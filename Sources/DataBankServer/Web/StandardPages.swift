import Fluent
import Plot
import SQLKit
import Vapor
import DataBankCore

/// `GET /standards` (the library) and `GET /standards/:code`.
enum StandardPages {
    static let pageSize = 50

    static func list(req: Request) async throws -> Response {
        let s = req.strings
        let form = FormData(query: req)
        let offset = max(form.int("offset") ?? 0, 0)
        let q = form["q"] ?? "", type = form["dataType"] ?? "", kind = form["semanticKind"] ?? ""
        let (items, total) = try await Directory.standards(q: q, dataType: type, kind: kind, limit: pageSize, offset: offset, on: req.db)
        let link = QueryLink(SiteURL.standards.path, [("q", q), ("dataType", type), ("semanticKind", kind)])
        let filter: Body = .getForm(
            SiteURL.standards.path,
            [
                .cls("filter-bar"),
                .input([
                    .v("type", "search"), .v("name", "q"), .v("value", q), .v("placeholder", s.t("代码、名称或定义", "Code, name or definition")),
                    .v("aria-label", s.t("搜索标准", "Search standards")), .v("data-testid", "standard-search")
                ]),
                .select(
                    "dataType", [("", s.t("全部数据类型", "Any data type"))] + DataType.allCases.map { ($0.rawValue, "\($0.rawValue) \(s.label($0))") },
                    selected: type, .attr("aria-label", s.itemField("dataType"))),
                .select(
                    "semanticKind", [("", s.t("全部语义", "Any meaning"))] + SemanticKind.allCases.map { ($0.rawValue, s.label($0)) },
                    selected: kind, .attr("aria-label", s.t("语义类型", "Semantic kind"))),
                .submit(s.t("筛选", "Filter"))
            ])
        let rows: [[Body]] = items.map { st in
            [
                .link(SiteURL.standard(st.code).path, st.code, .cls("code"), .testid("standard-code")),
                .esc(s.isEnglish ? (st.nameEn ?? st.name) : st.name),
                .esc("\(st.dataType) \(s.label(DataType.self, st.dataType))"),
                .esc(st.length.map(String.init) ?? "—"),
                .esc(s.label(SemanticKind.self, st.semanticKind)),
                .badge(s.label(Sensitivity.self, st.sensitivity), "sens-\(st.sensitivity)"),
                .esc(st.version)
            ]
        }
        let content: [Body] = [
            Layout.heading(
                s.t("信息项标准库", "Information-item standards"),
                sub: s.t("资源的每个信息项都须关联一项标准。", "Every information item of a resource is bound to one of these standards.")),
            filter,
            .p(.cls("total"), .testid("result-total"), .esc(s.count(total))),
            rows.isEmpty
                ? .p(.cls("empty"), .esc(s.t("没有匹配的标准。", "No standards match.")))
                : .dataTable(
                    [
                        s.t("代码", "Code"), s.t("名称", "Name"), s.itemField("dataType"), s.itemField("length"),
                        s.t("语义", "Meaning"), s.itemField("sensitivity"), s.t("版本", "Version")
                    ], rows, testid: "standards-table"),
            Layout.pager(link, offset: offset, limit: pageSize, total: total, s)
        ]
        return Layout.render(req, title: s.t("标准", "Standards"), content)
    }

    static func show(req: Request) async throws -> Response {
        let s = req.strings
        let row = try await Directory.standard(try req.parameters.require("code"), on: req.db)
        let st = row.standard
        let used =
            try await req.sql.raw("SELECT COUNT(DISTINCT resource_id) AS n FROM resource_items WHERE standard_code = \(bind: st.code)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
        let visibility = CatalogSearch(sql: req.sql, actor: req.actor).visibility()
        let users = try await req.sql.raw(
            """
            SELECT DISTINCT resources.code AS code, resources.name AS name FROM resources
            JOIN resource_items ON resource_items.resource_id = resources.id
            WHERE resource_items.standard_code = \(bind: st.code) AND \(visibility)
            ORDER BY resources.code LIMIT 100
            """
        ).all().map { (try $0.decode(column: "code", as: String.self), try $0.decode(column: "name", as: String.self)) }
        let codeList: Body =
            st.codeList.isEmpty
            ? .p(.cls("muted"), .esc(s.t("无代码表。", "No code list.")))
            : .dataTable(
                [s.t("代码", "Code"), s.t("含义", "Meaning")], st.codeList.map { [.span(.cls("code"), .esc($0.code)), .esc($0.label)] },
                testid: "code-list")
        let content: [Body] = [
            .div(
                .cls("page-head"),
                .p(.cls("crumbs"), .link(SiteURL.standards.path, s.t("标准", "Standards"))),
                .h1(.testid("page-title"), .esc("\(st.code) \(s.isEnglish ? (st.nameEn ?? st.name) : st.name)"))),
            .section(
                .cls("card"),
                .fields(
                    [
                        (s.t("代码", "Code"), .span(.cls("code"), .esc(st.code))),
                        (s.t("名称", "Name"), .esc(st.name)),
                        (s.t("英文名称", "English name"), ResourceSections.text(st.nameEn)),
                        (s.t("定义", "Definition"), .esc(st.definition)),
                        (s.itemField("dataType"), .esc("\(st.dataType.rawValue) \(s.label(st.dataType))")),
                        (s.itemField("length"), .esc(st.length.map(String.init) ?? "—")),
                        (s.t("精度", "Precision"), .esc(st.precision.map(String.init) ?? "—")),
                        (s.t("格式（正则）", "Pattern"), st.pattern.map { Body.el("code", .esc($0)) } ?? ResourceSections.text(nil)),
                        (s.t("语义", "Meaning"), .esc(s.label(st.semanticKind))),
                        (s.itemField("sensitivity"), .badge(s.label(st.sensitivity), "sens-\(st.sensitivity.rawValue)")),
                        (s.t("版本", "Version"), .esc(st.version)),
                        (s.t("不晚于当日", "Not in the future"), notFuture(st, req, s))
                    ], testid: "standard-fields")),
            .section(.cls("card"), .h2(.esc(s.t("代码表", "Code list"))), codeList),
            .section(
                .cls("card"),
                .h2(.testid("used-by"), .esc(s.t("被 \(used) 个资源使用", "Used by \(used) resource\(used == 1 ? "" : "s")"))),
                users.isEmpty
                    ? .empty
                    : .ul(
                        .cls("plain"),
                        .group(
                            users.map { code, name in
                                Node<HTML.ListContext>.li(.link(SiteURL.resource(code).path, name), .span(.cls("code muted"), .esc(" " + code)))
                            })))
        ]
        return Layout.render(req, title: st.name, content)
    }

    /// Whether the standard's dates may be in the future, and for its stewards a button to change it.
    static func notFuture(_ st: ItemStandard, _ req: Request, _ s: Strings) -> Body {
        let state: Body = .span(
            .testid("not-future"),
            .esc(
                st.forbidsFuture
                    ? s.t("是：日期不得晚于当日（北京时间）", "Yes: a date cannot be later than today (Beijing time)") : s.t("否", "No")))
        guard [.D, .T].contains(st.dataType), req.can(.manageStandards) else { return state }
        return .group([
            state,
            .postForm(
                SiteURL.standardNotFuture(st.code).path, csrf: req.csrfToken,
                [
                    .hidden("notFuture", st.forbidsFuture ? "false" : "true"),
                    .submit(st.forbidsFuture ? s.t("取消此规则", "Remove this rule") : s.t("要求不晚于当日", "Require not in the future"), .testid("toggle-not-future"))
                ])
        ])
    }

    /// `POST /standards/:code/not-future`: sets the rule from the standard's page.
    static func setNotFuture(req: Request) async throws -> Response {
        try req.authorize(.manageStandards)
        let row = try await Directory.standard(try req.parameters.require("code"), on: req.db)
        let form = FormData(body: req)
        guard let value = form["notFuture"], ["true", "false"].contains(value) else {
            throw AppError.field(.unprocessableEntity, "invalid", "notFuture", zh: "notFuture 为 true 或 false", en: "notFuture is true or false")
        }
        try await Directory.setNotFuture(value == "true", on: row, db: req.db)
        return Layout.seeOther(SiteURL.standard(row.code).path)
    }
}
