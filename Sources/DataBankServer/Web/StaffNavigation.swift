import Plot
import Vapor
import DataBankCore

/// The internal catalog's main navigation.
///
/// Staff see their pages in a few menus — 目录 Catalog, 共享 Sharing, 分析 Insight, 管理 Admin — so a
/// platform admin's nineteen pages fit one line. Each menu is a `<details>` disclosure: it opens
/// without script and by keyboard; app.js only closes it on an outside click or Escape. A menu lists
/// only the pages the user may open, and a menu left with one page shows as a plain link. Anonymous
/// visitors and registered public users keep a short flat list.
enum StaffNavigation {
    /// A page in the navigation; `id` names its test id, `nav-<id>`.
    struct Entry {
        let href: String
        let zh: String
        let en: String
        let id: String
    }

    /// A menu: its label and the entries the user may open; `id` names its test id, `nav-group-<id>`.
    struct Group {
        let id: String
        let zh: String
        let en: String
        var entries: [Entry]
    }

    /// The navigation for the request's user: groups of pages they may open, without empty groups.
    static func groups(_ req: Request) -> [Group] {
        guard let user = req.user, user.role != .publicUser else {
            // Visitors and public users: the catalog's public pages (and the developer desk), flat.
            var entries = [
                Entry(href: SiteURL.catalog.path, zh: "目录", en: "Catalog", id: "catalog"),
                Entry(href: SiteURL.departments.path, zh: "部门", en: "Departments", id: "departments"),
                Entry(href: SiteURL.standards.path, zh: "标准", en: "Standards", id: "standards"),
                Entry(href: SiteURL.editions.path, zh: "目录版本", en: "Editions", id: "editions")
            ]
            if req.user != nil { entries.append(Entry(href: SiteURL.developer.path, zh: "开发者中心", en: "Developer", id: "developer")) }
            return entries.map { Group(id: $0.id, zh: $0.zh, en: $0.en, entries: [$0]) }
        }
        var catalog = Group(
            id: "catalog", zh: "目录", en: "Catalog",
            entries: [
                Entry(href: SiteURL.catalog.path, zh: "资源目录", en: "Resources", id: "catalog"),
                Entry(href: SiteURL.departments.path, zh: "部门", en: "Departments", id: "departments"),
                Entry(href: SiteURL.standards.path, zh: "标准", en: "Standards", id: "standards"),
                Entry(href: SiteURL.editions.path, zh: "目录版本", en: "Editions", id: "editions")
            ])
        if req.can(.readReviewQueue) { catalog.entries.append(Entry(href: SiteURL.reviews.path, zh: "目录审核", en: "Reviews", id: "reviews")) }
        var sharing = Group(
            id: "sharing", zh: "共享", en: "Sharing",
            entries: [
                Entry(href: SiteURL.sharing.path, zh: "申请与授权", en: "Applications & grants", id: "sharing"),
                Entry(href: SiteURL.objections.path, zh: "数据纠错", en: "Objections", id: "objections"),
                Entry(href: SiteURL.demands.path, zh: "需求登记", en: "Demands", id: "demands")
            ])
        if Authorization.reach(req.actor, .runJointChecks) != .none {
            sharing.entries.append(Entry(href: SiteURL.jointChecks.path, zh: "联办核验", en: "Joint checks", id: "joint-checks"))
        }
        if Authorization.reach(req.actor, .handleWarnings) != .none {
            sharing.entries.append(Entry(href: SiteURL.warnings.path, zh: "预警", en: "Early warnings", id: "warnings"))
        }
        // Connectors pull departments' data into the exchange: with sharing, for those who may read them.
        if Authorization.reach(req.actor, .readConnectors) != .none {
            sharing.entries.append(Entry(href: SiteURL.connectors.path, zh: "前置交换", en: "Connectors", id: "connectors"))
        }
        var insight = Group(
            id: "insight", zh: "分析", en: "Insight",
            entries: [
                Entry(href: SiteURL.quality.path, zh: "数据质量", en: "Quality", id: "quality"),
                Entry(href: SiteURL.dashboards.path, zh: "看板", en: "Dashboards", id: "dashboards"),
                Entry(href: SiteURL.heat.path, zh: "热度", en: "Heat", id: "heat")
            ])
        if Authorization.reach(req.actor, .readEvaluation) != .none {
            insight.entries.append(Entry(href: SiteURL.evaluation.path, zh: "绩效评估", en: "Evaluation", id: "evaluation"))
        }
        if req.can(.readCockpit) { insight.entries.append(Entry(href: SiteURL.cockpit.path, zh: "驾驶舱", en: "Cockpit", id: "cockpit")) }
        var admin = Group(id: "admin", zh: "管理", en: "Admin", entries: [])
        if req.can(.readAudit) { admin.entries.append(Entry(href: SiteURL.audit.path, zh: "审计日志", en: "Audit log", id: "audit")) }
        // The platform admin's open-portal desks: sign-ups to confirm and developer keys' limits.
        if req.can(.confirmPublicUsers) { admin.entries.append(Entry(href: SiteURL.signups.path, zh: "注册确认", en: "Sign-ups", id: "signups")) }
        if req.can(.manageDeveloperKeys) {
            admin.entries.append(Entry(href: SiteURL.adminKeys.path, zh: "开发者密钥", en: "Developer keys", id: "admin-keys"))
        }
        return [catalog, sharing, insight, admin].filter { !$0.entries.isEmpty }
    }

    /// The navigation's content: a plain link per one-page group, a disclosure menu for the others.
    /// The page being shown is `aria-current="page"` and its menu is marked active.
    static func render(_ groups: [Group], current: String, _ s: Strings) -> [Body] {
        func isCurrent(_ entry: Entry) -> Bool { current == entry.href || current.hasPrefix(entry.href + "/") }
        func link(_ entry: Entry, label: String) -> Body {
            let here = isCurrent(entry)
            return .link(entry.href, label, .cls(here ? "active" : ""), here ? .attr("aria-current", "page") : .empty, .testid("nav-\(entry.id)"))
        }
        return groups.map { group in
            if group.entries.count == 1, let only = group.entries.first {
                return link(only, label: s.t(only.zh, only.en))
            }
            let active = group.entries.contains(where: isCurrent)
            return .element(
                named: "details",
                nodes: [
                    .cls(active ? "nav-group active" : "nav-group"), .attr("name", "main-nav"),
                    .element(
                        named: "summary",
                        nodes: [.testid("nav-group-\(group.id)"), .esc(s.t(group.zh, group.en))]),
                    .ul(
                        .cls("nav-menu"),
                        .group(group.entries.map { entry -> Node<HTML.ListContext> in .li(link(entry, label: s.t(entry.zh, entry.en))) }))
                ])
        }
    }
}
