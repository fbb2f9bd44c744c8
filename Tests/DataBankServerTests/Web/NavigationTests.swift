import DataBankCore
@testable import DataBankServer
import Foundation
import Testing
import Vapor
import VaporTesting

/// The internal catalog's main navigation as each kind of user gets it: staff pages grouped in a
/// few disclosure menus holding only what the user may open, visitors and public users a flat list.
@Suite("Navigation")
struct NavigationTests {
    /// A page's main navigation: each menu's test id with the test ids of its entries, in order,
    /// and the plain links outside any menu.
    struct Navigation {
        var menus: [String: [String]] = [:]
        var menuOrder: [String] = []
        var links: [String] = []
        var html = ""

        init(_ page: String) {
            guard let start = page.range(of: "<nav class=\"main-nav\""),
                let end = page.range(of: "</nav>", range: start.upperBound..<page.endIndex)
            else { return }
            var rest = page[start.upperBound..<end.lowerBound]
            html = String(rest)
            func ids(_ part: Substring) -> [String] {
                part.components(separatedBy: "data-testid=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            }
            while let open = rest.range(of: "<details"), let close = rest.range(of: "</details>", range: open.upperBound..<rest.endIndex) {
                links += ids(rest[..<open.lowerBound])
                let inside = ids(rest[open.upperBound..<close.lowerBound])
                if let group = inside.first {
                    menus[group] = Array(inside.dropFirst())
                    menuOrder.append(group)
                }
                rest = rest[close.upperBound...]
            }
            links += ids(rest)
        }
    }

    /// The platform admin's nineteen pages sit in four menus — catalog, sharing, insight, admin — in both languages.
    @Test func groupsTheAdminsPages() async throws {
        try await withDataBank { app in
            let web = try await WebSession.signIn(app, "admin")
            for (lang, labels) in [("zh", ["目录", "共享", "分析", "管理"]), ("en", ["Catalog", "Sharing", "Insight", "Admin"])] {
                let nav = Navigation(try await web.get("/catalog?lang=\(lang)").body.string)
                #expect(nav.menuOrder == ["nav-group-catalog", "nav-group-sharing", "nav-group-insight", "nav-group-admin"])
                #expect(nav.menus["nav-group-catalog"] == ["nav-catalog", "nav-departments", "nav-standards", "nav-editions", "nav-reviews"])
                #expect(
                    nav.menus["nav-group-sharing"] == ["nav-sharing", "nav-objections", "nav-demands", "nav-joint-checks", "nav-warnings", "nav-connectors"])
                #expect(nav.menus["nav-group-insight"] == ["nav-quality", "nav-dashboards", "nav-heat", "nav-evaluation", "nav-cockpit"])
                #expect(nav.menus["nav-group-admin"] == ["nav-audit", "nav-signups", "nav-admin-keys"])
                #expect(nav.links.isEmpty)
                for (id, label) in zip(nav.menuOrder, labels) {
                    #expect(nav.html.contains("<summary data-testid=\"\(id)\">\(label)</summary>"), "\(id) \(lang)")
                }
            }
        }
    }

    /// The page being shown is marked in its menu (`aria-current`), and its menu as active; no other menu is.
    @Test func marksTheCurrentPagesMenu() async throws {
        try await withDataBank { app in
            let web = try await WebSession.signIn(app, "admin")
            let nav = Navigation(try await web.get("/heat").body.string)
            #expect(nav.html.components(separatedBy: "class=\"nav-group active\"").count == 2)
            let active = try #require(nav.html.range(of: "class=\"nav-group active\""))
            let insight = try #require(nav.html.range(of: "data-testid=\"nav-group-insight\""))
            #expect(active.upperBound < insight.lowerBound)
            #expect(nav.html.contains("aria-current=\"page\" data-testid=\"nav-heat\""))
            #expect(nav.html.components(separatedBy: "aria-current").count == 2)
        }
    }

    /// A steward sees no admin menu (audit, sign-ups, developer keys, cockpit are the data authority's)
    /// and no review queue; the rest keeps its menus.
    @Test func aStewardSeesNoAdminMenu() async throws {
        try await withDataBank { app in
            let web = try await WebSession.signIn(app, "scj_steward")
            let nav = Navigation(try await web.get("/catalog").body.string)
            #expect(nav.menuOrder == ["nav-group-catalog", "nav-group-sharing", "nav-group-insight"])
            #expect(nav.menus["nav-group-catalog"] == ["nav-catalog", "nav-departments", "nav-standards", "nav-editions"])
            #expect(nav.menus["nav-group-sharing"] == ["nav-sharing", "nav-objections", "nav-demands", "nav-joint-checks", "nav-warnings", "nav-connectors"])
            #expect(nav.menus["nav-group-insight"] == ["nav-quality", "nav-dashboards", "nav-heat", "nav-evaluation"])
            for hidden in ["nav-group-admin", "nav-audit", "nav-signups", "nav-admin-keys", "nav-cockpit", "nav-reviews"] {
                #expect(!nav.html.contains("data-testid=\"\(hidden)\""), "\(hidden)")
            }
        }
    }

    /// A visitor and a registered public user keep the short flat list: no menus.
    @Test func visitorsAndPublicUsersKeepAFlatList() async throws {
        try await withDataBank { app in
            let visitor = Navigation(try await app.send(.GET, "/catalog").body.string)
            #expect(visitor.menus.isEmpty)
            #expect(visitor.links == ["nav-catalog", "nav-departments", "nav-standards", "nav-editions"])
            _ = try await app.publicUser("dev_nav", password: "databank-demo")
            let web = try await WebSession.signIn(app, "dev_nav")
            let user = Navigation(try await web.get("/catalog").body.string)
            #expect(user.menus.isEmpty)
            #expect(user.links == ["nav-catalog", "nav-departments", "nav-standards", "nav-editions", "nav-developer"])
        }
    }
}
