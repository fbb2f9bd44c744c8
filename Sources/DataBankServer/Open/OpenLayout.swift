import Plot
import Vapor
import DataBankCore

/// The open portal's page shell: its own header (home, datasets, providers, the language switch;
/// for signed-in staff a link to the workspace, the internal catalog), content and footer.
enum OpenLayout {
    /// `scripts`: the page's own scripts (files under Public: the CSP allows no inline script).
    static func render(
        _ req: Request, title: String, status: HTTPResponseStatus = .ok, banners: [Body] = [], scripts: [String] = [], _ content: [Body]
    ) -> Response {
        let s = req.strings
        let doc = HTML(
            .attribute(named: "lang", value: s.isEnglish ? "en" : "zh-CN"),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .element(named: "title", nodes: [.esc("\(title) · \(s.t("佛山市公共数据开放平台", "Foshan Open Data"))")]),
                .link(.rel(.stylesheet), .href("/style.css")),
                .group(scripts.map { Node<HTML.HeadContext>.script(.src($0), .attribute(named: "defer", value: "defer")) })
            ),
            .body(
                .cls("open-portal"),
                header(req, s),
                .element(named: "main", nodes: [.cls("page"), .group(banners)] + content),
                .footer(
                    .cls("site-footer"),
                    .p(
                        .esc(
                            s.t(
                                "佛山市公共数据开放平台（演示） · 数据由各提供部门依法开放，免费使用；涉及个人信息的数据项已按标准脱敏",
                                "Foshan Open Data (demo) · published by the providing departments, free to use; personal items are masked by their standards")))
                )
            )
        )
        let response = Response(status: status)
        response.headers.contentType = .html
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        response.body = .init(string: doc.render())
        return response
    }

    static func header(_ req: Request, _ s: Strings) -> Body {
        let current = req.url.path
        func nav(_ url: SiteURL, _ zh: String, _ en: String, _ id: String) -> Body {
            let href = url.path
            let active = href == "/" ? current == "/" : current == href || current.hasPrefix(href + "/")
            return .link(href, s.t(zh, en), .cls(active ? "active" : ""), .testid("open-nav-\(id)"))
        }
        let query = req.method == .GET ? FormData(query: req).pairs.filter { $0.0 != "lang" } : []
        let other = s.isEnglish ? "zh" : "en"
        var account: [Body] = [
            .link(
                QueryLink(current, query).setting("lang", other).href, s.isEnglish ? "中文" : "English", .cls("lang-switch"),
                .testid("lang-switch"), .attr("lang", other == "en" ? "en" : "zh-CN"))
        ]
        if let user = req.user, user.role == .publicUser {
            account.append(.link(SiteURL.developer.path, s.t("开发者中心", "Developer"), .testid("open-developer")))
            account.append(.span(.cls("user"), .testid("user-name"), .esc(user.displayName)))
        } else if let user = req.user {
            account.append(.link(SiteURL.catalog.path, s.t("工作台（内部目录）", "Workspace (internal catalog)"), .testid("open-workspace")))
            account.append(.span(.cls("user"), .testid("user-name"), .esc(user.displayName)))
        } else {
            account.append(.link(QueryLink(SiteURL.login.path, [("next", current)]).href, s.t("登录", "Sign in"), .testid("login-link")))
            account.append(.link(SiteURL.signup.path, s.t("注册", "Sign up"), .testid("signup-link")))
        }
        return .header(
            .cls("site-header open-header"),
            .div(
                .cls("header-inner"),
                .a(
                    .cls("brand"), .href(SiteURL.home.path), .span(.cls("brand-mark"), "OD"),
                    .span(.esc(s.t("佛山市公共数据开放平台", "Foshan Open Data")))),
                .nav(
                    .cls("main-nav"), .attr("aria-label", s.t("主导航", "Main")),
                    nav(.home, "首页", "Home", "home"), nav(.openDatasets, "数据集", "Datasets", "datasets"),
                    nav(.openProviders, "提供部门", "Providers", "providers"), nav(.openLive, "实时数据", "Live", "live"),
                    nav(.openDashboards, "数据看板", "Dashboards", "dashboards"),
                    nav(.credit, "信用公示", "Credit", "credit"), nav(.reuses, "数据应用", "Reuses", "reuses")),
                .div(.cls("account"), .group(account))
            )
        )
    }

    /// Thousands separated, as figures read: 12,345.
    static func figure(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// A row of figure tiles: (value, label, test id).
    static func figures(_ tiles: [(Int, String, String)]) -> Body {
        .ul(
            .cls("figures"), .testid("figures"),
            .group(
                tiles.map { value, label, id in
                    Node<HTML.ListContext>.li(
                        .testid("figure-\(id)"), .span(.cls("figure-value"), .esc(figure(value))), .span(.cls("figure-label"), .esc(label)))
                }))
    }

    /// The portal's error page: 404 for what the portal does not show, the status and message otherwise.
    static func errorPage(_ error: AppError, _ req: Request) -> Response {
        let s = req.strings
        let code = error.status.code
        let title: String, explanation: String
        switch code {
        case 404:
            title = s.t("未找到该数据", "Not found")
            explanation = s.t(
                "该数据集不存在或未向社会开放。可以搜索其他数据集，或按主题浏览。",
                "This dataset does not exist or is not open to the public. Search for another dataset, or browse by theme.")
        case 403:
            title = s.t("需申请后使用", "Apply to use")
            explanation = s.t("该数据为有条件开放，不提供预览和下载。", "This data is open on conditions only; it has no preview or download.")
        case 400..<500:
            title = s.t("请求有误", "Bad request")
            explanation = Layout.localized(error, s)
        default:
            title = s.t("服务器错误", "Server error")
            explanation = s.t("服务器处理请求时出错，请稍后重试。", "Something went wrong on our side; please try again later.")
        }
        return render(
            req, title: title, status: error.status,
            [
                .div(
                    .cls("error-page"), .testid(code == 404 ? "open-not-found" : "error-page"),
                    .p(.cls("error-code"), .esc(String(code))),
                    .h1(.esc(title)),
                    .p(.esc(explanation)),
                    OpenSearchPage.searchBox("", hidden: [], s),
                    .p(
                        .cls("actions"), .link(SiteURL.home.path, s.t("返回首页", "Back to the home page"), .cls("button")),
                        .link(SiteURL.openDatasets.path, s.t("浏览全部数据集", "Browse every dataset"), .cls("button"))))
            ])
    }
}

/// Renders the portal's pages' errors in the portal's own shell (its 404 for an unknown or
/// not-open dataset), before the site-wide error page would.
struct OpenErrorMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: req)
        } catch {
            let e = AppError.from(error)
            guard e.status.code < 500 else { throw error }
            req.logger.info("\(e.status.code) \(e.code): \(e.message)")
            return OpenLayout.errorPage(e, req)
        }
    }
}
