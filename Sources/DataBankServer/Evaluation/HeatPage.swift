import Plot
import Vapor
import DataBankCore

/// `GET /heat?period=30d`: the 80/20 view for the data authority and the stewards — every resource
/// the viewer sees by use as a Pareto chart, the core tables (the smallest set delivering 80 % of
/// use) and the departments owning them, the viewer's own department marked.
enum HeatPage {
    static func register(on app: Application) {
        app.grouped(WebMiddleware()).get("heat", use: show).gate(.signedIn)
    }

    static func show(req: Request) async throws -> Response {
        let s = req.strings
        let form = FormData(query: req)
        let period = HeatPeriod(rawValue: form["period"] ?? "") ?? .month
        let table = try await HeatAPI.table(period, req)
        let visible = try await HeatTable.visibleCodes(actor: req.actor, on: req.sql)
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        let own = req.user?.departmentCode
        let entries = table.entries.filter { visible.contains($0.code) }
        let core = entries.filter(\.core)
        let lang = ChartLanguage(page: s.lang)
        func name(_ e: HeatEntry) -> String { s.isEnglish ? (e.nameEn ?? e.name) : e.name }
        func figure(_ n: Int) -> String { ChartNumberFormat.value(Double(n)) }
        func ownMark(_ dept: String) -> Body {
            dept == own ? .group([.text(" "), .badge(s.t("本部门", "Your department"), "own", testid: "own-department")]) : .empty
        }

        let periods: [Body] = HeatPeriod.allCases.map { p in
            let label = s.t("近 \(p.days) 天", p.days == 1 ? "Last day" : "Last \(p.days) days")
            return p == period
                ? .span(.cls("chip on"), .attr("aria-current", "true"), .esc(label))
                : .link(SiteURL.heat.with([("period", p.rawValue)]), label, .cls("chip"), .testid("period-\(p.rawValue)"))
        }
        let share = table.entries.isEmpty ? 0 : Double(table.entries.filter(\.core).count) / Double(table.entries.count)
        let summary = s.t(
            "\(table.from.iso) 至 \(table.to.iso)：\(table.entries.count) 个资源共被使用 \(figure(table.totalUse)) 次（请求 + 门户浏览）；\(table.entries.filter(\.core).count) 个核心表（占资源的 \(Int((share * 100).rounded()))%）承担了 80% 的使用。",
            "\(table.from.iso) to \(table.to.iso): \(table.entries.count) resources were used \(figure(table.totalUse)) times (requests + portal views); \(table.entries.filter(\.core).count) core tables (\(Int((share * 100).rounded()))% of resources) deliver 80% of use."
        )
        let chartData = ChartData(
            categories: entries.map(name), series: [ChartSeries(name: s.t("使用次数", "Uses"), values: entries.map { .number(Double($0.use)) })],
            categoryLabel: s.t("资源", "Resource"), valueLabel: s.t("使用次数", "Uses"))
        let chart = ChartView.figure(
            chartData,
            ChartSpec(
                type: .pareto, title: s.t("资源使用帕累托图", "Use by resource (Pareto)"),
                description: s.t("按使用次数从高到低排列，折线为累计占比。", "Resources by use, most used first; the line is the cumulative share."),
                width: 880, height: 360, language: lang, showsTitle: false, idPrefix: "heat-pareto", testID: "heat-pareto"),
            testid: "heat-pareto-figure")
        let departments = table.coreDepartments()
        let departmentRows: [[Body]] = departments.map { d in
            [.group([.link(SiteURL.department(d.code).path, names[d.code] ?? d.code), ownMark(d.code)]), .esc(String(d.tables))]
        }
        func row(_ e: HeatEntry) -> [Body] {
            [
                .esc(String(e.rank)), .link(SiteURL.resource(e.code).path, name(e), .testid("heat-resource")),
                .group([.esc(names[e.departmentCode] ?? e.departmentCode), ownMark(e.departmentCode)]), .esc(figure(e.use)),
                .esc(String(format: "%.1f", e.score)), .esc(String(e.percentile)), .esc("\(Int((e.cumulativeShare * 100).rounded()))%")
            ]
        }
        let headers = [
            s.t("名次", "Rank"), s.t("资源", "Resource"), s.t("提供部门", "Provider"), s.t("使用次数", "Uses"), s.t("热度分", "Heat score"),
            s.t("百分位", "Percentile"), s.t("累计占比", "Cumulative")
        ]
        let mine = own.map { code in entries.filter { $0.departmentCode == code } } ?? []
        var content: [Body] = [
            Layout.heading(
                s.t("数据热度与核心表", "Heat and the core tables"),
                sub: s.t("热数据优先：按 80/20 原则找出承担八成使用的核心表。", "Hot data first: the core tables that carry 80% of use.")),
            .p(.cls("chips"), .testid("heat-periods"), .group(periods)),
            .section(.cls("card"), .p(.testid("heat-summary"), .esc(summary)), chart),
            .div(
                .cls("columns"),
                .section(
                    .cls("card"), .h2(.esc(s.t("核心表所属部门", "Departments owning core tables"))),
                    departmentRows.isEmpty
                        ? .p(.cls("muted"), .esc(s.t("本期没有使用记录。", "No use in this period.")))
                        : .dataTable([s.t("部门", "Department"), s.t("核心表", "Core tables")], departmentRows, testid: "core-departments")),
                .section(
                    .cls("card"), .h2(.esc(s.t("热度分怎么算", "How the score is computed"))),
                    .p(
                        .cls("muted"),
                        .esc(
                            s.t(
                                "热度分 = Σ 权重 × ln(1 + 计数)：请求 1、出库记录 0.5、使用部门 3、应用 2、下载 1、门户浏览 0.5、核验 1、申请 2；百分位为得分低于它的资源所占比例。",
                                "Score = Σ weight × ln(1 + count): requests 1, records out 0.5, departments 3, apps 2, downloads 1, portal views 0.5, verifications 1, applications 2; the percentile is the share of resources scoring lower."
                            )))))
        ]
        content.append(
            .section(
                .cls("card"), .h2(.esc(s.t("核心表（\(core.count)）", "Core tables (\(core.count))"))),
                core.isEmpty ? .p(.cls("muted"), .esc(s.t("本期没有使用记录。", "No use in this period."))) : .dataTable(headers, core.map(row), testid: "core-tables")))
        if !mine.isEmpty {
            content.append(
                .section(
                    .cls("card"), .h2(.esc(s.t("本部门资源热度", "Your department's resources"))),
                    .dataTable(headers, mine.map(row), testid: "own-resources")))
        }
        return Layout.render(req, title: s.t("数据热度", "Heat"), path: SiteURL.heat.path, content)
    }
}
