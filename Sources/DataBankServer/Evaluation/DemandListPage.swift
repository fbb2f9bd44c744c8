import Plot
import Vapor
import DataBankCore

/// `GET /demands`: 需求登记 — every demand (a registered member of the public: their own), filtered by
/// state, provider and "mine"; the unmet counts per provider and per theme; for the data authority the
/// demands waiting to be assigned and the gap list (demanded but not met).
enum DemandListPage {
    static func show(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let s = req.strings
        let today = req.application.today
        let filter = try Demands.filter(req)
        let rows = try await Demands.list(req, filter, limit: 300)
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        var banners: [Body] = []
        if req.query[String.self, at: "registered"] != nil {
            banners.append(Layout.okBanner(s.t("需求已登记。", "Demand registered.")))
        }

        // Filters: a GET form (state, provider, mine), usable without script.
        let states: [(String, String)] = [("", s.t("全部状态", "All states"))] + DemandState.allCases.map { ($0.rawValue, s.t($0.zh, $0.en)) }
        let providers: [(String, String)] =
            [("", s.t("全部提供方", "All providers")), ("none", s.t("待指派", "Unassigned"))]
            + names.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let filters: Body = .section(
            .cls("card"), .testid("demand-filters"),
            .getForm(
                SiteURL.demands.path,
                [
                    .cls("filter-bar"),
                    .el("label", .attr("for", "state"), .esc(s.t("状态", "State"))),
                    .select("state", states, selected: filter.state?.rawValue ?? "", .testid("filter-state")),
                    .el("label", .attr("for", "provider"), .esc(s.t("提供方", "Provider"))),
                    .select("provider", providers, selected: filter.provider ?? "", .testid("filter-provider")),
                    .el(
                        "label",
                        .input([.v("type", "checkbox"), .v("name", "mine"), .v("value", "1"), .on("checked", filter.mine), .v("data-testid", "filter-mine")]),
                        .esc(" " + s.t("本部门登记的", "Registered by my department"))),
                    .submit(s.t("筛选", "Filter"), .testid("filter-submit"))
                ]))

        let table: Body =
            rows.isEmpty
            ? SharingWeb.empty(s, "demands-empty", "没有符合条件的需求。", "No demand matches.")
            : .dataTable(
                [
                    s.t("需求", "Demand"), s.t("提出方", "Requester"), s.t("提供方", "Provider"), s.t("状态", "State"), s.t("答复期限", "Answer by"),
                    s.t("我也需要", "Votes"), s.t("登记时间", "Registered")
                ],
                rows.map { r in
                    [
                        .link(SiteURL.demand(r.id ?? UUID()).path, r.title, .testid("demand-link")),
                        .esc(DemandWeb.requester(r, names, s)), .esc(DemandWeb.provider(r.providerCode, names, s)),
                        DemandWeb.stateBadge(r.demandState, s), DemandWeb.due(r, today: today, s), .esc(String(r.voteCount)),
                        .esc(s.dateTime(r.createdAt))
                    ]
                }, testid: "demands")

        var sections: [Body] = [filters, .section(.cls("card"), .h2(.esc(s.t("需求（\(rows.count)）", "Demands (\(rows.count))"))), table)]
        if user.role.isStaff {
            sections.append(try await countsSection(req, names: names))
        }
        if req.can(.readDemandGaps) {
            let gaps = try await DemandCounting.gaps(today: today, limit: 20, on: req.db)
            sections.append(
                .section(
                    .cls("card"), .attr("id", "gaps"), .testid("demand-gaps"),
                    .h2(.esc(s.t("数据缺口（已提需求、尚未满足）", "Gaps (demanded, not met)"))),
                    .p(
                        .cls("hint"),
                        .esc(
                            s.t(
                                "按需要的部门数（提出方加“我也需要”）排序，其次按紧急程度。",
                                "Most departments waiting first (the requester plus votes), then the most urgent."))),
                    gaps.isEmpty
                        ? SharingWeb.empty(s, "gaps-empty")
                        : .dataTable(
                            [s.t("需求", "Demand"), s.t("提供方", "Provider"), s.t("主题", "Theme"), s.t("状态", "State"), s.t("需要的部门", "Departments")],
                            gaps.map { g in
                                [
                                    .link(SiteURL.demand(g.id).path, g.title), .esc(DemandWeb.provider(g.provider, names, s)),
                                    .esc(DemandWeb.theme(g.theme, s)),
                                    DemandWeb.stateBadge(DemandState(rawValue: g.state) ?? .pending, s), .esc(String(g.departments))
                                ]
                            }, testid: "gaps")))
        }
        let register: Body =
            req.can(.registerDemand, department: user.departmentCode)
            ? .p(.cls("actions-row"), .link(SiteURL.newDemand.path, s.t("登记需求", "Register a demand"), .cls("button primary"), .testid("new-demand")))
            : .empty
        return Layout.render(
            req, title: s.t("需求登记", "Data demands"), path: SiteURL.demands.path, banners: banners,
            [
                Layout.heading(
                    s.t("需求登记", "Data demands"),
                    sub: s.t(
                        "各部门登记需要而目录中还没有的数据：提供方受理、满足或说明无法满足；其他部门可表示“我也需要”。",
                        "Data departments need and the catalog lacks: the provider accepts, meets or declines; other departments say they need it too."),
                    register)
            ] + sections)
    }

    /// Unmet demand per provider and per theme: the most unmet first.
    static func countsSection(_ req: Request, names: [String: String]) async throws -> Body {
        let s = req.strings
        let byProvider = try await DemandCounting.byProvider(on: req.db).sorted { ($0.value.unmet, $1.key) > ($1.value.unmet, $0.key) }
        let byTheme = try await DemandCounting.byTheme(on: req.db).sorted { ($0.value.unmet, $1.key) > ($1.value.unmet, $0.key) }
        let headers = [s.t("未满足", "Unmet"), s.t("待受理", "Pending"), s.t("已受理", "Accepted"), s.t("无法满足", "Declined"), s.t("已满足", "Fulfilled")]
        func cells(_ c: DemandCounts) -> [Body] {
            [.strong(.esc(String(c.unmet))), .esc(String(c.pending)), .esc(String(c.accepted)), .esc(String(c.declined)), .esc(String(c.fulfilled))]
        }
        return .section(
            .cls("card"), .attr("id", "counts"), .testid("demand-counts"),
            .h2(.esc(s.t("未满足的需求", "Unmet demand"))),
            .div(
                .cls("columns even demand-counts"),
                .div(
                    .h3(.esc(s.t("按提供方", "By provider"))),
                    .dataTable(
                        [s.t("提供方", "Provider")] + headers,
                        byProvider.prefix(15).map { k, c in
                            [k.isEmpty ? Body.esc(DemandWeb.provider(nil, names, s)) : Body.link(SiteURL.demands.with([("provider", k)]), names[k] ?? k)]
                                + cells(c)
                        }, testid: "counts-provider", cls: "data compact")),
                .div(
                    .h3(.esc(s.t("按主题", "By theme"))),
                    .dataTable(
                        [s.t("主题", "Theme")] + headers, byTheme.prefix(17).map { k, c in [Body.esc(DemandWeb.theme(k, s))] + cells(c) },
                        testid: "counts-theme", cls: "data compact"))))
    }
}
