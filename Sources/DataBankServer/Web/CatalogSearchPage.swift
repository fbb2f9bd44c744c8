import Plot
import Vapor
import DataBankCore

/// `GET /catalog`: search box, facets with counts, results, paging.
enum CatalogSearchPage {
    static let pageSize = 20
    /// Filter parameters, in sidebar order: (query parameter, facet name in ``SearchPage/facets``, zh, en).
    static let facets: [(param: String, facet: String, zh: String, en: String)] = [
        ("department", "department", "提供方", "Provider"),
        ("kind", "classification", "目录类型", "Catalog kind"),
        ("theme", "theme", "主题", "Theme"),
        ("sharing", "sharing", "共享类型", "Sharing"),
        ("open", "open", "开放类型", "Opening"),
        ("cycle", "cycle", "更新周期", "Update cycle"),
        ("format", "format", "资源格式", "Format")
    ]

    static func show(req: Request) async throws -> Response {
        let s = req.strings
        let form = FormData(query: req)
        let filters = (["q"] + facets.map(\.param) + ["status"]).compactMap { key in form[key].flatMap { $0.isEmpty ? nil : (key, $0) } }
        let offset = max(form.int("offset") ?? 0, 0)
        let query = ResourceQuery(
            q: form["q"], department: form["department"], theme: form["theme"], sharing: form["sharing"],
            open: form["open"], cycle: form["cycle"], format: form["format"], kind: form["kind"],
            status: form["status"], limit: pageSize, offset: offset, sort: form["sort"].flatMap { $0.isEmpty ? nil : $0 })
        // Sorted by heat: the kept 30-day scores are refreshed first when stale.
        if query.sort == "-heat" { try await HeatScores.ensureFresh(req) }
        let sorting = query.sort.map { [("sort", $0)] } ?? []
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        var page = SearchPage(items: [], total: 0, facets: [:])
        var failure: AppError?
        do {
            page = try await CatalogSearch(sql: req.sql, actor: req.actor).run(query, departmentNames: names, language: s.lang)
        } catch {
            let e = AppError.from(error)
            guard e.status.code < 500 else { throw error }
            failure = e
        }
        let link = QueryLink(SiteURL.catalog.path, filters + sorting)
        let federated = try await FederatedCatalogSection.entries(req, query: form["q"])
        var head: [Body] = []
        if let user = req.user, req.can(.createResource, department: user.departmentCode) {
            head.append(.link(SiteURL.newResource.path, s.t("登记新资源", "Register a resource"), .cls("button primary"), .testid("new-resource")))
        }
        let content: [Body] = [
            .div(
                .cls("page-head"),
                .h1(.esc(s.t("政务信息资源目录", "Government information resource catalog")), .testid("page-title")),
                .group(head)),
            searchBox(form, filters: filters + sorting, s),
            .div(
                .cls("with-sidebar"),
                .element(
                    named: "aside",
                    nodes: [.cls("facets"), .testid("facets"), .attr("aria-label", s.t("筛选", "Filters"))]
                        + facets.map { facetBox($0, page.facets[$0.facet] ?? [], active: form[$0.param], link: link, names: names, s) }),
                .section(
                    .cls("results-col"),
                    .p(.cls("total"), .testid("result-total"), .esc(s.count(page.total))),
                    sortLinks(link, current: query.sort, s),
                    activeFilters(filters, link: link, names: names, s),
                    results(page.items, s),
                    Layout.pager(link, offset: offset, limit: pageSize, total: page.total, s),
                    FederatedCatalogSection.render(federated, s)))
        ]
        return Layout.render(
            req, title: s.t("目录", "Catalog"), status: failure?.status ?? .ok,
            banners: failure.map { [Layout.errorBanner($0, s)] } ?? [], content)
    }

    /// The orders the page offers: the default (relevance with a query, else code) and by heat.
    static func sortLinks(_ link: QueryLink, current: String?, _ s: Strings) -> Body {
        let options: [(String?, String, String)] = [(nil, "默认", "Default"), ("-heat", "热度（近 30 天）", "Heat (30 days)")]
        let items: [Body] = options.map { value, zh, en in
            value == current
                ? .span(.cls("chip on"), .attr("aria-current", "true"), .esc(s.t(zh, en)))
                : .link(link.setting("sort", value).removing("offset").href, s.t(zh, en), .cls("chip"), .testid("sort-\(value ?? "default")"))
        }
        return .p(.cls("sort-links"), .testid("sort-links"), .esc(s.t("排序：", "Sort: ")), .group(items))
    }

