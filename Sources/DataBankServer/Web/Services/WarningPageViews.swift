import Fluent
import Foundation
import Plot
import Vapor
import DataBankCore

/// A warning's state and a rule's watch in the page language.
enum WarningText {
    static func state(_ raw: String, _ s: Strings) -> String {
        guard let state = WarningState(rawValue: raw) else { return raw }
        return WarningHandling.stateName(state, zh: !s.isEnglish)
    }

    static func badge(_ raw: String, _ s: Strings) -> Body {
        .badge(state(raw, s), "warning-\(raw)", testid: "warning-state")
    }

    static func ruleName(_ rule: WarningRule?, code: String, _ s: Strings) -> String {
        guard let rule else { return code }
        return s.isEnglish ? (rule.nameEn ?? rule.name) : rule.name
    }

    /// `用电量 = 6000.00 · avg_prior(electricity_consumption, 3) = 20000.00` (the values a warning carries, as the
    /// reader sees them; `items`: item names by column).
    static func values(_ values: [WarningValue], items: [String: String], limit: Int = 3) -> String {
        values.prefix(limit).map { "\(name($0, items)) = \(number($0.value))" }.joined(separator: " · ") + (values.count > limit ? " …" : "")
    }

    /// A column's own value by its item's name; a derived one as the condition writes it.
    static func name(_ value: WarningValue, _ items: [String: String]) -> String {
        value.isDerived ? value.name : (items[value.column] ?? value.name)
    }

    /// An aggregate's long decimal shown to two places (the warning keeps it exact).
    static func number(_ text: String) -> String {
        guard let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) > 5, let v = Double(text) else { return text }
        return String(format: "%.2f", v)
    }

    /// Item names by column of the stores the warnings watch (one look-up per store).
    static func items(_ resources: [String], on db: any Database) async throws -> [String: String] {
        var out: [String: String] = [:]
        for code in Set(resources) {
            guard let store = try? await RecordStores.find(code, on: db) else { continue }
            for c in store.recordLayout.columns { out[c.name] = c.itemName }
        }
        return out
    }
}

/// `/warnings`: the department's warnings, newest first, and the rules they come from.
struct WarningListView {
    let req: Request
    let rules: [WarningRuleRow]
    let warnings: [WarningInfo]
    let query: WarningsAPI.Query
    let counts: [String: Int]
    let resources: [String: String]
    let departments: [String: String]
    let items: [String: String]
    var s: Strings { req.strings }

    func render() -> Response {
        let title = s.t("预警", "Early warnings")
        let active = counts.filter { $0.key != WarningState.closed.rawValue }.values.reduce(0, +)
        let content: [Body] = [
            .div(
                .cls("page-head"), .h1(.testid("page-title"), .esc(title)),
                .p(
                    .cls("lede"),
                    .esc(
                        s.t(
                            "预警规则在数据入库时即时判断：条件满足即生成预警，推送给订阅部门的通知、邮件和回调地址；同一对象在合并时限内重复触发的并入同一条预警。每个数值按本部门自己的授权显示。",
                            "Warning rules are checked as records arrive: a firing raises a warning, sent to the subscribing departments' inbox, mail and webhook; repeats for the same entity within the merge window join it. Every value is shown through your department's own grant."
                        )))),
            filters(active: active),
            .section(
                .cls("card"), .testid("warnings"),
                .h2(.esc(s.t("预警（\(warnings.count)）", "Warnings (\(warnings.count))"))),
                warnings.isEmpty ? .p(.cls("empty"), .testid("warnings-empty"), .esc(s.t("没有符合条件的预警。", "No warnings match."))) : table()),
            rulesSection()
        ]
        return Layout.render(req, title: title, path: SiteURL.warnings.path, content)
    }

    func filters(active: Int) -> Body {
        let states: [(String, String)] = [
            ("active", s.t("未关闭（\(active)）", "Not closed (\(active))")),
            ("open", s.t("待处理（\(counts["open"] ?? 0)）", "Open (\(counts["open"] ?? 0))")),
            ("acknowledged", s.t("已确认（\(counts["acknowledged"] ?? 0)）", "Acknowledged (\(counts["acknowledged"] ?? 0))")),
            ("assigned", s.t("已指派（\(counts["assigned"] ?? 0)）", "Assigned (\(counts["assigned"] ?? 0))")),
            ("closed", s.t("已关闭（\(counts["closed"] ?? 0)）", "Closed (\(counts["closed"] ?? 0))")),
            ("all", s.t("全部", "All"))
        ]
        let ruleOptions = [("", s.t("全部规则", "Every rule"))] + rules.map { ($0.code, WarningText.ruleName($0.rule, code: $0.code, s)) }
        return .getForm(
            SiteURL.warnings.path,
            [
                .cls("filter-bar"), .testid("warning-filters"),
                .select("state", states, selected: query.state ?? "all", .attr("aria-label", s.t("状态", "State"))),
                .select("rule", ruleOptions, selected: query.rule ?? "", .attr("aria-label", s.t("规则", "Rule"))),
                s.isEnglish ? .hidden("lang", "en") : .empty,
                .submit(s.t("筛选", "Filter"), .cls("primary"))
            ])
    }

