import Plot
import SQLKit
import Vapor
import DataBankCore

/// The heat card of a resource page: its 30-day score and percentile (the kept scores the catalog
/// sorts by), its figures over 7, 30 and 365 days, and two trend charts (30 days by day, a year by week).
enum HeatSection {
    static func render(_ req: Request, code: String) async throws -> Body {
        let s = req.strings
        try await HeatScores.ensureFresh(req)
        let kept = try await req.sql.raw("SELECT score, percentile FROM heat_scores WHERE resource_code = \(bind: code)").first()
        let score = try kept?.decode(column: "score", as: Double.self) ?? 0
        let percentile = try kept?.decode(column: "percentile", as: Int.self) ?? 0
        let history = try await HeatHistory.load(code, today: HeatFacts.day(req.application.settings.now()), on: req.db)
        let lang = ChartLanguage(page: s.lang)
        let periods: [HeatPeriod] = [.week, .month, .year]
        let counts = periods.map { history.counts($0) }
        func cells(_ f: (HeatCounts) -> Int) -> [Body] { counts.map { .esc(ChartNumberFormat.value(Double(f($0)))) } }
        let rows: [[Body]] = [
            [.esc(s.t("请求", "Requests"))] + cells(\.queries), [.esc(s.t("出库记录", "Records out"))] + cells(\.recordsOut),
            [.esc(s.t("使用部门", "Consumer departments"))] + cells(\.departments), [.esc(s.t("应用", "Apps"))] + cells(\.apps),
            [.esc(s.t("下载", "Downloads"))] + cells(\.downloads), [.esc(s.t("门户浏览", "Portal views"))] + cells(\.portalViews),
            [.esc(s.t("核验", "Verifications"))] + cells(\.verifications), [.esc(s.t("共享申请", "Applications"))] + cells(\.applications),
            [.esc(s.t("热度分", "Heat score"))] + counts.map { .esc(String(format: "%.1f", HeatScore.score($0))) }
        ]
        let month = Array(history.days.suffix(30))
        let monthData = ChartData(
            categories: month.map(\.day), dates: month.compactMap { DateParsing.date($0.day).map(date) }, dateUnit: .day,
            series: [ChartSeries(name: s.t("请求", "Requests"), values: month.map { .number(Double($0.queries + $0.portalViews)) })],
            categoryLabel: s.t("日期", "Day"), valueLabel: s.t("使用次数", "Uses"))
        // A year by week (52 weeks ending today), so the trend is readable.
        let weeks = stride(from: history.days.count - 364, to: history.days.count, by: 7).map { Array(history.days[$0..<min($0 + 7, history.days.count)]) }
        let yearData = ChartData(
            categories: weeks.map { $0[0].day }, dates: weeks.compactMap { DateParsing.date($0[0].day).map(date) }, dateUnit: .week,
            series: [ChartSeries(name: s.t("每周使用", "Uses per week"), values: weeks.map { .number(Double($0.reduce(0) { $0 + $1.queries + $1.portalViews })) })],
            categoryLabel: s.t("周", "Week"), valueLabel: s.t("使用次数", "Uses"))
        return .section(
            .cls("card"), .testid("resource-heat"), .attr("id", "heat"),
            .h2(.esc(s.t("热度", "Heat"))),
            .p(
                .testid("heat-score"),
                .esc(
                    s.t(
                        "近 30 天热度分 \(String(format: "%.1f", score))，高于 \(percentile)% 的资源。",
                        "Heat score \(String(format: "%.1f", score)) over 30 days, above \(percentile)% of resources.")),
                .text(" "), .link(SiteURL.heat.path, s.t("查看 80/20 核心表", "See the 80/20 core tables"))),
            .dataTable([""] + periods.map { s.t("近 \($0.days) 天", $0.days == 1 ? "1 day" : "\($0.days) days") }, rows, testid: "heat-figures"),
            .div(
                .cls("columns"),
                ChartView.figure(
                    monthData,
                    ChartSpec(
                        type: .bar, title: s.t("近 30 天每日使用", "Uses per day, 30 days"), width: 420, height: 220, language: lang,
                        idPrefix: "heat-30", testID: "heat-trend-30"), testid: "heat-trend-30-figure"),
                ChartView.figure(
                    yearData,
                    ChartSpec(
                        type: .line, title: s.t("近一年每周使用", "Uses per week, one year"), width: 420, height: 220, language: lang,
                        idPrefix: "heat-365", testID: "heat-trend-365"), testid: "heat-trend-365-figure")))
    }

    static func date(_ d: CivilDate) -> Date { Date(timeIntervalSince1970: Double(d.daysSinceEpoch) * 86_400) }
}
