import Foundation
import Plot
import DataBankCore

/// The cockpit's sections drawn from one ``CockpitFigures``: key figures, charts (through the one
/// renderer, ``ChartView``) and short lists, each with links to the page that details it.
struct CockpitSections {
    let s: Strings
    let f: CockpitFigures
    let names: [String: String]

    var lang: ChartLanguage { ChartLanguage(page: s.lang) }
    func name(_ code: String) -> String { names[code] ?? code }
    func figure(_ n: Int) -> String { ChartNumberFormat.value(Double(n)) }
    func departmentLink(_ code: String) -> Body { .link(SiteURL.department(code).path, name(code)) }

    func body(_ section: CockpitPage.Section) -> Body {
        switch section {
        case .totals: totals
        case .trend: trend
        case .network: network
        case .heat: heat
        case .quality: quality
        case .overdue: overdue
        case .demand: demand
        }
    }

    /// A heading with the link to the section's detail page.
    func head(_ title: String, _ detail: String, _ detailText: String) -> Body {
        .div(
            .cls("cockpit-head"), .h2(.esc(title)),
            .link(detail, detailText, .cls("cockpit-detail no-print"), .testid("cockpit-detail")))
    }

    // MARK: Sections

    var totals: Body {
        let tiles: [(Int, String, String, String)] = [
            (f.published, s.t("已发布资源", "Published resources"), SiteURL.catalog.path, "published"),
            (f.items, s.t("信息项", "Information items"), SiteURL.catalog.path, "items"),
            (f.departments, s.t("提供部门", "Providing departments"), SiteURL.departments.path, "departments"),
            (f.records, s.t("库内记录", "Records in stores"), SiteURL.catalog.path, "records"),
            (f.exchanges, s.t("累计交换次数", "Exchanges, all time"), SiteURL.heat.with([("period", HeatPeriod.year.rawValue)]), "exchanges"),
            (f.exchanges30, s.t("近 30 天交换", "Exchanges, 30 days"), SiteURL.heat.with([("period", HeatPeriod.month.rawValue)]), "exchanges-30"),
            (f.recordsOut, s.t("累计出库记录", "Records shared, all time"), SiteURL.heat.with([("period", HeatPeriod.year.rawValue)]), "records-out"),
            (f.activeGrants, s.t("有效授权", "Active grants"), SiteURL.grants.path, "grants"),
            (f.applicationsYear, s.t("近一年共享申请", "Applications, one year"), SiteURL.sharing.path, "applications")
        ]
        let items: [Body] = tiles.map { value, label, href, id in
            .el(
                "li",
                .el(
                    "a", .attr("href", href), .testid("cockpit-figure-\(id)"), .attr("title", figure(value)),
                    .span(.cls("figure-value"), .esc(value >= 1_000_000 ? ChartNumberFormat.abbreviated(Double(value), language: lang) : figure(value))),
                    .span(.cls("figure-label"), .esc(label))))
        }
        return .group([
            .h2(.cls("visually-hidden"), .esc(s.t("总量", "Totals"))),
            .el("ul", [.cls("figures cockpit-figures")] + items)
        ])
    }

    var trend: Body {
        let days = f.perDay
        let data = ChartData(
            categories: days.map(\.day), dates: days.compactMap { DateParsing.date($0.day).map(HeatSection.date) }, dateUnit: .day,
            series: [ChartSeries(name: s.t("交换次数", "Exchanges"), values: days.map { .number(Double($0.requests)) })],
            categoryLabel: s.t("日期", "Day"), valueLabel: s.t("交换次数", "Exchanges"))
        return .group([
            head(s.t("每日交换量（近一年）", "Exchanges per day (one year)"), SiteURL.heat.with([("period", HeatPeriod.year.rawValue)]), s.t("热度明细", "Heat details")),
            ChartView.figure(
                data,
                ChartSpec(
                    type: .line, title: s.t("每日交换量", "Exchanges per day"),
                    description: s.t("部门间每日数据交换次数（提供方自用不计）。", "Data exchanges between departments per day (a provider's own reads not counted)."),
                    width: 760, height: 280, language: lang, showsTitle: false, idPrefix: "cockpit-trend", testID: "cockpit-trend-chart"),
                testid: "cockpit-trend-figure")
        ])
    }

    /// The largest nodes (by volume) and the edges between them; the rest are counted under the chart.
    static let networkNodes = 14

