import Plot
import Vapor

/// An error shown as a page, in the page language, inside the site layout.
enum WebErrorPage {
    static func response(for error: AppError, request: Request) -> Response {
        let s = request.strings
        let code = error.status.code
        let title: String
        let explanation: String
        switch code {
        case 401:
            title = s.t("请先登录", "Please sign in")
            explanation = s.t("此页面需要登录后才能查看。", "You need to sign in to see this page.")
        case 403:
            title = s.t("无权访问", "Not allowed")
            explanation =
                error.code == "csrf_failed"
                ? s.t("表单已过期或并非来自本站，请刷新页面后重试。", "The form has expired or did not come from DataBank; reload the page and try again.")
                : s.t("您的账号没有执行此操作的权限。", "Your account may not do this.")
        case 409:
            title = s.t("当前状态下无法执行", "Not possible right now")
            explanation = s.t("该操作与资源的当前状态冲突。", "This conflicts with the current state of the resource.")
        case 404:
            title = s.t("未找到", "Not found")
            explanation = s.t("您访问的内容不存在，或您无权查看。", "What you asked for does not exist, or you may not see it.")
        case 400..<500:
            title = s.t("请求有误", "Bad request")
            explanation = s.t("请求无法处理。", "The request could not be handled.")
        default:
            title = s.t("服务器错误", "Server error")
            explanation = s.t("服务器处理请求时出错，请稍后重试。", "Something went wrong on our side; please try again later.")
        }
        var actions: [Body] = [.link(SiteURL.catalog.path, s.t("返回目录", "Back to the catalog"))]
        if code == 401 || (code == 403 && request.user == nil) {
            let next = request.method == .GET ? request.url.path : nil
            actions.insert(
                .link(
                    QueryLink(SiteURL.login.path, next.map { [("next", $0)] } ?? []).href, s.t("登录", "Sign in"),
                    .cls("button"), .testid("error-login")), at: 0)
        }
        // Only what exists in the page's language is shown: a field error carries both; a bare message
        // (authorization, not found) is English only, so a Chinese page keeps to its own explanation.
        let detail = code >= 500 || (!s.isEnglish && error.details.isEmpty) ? "" : Layout.localized(error, s)
        let content: [Body] = [
            .div(
                .cls("error-page"), .testid("error-page"),
                .p(.cls("error-code"), .esc(String(code))),
                .h1(.esc(title)),
                .p(.esc(explanation)),
                detail.isEmpty ? .empty : .p(.cls("error-detail"), .testid("error-message"), .esc(detail)),
                error.details.count > 1 ? .ul(.group(error.details.map { Node<HTML.ListContext>.li(.esc("\(s.field($0.field))：\(s.message($0))")) })) : .empty,
                .p(.cls("actions"), .group(actions))
            )
        ]
        return Layout.render(request, title: title, status: error.status, content)
    }
}
