import Plot
import Vapor
import DataBankCore

/// One unit's evaluation report: total, rank, assessment points, the dimensions, the trend across
/// periods (a chart through the visualisation renderer), every indicator with the facts it used and a
/// link to the rows behind them, the expert adjustments with their reasons; exports and print.
enum EvaluationUnitPage {
    static func context(_ req: Request) async throws -> (EvaluationRunRow, String) {
        let department = try req.parameters.require("department")
        try req.authorize(.readEvaluation, department: department)
        return (try await EvaluationRuns.find(req.parameters.get("id", as: UUID.self), on: req.db), department)
    }

    static func show(req: Request) async throws -> Response { try await render(req, failure: nil) }

    static func render(_ req: Request, failure: AppError?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let (run, department) = try await context(req)
        let s = req.strings
        let report = try await EvaluationReports.unit(run, department: department, language: s.lang, on: req.db)
        let id = try run.requireID()
        var content: [Body] = [
            .div(
                .cls("page-head"),
                .p(
                    .cls("crumbs no-print"), .link(SiteURL.evaluation.path, s.t("绩效评估", "Performance evaluation")), .text(" › "),
                    .link(SiteURL.evaluationRun(id).path, report.run.periodLabel)),
                .h1(.testid("page-title"), .esc(s.t("\(report.name) · \(report.run.periodLabel)评估报告", "\(report.name) · evaluation \(report.run.period)"))),
                .p(
                    .cls("sub no-print"),
                    .link(SiteURL.evaluationExport(id, department, .xlsx).path, s.t("导出 XLSX", "Export XLSX"), .testid("export-xlsx")), .text(" · "),
                    .link(SiteURL.evaluationExport(id, department, .pdf).path, s.t("导出 PDF", "Export PDF"), .testid("export-pdf")), .text(" · "),
                    .el("button", .attr("type", "button"), .cls("link-button"), .attr("onclick", "window.print()"), .esc(s.t("打印", "Print"))))),
            failure.map { Layout.errorBanner($0, s) } ?? .empty
        ]
        content += body(report, s, run: id)
        if req.can(.manageEvaluation), !run.isFrozen { content.append(adjustForm(report, s, run: id, csrf: req.csrfToken)) }
        return Layout.render(req, title: s.t("评估报告", "Evaluation report"), status: status, path: SiteURL.evaluationUnit(id, department).path, content)
    }