    func table() -> Body {
        .dataTable(
            [
                s.t("编号", "No."), s.t("规则", "Rule"), s.t("对象", "Entity"), s.t("触发值", "Values"), s.t("次数", "Firings"), s.t("最近触发", "Last fired"),
                s.t("状态", "State")
            ],
            warnings.map { w in
                [
                    .link(SiteURL.warning(w.id).path, "#\(w.seq)", .testid("warning-link")),
                    .esc(s.isEnglish ? (w.ruleNameEn ?? w.ruleName) : w.ruleName),
                    .el("code", .testid("warning-entity"), .esc(w.entity)),
                    .span(.cls("hint"), .esc(WarningText.values(w.values, items: items))),
                    .esc(String(w.firings)),
                    .esc(s.dateTime(w.lastFiredAt)),
                    WarningText.badge(w.state, s)
                ]
            }, testid: "warnings-table", cls: "data warnings-table")
    }

    func rulesSection() -> Body {
        .section(
            .cls("card"), .testid("warning-rules"),
            .h2(.esc(s.t("预警规则（\(rules.count)）", "Warning rules (\(rules.count))"))),
            rules.isEmpty
                ? .p(
                    .cls("empty"),
                    .esc(
                        s.t(
                            "本部门没有设置或订阅预警规则。规则通过 API 设置：POST /api/v1/warning-rules。",
                            "Your department set up or subscribes to no warning rules. Rules are set up through the API: POST /api/v1/warning-rules.")))
                : .group(
                    rules.compactMap { row -> Body? in
                        guard let rule = row.rule else { return nil }
                        return .element(
                            named: "article",
                            nodes: [
                                .cls("rule-card"), .testid("warning-rule-\(row.code)"),
                                .h3(.link(SiteURL.warnings.with([("rule", row.code), ("state", "all")]), WarningText.ruleName(rule, code: row.code, s))),
                                .fields([
                                    (s.t("监测资源", "Watches"), SharingWeb.resource(row.resourceCode, resources)),
                                    (s.t("条件", "Condition"), .el("code", .testid("rule-condition"), .esc(rule.condition))),
                                    (
                                        s.t("对象", "Entity"),
                                        .esc(rule.entity.joined(separator: ", ") + (rule.order.map { s.t("，按 \($0) 排序", ", ordered by \($0)") } ?? ""))
                                    ),
                                    (s.t("设置部门", "Set up by"), .esc(departments[row.departmentCode] ?? row.departmentCode)),
                                    (s.t("订阅部门", "Subscribers"), .esc(rule.subscribers.map { departments[$0] ?? $0 }.joined(separator: s.t("、", ", ")))),
                                    (
                                        s.t("合并时限", "Merge window"),
                                        .esc(
                                            s.t(
                                                "\(rule.mergeHours ?? WarningRule.defaultMergeHours) 小时",
                                                "\(rule.mergeHours ?? WarningRule.defaultMergeHours) hours"))
                                    )
                                ])
                            ])
                    }))
    }
}

/// `/warnings/:id`: one warning, its values, what was done with it, and the subscriber's forms.
struct WarningDetailView {
    /// A refused form: which action, why, and what was typed.
    struct Failure {
        var action: WarningState.Action
        var error: AppError
        var form: FormData
    }

    let req: Request
    let info: WarningInfo
    let rule: WarningRuleRow?
    let canHandle: Bool
    let assignees: [(username: String, name: String)]
    let resources: [String: String]
    let departments: [String: String]
    let items: [String: String]
    let failure: Failure?
    var s: Strings { req.strings }

