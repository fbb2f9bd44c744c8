import Plot
import Vapor
import DataBankCore

/// `GET /datasets`: the portal's search — free text, facets (theme, provider, format, update
/// cycle, open type) with counts, sorted by relevance, newest or most downloaded. A search that
/// finds nothing suggests close spellings, removing a filter, and the themes. A bad parameter
/// re-shows the page (400) with the message.
enum OpenSearchPage {
    static let pageSize = 20
    /// (query parameter, facet name in ``SearchPage/facets``, zh, en), in sidebar order.
    static let facets: [(param: String, facet: String, zh: String, en: String)] = [
        ("theme", "theme", "主题", "Theme"),
        ("provider", "department", "提供部门", "Provider"),
        ("format", "format", "资源格式", "Format"),
        ("cycle", "cycle", "更新周期", "Update cycle"),
        ("open", "open", "开放类型", "Open type")
    ]
    static let sorts: [(value: String, engine: String, zh: String, en: String)] = [
        ("relevance", "relevance", "相关度", "Relevance"), ("newest", "-updated", "最新", "Newest"),
        ("downloads", "-downloads", "下载最多", "Most downloaded")
    ]

    static func show(req: Request) async throws -> Response {
        let s = req.strings
        let form = FormData(query: req)
        let filters = (["q"] + facets.map(\.param) + ["sort"]).compactMap { key in form[key].flatMap { $0.isEmpty ? nil : (key, $0) } }
        let text = form["q"] ?? ""
        var failure: AppError?
        var offset = 0
        if let raw = form["offset"], !raw.isEmpty {
            if let n = Int(raw), n >= 0, n <= 100_000 {
                offset = n
            } else {
                failure = AppError.field(.badRequest, "invalid_offset", "offset", zh: "页码参数无效", en: "offset is a whole number from 0")
            }
        }
        let sortValue = form["sort"].flatMap { $0.isEmpty ? nil : $0 } ?? (text.isEmpty ? "newest" : "relevance")
        let sort = sorts.first { $0.value == sortValue }
        if sort == nil {
            failure = AppError.field(
                .badRequest, "invalid_sort", "sort", zh: "排序方式为相关度、最新或下载最多", en: "sort is relevance, newest or downloads")
        }
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        var page = SearchPage(items: [], total: 0, facets: [:])
        if failure == nil {
            do {
                page = try await OpenCatalog.search(query(form, sort: sort?.engine, offset: offset, limit: pageSize), req: req)
            } catch {
                let e = AppError.from(error)
                guard e.status.code < 500 else { throw error }
                failure = e
            }
        }
        let link = QueryLink(SiteURL.openDatasets.path, filters)
        let suggestions = failure == nil && page.total == 0 ? try await suggest(form, filters: filters, link: link, names: names, req: req) : .empty
        let content: [Body] = [
            .p(.cls("crumbs"), .link(SiteURL.home.path, s.t("首页", "Home")), .esc(" › "), .esc(s.t("数据集", "Datasets"))),
            Layout.heading(s.t("数据集", "Datasets")),
            searchBox(text, hidden: filters.filter { $0.0 != "q" }, s),
            .div(
                .cls("with-sidebar"),
                .element(
                    named: "aside",
                    nodes: [.cls("facets"), .testid("facets"), .attr("aria-label", s.t("筛选", "Filters"))]
                        + facets.map {
                            CatalogSearchPage.facetBox(
                                ($0.param, $0.facet, $0.zh, $0.en), page.facets[$0.facet] ?? [], active: form[$0.param], link: link, names: names, s)
                        }),
                .section(
                    .cls("results-col"),
                    .div(
                        .cls("results-head"),
                        .p(.cls("total"), .testid("result-total"), .esc(s.count(page.total))),
                        sortLinks(link, current: sort?.value ?? sortValue, s)),
                    activeFilters(filters, link: link, names: names, s),
                    page.items.isEmpty
                        ? .div(.cls("empty"), .testid("no-results"), .p(.esc(s.t("没有找到匹配的数据集。", "No datasets match."))), suggestions)
                        : .ol(.cls("results"), .testid("results"), .group(page.items.map { Node<HTML.ListContext>.li(resultCard($0, s)) })),
                    Layout.pager(link, offset: offset, limit: pageSize, total: page.total, s)))
        ]
        return OpenLayout.render(
            req, title: text.isEmpty ? s.t("数据集", "Datasets") : "\(text) · \(s.t("搜索", "Search"))", status: failure?.status ?? .ok,
            banners: failure.map { [Layout.errorBanner($0, s)] } ?? [], content)
    }

