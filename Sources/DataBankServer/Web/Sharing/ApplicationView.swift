import Plot
import Vapor
import DataBankCore

/// One application: what was asked, where it stands, its history and grant, and the forms the
/// viewer may use (decision, countersignature, escalation, withdrawal).
struct ApplicationView {
    let req: Request
    let m: ApplicationPage.Model
    let posted: FormData?
    /// Which form was posted and refused: `decision`, `countersign`, `escalate`, `withdraw`.
    let failed: String?
    let error: AppError?

    var s: Strings { req.strings }
    var info: ApplicationInfo { m.info }
    var status: ApplicationStatus { ApplicationStatus(rawValue: info.status) ?? .pending }
    var title: String { s.t("共享申请：\(m.resourceName)", "Application: \(m.resourceName)") }
    var link: String { SharingWeb.applicationLink(info.id) }

    func content() -> [Body] {
        let user = req.user
        let provider = user?.departmentCode == info.provider && req.can(.reviewApplication, department: info.provider)
        let platform = req.can(.countersign)
        var forms: [Body] = []
        if status.isOpen && provider {
            forms.append(decisionForm("decision", s.t("审核决定", "Your decision"), prefix: ""))
        }
        if status.isOpen && platform && (info.overdue || status == .escalated) {
            forms.append(decisionForm("countersign", s.t("平台会签（超期或已提请协调）", "Countersign (overdue or escalated)"), prefix: "cs-"))
        }
        if status == .pending && platform && info.overdue { forms.append(escalateForm()) }
        if status.isOpen && user?.departmentCode == info.consumer { forms.append(withdrawForm()) }
        return [
            .div(
                .cls("page-head"),
                .p(.cls("crumbs"), .link(SiteURL.sharing.path, s.t("申请与授权", "Sharing")), .text(" › "), .esc(s.t("申请", "Application"))),
                .h1(.testid("page-title"), .esc(title)),
                .p(.cls("badges"), SharingWeb.statusBadge(info.status, s), info.overdue ? SharingWeb.overdueBadge(s) : .empty)),
            .div(
                .cls("columns"),
                .section(.cls("card"), .h2(.esc(s.t("申请内容", "Application"))), summary()),
                .section(.cls("card"), .h2(.esc(s.t("审核", "Review"))), review())),
            info.kind == "resource" ? scope() : .empty,
            grant(),
            .group(forms),
            history()
        ]
    }

    func summary() -> Body {
        .fields(
            [
                (s.t("资源", "Resource"), SharingWeb.resource(info.resource, [info.resource: m.resourceName])),
                (
                    s.t("核验服务", "Verification service"),
                    info.service.map { Body.group([.esc(m.serviceName ?? $0), .text(" "), .span(.cls("code"), .esc($0))]) }
                        ?? .esc(s.t("否（申请数据）", "No (the records)"))
                ),
                (s.t("提供方", "Provider"), .esc(m.names[info.provider] ?? info.provider)),
                (s.t("使用方", "Consumer"), .esc(m.names[info.consumer] ?? info.consumer)),
                (s.t("申请人", "Applicant"), .esc(m.person(info.applicant) ?? info.applicant)),
                (s.field("sharing.type"), .esc(s.label(SharingType.self, info.sharingType))),
                (s.t("用途", "Purpose"), .p(.testid("purpose"), .esc(info.purpose))),
                info.intendedUse.map { (s.t("使用方式（公众申请）", "Intended use (public applicant)"), .p(.testid("intended-use"), .esc($0))) }
                    ?? (s.t("申请依据", "Legal basis"), ResourceSections.text(info.legalBasis)),
                (s.t("使用期限", "Period"), .esc(SharingWeb.period(info.validFrom, info.validUntil, s))),
                (s.t("申请时间", "Applied"), .esc(s.dateTime(info.createdAt)))
            ], testid: "application-fields")
    }

    func review() -> Body {
        .fields(
            [
                (s.t("状态", "Status"), SharingWeb.statusBadge(info.status, s)),
                (s.t("审核截止", "Decide by"), .group([.esc(info.deadline ?? "—"), info.overdue ? .group([.text(" "), SharingWeb.overdueBadge(s)]) : .empty])),
                (s.t("决定人", "Decided by"), ResourceSections.text(m.person(info.decidedBy))),
                (s.t("决定时间", "Decided"), .esc(s.dateTime(info.decidedAt))),
                (s.t("理由", "Reason"), ResourceSections.text(info.reason)),
                (s.t("批准期限至", "Granted until"), ResourceSections.text(info.grantedUntil))
            ], testid: "review-fields")
    }