    /// The report itself (the page's and the PDF's content).
    static func body(_ report: EvaluationUnitReport, _ s: Strings, run: UUID) -> [Body] {
        let score = EvaluationPages.score
        let summary: [(String, Body)] = [
            (s.t("评估方案", "Scheme"), .esc(report.run.schemeName)),
            (
                s.t("评估期", "Period"),
                .esc(s.t("\(report.run.periodLabel)（\(report.run.from) – \(report.run.to)）", "\(report.run.period) (\(report.run.from) – \(report.run.to))"))
            ),
            (s.t("状态", "State"), EvaluationPages.stateBadge(report.run.state, s)),
            (s.t("单位类型", "Unit type"), .esc(report.unitTypeName)),
            (s.t("总分", "Total"), .strong(.testid("unit-total"), .esc(score(report.total)))),
            (s.t("类型内排名", "Rank in type"), .span(.testid("unit-rank"), .esc("\(report.rank) / \(report.of)"))),
            (
                s.t("年度考核得分", "Annual assessment points"),
                .esc("\(String(format: "%.3f", report.assessmentPoints)) / \(EvaluationScheme.format(report.assessmentWeight))")
            )
        ]
        let dimensionRows: [[Body]] = report.dimensions.map { [.esc($0.name), .esc(EvaluationScheme.format($0.weight)), .esc(score($0.score))] }
        let trend = ChartView.figure(
            ChartData(
                categories: report.trend.map(\.period), series: [ChartSeries(name: s.t("总分", "Total"), values: report.trend.map { .number($0.total) })],
                categoryLabel: s.t("评估期", "Period"), valueLabel: s.t("总分", "Total")),
            ChartSpec(
                type: report.trend.count > 1 ? .line : .bar, title: s.t("历期总分", "Total across periods"), width: 460, height: 220,
                language: ChartLanguage(page: s.lang), valueDomain: 0...100, showsTitle: false, idPrefix: "unit-trend", testID: "unit-trend"),
            testid: "unit-trend-figure")
        let indicatorRows: [[Body]] = report.indicators.map { i in
            let facts: [Body] = i.facts.sorted { $0.key < $1.key }.map { .el("div", .esc("\($0.key) = \(EvaluationScheme.format($0.value))")) }
            let adjustments: [Body] = i.adjustments.map {
                .p(
                    .cls("adjustment"), .testid("adjustment"),
                    .esc(
                        s.t(
                            "专家调整 \($0.points >= 0 ? "+" : "")\(EvaluationScheme.format($0.points))：\($0.reason)（\($0.by)）",
                            "Expert adjustment \($0.points >= 0 ? "+" : "")\(EvaluationScheme.format($0.points)): \($0.reason) (\($0.by))")))
            }
            let evidence: Body =
                i.evidence.map { e in
                    .link(e.link, s.t("查看依据", "See the facts"), .testid("evidence-\(i.code)"))
                } ?? .empty
            return [
                .group([.esc(i.name), .el("div", .cls("muted"), .el("code", .esc(i.formula)))]),
                .esc(EvaluationDimension(rawValue: i.dimension).map { s.t($0.zh, $0.en) } ?? i.dimension), .esc(EvaluationScheme.format(i.weight)),
                .group(facts + [.el("div", evidence)]), .esc(score(i.computed)), .strong(.esc(score(i.score))), .group(adjustments)
            ]
        }
        return [
            .section(.cls("card"), .testid("unit-summary"), .fields(summary)),
            .div(
                .cls("columns"),
                .section(
                    .cls("card"), .h2(.esc(s.t("三个维度", "The three dimensions"))),
                    .dataTable([s.t("维度", "Dimension"), s.t("权重", "Weight"), s.t("得分", "Score")], dimensionRows, testid: "unit-dimensions")),
                .section(.cls("card"), .h2(.esc(s.t("历期趋势", "Trend"))), trend)),
            .section(
                .cls("card"), .h2(.esc(s.t("指标得分与依据", "Indicators and their evidence"))),
                .dataTable(
                    [
                        s.t("指标与公式", "Indicator and formula"), s.t("维度", "Dimension"), s.t("权重", "Weight"), s.t("所用事实", "Facts used"),
                        s.t("计算得分", "Computed"), s.t("得分", "Score"), s.t("专家调整", "Adjustments")
                    ], indicatorRows, testid: "unit-indicators", cls: "data evaluation-indicators"))
        ]
    }

    static func adjustForm(_ report: EvaluationUnitReport, _ s: Strings, run: UUID, csrf: String) -> Body {
        .section(
            .cls("card no-print"), .testid("adjust-form"), .h2(.esc(s.t("专家调整", "Expert adjustment"))),
            .postForm(
                SiteURL.evaluationAdjust(run, report.department).path, csrf: csrf,
                [
                    .cls("filter-bar"),
                    .el("label", .attr("for", "indicator"), .esc(s.t("指标", "Indicator"))),
                    .select("indicator", report.indicators.map { ($0.code, $0.name) }, selected: nil, .attr("id", "indicator")),
                    .el("label", .attr("for", "points"), .esc(s.t("调整分值（-100 至 100）", "Points (-100 to 100)"))),
                    .input([.v("name", "points"), .v("id", "points"), .v("type", "number"), .v("step", "0.1"), .v("data-testid", "points")]),
                    .el("label", .attr("for", "reason"), .esc(s.t("理由（必填）", "Reason (required)"))),
                    .input([.v("type", "text"), .v("name", "reason"), .v("id", "reason"), .v("data-testid", "reason")]),
                    .submit(s.t("记录调整", "Record"), .cls("primary"), .testid("adjust-submit"))
                ]))
    }

