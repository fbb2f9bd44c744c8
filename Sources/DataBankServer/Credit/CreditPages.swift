import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /credit` (信用公示: look an enterprise up by credit code or by name as you type) and
/// `GET /credit/{creditCode}` (one enterprise's disclosed records, grouped by class, each class
/// linking its dataset on the portal). Rendered in the portal's shell; errors as its pages' errors.
enum CreditPages {
    static func search(req: Request) async throws -> Response {
        let s = req.strings
        let q = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // A credit code goes straight to its enterprise's page.
        if CreditCode.looksValid(q.uppercased()) { return req.redirect(to: SiteURL.creditEnterprise(q.uppercased()).path) }
        let names = try await LookupServices.nameSearches(on: req.db)
        let classes = try await LookupServices.creditClasses(on: req.db)
        var results: Body = .empty
        if !q.isEmpty {
            let text = try LookupServices.text(req)
            try await LookupThrottle.check(req)
            var hits: [(name: String, code: String)] = []
            var short = false
            for service in names {
                let rows: [String]
                do {
                    rows = try await LookupServices.run(service, text: text, req: req).rows
                } catch let e as AppError where e.code == "too_short" {
                    short = true  // said on the page, not an error page
                    continue
                }
                for row in rows.map(LookupServices.values) {
                    if let code = row["credit_code"], !hits.contains(where: { $0.code == code }) { hits.append((row["enterprise_name"] ?? code, code)) }
                }
            }
            results = .section(
                .cls("card"), .testid("credit-results"),
                .h2(.esc(s.t("“\(q)”的查询结果（\(hits.count)）", "Results for “\(q)” (\(hits.count))"))),
                hits.isEmpty
                    ? .p(
                        .cls("muted"), .testid("credit-none"),
                        .esc(
                            short
                                ? s.t("请至少输入名称中的 2 个字，或完整的统一社会信用代码。", "Type at least 2 characters of the name, or the full credit code.")
                                : names.contains(where: { $0.match == .partial })
                                    ? s.t("没有名称包含此内容的企业；可输入完整的统一社会信用代码。", "No enterprise name contains this; try the full credit code.")
                                    : s.t("没有名称以此开头的企业；可输入完整的统一社会信用代码。", "No enterprise name starts with this; try the full credit code.")))
                    : .ul(
                        .cls("results"),
                        .group(
                            hits.map { hit in
                                Node<HTML.ListContext>.li(
                                    .link(SiteURL.creditEnterprise(hit.code).path, hit.name, .testid("credit-hit")), .span(.cls("muted"), .esc(" " + hit.code)))
                            })))
        }
        let suggest = names.first.map { SiteURL.openLookup($0.code).path } ?? ""
        let content: [Body] = [
            .p(.cls("crumbs"), .link(SiteURL.home.path, s.t("首页", "Home")), .esc(" › "), .esc(s.t("信用公示", "Credit disclosure"))),
            Layout.heading(
                s.t("信用公示查询", "Credit disclosure look-up"),
                sub: s.t(
                    "按统一社会信用代码或企业名称查询行政许可、行政处罚、经营异常名录等公示信息",
                    "Look up an enterprise's licences, penalties, abnormal-operation listing and other disclosures by credit code or name")),
            .getForm(
                SiteURL.credit.path,
                [
                    .cls("search-box credit-search"), .attr("role", "search"),
                    .input([
                        .v("type", "search"), .v("name", "q"), .v("value", q), .v("autocomplete", "off"),
                        .v("aria-label", s.t("统一社会信用代码或企业名称", "Credit code or enterprise name")),
                        .v("placeholder", s.t("输入统一社会信用代码或企业名称，如“佛山市”", "A credit code or an enterprise name, e.g. 佛山市")),
                        .v("data-testid", "credit-input"), .v("data-suggest", suggest), .v("list", "credit-suggestions")
                    ]),
                    .element(named: "datalist", nodes: [.attr("id", "credit-suggestions"), .testid("credit-suggestions")]),
                    .submit(s.t("查询", "Look up"), .testid("credit-submit"))
                ]),
            results,
            .section(
                .cls("card"), .testid("credit-classes"),
                .h2(.esc(s.t("公示类别", "Disclosure classes"))),
                .ul(
                    .group(
                        classes.map { c in
                            Node<HTML.ListContext>.li(.link(SiteURL.openDataset(c.resourceCode).path, c.title(s), .testid("credit-class")))
                        })))
        ]
        return OpenLayout.render(req, title: s.t("信用公示", "Credit disclosure"), scripts: ["/credit.js"], content)
    }

    static func enterprise(req: Request) async throws -> Response {
        let s = req.strings
        let creditCode = try req.parameters.require("creditCode")
        let classes = try await LookupServices.enterprise(creditCode, req: req)
        let first = classes.flatMap { $0.rows.map(LookupServices.values) }
        let name = first.compactMap { $0["enterprise_name"] }.first ?? creditCode
        var sections: [Body] = []
        for c in classes {
            let labels = try await OpenCatalog.itemLabels(c.read.resource, language: s.lang, on: req.db)
            // A code-list item shows its meaning (在营（开业）), the code kept as the cell's title.
            let codes = try await LookupServices.codeLabels(c.read, rows: c.rows, on: req.db)
            let rows = c.rows.map(LookupServices.values)
            let columns = c.service.returnedItems.filter { col in rows.contains { $0[col] != nil } }
            sections.append(
                .section(
                    .cls("card credit-class"), .testid("credit-class-\(c.service.code)"),
                    .h2(.esc(c.service.title(s)), .span(.cls("count"), .esc(s.t(" \(rows.count) 条", " (\(rows.count))")))),
                    .div(
                        .cls("table-wrap"),
                        .table(
                            .cls("data"),
                            .thead(.tr(.group(columns.map { Node<HTML.TableRowContext>.th(.esc(labels[$0] ?? $0)) }))),
                            .tbody(
                                .group(
                                    rows.map { r in
                                        Node<HTML.TableContext>.tr(
                                            .group(
                                                columns.map { col in
                                                    let value = r[col] ?? ""
                                                    guard let label = codes[col]?[value] else { return Node<HTML.TableRowContext>.td(.esc(value)) }
                                                    return .td(.attr("title", value), .esc(label))
                                                }))
                                    })))
                    ),
                    .p(.link(SiteURL.openDataset(c.service.resourceCode).path, s.t("查看数据集 ›", "The dataset ›"), .testid("credit-dataset")))))
        }
        let content: [Body] =
            [
                .p(
                    .cls("crumbs"), .link(SiteURL.home.path, s.t("首页", "Home")), .esc(" › "),
                    .link(SiteURL.credit.path, s.t("信用公示", "Credit disclosure")), .esc(" › "), .esc(name)),
                Layout.heading(name, sub: s.t("统一社会信用代码：\(creditCode)", "Unified social credit code: \(creditCode)"))
            ] + sections
        return OpenLayout.render(req, title: name, content)
    }
}