    /// Asked items with their masks (and what was granted, once decided).
    func scope() -> Body {
        let granted = info.grantedScope
        let rows: [[Body]] = m.items.filter { info.scope.items.contains($0.column) || $0.primaryKey }.map { item in
            let asked = info.scope.masks[item.column] ?? m.defaults[item.column] ?? .clear
            var cells: [Body] = [.esc(item.name), .span(.cls("code"), .esc(item.column)), .esc(asked.label(s.lang))]
            if let granted {
                let has = granted.items.contains(item.column) || item.primaryKey
                cells.append(has ? .esc((granted.masks[item.column] ?? m.defaults[item.column] ?? .clear).label(s.lang)) : .esc(s.t("未批准", "Not granted")))
            }
            return cells
        }
        var headers = [s.t("信息项", "Item"), s.t("字段", "Column"), s.t("申请的脱敏规则", "Mask asked")]
        if granted != nil { headers.append(s.t("批准的脱敏规则", "Mask granted")) }
        return .section(
            .cls("card"), .testid("asked-scope"),
            .h2(.esc(s.t("申请范围（\(info.scope.items.count) 项）", "Scope asked (\(info.scope.items.count) items)"))),
            .dataTable(headers, rows, testid: "asked-items", cls: "data compact"),
            .fields([
                (s.t("行范围", "Row scope"), .el("code", .testid("row-scope"), .esc(SharingWeb.rowScope(info.scope, s)))),
                (s.t("批准的行范围", "Row scope granted"), granted.map { Body.el("code", .esc(SharingWeb.rowScope($0, s))) } ?? .esc("—"))
            ]))
    }

    func grant() -> Body {
        guard let g = info.grant else { return .empty }
        return .section(
            .cls("card"), .testid("grant"),
            .h2(.esc(s.t("授权", "Grant"))),
            .fields([
                (s.t("状态", "State"), SharingWeb.grantState(g.state, s)),
                (s.t("有效期", "Validity"), .esc(SharingWeb.period(g.validFrom, g.validUntil, s))),
                (s.t("信息项", "Items"), .esc(g.kind == "service" ? "—" : String(g.scope.items.count))),
                (s.t("撤销理由", "Revoked because"), ResourceSections.text(g.revokeReason))
            ]),
            .p(.link(SiteURL.grants.path, s.t("查看全部授权", "All grants"))))
    }

    func history() -> Body {
        let events = info.events ?? []
        return .section(
            .cls("card"), .attr("id", "history"),
            .h2(.esc(s.t("处理记录", "History"))),
            events.isEmpty
                ? SharingWeb.empty(s, "no-events")
                : .dataTable(
                    [s.t("时间", "When"), s.t("操作人", "Who"), s.t("操作", "Action"), s.t("说明", "Note")],
                    events.map { e in
                        [
                            .esc(s.dateTime(e.at)), .esc(m.person(e.actor) ?? e.actor), .esc(Self.actionLabel(e.action, s)), ResourceSections.text(e.note)
                        ]
                    }, testid: "events"))
    }

    static func actionLabel(_ action: String, _ s: Strings) -> String {
        let labels: [String: (String, String)] = [
            "applied": ("提交申请", "Applied"), "approve": ("同意", "Approved"), "approvePart": ("部分同意", "Approved in part"),
            "reject": ("不同意", "Rejected"), "approvedAtOnce": ("自动同意（无条件共享）", "Approved at once (unconditional)"),
            "escalated": ("提请协调", "Escalated"), "withdrawn": ("撤回", "Withdrawn"), "revoked": ("撤销授权", "Grant revoked")
        ]
        if action.hasPrefix("countersigned:") {
            let kind = String(action.dropFirst("countersigned:".count))
            return s.t("平台会签：", "Countersigned: ") + actionLabel(kind, s)
        }
        return labels[action].map { s.t($0.0, $0.1) } ?? action
    }
}
