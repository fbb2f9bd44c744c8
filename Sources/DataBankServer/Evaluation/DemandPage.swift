import Plot
import Vapor
import DataBankCore

/// `GET /demands/:id`: one demand — what, why, which items, the route and deadline, what met it or why
/// not, the resources that may already answer it, its votes and history; and the actions the viewer
/// may take: the provider accepts, fulfils (a resource code or a grant) or declines (a reason); the data
/// authority assigns a provider; another department says "我也需要". `POST /demands/:id/<action>` acts;
/// bad input shows the page again with the message next to that form.
enum DemandPage {
    struct Failure { var action: DemandAction; var error: AppError; var form: FormData }

    static func show(req: Request) async throws -> Response {
        let row = try await Demands.find(req.parameters.get("id", as: UUID.self), req: req)
        return try await render(req, row, failure: nil)
    }

    static func act(_ req: Request, _ action: DemandAction) async throws -> Response {
        let id = req.parameters.get("id", as: UUID.self)
        let form = FormData(body: req)
        do {
            switch action {
            case .accept: _ = try await Demands.accept(id, note: form.raw("note"), req: req)
            case .fulfil: _ = try await Demands.fulfil(id, resource: form["resource"], grant: form["grant"], note: form.raw("note"), req: req)
            case .decline: _ = try await Demands.decline(id, reason: form.raw("reason"), req: req)
            case .assign: _ = try await Demands.assign(id, provider: form["provider"], note: form.raw("note"), req: req)
            case .vote: _ = try await Demands.vote(id, note: form.raw("note"), req: req)
            }
            return Layout.seeOther(SiteURL.demand(id ?? UUID()).with([("done", action.rawValue)]))
        } catch {
            guard let e = SharingWeb.showable(error) else { throw error }
            let row = try await Demands.find(id, req: req)
            return try await render(req, row, failure: Failure(action: action, error: e, form: form), status: e.status)
        }
    }