    var network: Body {
        var totals: [String: Int] = [:]
        for e in f.network {
            totals[e.provider, default: 0] += e.requests
            totals[e.consumer, default: 0] += e.requests
        }
        let kept = Set(totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(Self.networkNodes).map(\.key))
        let edges = f.network.filter { kept.contains($0.provider) && kept.contains($0.consumer) }
        let providers = Array(Set(edges.map(\.provider))).sorted(), consumers = Array(Set(edges.map(\.consumer))).sorted()
        var matrix: [String: [String: Int]] = [:]
        for e in edges { matrix[e.provider, default: [:]][e.consumer] = e.requests }
        let data = ChartData(
            categories: consumers.map(name),
            series: providers.map { p in ChartSeries(name: name(p), values: consumers.map { c in matrix[p]?[c].map { .number(Double($0)) } ?? .missing }) },
            categoryLabel: s.t("使用部门", "Consumer"), valueLabel: s.t("交换次数", "Exchanges"), unit: s.t("次", ""))
        let hidden = totals.count - kept.count
        let rows: [[Body]] = f.network.prefix(5).map { e in
            [departmentLink(e.provider), departmentLink(e.consumer), .esc(figure(e.requests))]
        }
        return .group([
            head(s.t("部门共享网络（近 30 天）", "Sharing between departments (30 days)"), SiteURL.grants.path, s.t("授权明细", "Grants")),
            ChartView.figure(
                data,
                ChartSpec(
                    type: .network, title: s.t("部门共享网络", "Sharing network"),
                    description: s.t(
                        "圆点为部门（大小为收发总量），连线由提供方指向使用方，线宽为交换次数。",
                        "Dots are departments (sized by volume); lines run from provider to consumer, as wide as the exchanges."),
                    width: 760, height: 460, language: lang, showsTitle: false, idPrefix: "cockpit-network", testID: "cockpit-network-chart"),
                testid: "cockpit-network-figure"),
            hidden > 0
                ? .p(.cls("muted"), .esc(s.t("另有 \(hidden) 个部门交换量较小，未画出。", "\(hidden) more departments with smaller volumes are not drawn."))) : .empty,
            rows.isEmpty
                ? .empty
                : .dataTable([s.t("提供方", "Provider"), s.t("使用方", "Consumer"), s.t("交换次数", "Exchanges")], rows, testid: "cockpit-network-top")
        ])
    }

    static let heatDepartments = 10

    var heat: Body {
        var byDepartment: [String: Int] = [:]
        for c in f.heat { byDepartment[c.department, default: 0] += c.use }
        let departments = byDepartment.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(Self.heatDepartments).map(\.key)
        let used = Set(f.heat.filter { $0.use > 0 }.map(\.theme))
        let themes = Theme.allCases.filter { used.contains($0.rawValue) }
        var cells: [String: [String: Int]] = [:]
        for c in f.heat { cells[c.department, default: [:]][c.theme] = c.use }
        let data = ChartData(
            categories: themes.map { s.t($0.zh, $0.en) },
            series: departments.map { d in ChartSeries(name: name(d), values: themes.map { t in cells[d]?[t.rawValue].map { .number(Double($0)) } ?? .missing })
            },
            categoryLabel: s.t("主题", "Theme"), valueLabel: s.t("使用次数", "Uses"))
        return .group([
            head(s.t("各部门各主题热度（近 30 天）", "Heat by department and theme (30 days)"), SiteURL.heat.path, s.t("80/20 核心表", "80/20 core tables")),
            ChartView.figure(
                data,
                ChartSpec(
                    type: .heatGrid, title: s.t("部门 × 主题热度", "Heat by department × theme"),
                    description: s.t("使用次数 = 请求 + 门户浏览；使用量最大的 10 个提供部门。", "Uses = requests + portal views; the 10 most used providers."),
                    width: 1_120, height: 420, language: lang, showsTitle: false, idPrefix: "cockpit-heat", testID: "cockpit-heat-chart"),
                testid: "cockpit-heat-figure")
        ])
    }

    static let qualityDepartments = 16

