import Plot
import Vapor
import DataBankCore

/// `GET /`: the open portal's home — search, the figures, the themes with their dataset counts,
/// the newest and the most used datasets. Signed-in staff see the same page, with the workspace
/// (the internal catalog) one click away in the header and in a note.
enum OpenHomePage {
    static func show(req: Request) async throws -> Response {
        let s = req.strings
        let sql = req.sql
        // One search for the theme counts (the catalog's engine, the portal's scope), then the figures and lists.
        let all = try await OpenCatalog.search(ResourceQuery(limit: 0), req: req)
        let figures = try await OpenCatalog.figures(on: sql)
        let newest = try await OpenCatalog.featured(.newest, on: sql)
        let mostUsed = try await OpenCatalog.featured(.mostUsed, on: sql)
        let live = try await OpenCatalog.featured(.realtime, limit: 6, on: sql)
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        let themeCounts = Dictionary(uniqueKeysWithValues: (all.facets["theme"] ?? []).map { ($0.value, $0.count) })

        var content: [Body] = []
        if req.user != nil {
            content.append(
                .banner(
                    "info",
                    .p(
                        .esc(s.t("您已登录。这是面向社会公众的开放数据门户；", "You are signed in. This is the public open-data portal; ")),
                        .link(SiteURL.catalog.path, s.t("进入工作台（内部目录）", "go to your workspace (the internal catalog)"), .testid("workspace-link"))),
                    testid: "staff-note"))
        }
        content += [
            .section(
                .cls("hero"), .testid("open-hero"),
                .h1(.esc(s.t("佛山市公共数据开放平台", "Foshan Open Data")), .testid("page-title")),
                .p(
                    .cls("sub"),
                    .esc(
                        s.t(
                            "各部门依法向社会开放的公共数据，免费查询、预览、下载和调用。",
                            "Public data the city's departments open by law: free to search, preview, download and call."))),
                OpenSearchPage.searchBox("", hidden: [], s)),
            OpenLayout.figures([
                (figures.datasets, s.t("数据集", "Datasets"), "datasets"), (figures.providers, s.t("提供部门", "Providers"), "providers"),
                (figures.records, s.t("开放记录", "Open records"), "records"), (figures.downloads, s.t("下载次数", "Downloads"), "downloads"),
                (figures.apiCalls, s.t("接口调用", "API calls"), "api")
            ]),
            .section(
                .cls("card"), .testid("themes"),
                .h2(.esc(s.t("按主题浏览", "Browse by theme"))),
                .ul(
                    .cls("theme-grid"),
                    .group(
                        Theme.allCases.compactMap { theme -> Node<HTML.ListContext>? in
                            guard let n = themeCounts[theme.rawValue], n > 0 else { return nil }
                            return .li(
                                .link(
                                    SiteURL.openDatasets.with([("theme", theme.rawValue)]), s.label(theme), .testid("theme-\(theme.rawValue)"),
                                    .span(.cls("count"), .esc(s.t("\(n) 个", "\(n)")))))
                        }))),
            .div(
                .cls("columns even"),
                featuredCard(s.t("最多使用", "Most used"), mostUsed, names: names, testid: "most-used", s),
                featuredCard(s.t("最新数据集", "Newest datasets"), newest, names: names, testid: "newest", s)),
            live.isEmpty
                ? .empty
                : featuredCard(
                    s.t("实时数据：公交、停车、空气、气象", "Live data: buses, car parks, air, weather"), live, names: names, testid: "live", s,
                    more: .link(SiteURL.openLive.path, s.t("实时公交与停车地图 ›", "Live map of buses and car parks ›"), .testid("live-map-link")))
        ]
        return OpenLayout.render(req, title: s.t("首页", "Home"), content)
    }

    static func featuredCard(
        _ title: String, _ items: [OpenCatalog.Featured], names: [String: String], testid: String, _ s: Strings, more: Body = .empty
    ) -> Body {
        .section(
            .cls("card"), .testid(testid),
            .h2(.esc(title)),
            items.isEmpty
                ? .p(.cls("none"), .esc(s.t("暂无", "None yet")))
                : .ol(
                    .cls("featured"),
                    .group(
                        items.map { f in
                            Node<HTML.ListContext>.li(
                                .link(SiteURL.openDataset(f.code).path, s.isEnglish ? (f.nameEn ?? f.name) : f.name, .testid("featured-dataset")),
                                .p(
                                    .cls("meta"),
                                    .span(.esc(names[f.departmentCode] ?? f.departmentCode)),
                                    f.openType == OpenType.unconditional.rawValue
                                        ? .group(
                                            .span(.esc(s.t("\(OpenLayout.figure(f.records)) 条记录", "\(OpenLayout.figure(f.records)) records"))),
                                            .span(.esc(s.t("下载 \(OpenLayout.figure(f.downloads)) 次", "\(OpenLayout.figure(f.downloads)) downloads"))))
                                        : OpenSearchPage.openBadge(f.openType, s),
                                    .span(.esc(s.label(UpdateCycle.self, f.cycle)))))
                        })),
            .p(.cls("more-links"), more, .link(SiteURL.openDatasets.path, s.t("全部数据集 ›", "Every dataset ›")))
        )
    }
}