    static func query(_ form: FormData, sort: String?, offset: Int, limit: Int) -> ResourceQuery {
        query(Dictionary(form.pairs.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a }), sort: sort, offset: offset, limit: limit)
    }

    static func query(_ v: [String: String], sort: String?, offset: Int, limit: Int) -> ResourceQuery {
        func value(_ key: String) -> String? { v[key].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } }
        return ResourceQuery(
            q: value("q"), department: value("provider"), theme: value("theme"), open: value("open"), cycle: value("cycle"),
            format: value("format"), limit: limit, offset: offset, sort: sort)
    }

    static func searchBox(_ text: String, hidden: [(String, String)], _ s: Strings) -> Body {
        .getForm(
            SiteURL.openDatasets.path,
            [
                .cls("search-box"), .attr("role", "search"),
                .group(hidden.map { Body.hidden($0.0, $0.1) }),
                .input([
                    .v("type", "search"), .v("name", "q"), .v("value", text), .v("aria-label", s.t("搜索数据集", "Search datasets")),
                    .v("placeholder", s.t("输入关键词，如“停车”“企业登记”“空气质量”", "Keywords, such as parking, enterprise, air quality")),
                    .v("data-testid", "open-search-input")
                ]),
                .submit(s.t("搜索", "Search"), .testid("open-search-submit"))
            ])
    }

    static func sortLinks(_ link: QueryLink, current: String, _ s: Strings) -> Body {
        .nav(
            .cls("sorts"), .testid("sorts"), .attr("aria-label", s.t("排序", "Sort")),
            .span(.cls("muted"), .esc(s.t("排序：", "Sort: "))),
            .group(
                sorts.map { sort in
                    sort.value == current
                        ? .span(.cls("on"), .esc(s.t(sort.zh, sort.en)))
                        : .link(link.setting("sort", sort.value).removing("offset").href, s.t(sort.zh, sort.en), .testid("sort-\(sort.value)"))
                }))
    }

    static func valueLabel(_ key: String, _ value: String, names: [String: String], _ s: Strings) -> String {
        switch key {
        case "provider": return names[value] ?? value
        case "sort": return sorts.first { $0.value == value }.map { s.t($0.zh, $0.en) } ?? value
        default: return CatalogSearchPage.valueLabel(key, value, names: names, s)
        }
    }

    static func filterLabel(_ key: String, _ s: Strings) -> String {
        if key == "q" { return s.t("关键词", "Keywords") }
        if key == "sort" { return s.t("排序", "Sort") }
        return facets.first { $0.param == key }.map { s.t($0.zh, $0.en) } ?? key
    }

    static func activeFilters(_ filters: [(String, String)], link: QueryLink, names: [String: String], _ s: Strings) -> Body {
        let chips: [Body] = filters.filter { $0.0 != "q" && $0.0 != "sort" }.map { key, value in
            .link(
                link.setting(key, nil).removing("offset").href, "\(filterLabel(key, s))：\(valueLabel(key, value, names: names, s)) ×",
                .cls("chip"), .attr("title", s.t("移除此筛选", "Remove this filter")))
        }
        return chips.isEmpty ? .empty : .div(.cls("chips"), .testid("active-filters"), .group(chips))
    }

    static func resultCard(_ r: ResourceSummary, _ s: Strings) -> Body {
        .article(
            .cls("result"), .testid("result"),
            .h3(.link(SiteURL.openDataset(r.code).path, s.isEnglish ? (r.nameEn ?? r.name) : r.name, .testid("result-name"))),
            .p(
                .cls("meta"),
                .link(SiteURL.openProvider(r.departmentCode).path, r.departmentName ?? r.departmentCode),
                .span(.esc(s.label(ResourceFormat.self, r.format))),
                .span(.esc(s.label(UpdateCycle.self, r.updateCycle))),
                .span(.esc(s.t("\(r.itemCount) 个数据项", r.itemCount == 1 ? "1 item" : "\(r.itemCount) items")))),
            .p(.cls("badges"), openBadge(r.openType, s))
        )
    }

    static func openBadge(_ raw: String, _ s: Strings) -> Body {
        raw == OpenType.conditional.rawValue
            ? .badge(s.t("有条件开放 · 需申请", "Conditionally open · apply"), "open-conditional", testid: "open-badge")
            : .badge(s.label(OpenType.self, raw), "open-\(raw)", testid: "open-badge")
    }

    /// What a search with no result offers: close spellings, the same search without each filter
    /// (with what it would find), and the themes.
    static func suggest(_ form: FormData, filters: [(String, String)], link: QueryLink, names: [String: String], req: Request) async throws -> Body {
        let s = req.strings
        var blocks: [Body] = []
        let text = form["q"] ?? ""
        if !text.isEmpty {
            let spellings = OpenSuggestions.closeSpellings(text, in: try await OpenCatalog.vocabulary(on: req.sql))
            if !spellings.isEmpty {
                blocks.append(
                    .p(
                        .testid("suggest-spellings"), .esc(s.t("您是不是要找：", "Did you mean: ")),
                        .group(spellings.map { Body.link(link.setting("q", $0).removing("offset").href, $0, .cls("chip"), .testid("suggest-spelling")) })))
            }
        }
        var removals: [Body] = []
        for (key, value) in filters where key != "sort" {
            var without = Dictionary(filters.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
            without[key] = nil
            let n = try await OpenCatalog.search(query(without, sort: nil, offset: 0, limit: 0), req: req).total
            guard n > 0 else { continue }
            removals.append(
                .link(
                    link.setting(key, nil).removing("offset").href,
                    s.t(
                        "去掉“\(filterLabel(key, s))：\(valueLabel(key, value, names: names, s))”（\(n) 个）",
                        "Without \(filterLabel(key, s)): \(valueLabel(key, value, names: names, s)) (\(n))"),
                    .cls("chip"), .testid("suggest-remove-\(key)")))
        }
        if !removals.isEmpty { blocks.append(.p(.testid("suggest-removals"), .esc(s.t("放宽条件：", "Widen the search: ")), .group(removals))) }
        let themes = try await OpenCatalog.search(ResourceQuery(limit: 0), req: req).facets["theme"] ?? []
        blocks.append(
            .p(
                .testid("suggest-themes"), .esc(s.t("或按主题浏览：", "Or browse a theme: ")),
                .group(
                    themes.prefix(8).map {
                        Body.link(SiteURL.openDatasets.with([("theme", $0.value)]), "\($0.label)（\($0.count)）", .cls("chip"))
                    })))
        return .div(.cls("suggestions"), .testid("suggestions"), .group(blocks))
    }
}