    static func searchBox(_ form: FormData, filters: [(String, String)], _ s: Strings) -> Body {
        .getForm(
            SiteURL.catalog.path,
            [
                .cls("search-box"), .attr("role", "search"),
                .group(filters.filter { $0.0 != "q" }.map { Body.hidden($0.0, $0.1) }),
                .input([
                    .v("type", "search"), .v("name", "q"), .v("value", form["q"] ?? ""), .v("aria-label", s.t("搜索", "Search")),
                    .v("placeholder", s.t("输入资源名称、信息项、部门或标签，如“企业登记”", "Name, information item, department or tag")),
                    .v("data-testid", "search-input")
                ]),
                .submit(s.t("搜索", "Search"), .testid("search-submit"))
            ])
    }

    static func facetBox(
        _ f: (param: String, facet: String, zh: String, en: String), _ counts: [FacetCount], active: String?,
        link: QueryLink, names: [String: String], _ s: Strings
    ) -> Body {
        guard !counts.isEmpty || active != nil else { return .empty }
        func row(_ c: FacetCount) -> Node<HTML.ListContext> {
            let on = c.value == active
            let href = (on ? link.setting(f.param, nil) : link.setting(f.param, c.value)).removing("offset").href
            return .li(
                .cls(on ? "on" : ""),
                .link(
                    href, c.label, .testid("facet-\(f.param)-\(c.value)"),
                    .span(.cls("count"), .testid("facet-count"), .esc(String(c.count)))))
        }
        let shown = Array(counts.prefix(10)), more = Array(counts.dropFirst(10))
        return .section(
            .cls("facet"), .testid("facet-\(f.param)"),
            .h3(.esc(s.t(f.zh, f.en))),
            .ul(.group(shown.map(row))),
            more.isEmpty ? .empty : .details(.summary(.esc(s.t("更多（\(more.count)）", "More (\(more.count))"))), .ul(.group(more.map(row))))
        )
    }

    static func activeFilters(_ filters: [(String, String)], link: QueryLink, names: [String: String], _ s: Strings) -> Body {
        let chips: [Body] = filters.filter { $0.0 != "q" }.map { key, value in
            let label = facets.first { $0.param == key }.map { s.t($0.zh, $0.en) } ?? s.t("状态", "Status")
            return .link(
                link.setting(key, nil).removing("offset").href, "\(label)：\(valueLabel(key, value, names: names, s)) ×",
                .cls("chip"), .attr("title", s.t("移除此筛选", "Remove this filter")))
        }
        return chips.isEmpty ? .empty : .div(.cls("chips"), .testid("active-filters"), .group(chips))
    }

    static func valueLabel(_ key: String, _ value: String, names: [String: String], _ s: Strings) -> String {
        switch key {
        case "department": return names[value] ?? value
        case "kind": return s.label(CatalogKind.self, value)
        case "theme": return s.label(Theme.self, value)
        case "sharing": return s.label(SharingType.self, value)
        case "open": return s.label(OpenType.self, value)
        case "cycle": return s.label(UpdateCycle.self, value)
        case "format": return s.label(ResourceFormat.self, value)
        case "status": return s.label(LifecycleState.self, value)
        default: return value
        }
    }

    static func results(_ items: [ResourceSummary], _ s: Strings) -> Body {
        guard !items.isEmpty else {
            return .p(.cls("empty"), .testid("no-results"), .esc(s.t("没有找到匹配的资源。", "No resources match.")))
        }
        return .ol(.cls("results"), .testid("results"), .group(items.map { Node<HTML.ListContext>.li(resultCard($0, s)) }))
    }

    static func resultCard(_ r: ResourceSummary, _ s: Strings) -> Body {
        .article(
            .cls("result"), .testid("result"),
            .h3(.link(SiteURL.resource(r.code).path, s.isEnglish ? (r.nameEn ?? r.name) : r.name, .testid("result-name"))),
            .p(
                .cls("meta"),
                .span(.cls("code"), .esc(r.code)),
                .span(.esc(r.departmentName ?? r.departmentCode)),
                .span(.esc(s.t("\(r.itemCount) 个信息项", r.itemCount == 1 ? "1 item" : "\(r.itemCount) items")))),
            .p(
                .cls("badges"),
                sharingBadge(r.sharingType, s), openBadge(r.openType, s),
                r.classified ? .badge(s.t("涉密", "Classified"), "secret") : .empty,
                r.status == LifecycleState.published.rawValue ? .empty : statusBadge(r.status, s))
        )
    }

    static func sharingBadge(_ raw: String, _ s: Strings) -> Body {
        .badge(s.label(SharingType.self, raw), "share-\(raw)")
    }

    static func openBadge(_ raw: String, _ s: Strings) -> Body {
        .badge(s.label(OpenType.self, raw), "open-\(raw)")
    }

    static func statusBadge(_ raw: String, _ s: Strings) -> Body {
        .badge(s.label(LifecycleState.self, raw), "state-\(raw)", testid: "status-badge")
    }
}
