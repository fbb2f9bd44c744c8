import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /departments` (the tree) and `GET /departments/:code`.
enum DepartmentPages {
    static func list(req: Request) async throws -> Response {
        let s = req.strings
        let all = try await Department.query(on: req.db).sort(\.$code).all()
        let counts = try await Directory.resourceCounts(on: req.sql)
        let codes = Set(all.map(\.code))
        let children = Dictionary(grouping: all.filter { $0.parentCode.map(codes.contains) ?? false }, by: { $0.parentCode! })
        let roots = all.filter { !($0.parentCode.map(codes.contains) ?? false) }

        func subtotal(_ d: Department) -> Int { (counts[d.code] ?? 0) + (children[d.code] ?? []).reduce(0) { $0 + subtotal($1) } }
        func node(_ d: Department, depth: Int) -> Node<HTML.ListContext> {
            let kids = children[d.code] ?? []
            let own = counts[d.code] ?? 0, total = subtotal(d)
            return .li(
                .cls("dept"), .testid("department"),
                .div(
                    .cls("dept-line"),
                    .link(SiteURL.department(d.code).path, s.isEnglish ? d.nameEn : d.name, .testid("department-name")),
                    .span(.cls("code"), .esc(d.code)),
                    .badge(s.label(DepartmentLevel.self, d.level), "level"),
                    .span(
                        .cls("count"), .attr("title", s.t("本部门 / 含下级", "own / with units")),
                        .esc(kids.isEmpty ? s.t("\(own) 个资源", "\(own) resources") : s.t("\(own) 个资源（含下级 \(total)）", "\(own) resources (\(total) with units)")))),
                kids.isEmpty || depth > 6 ? .empty : .ul(.group(kids.map { node($0, depth: depth + 1) })))
        }
        let content: [Body] = [
            Layout.heading(
                s.t("部门", "Departments"),
                sub: s.t(
                    "共 \(all.count) 个部门，按隶属关系排列；资源数为目录中已发布的资源。",
                    "\(all.count) departments by parent; counts are published catalog resources.")),
            .section(.cls("card"), .ul(.cls("tree"), .testid("department-tree"), .group(roots.map { node($0, depth: 0) })))
        ]
        return Layout.render(req, title: s.t("部门", "Departments"), content)
    }

    static func show(req: Request) async throws -> Response {
        let s = req.strings
        let d = try await Directory.department(try req.parameters.require("code"), on: req.db)
        let offset = max(FormData(query: req).int("offset") ?? 0, 0)
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        let page = try await CatalogSearch(sql: req.sql, actor: req.actor)
            .run(ResourceQuery(department: d.code, limit: CatalogSearchPage.pageSize, offset: offset), departmentNames: names, language: s.lang)
        let units = try await Department.query(on: req.db).filter(\.$parentCode == d.code).sort(\.$code).all()
        let parent: Body = d.parentCode.map { p in Body.link(SiteURL.department(p).path, names[p] ?? p) } ?? .span(.cls("none"), "—")
        let title = s.isEnglish ? d.nameEn : d.name
        let content: [Body] = [
            .div(
                .cls("page-head"),
                .p(.cls("crumbs"), .link(SiteURL.departments.path, s.t("部门", "Departments"))),
                .h1(.testid("page-title"), .esc(title)),
                .p(.cls("sub"), .esc(s.isEnglish ? d.name : d.nameEn))),
            .section(
                .cls("card"),
                .fields(
                    [
                        (s.t("部门代码", "Code"), .span(.cls("code"), .esc(d.code))),
                        (s.t("层级", "Level"), .esc(s.label(DepartmentLevel.self, d.level))),
                        (s.t("上级部门", "Parent"), parent),
                        (s.t("联系方式", "Contact"), ResourceSections.text(d.contact)),
                        (
                            s.t("下级单位", "Units"),
                            units.isEmpty
                                ? .span(.cls("none"), "—")
                                : .group(
                                    units.map { u in
                                        Body.link(SiteURL.department(u.code).path, s.isEnglish ? u.nameEn : u.name, .cls("chip"))
                                    })
                        ),
                        (
                            s.t("数据质量", "Data quality"),
                            req.user == nil
                                ? .span(.cls("none"), "—")
                                : .link(SiteURL.departmentQuality(d.code).path, s.t("查看质量得分", "Quality scores"), .testid("department-quality-link"))
                        )
                    ], testid: "department-fields")),
            .section(
                .cls("card"),
                .h2(.esc(s.t("信息资源", "Information resources"))),
                .p(
                    .cls("total"), .testid("result-total"), .esc(s.count(page.total)), .text(" · "),
                    .link(QueryLink(SiteURL.catalog.path, [("department", d.code)]).href, s.t("在目录中筛选", "Filter in the catalog"))),
                CatalogSearchPage.results(page.items, s),
                Layout.pager(QueryLink(SiteURL.department(d.code).path), offset: offset, limit: CatalogSearchPage.pageSize, total: page.total, s))
        ]
        return Layout.render(req, title: title, content)
    }
}