    var quality: Body {
        let scored = f.quality.filter { $0.overall != nil }.sorted { ($0.overall ?? 0, $1.department) > ($1.overall ?? 0, $0.department) }
        let shown = Array(scored.prefix(Self.qualityDepartments))
        let data = ChartData(
            categories: shown.map { name($0.department) },
            series: [ChartSeries(name: s.t("综合得分", "Overall"), values: shown.map { .number(($0.overall ?? 0).rounded(toPlaces: 1)) })],
            categoryLabel: s.t("部门", "Department"), valueLabel: s.t("质量综合得分", "Overall quality"))
        let lowest = scored.suffix(3).reversed()
        let late = f.quality.reduce(0) { $0 + $1.late }
        return .group([
            head(s.t("各部门数据质量", "Quality by department"), SiteURL.quality.path, s.t("质量明细", "Quality details")),
            ChartView.figure(
                data,
                ChartSpec(
                    type: .horizontalBar, title: s.t("质量综合得分", "Overall quality"), width: 760, height: Double(60 + 24 * max(1, shown.count)),
                    language: lang, valueDomain: 0...100, showsTitle: false, idPrefix: "cockpit-quality", testID: "cockpit-quality-chart"),
                testid: "cockpit-quality-figure"),
            lowest.isEmpty
                ? .empty
                : .p(
                    .testid("cockpit-quality-lowest"), .esc(s.t("得分最低：", "Lowest: ")),
                    .group(
                        lowest.enumerated().map { k, d in
                            .group([
                                k > 0 ? .text(s.t("、", ", ")) : .empty, .link(SiteURL.departmentQuality(d.department).path, name(d.department)),
                                .text(" " + String(format: "%.1f", d.overall ?? 0))
                            ])
                        }),
                    .text(late > 0 ? s.t("；\(late) 个资源检查逾期。", "; \(late) resources checked late.") : "")),
            scored.count > shown.count
                ? .p(
                    .cls("muted"),
                    .esc(s.t("共 \(scored.count) 个部门有得分，图中为前 \(shown.count) 个。", "\(scored.count) departments scored; the top \(shown.count) shown.")))
                : .empty
        ])
    }

    var overdue: Body {
        let rows: [[Body]] = f.overdue.map { a in
            [
                .group([
                    .el("span", .cls("nowrap"), .link(SiteURL.application(a.id).path, a.resource, .testid("cockpit-overdue-application"))),
                    .div(.cls("muted nowrap"), .esc(s.t("截止 ", "due ") + a.deadline))
                ]),
                .group([departmentLink(a.provider), .text(" → "), departmentLink(a.consumer)])
            ]
        }
        return .group([
            head(s.t("超期申请", "Overdue applications"), SiteURL.sharing.with([], fragment: "overdue"), s.t("全部超期申请", "All overdue")),
            .p(
                .cls("cockpit-count"),
                .link(SiteURL.sharing.with([], fragment: "overdue"), figure(f.overdueCount), .cls("figure-value"), .testid("cockpit-overdue-count")),
                .text(" "), .esc(s.t("个共享申请超过审核期限未答复", "applications past their review deadline"))),
            rows.isEmpty
                ? .p(.cls("muted"), .esc(s.t("没有超期申请。", "Nothing overdue.")))
                : .dataTable(
                    [s.t("资源", "Resource"), s.t("提供方 → 申请方", "Provider → applicant")], rows, testid: "cockpit-overdue",
                    cls: "data compact")
        ])
    }

    var demand: Body {
        let unmet = f.unmetDemands
        let providers = f.demandByProvider.filter { $0.value.unmet > 0 }
            .sorted { $0.value.unmet != $1.value.unmet ? $0.value.unmet > $1.value.unmet : $0.key < $1.key }.prefix(3)
        let gaps: [[Body]] = f.gaps.prefix(5).map { g in
            [
                .group([
                    .link(SiteURL.demand(g.id).path, g.title, .testid("cockpit-gap")),
                    g.overdue ? .group([.text(" "), .badge(s.t("已超期", "Overdue"), "overdue")]) : .empty
                ]), .esc(String(g.departments))
            ]
        }
        return .group([
            head(s.t("未满足需求", "Unmet demand"), SiteURL.demands.path, s.t("需求登记", "Demands")),
            .p(
                .cls("cockpit-count"), .link(SiteURL.demands.path, figure(unmet), .cls("figure-value"), .testid("cockpit-unmet-count")), .text(" "),
                .esc(s.t("条需求尚未满足", "needs not yet met"))),
            providers.isEmpty
                ? .empty
                : .p(
                    .cls("muted"), .esc(s.t("最多：", "Most: ")),
                    .group(
                        providers.enumerated().map { k, p in
                            .group([
                                k > 0 ? .text(s.t("、", ", ")) : .empty,
                                p.key.isEmpty ? .esc(s.t("待指派", "unassigned")) : departmentLink(p.key), .text(" \(p.value.unmet)")
                            ])
                        })),
            gaps.isEmpty ? .empty : .dataTable([s.t("需求", "Need"), s.t("需要的部门", "Departments")], gaps, testid: "cockpit-gaps", cls: "data compact")
        ])
    }
}

extension Double {
    fileprivate func rounded(toPlaces places: Int) -> Double {
        let p = Foundation.pow(10, Double(places))
        return (self * p).rounded() / p
    }
}
