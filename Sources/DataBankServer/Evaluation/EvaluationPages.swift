import Plot
import Vapor
import DataBankCore

/// The evaluation pages: `/evaluation` (the runs, and for the data authority the form that starts
/// one), `/evaluation/runs/{id}` (a run's ranking by unit type, its freeze) and the unit report
/// (``EvaluationUnitPage``).
enum EvaluationPages {
    static func register(on app: Application) {
        let web = app.grouped(WebMiddleware())
        web.get("evaluation", use: list).gate(.action(.readEvaluation))
        web.post("evaluation", use: start).gate(.action(.manageEvaluation))
        web.get("evaluation", "runs", ":id", use: run).gate(.action(.readEvaluation))
        web.post("evaluation", "runs", ":id", "freeze", use: freeze).gate(.action(.manageEvaluation))
        web.get("evaluation", "runs", ":id", "units", ":department", use: EvaluationUnitPage.show).gate(.action(.readEvaluation))
        web.post("evaluation", "runs", ":id", "units", ":department", "adjust", use: EvaluationUnitPage.adjust).gate(.action(.manageEvaluation))
        web.get("evaluation", "runs", ":id", "units", ":department", "facts", ":list", use: EvaluationUnitPage.facts)
            .gate(.action(.readEvaluation))
    }

    static func reach(_ req: Request) throws -> Authorization.Reach {
        let reach = Authorization.reach(req.actor, .readEvaluation)
        if reach == .none { try req.authorize(.readEvaluation) }
        return reach
    }

    static func stateBadge(_ state: String, _ s: Strings) -> Body {
        state == EvaluationRunState.frozen.rawValue
            ? .badge(s.t("已定稿", "Frozen"), "frozen", testid: "run-state") : .badge(s.t("进行中", "Open"), "open", testid: "run-state")
    }

    static func score(_ x: Double) -> String { String(format: "%.2f", x) }

    static func list(req: Request) async throws -> Response { try await renderList(req, failure: nil) }

    static func renderList(_ req: Request, failure: AppError?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let reach = try reach(req)
        let s = req.strings
        let runs = try await EvaluationRunRow.query(on: req.db).sort(\.$period, .descending).sort(\.$createdAt, .descending).range(0..<200).all()
        let schemes = try await EvaluationSchemes.all(on: req.db)
        let own: String? = if case .own(let code) = reach { code } else { nil }
        let rows: [[Body]] = runs.map { r in
            let info = EvaluationRunInfo(r, language: s.lang)
            let target =
                own.map { SiteURL.evaluationUnit(r.id ?? UUID(), $0).path } ?? SiteURL.evaluationRun(r.id ?? UUID()).path
            return [
                .link(target, s.isEnglish ? info.period : info.periodLabel, .testid("run-link")), .esc(info.schemeName), stateBadge(r.state, s),
                .esc(info.empty ? s.t("无数据", "No data") : String(r.unitCount)), .esc(r.createdAt.map { DisplayTime.format($0, s.lang) } ?? "")
            ]
        }
        var content: [Body] = [
            Layout.heading(
                s.t("绩效评估", "Performance evaluation"),
                sub: s.t(
                    "按数据治理、数据应用、数据管控三个维度，用平台记录的事实为各单位评分；定稿后即为该期报告，不再改变。",
                    "Units scored on data governance, application and control from the facts the platform records; a frozen run is the period's report and never changes."
                )),
            failure.map { Layout.errorBanner($0, s) } ?? .empty,
            .section(
                .cls("card"), .h2(.esc(s.t("评估批次", "Runs"))),
                rows.isEmpty
                    ? .p(.cls("muted"), .testid("runs-empty"), .esc(s.t("还没有评估批次。", "No evaluation has been run yet.")))
                    : .dataTable(
                        [s.t("评估期", "Period"), s.t("方案", "Scheme"), s.t("状态", "State"), s.t("单位数", "Units"), s.t("计算时间", "Computed")], rows,
                        testid: "runs"))
        ]
        if req.can(.manageEvaluation) {
            let form = FormData(body: req)
            content.append(
                .section(
                    .cls("card no-print"), .testid("run-form"), .h2(.esc(s.t("开始评估", "Run an evaluation"))),
                    .postForm(
                        SiteURL.evaluation.path, csrf: req.csrfToken,
                        [
                            .cls("filter-bar"),
                            .el("label", .attr("for", "scheme"), .esc(s.t("方案", "Scheme"))),
                            .select(
                                "scheme", schemes.map { ($0.code, s.isEnglish ? $0.nameEn : $0.name) }, selected: form["scheme"] ?? "default",
                                .attr("id", "scheme")),
                            .el("label", .attr("for", "period"), .esc(s.t("评估期", "Period"))),
                            .input([
                                .v("type", "text"), .v("name", "period"), .v("id", "period"), .v("value", form["period"] ?? String(req.application.today.year)),
                                .v("placeholder", "2026 / 2026-Q3 / 2026-11"), .v("data-testid", "period")
                            ]),
                            .submit(s.t("计算", "Compute"), .cls("primary"), .testid("run-submit"))
                        ]),
                    .p(
                        .cls("muted"),
                        .esc(s.t("评估期可写作 2026（年度）、2026-Q3（季度）或 2026-11（月度）。", "A period is 2026 (a year), 2026-Q3 (a quarter) or 2026-11 (a month).")))
                ))
        }
        return Layout.render(req, title: s.t("绩效评估", "Performance evaluation"), status: status, path: SiteURL.evaluation.path, content)
    }