    static func adjust(req: Request) async throws -> Response {
        try req.authorize(.manageEvaluation)
        let (run, department) = try await context(req)
        let form = FormData(body: req)
        let input = EvaluationRuns.AdjustmentInput(indicator: form["indicator"], points: form["points"].flatMap(Double.init), reason: form["reason"])
        do {
            try TextLimit.check(input.boundedFields)
            try await EvaluationRuns.adjust(
                run, department: department, input, by: try req.requireUser().username, now: req.application.settings.now(), on: req.db)
            return Layout.seeOther(SiteURL.evaluationUnit(try run.requireID(), department).path)
        } catch let e as AppError where e.status.code < 500 {
            return try await render(req, failure: e, status: e.status)
        }
    }

    /// A row's state in the page's language: an application's status, a demand's state, a store's update cycle.
    static func stateLabel(_ list: EvaluationEvidence.List, _ raw: String, _ s: Strings) -> String {
        switch list {
        case .applications: ApplicationStatus(rawValue: raw).map { s.t($0.zh, $0.en) } ?? raw
        case .demands: DemandState(rawValue: raw).map { s.t($0.zh, $0.en) } ?? raw
        case .stores: UpdateCycle(rawValue: raw).map { s.t($0.zh, $0.en) } ?? raw
        }
    }

    /// The rows behind a fact (`applications`, `demands`, `stores`): the late, unmet or stale ones marked.
    static func facts(req: Request) async throws -> Response {
        let (run, department) = try await context(req)
        let s = req.strings
        guard let list = EvaluationEvidence.List(rawValue: try req.parameters.require("list")) else { throw AppError.notFound("Fact list") }
        let rows = try await EvaluationEvidence.rows(list, run: run, department: department, now: req.application.settings.now(), on: req.db)
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        let id = try run.requireID()
        let title: String
        let headers: [String]
        switch list {
        case .applications:
            title = s.t("共享申请（答复期限按工作日计算）", "Applications (deadlines in working days)")
            headers = [s.t("申请", "Application"), s.t("提交", "Filed"), s.t("期限", "Due"), s.t("答复", "Answered"), s.t("状态", "State"), ""]
        case .demands:
            title = s.t("收到的需求", "Demands received")
            headers = [s.t("需求", "Demand"), s.t("登记", "Registered"), s.t("期限", "Due"), s.t("答复", "Answered"), s.t("状态", "State"), ""]
        case .stores:
            title = s.t("数据库更新情况", "Store updates")
            headers = [s.t("资源", "Resource"), "", "", s.t("最近一次入库", "Last load"), s.t("更新周期", "Update cycle"), ""]
        }
        let late = rows.filter(\.late).count
        let table: [[Body]] = rows.map { r in
            [
                .link(r.link, r.title, .testid("fact-row")), .esc(r.created), .esc(r.due ?? ""), .esc(r.answered ?? "—"), .esc(stateLabel(list, r.state, s)),
                r.late ? .badge(s.t("扣分", "Counts against"), "late", testid: "fact-late") : .empty
            ]
        }
        let content: [Body] = [
            .div(
                .cls("page-head"),
                .p(
                    .cls("crumbs"), .link(SiteURL.evaluation.path, s.t("绩效评估", "Performance evaluation")), .text(" › "),
                    .link(SiteURL.evaluationUnit(id, department).path, names[department] ?? department)),
                .h1(.testid("page-title"), .esc(title)),
                .p(
                    .cls("sub"), .testid("facts-summary"),
                    .esc(
                        s.t(
                            "\(run.periodFrom) 至 \(run.periodTo)：\(rows.count) 条，其中 \(late) 条扣分。",
                            "\(run.periodFrom) to \(run.periodTo): \(rows.count) rows, \(late) counting against the unit.")))),
            .section(
                .cls("card"),
                rows.isEmpty ? .p(.cls("muted"), .esc(s.t("本期没有记录。", "Nothing in this period."))) : .dataTable(headers, table, testid: "fact-rows"))
        ]
        return Layout.render(req, title: title, path: SiteURL.evaluationFacts(id, department, list.rawValue).path, content)
    }
}
