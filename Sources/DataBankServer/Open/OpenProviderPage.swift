import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /providers` and `GET /providers/{code}`: the departments that open data, and one
/// department's open datasets with its figures. A department with nothing on the portal is
/// answered as unknown (404), like a dataset the portal does not show.
enum OpenProviderPage {
    static func list(req: Request) async throws -> Response {
        let s = req.strings
        let page = try await OpenCatalog.search(ResourceQuery(limit: 0), req: req)
        let providers = (page.facets["department"] ?? []).sorted { ($0.count, $1.label) > ($1.count, $0.label) }
        let content: [Body] = [
            .p(.cls("crumbs"), .link(SiteURL.home.path, s.t("首页", "Home")), .esc(" › "), .esc(s.t("提供部门", "Providers"))),
            Layout.heading(s.t("提供部门", "Providers"), sub: s.t("\(providers.count) 个部门向社会开放数据", "\(providers.count) departments open data")),
            .ul(
                .cls("provider-grid"), .testid("providers"),
                .group(
                    providers.map { p in
                        Node<HTML.ListContext>.li(
                            .link(SiteURL.openProvider(p.value).path, p.label, .testid("provider")),
                            .span(.cls("count"), .esc(s.t("\(p.count) 个数据集", "\(p.count) datasets"))))
                    }))
        ]
        return OpenLayout.render(req, title: s.t("提供部门", "Providers"), content)
    }

    static func show(req: Request) async throws -> Response {
        let s = req.strings
        let code = try req.parameters.require("code")
        guard let department = try await Department.query(on: req.db).filter(\.$code == code).first() else {
            throw AppError.notFound("Provider \(code)")
        }
        let figures = try await OpenCatalog.figures(department: code, on: req.sql)
        guard figures.datasets > 0 else { throw AppError.notFound("Provider \(code)") }
        let page = try await OpenCatalog.search(ResourceQuery(department: code, limit: 100, sort: "-updated"), req: req)
        let popular = try await OpenCatalog.featured(.mostUsed, limit: 5, department: code, on: req.sql)
        let name = s.isEnglish ? department.nameEn : department.name
        let names = [code: name]
        let content: [Body] = [
            .p(
                .cls("crumbs"), .link(SiteURL.home.path, s.t("首页", "Home")), .esc(" › "),
                .link(SiteURL.openProviders.path, s.t("提供部门", "Providers")), .esc(" › "), .esc(name)),
            Layout.heading(name, sub: s.isEnglish ? department.name : department.nameEn),
            OpenLayout.figures([
                (figures.datasets, s.t("数据集", "Datasets"), "datasets"), (figures.records, s.t("开放记录", "Open records"), "records"),
                (figures.downloads, s.t("下载次数", "Downloads"), "downloads"), (figures.apiCalls, s.t("接口调用", "API calls"), "api")
            ]),
            .div(
                .cls("columns"),
                .section(
                    .cls("card"), .testid("provider-datasets"),
                    .h2(.esc(s.t("开放的数据集", "Open datasets"))),
                    .ol(.cls("results"), .testid("results"), .group(page.items.map { Node<HTML.ListContext>.li(OpenSearchPage.resultCard($0, s)) })),
                    page.total > page.items.count
                        ? .p(.link(SiteURL.openDatasets.with([("provider", code)]), s.t("查看全部 \(page.total) 个 ›", "All \(page.total) ›")))
                        : .empty),
                OpenHomePage.featuredCard(s.t("最多使用", "Most used"), popular, names: names, testid: "most-used", s))
        ]
        return OpenLayout.render(req, title: name, content)
    }
}
