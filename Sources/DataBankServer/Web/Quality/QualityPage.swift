import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /catalog/resources/:code/quality`: a resource's quality — the latest scores per GB/T 36344
/// dimension, their trend over checks (SVG), the failing rules with counts and masked example
/// values, the column profiles, and for the provider: the policy for failing rows, a check on demand,
/// the flagged rows, and a file validated without loading it.
enum QualityPage {
    static func show(req: Request) async throws -> Response {
        try await render(req, banner: nil)
    }

    static func render(_ req: Request, banner: Body?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let code = try req.parameters.require("code")
        let s = req.strings
        let resource = try await CatalogService(req: req).visible(code: code)
        let store = try await RecordStores.find(code, on: req.db)
        let owner = req.can(.manageQualityRules, department: store.departmentCode)
        var summary = try await QualityAPI.summary(store, on: req.db)
        let redaction = try await QualityRedaction.of(req)
        summary.latest = summary.latest.map(redaction.apply)
        let base = SiteURL.resource(code, .quality).path
        let latest = summary.latest
        var content: [Body] = [
            .div(
                .cls("page-head"),
                .p(.cls("crumbs"), .link(SiteURL.catalog.path, s.t("目录", "Catalog")), .text(" › "), .link(SiteURL.resource(code).path, resource.name)),
                .h1(.testid("page-title"), .esc(s.t("数据质量：\(resource.name)", "Data quality: \(resource.nameEn ?? resource.name)"))),
                .p(
                    .cls("actions"),
                    .link(SiteURL.resource(code, .rules).path, s.t("质量规则", "Quality rules")), .text(" · "),
                    .link("/api/v1/resources/\(Escape.url(code))/quality/runs?format=csv", s.t("历次检查（CSV）", "Checks (CSV)")), .text(" · "),
                    .link("/api/v1/resources/\(Escape.url(code))/quality", "JSON")))
        ]
        if let scores = latest?.scores {
            content.append(scoreCard(scores, latest!, s))
        } else {
            content.append(.section(.cls("card"), .testid("no-check"), .p(.cls("muted"), .esc(s.t("尚未检查。", "Not checked yet.")))))
        }
        if summary.history.count > 0 {
            content.append(.section(.cls("card"), .testid("trend"), .h2(.esc(s.t("质量趋势", "Trend"))), trendChart(summary.history, s)))
        }
        if let latest, !latest.rules.isEmpty {
            let rows: [[Body]] = latest.rules.map { r in
                [
                    .esc(s.isEnglish ? r.nameEn : r.name), .el("code", .esc(r.errorType)), .text(String(r.count)),
                    .esc(r.examples.joined(separator: "、"))
                ]
            }
            content.append(
                .section(
                    .cls("card"), .testid("failing-rules"), .h2(.esc(s.t("未通过的规则", "Failing rules"))),
                    .dataTable(
                        [s.t("规则", "Rule"), s.t("错误类型", "Error type"), s.t("行数", "Count"), s.t("示例（已脱敏）", "Examples (masked)")], rows, cls: "data compact")))
        }
        if owner { content.append(try await ownerTools(req, store, resource, summary, base, s)) }
        // The column profiles (masked for other departments, as on the profile page).
        let profile = try await ProfileAPI.answer(req, redaction: redaction)
        content.append(ProfileSection.accessHint(profile.access, s))
        content.append(ProfileSection.render(profile.profile, history: profile.history, lang: s.lang))
        return Layout.render(
            req, title: s.t("数据质量", "Data quality") + " " + code, status: status, path: base,
            banners: banner.map { [$0] } ?? [], content)
    }

    /// The scores over checks (oldest first) as a line chart on a fixed 0–100 axis, one series per
    /// shown dimension; a check without a dimension's score leaves a gap.
    static func trendChart(_ history: [QualityAPI.RunPoint], _ s: Strings) -> Body {
        let series: [(String, String, (QualityAPI.RunPoint) -> Double?)] = [
            ("综合", "Overall", { $0.overall }), ("规范性", "Validity", { $0.scores?.validity }),
            ("完整性", "Completeness", { $0.scores?.completeness }), ("一致性", "Consistency", { $0.scores?.consistency })
        ]
        let data = ChartData(
            categories: history.map { s.dateTime($0.at) }, dates: history.map(\.at), dateUnit: .day,
            series: series.map { zh, en, value in ChartSeries(name: s.t(zh, en), values: history.map { value($0).map(ChartValue.number) ?? .missing }) },
            categoryLabel: s.t("检查时间", "Checked"), valueLabel: s.t("得分", "Score"))
        let spec = ChartSpec(
            type: .line, title: s.t("质量得分趋势", "Quality scores over checks"), width: 960, height: 260, language: ChartLanguage(page: s.lang),
            valueDomain: 0...100, showsTitle: false, cssClass: "trend-chart", testID: "trend-chart")
        return ChartView.figure(data, spec)
    }

    static func scoreCard(_ scores: QualityScores, _ run: QualityAPI.RunInfo, _ s: Strings) -> Body {
        let cells: [Body] = QualityScores.Dimension.allCases.map { d in
            .div(
                .cls("score-cell"), .testid("score-\(d.rawValue)"),
                .span(.cls("score-name"), .esc(s.t(d.zh, d.en))),
                .span(.cls("score-value"), .text(String(format: "%.1f", scores.score(d)))),
                .el("meter", .attr("min", "0"), .attr("max", "100"), .attr("value", String(scores.score(d)))))
        }
        let time = s.dateTime(run.startedAt)
        return .section(
            .cls("card"), .testid("scores"),
            .h2(
                .esc(s.t("综合得分", "Overall score")), .text(" "), .span(.cls("score-overall"), .testid("overall"), .text(String(format: "%.1f", scores.overall))),
                scores.late ? .badge(s.t("更新逾期", "Late"), "warn", testid: "late") : .empty),
            .div(.cls("score-grid"), .group(cells)),
            .p(
                .cls("hint"),
                .esc(
                    s.t(
                        "检查于 \(time)，\(run.rows) 行，\(run.findings) 处问题；数据纠错扣分 \(scores.objectionPenalty)。权重：规范性 25%、完整性 20%、唯一性 10%、一致性 20%、时效性 15%、可访问性 10%。",
                        "Checked \(time): \(run.rows) rows, \(run.findings) findings; objections −\(scores.objectionPenalty). Weights: validity 25 %, completeness 20 %, uniqueness 10 %, consistency 20 %, timeliness 15 %, accessibility 10 %."
                    ))))
    }

    static func ownerTools(
        _ req: Request, _ store: RecordStoreRow, _ resource: ResourceRow, _ summary: QualityAPI.Summary,
        _ base: String, _ s: Strings
    ) async throws -> Body {
        let policies = QualityPolicy.allCases.map { ($0.rawValue, s.t($0.zh, $0.en)) }
        let flags = summary.openFlags > 0 ? try await flagRows(req, store, resource, s) : .empty
        return .section(
            .cls("card"), .testid("quality-tools"),
            .h2(.esc(s.t("质量管理", "Managing quality"))),
            .postForm("\(base)/check", csrf: req.csrfToken, [.submit(s.t("立即检查", "Check now"), .cls("primary"), .testid("run-check"))]),
            .postForm(
                "\(base)/policy", csrf: req.csrfToken,
                [
                    .el("label", .attr("for", Forms.id("policy")), .esc(s.t("问题行的处理", "Rows failing the rules"))),
                    .select("policy", policies, selected: summary.policy, .attr("id", Forms.id("policy"))),
                    .submit(s.t("保存", "Save"), .testid("save-policy"))
                ]),
            ValidateFilePage.form(req, code: store.resourceCode, s),
            .p(
                .esc(
                    s.t(
                        "隔离区待处理 \(summary.openQuarantine) 行；已标记问题 \(summary.openFlags) 处。",
                        "\(summary.openQuarantine) rows wait in the quarantine; \(summary.openFlags) findings flagged.")),
                .text(" "), .link(SiteURL.resource(store.resourceCode, .records).path, s.t("记录与隔离区", "Records and quarantine"))),
            flags)
    }

    static func flagRows(_ req: Request, _ store: RecordStoreRow, _ resource: ResourceRow, _ s: Strings) async throws -> Body {
        let lines = try await QualityAPI.flagLines(store, resource: resource, limit: 50, on: req.db)
        let rows: [[Body]] = lines.map { f in
            [
                .esc(f.recordKey), .esc(f.column ?? "—"), .esc(f.value ?? ""), .esc(s.isEnglish ? f.messageEn : f.message)
            ]
        }
        return .dataTable([s.t("记录", "Record"), s.t("信息项", "Item"), s.t("值", "Value"), s.t("问题", "Finding")], rows, testid: "flags", cls: "data compact")
    }

    static func check(req: Request) async throws -> Response {
        let s = req.strings
        let run = try await QualityAPI.runCheck(req)
        return try await render(
            req,
            banner: .banner(
                "ok", .p(.esc(s.t("检查完成：\(run.rowCount) 行，\(run.findings) 处问题。", "Checked: \(run.rowCount) rows, \(run.findings) findings."))),
                testid: "check-done"))
    }

    static func setPolicy(req: Request) async throws -> Response {
        let form = FormData(body: req)
        do {
            try await QualityAPI.setPolicy(req, form["policy"] ?? "")
            return req.redirect(to: SiteURL.resource(try req.parameters.require("code"), .quality).path, redirectType: .normal)
        } catch let e as AppError where e.status == .unprocessableEntity {
            return try await render(
                req, banner: .banner("error", .p(.esc(req.strings.isEnglish ? e.message : (e.details.first?.message ?? e.message)))), status: e.status)
        }
    }
}
