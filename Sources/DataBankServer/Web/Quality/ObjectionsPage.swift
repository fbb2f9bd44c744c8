import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /objections`: 数据纠错 — for the provider, the open objections to its department's
/// resources, each with an accept (with the corrected value) and a reject (with the reason) form;
/// for everyone, the objections their department raised, with their outcome. `POST
/// /objections/:id/accept|reject|withdraw` act; bad input shows the page again with the message
/// next to that objection's form and what was typed.
enum ObjectionsPage {
    /// A form that failed: which objection, why, and what was typed.
    struct Failure { var id: UUID; var error: AppError; var form: FormData }

    static func show(req: Request) async throws -> Response { try await render(req, failure: nil) }

    static func accept(req: Request) async throws -> Response {
        try await act(req) { id, form in
            _ = try await Objections.accept(id, value: form.raw("value"), column: form["column"], note: form.raw("note"), req: req)
            return "accepted"
        }
    }

    static func reject(req: Request) async throws -> Response {
        try await act(req) { id, form in
            _ = try await Objections.reject(id, reason: form.raw("reason"), req: req)
            return "rejected"
        }
    }

    static func withdraw(req: Request) async throws -> Response {
        try await act(req) { id, form in
            _ = try await Objections.withdraw(id, note: form.raw("note"), req: req)
            return "withdrawn"
        }
    }

    static func act(_ req: Request, _ action: (UUID?, FormData) async throws -> String) async throws -> Response {
        let id = req.parameters.get("id", as: UUID.self)
        let form = FormData(body: req)
        do {
            let done = try await action(id, form)
            return Layout.seeOther("\(SiteURL.objections.path)?done=\(done)#objection-\(id?.uuidString ?? "")")
        } catch {
            guard let e = SharingWeb.showable(error), let id else { throw error }
            return try await render(req, failure: Failure(id: id, error: e, form: form), status: e.status)
        }
    }

