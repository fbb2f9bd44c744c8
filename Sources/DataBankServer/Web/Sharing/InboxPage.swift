import Plot
import Vapor
import DataBankCore

/// `GET /sharing`: a department's inbox (申请与授权) — applications to review, its own
/// applications, grants expiring within 30 days, notifications, and for the platform the
/// overdue applications it may countersign or escalate.
enum InboxPage {
    /// `POST /sharing/notifications/read`: every notification of the department read.
    static func markRead(req: Request) async throws -> Response {
        let user = try req.requireUser()
        _ = try await SharingAPI.markRead(department: user.departmentCode, ids: nil, on: req.db)
        return req.redirect(to: "\(SiteURL.sharing.path)#notifications", redirectType: .normal)
    }

    static func show(req: Request) async throws -> Response {
        let box = try await SharingAPI().inbox(req: req)
        let s = req.strings
        let codes = (box.toReview + box.mine + box.overdue).map(\.resource) + box.expiringGrants.map(\.resource)
        let resources = try await SharingWeb.resourceNames(codes, req: req)
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        // A registered member of the public applies as `user:<id>`: shown as such, not as a code.
        func dept(_ code: String) -> Body {
            .esc(names[code] ?? (code.hasPrefix(Actor.publicConsumerPrefix) ? s.t("注册用户", "Registered user") : code))
        }

        func applications(_ list: [ApplicationInfo], _ id: String, other: KeyPath<ApplicationInfo, String>, _ otherLabel: String) -> Body {
            guard !list.isEmpty else { return SharingWeb.empty(s, "\(id)-empty") }
            return .dataTable(
                [s.t("资源", "Resource"), otherLabel, s.t("状态", "Status"), s.t("审核截止", "Decide by"), s.t("申请时间", "Applied"), ""],
                list.map { a in
                    [
                        SharingWeb.resource(a.resource, resources),
                        dept(a[keyPath: other]),
                        SharingWeb.statusBadge(a.status, s),
                        .group([.esc(a.deadline ?? "—"), a.overdue ? .group([.text(" "), SharingWeb.overdueBadge(s)]) : .empty]),
                        .esc(s.dateTime(a.createdAt)),
                        .link(SharingWeb.applicationLink(a.id), s.t("查看", "Open"), .testid("application-link"))
                    ]
                }, testid: id)
        }
        let expiring: Body =
            box.expiringGrants.isEmpty
            ? SharingWeb.empty(s, "expiring-empty")
            : .dataTable(
                [s.t("资源", "Resource"), s.t("提供方", "Provider"), s.t("有效期至", "Until"), ""],
                box.expiringGrants.map { g in
                    [
                        SharingWeb.resource(g.resource, resources), dept(g.provider), .esc(g.validUntil),
                        .link(SharingWeb.applyLink(g.resource), s.t("重新申请", "Apply again"))
                    ]
                }, testid: "expiring")
        let unread = box.notifications.filter { !$0.read }.count
        let notes: Body =
            box.notifications.isEmpty
            ? SharingWeb.empty(s, "notifications-empty")
            : .group([
                .ul(
                    .cls("notifications"), .testid("notifications"),
                    .group(
                        box.notifications.map { n in
                            let text = s.isEnglish ? n.textEn : n.text
                            return Node<HTML.ListContext>.li(
                                n.read ? .empty : .cls("unread"), .span(.cls("muted"), .esc(s.dateTime(n.at) + " ")),
                                n.link.map { Body.link($0, text) } ?? .esc(text))
                        })),
                unread == 0
                    ? .empty
                    : .postForm(
                        SiteURL.markNotificationsRead.path, csrf: req.csrfToken,
                        [
                            .submit(s.t("全部标为已读（\(unread)）", "Mark all read (\(unread))"), .testid("mark-read"))
                        ])
            ])

        var tabs: [(String, String, Int?)] = [
            ("review", s.t("待我审核", "To review"), box.toReview.count), ("mine", s.t("我的申请", "My applications"), box.mine.count),
            ("expiring", s.t("即将到期的授权", "Grants expiring soon"), box.expiringGrants.count), ("notifications", s.t("通知", "Notifications"), nil)
        ]
        var sections: [Body] = [
            .section(
                .cls("card"), .attr("id", "review"), .h2(.esc(s.t("待我审核（\(box.toReview.count)）", "To review (\(box.toReview.count))"))),
                applications(box.toReview, "to-review", other: \.consumer, s.t("申请部门", "Consumer"))),
            .section(
                .cls("card"), .attr("id", "mine"), .h2(.esc(s.t("我的申请（\(box.mine.count)）", "My applications (\(box.mine.count))"))),
                applications(box.mine, "mine", other: \.provider, s.t("提供方", "Provider"))),
            .section(
                .cls("card"), .attr("id", "expiring"),
                .h2(.esc(s.t("即将到期的授权（30 天内）", "Grants expiring within 30 days"))), expiring),
            .section(.cls("card"), .attr("id", "notifications"), .h2(.esc(s.t("通知", "Notifications"))), notes)
        ]
        if let remote = try await RemoteApplicationsSection.render(req) {
            // Applications this department made at other nodes (federation).
            tabs.insert(remote.tab, at: 2)
            sections.insert(remote.section, at: 2)
        }
        if req.can(.countersign) {
            tabs.append(("overdue", s.t("超期申请", "Overdue"), box.overdue.count))
            sections.append(
                .section(
                    .cls("card"), .attr("id", "overdue"),
                    .h2(.esc(s.t("超期申请（\(box.overdue.count)）", "Overdue applications (\(box.overdue.count))"))),
                    .p(
                        .cls("hint"),
                        .esc(
                            s.t(
                                "超过审核期限仍未决定的申请：打开后可提请协调或会签决定。",
                                "Applications past their deadline: open one to escalate it or countersign a decision."))),
                    applications(box.overdue, "overdue", other: \.provider, s.t("提供方", "Provider"))))
        }
        let content: [Body] = [
            Layout.heading(
                s.t("申请与授权", "Sharing"),
                sub: s.t("本部门的共享申请、待审核的申请、授权和通知。", "Your department's applications, the ones to review, grants and notifications."),
                .p(
                    .cls("actions-row"),
                    .link(SiteURL.grants.path, s.t("全部授权", "All grants"), .cls("button"), .testid("grants-link")),
                    .text(" "),
                    .link(SiteURL.apps.path, s.t("API 应用", "API apps"), .cls("button"), .testid("apps-link")))),
            .nav(
                .cls("tabs"), .attr("aria-label", s.t("分区", "Sections")),
                .group(
                    tabs.map { id, label, n in
                        Body.link("#\(id)", n.map { s.t("\(label)（\($0)）", "\(label) (\($0))") } ?? label, .testid("tab-\(id)"))
                    })),
            .group(sections)
        ]
        // After a cross-node application from its form (RemoteApplyPage).
        let banners: [Body] =
            switch FormData(query: req)["done"] {
            case "remote-sent": [Layout.okBanner(s.t("申请已送达对端节点，等待其审核。", "The application reached the other node and awaits its decision."))]
            case "remote-queued":
                [Layout.okBanner(s.t("对端节点暂时无法连接：申请已排队，将自动重试送达。", "The other node cannot be reached now: the application is queued and will be retried."))]
            default: []
            }
        return Layout.render(req, title: s.t("申请与授权", "Sharing"), path: SiteURL.sharing.path, banners: banners, content)
    }
}