    static func render(_ req: Request, _ row: DemandRow, failure: Failure?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = try req.requireUser()
        let s = req.strings
        let today = req.application.today
        let id = try row.requireID()
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        let (events, votes) = try await Demands.history(row, on: req.db)
        let people = try await Directory.displayNames(events.map(\.actorName) + votes.map(\.voterName), on: req.db)
        let state = row.demandState
        var banners: [Body] = []
        if req.query[String.self, at: "registered"] != nil {
            banners.append(
                Layout.okBanner(
                    row.providerCode == nil
                        ? s.t("需求已登记，已通知数据管理机构指派提供方。", "Registered; the data authority is asked to assign a provider.")
                        : s.t("需求已登记，已通知提供方。", "Registered; the provider is notified.")))
        }
        if let done = req.query[String.self, at: "done"].flatMap(DemandAction.init(rawValue:)) {
            banners.append(Layout.okBanner(s.t("已\(done.zh)。", "Done: \(done.en.lowercased()).")))
        }
        if let failure { banners.append(DemandWeb.summary(failure.error, s)) }

        var pairs: [(String, Body)] = [
            (s.t("状态", "State"), DemandWeb.stateBadge(state, s)),
            (s.t("用途", "Why"), .esc(row.reason)),
            (s.t("需要的数据项", "Items wanted"), .esc(row.items))
        ]
        if !row.standardCodes.isEmpty {
            pairs.append(
                (
                    s.t("标准数据元", "Standard data elements"),
                    .group(row.standardCodes.map { code in Body.group([.link(SiteURL.standard(code).path, code), .text(" ")]) })
                ))
        }
        pairs += [
            (s.t("主题", "Theme"), .esc(DemandWeb.theme(row.theme, s))),
            (s.t("紧急程度", "Urgency"), .esc(DemandWeb.urgency(row.urgency, s))),
            (s.t("提出方", "Requester"), .esc("\(DemandWeb.requester(row, names, s)) · \(s.dateTime(row.createdAt))")),
            (s.t("提供方", "Provider"), .el("span", .testid("demand-provider"), .esc(DemandWeb.provider(row.providerCode, names, s)))),
            (s.t("答复期限", "Answer by"), .el("span", .testid("demand-due"), DemandWeb.due(row, today: today, s))),
            (s.t("我也需要", "Also needed by"), .esc(s.t("\(row.voteCount) 个部门", "\(row.voteCount) department(s)")))
        ]
        if let code = row.fulfilledResource {
            // The resource by its name (a code alone tells the requester little), the code beside it.
            let name = try await SharingWeb.resourceNames([code], req: req)[code]
            var met: [Body] = [
                .link(SiteURL.resource(code).path, name ?? code, .testid("fulfilled-resource")),
                name == nil ? .empty : .group([.text(" "), .span(.cls("code muted"), .esc(code))])
            ]
            if let grant = row.fulfilledGrant {
                met += [.text(" "), .link(SiteURL.grants.path, s.t("授权 \(grant.uuidString.prefix(8))", "grant \(grant.uuidString.prefix(8))"))]
            }
            pairs.append((s.t("满足于", "Met by"), .group(met)))
        }
        if let resolution = row.resolution {
            pairs.append((state == .declined ? s.t("无法满足的理由", "Why it cannot be met") : s.t("说明", "Note"), .esc(resolution)))
        }

        var sections: [Body] = [.section(.cls("card"), .testid("demand-details"), .fields(pairs))]
        if state.isOpen {
            let found = try await DemandSuggestions.find(title: row.title, items: row.items, actor: req.actor, sql: req.sql)
            sections.append(
                .section(
                    .cls("card"), .testid("demand-suggestions"), .h2(.esc(s.t("目录中可能已有的资源", "Resources that may already answer it"))),
                    DemandWeb.suggestions(found, names, s)))
        }
        let actions = actionForms(req, row, user: user, votes: votes, names: names, failure: failure)
        if !actions.isEmpty {
            sections.append(.section(.cls("card"), .attr("id", "actions"), .testid("demand-actions"), .h2(.esc(s.t("处理", "Actions"))), .group(actions)))
        }
        sections.append(
            .section(
                .cls("card"), .testid("demand-votes"), .h2(.esc(s.t("我也需要（\(votes.count)）", "Also needed by (\(votes.count))"))),
                votes.isEmpty
                    ? SharingWeb.empty(s, "votes-empty")
                    : .dataTable(
                        [s.t("部门", "Department"), s.t("人员", "By"), s.t("说明", "Note"), s.t("时间", "When")],
                        votes.map { v in
                            [
                                .esc(names[v.departmentCode] ?? v.departmentCode), .esc(people[v.voterName] ?? v.voterName), .esc(v.note ?? ""),
                                .esc(s.dateTime(v.createdAt))
                            ]
                        }, testid: "votes", cls: "data compact")))
        sections.append(
            .section(
                .cls("card"), .testid("demand-history"), .h2(.esc(s.t("处理记录", "History"))),
                .dataTable(
                    [s.t("时间", "When"), s.t("操作", "Action"), s.t("人员", "By"), s.t("说明", "Note")],
                    events.map { e in
                        [
                            .esc(s.dateTime(e.at)), .esc(eventLabel(e.action, s)),
                            .esc("\(people[e.actorName] ?? e.actorName)" + (e.departmentCode.map { " · \(names[$0] ?? $0)" } ?? "")), .esc(e.note ?? "")
                        ]
                    }, testid: "history", cls: "data compact")))
        return Layout.render(
            req, title: row.title, status: status, path: SiteURL.demand(id).path, banners: banners,
            [
                Body.div(
                    .cls("page-head"),
                    .p(.cls("crumbs"), .link(SiteURL.demands.path, s.t("需求登记", "Data demands"))),
                    .h1(.testid("page-title"), .esc(row.title)))
            ] + sections)
    }

    static func eventLabel(_ action: String, _ s: Strings) -> String {
        let labels: [String: (String, String)] = [
            "registered": ("登记", "Registered"), "assigned": ("指派提供方", "Provider assigned"), "accepted": ("受理", "Accepted"),
            "fulfilled": ("已满足", "Fulfilled"), "declined": ("无法满足", "Declined"), "voted": ("我也需要", "Also needed")
        ]
        return labels[action].map { s.t($0.0, $0.1) } ?? action
    }