    static func render(_ req: Request, failure: Failure?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = try req.requireUser()
        let s = req.strings
        let canResolve = req.can(.resolveObjection, department: user.departmentCode)
        let toMe = canResolve ? try await Objections.list(req, box: .provider, state: .open) : []
        // `?state=` narrows the lists of outcomes (mine, and settled); what waits for the provider is always shown.
        let filter = try Objections.state(req.query[String.self, at: "state"])
        let settled = canResolve ? try await Objections.list(req, box: .provider, state: filter).filter { !$0.objectionState.isOpen }.prefix(50) : []
        let mine = try await Objections.list(req, box: .mine, state: filter)
        let counts = try await Objections.counts(department: user.departmentCode, on: req.db)
        let resources = try await SharingWeb.resourceNames((toMe + mine + settled).map(\.resourceCode), req: req)
        let departments = try await Directory.departmentNames(on: req.db, language: s.lang)
        let people = try await Directory.displayNames((toMe + mine + settled).flatMap { [$0.raisedBy] + [$0.resolvedBy].compactMap { $0 } }, on: req.db)
        var layouts: [String: RecordLayout] = [:]
        for code in Set((toMe + mine + settled).map(\.resourceCode)) { layouts[code] = try? await RecordStores.find(code, on: req.db).recordLayout }
        /// "企业名称 enterprise_name": the item's name where the store still has it.
        func item(_ code: String, _ column: String) -> String {
            layouts[code]?.column(named: column).map { "\($0.itemName) \(column)" } ?? column
        }

        // The value now, next to the value as seen: it may have been corrected since.
        var current: [UUID: String] = [:]
        for o in toMe.prefix(50) {
            guard let id = o.id, let column = o.columnName, let store = try? await RecordStores.find(o.resourceCode, on: req.db),
                let cells = try? await ObjectionReading.record(o.recordKey, store: store, view: nil, on: req.db)
            else { continue }
            current[id] = cells.first { $0.column.name == column }?.value ?? ""
        }
        var banners: [Body] = []
        if let done = req.query[String.self, at: "done"] {
            let text = [
                "accepted": s.t("已采纳。", "Accepted."), "rejected": s.t("已不予采纳，已通知提出部门。", "Rejected; the raising department is told."),
                "withdrawn": s.t("已撤回。", "Withdrawn.")
            ][done]
            if let text { banners.append(Layout.okBanner(text)) }
        }
        if req.query[String.self, at: "raised"] != nil {
            banners.append(Layout.okBanner(s.t("纠错已提交，已通知提供方。", "Objection sent; the provider is notified.")))
        }
        if let failure { banners.append(Layout.errorBanner(failure.error, s)) }

        func card(_ o: ObjectionRow, actions: Body) -> Body {
            let id = o.id?.uuidString ?? ""
            let state = o.objectionState
            var pairs: [(String, Body)] = [
                (s.t("资源", "Resource"), SharingWeb.resource(o.resourceCode, resources)),
                (s.t("记录", "Record"), .el("code", .esc(o.recordKey))),
                (s.t("数据项", "Item"), .esc(o.columnName.map { item(o.resourceCode, $0) } ?? s.t("整条记录", "The whole record")))
            ]
            if o.columnName != nil { pairs.append((s.t("所见值", "Value as seen"), .el("code", .esc(o.seenValue ?? "")))) }
            if let now = o.id.flatMap({ current[$0] }) { pairs.append((s.t("当前值", "Value now"), .el("code", .testid("current-value"), .esc(now)))) }
            if let suggested = o.suggestedValue { pairs.append((s.t("建议值", "Suggested"), .el("code", .esc(suggested)))) }
            pairs.append((s.t("说明", "Note"), .esc(o.note)))
            pairs.append(
                (
                    s.t("提出", "Raised by"),
                    .esc("\(people[o.raisedBy] ?? o.raisedBy) · \(departments[o.consumerCode] ?? o.consumerCode) · \(s.dateTime(o.createdAt))")
                ))
            if let value = o.correctedValue {
                pairs.append((s.t("已更正为", "Corrected to"), .el("code", .esc("\(o.correctedColumn ?? "") = \(value)"))))
            }
            if let resolution = o.resolution {
                pairs.append((state == .rejected ? s.t("理由", "Reason") : s.t("处理说明", "Note on settling"), .esc(resolution)))
            }
            if let by = o.resolvedBy { pairs.append((s.t("处理", "Settled by"), .esc("\(people[by] ?? by) · \(s.dateTime(o.resolvedAt))"))) }
            return .element(
                named: "article",
                nodes: [
                    .cls("card objection"), .attr("id", "objection-\(id)"), .testid("objection"),
                    .h3(
                        .badge(s.t(state.zh, state.en), "objection-\(state.rawValue)", testid: "objection-state"), .text(" "),
                        .esc(s.t("纠错 \(o.recordKey)", "Objection to \(o.recordKey)"))),
                    .fields(pairs), actions
                ])
        }

        func values(_ o: ObjectionRow) -> (FormData?, SharingFormView) {
            let failed = failure.flatMap { $0.id == o.id ? $0 : nil }
            return (failed?.form, SharingFormView(s: s, errors: FieldErrors(failed?.error)))
        }

        func providerForms(_ o: ObjectionRow) -> Body {
            let id = o.id?.uuidString ?? ""
            let (typed, form) = values(o)
            let columns = layouts[o.resourceCode]?.columns ?? []
            let column: Body =
                o.columnName == nil
                ? form.field(
                    "column", s.t("更正的数据项", "Item to correct"),
                    .select(
                        "column", [("", "—")] + columns.map { ($0.name, "\($0.itemName)（\($0.name)）") },
                        selected: typed?["column"]))
                : .hidden("column", o.columnName ?? "")
            return .div(
                .cls("columns objection-actions"),
                .postForm(
                    o.id.map { SiteURL.objection($0, .accept).path } ?? "", csrf: req.csrfToken,
                    [
                        .testid("accept-form"),
                        .h4(.esc(s.t("采纳并更正", "Accept and correct"))),
                        column,
                        form.text(
                            "value", s.t("更正值（留空：不改数据，例如已在别处更正）", "Corrected value (blank: no change, e.g. fixed elsewhere)"),
                            value: typed?.raw("value") ?? o.suggestedValue ?? "", prefix: "a\(id.prefix(8))-"),
                        form.area("note", s.t("说明", "Note"), value: typed?.raw("note") ?? "", prefix: "a\(id.prefix(8))-"),
                        .submit(s.t("采纳", "Accept"), .cls("primary"), .testid("accept-submit"))
                    ]),
                .postForm(
                    o.id.map { SiteURL.objection($0, .reject).path } ?? "", csrf: req.csrfToken,
                    [
                        .testid("reject-form"),
                        .h4(.esc(s.t("不予采纳", "Reject"))),
                        form.area(
                            "reason", s.t("不予采纳的理由（必填）", "Why not (required)"), value: typed?.raw("reason") ?? "", required: true,
                            prefix: "r\(id.prefix(8))-"),
                        .submit(s.t("不予采纳", "Reject"), .testid("reject-submit"))
                    ]))
        }

        func withdrawForm(_ o: ObjectionRow) -> Body {
            guard o.objectionState.isOpen, o.raisedByID == user.id || req.can(.withdrawObjection, department: o.consumerCode) else { return .empty }
            return .postForm(
                o.id.map { SiteURL.objection($0, .withdraw).path } ?? "", csrf: req.csrfToken,
                [
                    .submit(s.t("撤回", "Withdraw"), .testid("withdraw-submit"))
                ])
        }

        var sections: [Body] = []
        if canResolve {
            sections.append(
                .section(
                    .cls("card"), .attr("id", "to-me"), .testid("objections-to-me"),
                    .h2(.esc(s.t("待我处理（\(toMe.count)）", "To settle (\(toMe.count))"))),
                    .p(
                        .cls("hint"),
                        .esc(
                            s.t(
                                "本部门资源共有纠错：待处理 \(counts.open)，已采纳 \(counts.accepted)，未采纳 \(counts.rejected)，已撤回 \(counts.withdrawn)。",
                                "Objections to your department's resources: \(counts.open) open, \(counts.accepted) accepted, \(counts.rejected) rejected, \(counts.withdrawn) withdrawn."
                            ))),
                    toMe.isEmpty ? SharingWeb.empty(s, "to-me-empty") : .group(toMe.map { card($0, actions: providerForms($0)) })))
        }
        sections.append(
            .section(
                .cls("card"), .attr("id", "mine"), .testid("objections-mine"),
                .h2(.esc(s.t("本部门提出的纠错（\(mine.count)）", "Raised by your department (\(mine.count))"))),
                mine.isEmpty
                    ? SharingWeb.empty(s, "mine-empty", "暂无。可在资源页或数据页对记录提出纠错。", "None yet. Object to a record from a resource or its records.")
                    : .group(mine.map { card($0, actions: withdrawForm($0)) })))
        if canResolve, !settled.isEmpty {
            sections.append(
                .section(
                    .cls("card"), .attr("id", "settled"), .testid("objections-settled"),
                    .h2(.esc(s.t("已处理（本部门资源）", "Settled (your department's resources)"))),
                    .group(settled.map { card($0, actions: .empty) })))
        }
        let states: [(String?, String)] = [(nil, s.t("全部", "All"))] + ObjectionState.allCases.map { ($0.rawValue, s.t($0.zh, $0.en)) }
        let filters: Body = .nav(
            .cls("tabs"), .attr("aria-label", s.t("按状态", "By state")), .testid("state-filter"),
            .group(
                states.map { raw, label in
                    Body.link(
                        QueryLink(SiteURL.objections.path, raw.map { [("state", $0)] } ?? []).href, label,
                        .cls(raw == filter?.rawValue ? "active" : ""), .testid("state-\(raw ?? "all")"))
                }))
        return Layout.render(
            req, title: s.t("数据纠错", "Objections"), status: status, path: SiteURL.objections.path, banners: banners,
            [
                Layout.heading(
                    s.t("数据纠错", "Objections"),
                    sub: s.t("使用部门对数据提出的纠错，以及提供方的采纳与更正。", "Errors readers flag in the data, and the provider's answers and corrections.")),
                filters
            ] + sections)
    }
}
