import Plot
import Vapor
import DataBankCore

/// The page shell: head, header with navigation, language switch and account, content, footer.
enum Layout {
    static func render(
        _ req: Request, title: String, status: HTTPResponseStatus = .ok,
        path: String? = nil, banners: [Body] = [], _ content: [Body]
    ) -> Response {
        let s = req.strings
        let doc = HTML(
            .attribute(named: "lang", value: s.isEnglish ? "en" : "zh-CN"),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .element(named: "title", nodes: [.esc("\(title) · \(s.t("DataBank 政务信息资源目录", "DataBank Government Information Resource Catalog"))")]),
                .link(.rel(.stylesheet), .href("/style.css"))
            ),
            .body(
                header(req, s, path: path),
                .element(named: "main", nodes: [.cls("page"), .group(banners)] + content),
                .footer(
                    .cls("site-footer"),
                    .p(
                        .esc(
                            s.t(
                                "佛山市政务信息资源目录（演示） · 依据《政务信息资源目录编制指南（试行）》",
                                "Foshan government information resource catalog (demo), after the national cataloguing guide")))),
                .element(named: "script", nodes: [.attr("src", "/app.js"), .flag("defer")])
            )
        )
        let response = Response(status: status)
        response.headers.contentType = .html
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        response.body = .init(string: doc.render())
        return response
    }

    static func header(_ req: Request, _ s: Strings, path: String?) -> Body {
        let current = req.url.path
        let here = path ?? current
        let query = req.method == .GET && path == nil ? FormData(query: req).pairs.filter { $0.0 != "lang" } : []
        let other = s.isEnglish ? "zh" : "en"
        let switchHref = QueryLink(here, query).setting("lang", other).href
        var account: [Body] = [
            .link(
                switchHref, s.isEnglish ? "中文" : "English", .cls("lang-switch"), .testid("lang-switch"),
                .attr("lang", other == "en" ? "en" : "zh-CN"))
        ]
        if let user = req.user {
            account.append(.link(SiteURL.account.path, user.displayName, .cls("user"), .testid("user-name")))
            account.append(.postForm(SiteURL.logout.path, csrf: req.csrfToken, [.submit(s.t("退出", "Sign out"), .cls("link-button"), .testid("logout"))]))
        } else if let subject = req.subject {
            // A resident or an enterprise signed in to 我的数据 (no account): their page, and signing out there.
            account.append(.link(MyDataURL.home, subject.name ?? s.t("我的数据", "My data"), .cls("user"), .testid("subject-name")))
        } else {
            let next = req.method == .GET && current != SiteURL.login.path ? QueryLink(SiteURL.login.path, [("next", here)]).href : SiteURL.login.path
            account.append(.link(next, s.t("登录", "Sign in"), .testid("login-link")))
            account.append(.link(SiteURL.signup.path, s.t("注册", "Sign up"), .testid("signup-link")))
        }
        return .header(
            .cls("site-header"),
            .div(
                .cls("header-inner"),
                .a(
                    .cls("brand"), .href(SiteURL.catalog.path), .span(.cls("brand-mark"), "DB"),
                    .span(.esc(s.t("政务信息资源目录", "Information Resource Catalog")))),
                .nav(
                    .cls("main-nav"), .attr("aria-label", s.t("主导航", "Main")),
                    .group(StaffNavigation.render(StaffNavigation.groups(req), current: current, s))),
                .div(.cls("account"), .group(account))
            )
        )
    }

    /// An error banner for an ``AppError``, with its field messages.
    static func errorBanner(_ error: AppError, _ s: Strings) -> Body {
        let details = error.details.filter { !$0.message.isEmpty }
        let head = details.count == 1 ? s.message(details[0]) : localized(error, s)
        return .banner(
            "error",
            .p(.esc(head)),
            details.count > 1 ? .ul(.group(details.map { Node<HTML.ListContext>.li(.esc("\(s.field($0.field))：\(s.message($0))")) })) : .empty,
            testid: "error-banner")
    }

    /// The message of an error in the page language, where the error carries a Chinese one.
    static func localized(_ error: AppError, _ s: Strings) -> String {
        if error.details.count == 1 { return s.message(error.details[0]) }
        if error.code == "validation_failed" {
            return s.t("有 \(error.details.count) 处填写有误，请检查标出的字段", "\(error.details.count) fields are invalid; see the marked fields")
        }
        return error.message
    }

    static func okBanner(_ text: String) -> Body { .banner("ok", .p(.esc(text)), testid: "ok-banner") }

    /// "Page title" heading with an optional subtitle.
    static func heading(_ title: String, sub: String? = nil, _ extra: Body...) -> Body {
        .div(.cls("page-head"), .h1(.esc(title), .testid("page-title")), sub.map { Body.p(.cls("sub"), .esc($0)) } ?? .empty, .group(extra))
    }

    /// Previous / next links for an offset-paged list.
    static func pager(_ link: QueryLink, offset: Int, limit: Int, total: Int, _ s: Strings) -> Body {
        guard total > limit else { return .empty }
        let page = offset / limit + 1, pages = (total + limit - 1) / limit
        return .nav(
            .cls("pager"), .testid("pager"),
            offset > 0
                ? .link(link.setting("offset", offset - limit > 0 ? String(offset - limit) : nil).href, s.t("‹ 上一页", "‹ Previous"), .attr("rel", "prev"))
                : .empty,
            .span(.esc(s.t("第 \(page) / \(pages) 页", "Page \(page) of \(pages)"))),
            offset + limit < total ? .link(link.setting("offset", String(offset + limit)).href, s.t("下一页 ›", "Next ›"), .attr("rel", "next")) : .empty
        )
    }

    /// A 303 redirect (after a POST).
    static func seeOther(_ location: String) -> Response {
        let r = Response(status: .seeOther)
        r.headers.replaceOrAdd(name: .location, value: location)
        return r
    }
}