    /// The forms this viewer may use now (none for the requester's own people but the wait).
    static func actionForms(
        _ req: Request, _ row: DemandRow, user: User, votes: [DemandVoteRow], names: [String: String], failure: Failure?
    ) -> [Body] {
        let s = req.strings
        let id = row.id ?? UUID()
        let state = row.demandState
        func typed(_ a: DemandAction) -> FormData? { failure?.action == a ? failure?.form : nil }
        func view(_ a: DemandAction) -> SharingFormView { SharingFormView(s: s, errors: FieldErrors(failure?.action == a ? failure?.error : nil)) }
        func allowed(_ a: DemandAction) -> Bool { DemandWorkflow.next(state, a) != nil }
        var forms: [Body] = []
        let answers = row.providerCode.map { req.can(.answerDemand, department: $0) } ?? req.can(.assignDemand)
        if answers, allowed(.accept) {
            forms.append(
                .postForm(
                    SiteURL.demandAction(id, .accept).path, csrf: req.csrfToken,
                    [
                        .testid("accept-form"), .h3(.esc(s.t("受理", "Accept"))),
                        view(.accept).area("note", s.t("说明（选填）", "Note (optional)"), value: typed(.accept)?.raw("note") ?? "", prefix: "accept-"),
                        .submit(s.t("受理", "Accept"), .cls("primary"), .testid("accept-submit"))
                    ]))
        }
        if answers, allowed(.fulfil) {
            let v = view(.fulfil)
            forms.append(
                .postForm(
                    SiteURL.demandAction(id, .fulfil).path, csrf: req.csrfToken,
                    [
                        .testid("fulfil-form"), .h3(.esc(s.t("已满足", "Fulfil"))),
                        v.text(
                            "resource", s.t("满足此需求的资源代码", "Resource code that meets it"), value: typed(.fulfil)?["resource"] ?? "",
                            hint: s.t("已发布的目录资源", "A published catalog resource"), prefix: "fulfil-"),
                        v.text(
                            "grant", s.t("或授权编号", "Or the grant"), value: typed(.fulfil)?["grant"] ?? "",
                            hint: s.t("为需求方开通的共享授权", "The grant given to the requester"), prefix: "fulfil-"),
                        v.area("note", s.t("说明（选填）", "Note (optional)"), value: typed(.fulfil)?.raw("note") ?? "", prefix: "fulfil-"),
                        .submit(s.t("标为已满足", "Mark fulfilled"), .testid("fulfil-submit"))
                    ]))
        }
        if answers, allowed(.decline) {
            forms.append(
                .postForm(
                    SiteURL.demandAction(id, .decline).path, csrf: req.csrfToken,
                    [
                        .testid("decline-form"), .h3(.esc(s.t("无法满足", "Decline"))),
                        view(.decline).area(
                            "reason", s.t("理由（必填）", "Reason (required)"), value: typed(.decline)?.raw("reason") ?? "", required: true, prefix: "decline-"),
                        .submit(s.t("无法满足", "Decline"), .testid("decline-submit"))
                    ]))
        }
        if req.can(.assignDemand), allowed(.assign) {
            let options = [("", "—")] + names.filter { $0.key != row.requesterCode }.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)（\($0.key)）") }
            forms.append(
                .postForm(
                    SiteURL.demandAction(id, .assign).path, csrf: req.csrfToken,
                    [
                        .testid("assign-form"), .h3(.esc(row.providerCode == nil ? s.t("指派提供方", "Assign a provider") : s.t("改派提供方", "Re-route"))),
                        view(.assign).field("provider", s.t("提供方", "Provider"), .select("provider", options, selected: typed(.assign)?["provider"] ?? "")),
                        .submit(s.t("指派", "Assign"), .testid("assign-submit"))
                    ]))
        }
        let voted = votes.contains { $0.departmentCode == user.departmentCode }
        if req.can(.voteDemand, department: user.departmentCode), row.requesterCode != user.departmentCode,
            row.providerCode != user.departmentCode, !voted, allowed(.vote)
        {
            forms.append(
                .postForm(
                    SiteURL.demandAction(id, .vote).path, csrf: req.csrfToken,
                    [
                        .testid("vote-form"), .h3(.esc(s.t("我也需要", "We need it too"))),
                        view(.vote).text("note", s.t("本部门的用途（选填）", "What for (optional)"), value: typed(.vote)?["note"] ?? "", prefix: "vote-"),
                        .submit(s.t("我也需要", "We need it too"), .testid("vote-submit"))
                    ]))
        }
        return forms
    }
}