    func render(status: HTTPResponseStatus) -> Response {
        let name = s.isEnglish ? (info.ruleNameEn ?? info.ruleName) : info.ruleName
        let title = s.t("预警 #\(info.seq)", "Warning #\(info.seq)")
        var banners: [Body] = []
        if let done = req.query[String.self, at: "done"], let action = WarningState.Action(rawValue: done) {
            banners.append(
                Layout.okBanner(
                    [
                        .ack: s.t("已确认。", "Acknowledged."), .assign: s.t("已指派。", "Assigned."), .close: s.t("已关闭。", "Closed.")
                    ][action] ?? ""))
        }
        if let failure { banners.append(Layout.errorBanner(failure.error, s)) }
        var pairs: [(String, Body)] = [
            (s.t("状态", "State"), WarningText.badge(info.state, s)),
            (s.t("规则", "Rule"), .esc(name)),
            (s.t("对象", "Entity"), .el("code", .testid("warning-entity"), .esc(info.entity))),
            (s.t("监测资源", "Watches"), SharingWeb.resource(info.resource, resources)),
            (s.t("条件", "Condition"), .el("code", .esc(rule?.rule?.condition ?? ""))),
            (s.t("触发次数", "Firings"), .esc(String(info.firings))),
            (s.t("首次触发", "First fired"), .esc(s.dateTime(info.firstFiredAt))),
            (s.t("最近触发", "Last fired"), .esc(s.dateTime(info.lastFiredAt)))
        ]
        if let to = info.assignedTo { pairs.append((s.t("指派给", "Assigned to"), .esc(assignees.first { $0.username == to }.map { "\($0.name)（\(to)）" } ?? to))) }
        let content: [Body] = [
            .div(
                .cls("page-head"),
                .p(.cls("crumbs"), .link(SiteURL.warnings.path, s.t("预警", "Early warnings")), .text(" › "), .esc("#\(info.seq)")),
                .h1(.testid("page-title"), .esc("\(title) · \(name)"))),
            .section(.cls("card"), .testid("warning-facts"), .fields(pairs)),
            .section(
                .cls("card"), .testid("warning-values"),
                .h2(.esc(s.t("触发时的数值", "The values that fired it"))),
                .dataTable(
                    [s.t("项", "Value"), s.t("数值", "As read")],
                    info.values.map { v in
                        [v.isDerived ? .el("code", .esc(v.name)) : .esc("\(WarningText.name(v, items))（\(v.column)）"), .esc(WarningText.number(v.value))]
                    }),
                info.withheld > 0
                    ? .p(
                        .cls("hint"), .testid("withheld"),
                        .esc(
                            s.t(
                                "另有 \(info.withheld) 项按本部门的授权不予显示。", "\(info.withheld) more value(s) are not shown under your department's grant.")))
                    : .empty),
            history(),
            canHandle && info.state != WarningState.closed.rawValue ? forms() : .empty
        ]
        return Layout.render(req, title: title, status: status, path: SiteURL.warnings.path, banners: banners, content)
    }

    func history() -> Body {
        let events = info.events ?? []
        return .section(
            .cls("card"), .testid("warning-history"),
            .h2(.esc(s.t("处置记录", "What was done"))),
            events.isEmpty
                ? .p(.cls("empty"), .esc(s.t("尚未处置。", "Nothing yet.")))
                : .dataTable(
                    [s.t("时间", "When"), s.t("操作", "Action"), s.t("人员", "By"), s.t("说明", "Note")],
                    events.map { e in
                        let action = WarningState.Action(rawValue: e.action).map { WarningHandling.actionName($0, zh: !s.isEnglish) } ?? e.action
                        return [
                            .esc(s.dateTime(e.at)), .esc(action + (e.assignedTo.map { " → \($0)" } ?? "")),
                            .esc("\(e.by) · \(departments[e.department] ?? e.department)"), .esc(e.note ?? "")
                        ]
                    }))
    }

    func forms() -> Body {
        let typed = failure?.form
        let form = SharingFormView(s: s, errors: FieldErrors(failure?.error))
        let id = info.id
        var parts: [Body] = []
        if info.state == WarningState.open.rawValue {
            parts.append(
                .postForm(
                    SiteURL.warningAction(id, .ack).path, csrf: req.csrfToken,
                    [
                        .testid("ack-form"), .h3(.esc(s.t("确认", "Acknowledge"))),
                        .p(.cls("hint"), .esc(s.t("表示本部门已知悉，正在核实。", "Your department has seen it and is looking into it."))),
                        .submit(s.t("确认预警", "Acknowledge"), .testid("ack-submit"))
                    ]))
        }
        parts.append(
            .postForm(
                SiteURL.warningAction(id, .assign).path, csrf: req.csrfToken,
                [
                    .testid("assign-form"), .h3(.esc(s.t("指派", "Assign"))),
                    form.field(
                        "to", s.t("指派给", "Assign to"),
                        .select("to", [("", "—")] + assignees.map { ($0.username, "\($0.name)（\($0.username)）") }, selected: typed?["to"] ?? info.assignedTo)),
                    form.area("note", s.t("说明（可选）", "Note (optional)"), value: failure?.action == .assign ? typed?.raw("note") ?? "" : "", prefix: "assign-"),
                    .submit(s.t("指派", "Assign"), .testid("assign-submit"))
                ]))
        parts.append(
            .postForm(
                SiteURL.warningAction(id, .close).path, csrf: req.csrfToken,
                [
                    .testid("close-form"), .h3(.esc(s.t("关闭", "Close"))),
                    form.area(
                        "note", s.t("处置情况（必填）", "How it was handled (required)"), value: failure?.action == .close ? typed?.raw("note") ?? "" : "",
                        required: true, prefix: "close-"),
                    .submit(s.t("关闭预警", "Close the warning"), .cls("primary"), .testid("close-submit"))
                ]))
        return .section(.cls("card"), .testid("warning-actions"), .h2(.esc(s.t("处置", "Handle it"))), .div(.cls("columns"), .group(parts)))
    }
}