    static func start(req: Request) async throws -> Response {
        try req.authorize(.manageEvaluation)
        let form = FormData(body: req)
        do {
            let row = try await EvaluationRuns.run(
                schemeCode: form["scheme"] ?? "default", period: form["period"] ?? "", by: try req.requireUser().username,
                now: req.application.settings.now(), on: req.db)
            return Layout.seeOther(SiteURL.evaluationRun(row.id ?? UUID()).path)
        } catch let e as AppError where e.status.code < 500 {
            return try await renderList(req, failure: e, status: e.status)
        }
    }

    static func run(req: Request) async throws -> Response { try await renderRun(req, failure: nil) }

    static func renderRun(_ req: Request, failure: AppError?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let reach = try reach(req)
        let s = req.strings
        let row = try await EvaluationRuns.find(req.parameters.get("id", as: UUID.self), on: req.db)
        let id = try row.requireID()
        let answer = try await EvaluationReports.ranking(row, reach: reach, language: s.lang, on: req.db)
        let info = answer.run
        var content: [Body] = [
            .div(
                .cls("page-head"),
                .p(.cls("crumbs"), .link(SiteURL.evaluation.path, s.t("绩效评估", "Performance evaluation"))),
                .h1(.testid("page-title"), .esc(s.t("\(info.periodLabel) 评估排名", "Ranking, \(info.period)")), .text(" "), stateBadge(row.state, s)),
                .p(.cls("sub"), .esc("\(info.schemeName) · \(info.from) – \(info.to)"))),
            failure.map { Layout.errorBanner($0, s) } ?? .empty
        ]
        if let message = answer.message {
            content.append(.section(.cls("card"), .p(.testid("empty-report"), .esc(message))))
        }
        for type in answer.unitTypes {
            let lines = answer.ranking.filter { $0.unitType == type.code }
            guard !lines.isEmpty else { continue }
            let rows: [[Body]] = lines.map { l in
                [
                    .esc(String(l.rank)), .link(SiteURL.evaluationUnit(id, l.department).path, l.name, .testid("unit-link")),
                    .strong(.esc(score(l.total))), .esc(score(l.dimensions["governance"] ?? 0)), .esc(score(l.dimensions["application"] ?? 0)),
                    .esc(score(l.dimensions["control"] ?? 0)), .esc(String(format: "%.3f", l.assessmentPoints))
                ]
            }
            let chart = ChartView.figure(
                ChartData(
                    categories: lines.map(\.name), series: [ChartSeries(name: s.t("总分", "Total"), values: lines.map { .number($0.total) })],
                    categoryLabel: s.t("单位", "Unit"), valueLabel: s.t("总分", "Total")),
                ChartSpec(
                    type: .horizontalBar, title: s.t("\(type.name)总分", "\(type.nameEn): totals"), width: 880,
                    height: Double(max(160, 26 * lines.count + 60)), language: ChartLanguage(page: s.lang), valueDomain: 0...100, showsTitle: false,
                    idPrefix: "rank-\(type.code)", testID: "ranking-chart-\(type.code)"), testid: "ranking-figure-\(type.code)")
            content.append(
                .section(
                    .cls("card"), .testid("ranking-\(type.code)"),
                    .h2(
                        .esc(
                            s.t(
                                "\(type.name)（\(lines.count) 个，年度考核 \(EvaluationScheme.format(type.assessmentWeight)) 分）",
                                "\(type.nameEn) (\(lines.count); worth \(EvaluationScheme.format(type.assessmentWeight)) points of the annual assessment)"))),
                    lines.count > 1 ? chart : .empty,
                    .dataTable(
                        [
                            s.t("名次", "Rank"), s.t("单位", "Unit"), s.t("总分", "Total"), s.t("数据治理", "Governance"),
                            s.t("数据应用", "Application"), s.t("数据管控", "Control"), s.t("考核分", "Points")
                        ], rows, testid: "ranking-table-\(type.code)", cls: "data evaluation-ranking")))
        }
        if req.can(.manageEvaluation), !row.isFrozen {
            content.append(
                .section(
                    .cls("card no-print"), .testid("freeze-form"),
                    .p(.esc(s.t("定稿后本批次成为该期的正式报告，不能再调整或重新评估。", "Freezing makes this run the period's report: no more adjustments or re-runs."))),
                    .postForm(
                        SiteURL.evaluationFreeze(id).path, csrf: req.csrfToken,
                        [.submit(s.t("定稿", "Freeze"), .cls("primary"), .testid("freeze-submit"))])))
        } else if let at = row.frozenAt {
            content.append(
                .p(
                    .cls("muted"), .testid("frozen-note"),
                    .esc(
                        s.t(
                            "\(DisplayTime.format(at, s.lang)) 由 \(row.frozenBy ?? "") 定稿。",
                            "Frozen \(DisplayTime.format(at, s.lang)) by \(row.frozenBy ?? "")."))))
        }
        return Layout.render(req, title: s.t("评估排名", "Evaluation ranking"), status: status, path: SiteURL.evaluationRun(id).path, content)
    }

    static func freeze(req: Request) async throws -> Response {
        try req.authorize(.manageEvaluation)
        let row = try await EvaluationRuns.find(req.parameters.get("id", as: UUID.self), on: req.db)
        do {
            _ = try await EvaluationRuns.freeze(row, by: try req.requireUser().username, now: req.application.settings.now(), on: req.db)
            return Layout.seeOther(SiteURL.evaluationRun(try row.requireID()).path)
        } catch let e as AppError where e.status.code < 500 {
            return try await renderRun(req, failure: e, status: e.status)
        }
    }
}
