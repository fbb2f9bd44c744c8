import Plot
import Vapor
import DataBankCore

/// `GET|POST /signup`: a developer or citizen registers; `GET /signup/verify?token=` confirms it.
enum SignupPage {
    static func show(req: Request) async throws -> Response {
        if req.user != nil { return req.redirect(to: SiteURL.developer.path) }
        return page(req, form: FormData(""), error: nil)
    }

    static func submit(req: Request) async throws -> Response {
        let form = FormData(body: req)
        let input = PublicAccounts.SignupInput(
            username: form["username"] ?? "", email: form["email"] ?? "", password: form.raw("password"), displayName: form["displayName"])
        let result: Result<(User, PublicAccounts.Confirmation), AppError>
        do {
            result = try await formAction { try await PublicAccounts.signUp(input, req) }
        } catch let throttled as SignInThrottled {
            let response = page(
                req, form: form,
                error: AppError(
                    .tooManyRequests, "throttled",
                    req.strings.t(
                        "注册尝试过多，请在 \(LoginPage.waitText(throttled.retryAfter, zh: true)) 后重试。",
                        "Too many sign-ups from this address; try again in \(LoginPage.waitText(throttled.retryAfter, zh: false)).")),
                status: .tooManyRequests)
            response.headers.replaceOrAdd(name: "Retry-After", value: String(max(1, throttled.retryAfter)))
            return response
        }
        switch result {
        case .failure(let error): return page(req, form: form, error: error, status: error.status)
        case .success(let (user, confirmation)):
            let s = req.strings
            let text =
                confirmation == .mail
                ? s.t("我们已向 \(user.email ?? "") 发送确认邮件，请打开其中的链接完成注册。", "We mailed a confirmation link to \(user.email ?? ""); open it to finish signing up.")
                : s.t("注册已提交，平台管理员确认后即可登录。", "Your sign-up is recorded; you can sign in once the platform admin confirms it.")
            return Layout.render(
                req, title: s.t("注册", "Sign up"), status: .created, path: SiteURL.signup.path, banners: [Layout.okBanner(text)],
                [.div(.cls("narrow"), Layout.heading(s.t("注册已提交", "Sign-up recorded")), .p(.link(SiteURL.login.path, s.t("前往登录", "Go to sign in"))))])
        }
    }

    static func verify(req: Request) async throws -> Response {
        let s = req.strings
        let token = FormData(query: req)["token"] ?? ""
        guard let user = try await PublicAccounts.verify(token: String(token.prefix(100)), on: req.db) else {
            return Layout.render(
                req, title: s.t("确认注册", "Confirm sign-up"), status: .notFound,
                banners: [.banner("error", .p(.esc(s.t("确认链接无效或已使用。", "This confirmation link is unknown or already used."))), testid: "verify-failed")],
                [.div(.cls("narrow"), Layout.heading(s.t("确认注册", "Confirm sign-up")))])
        }
        return Layout.render(
            req, title: s.t("确认注册", "Confirm sign-up"),
            banners: [Layout.okBanner(s.t("\(user.username)，您的注册已确认。", "\(user.username), your sign-up is confirmed."))],
            [.div(.cls("narrow"), Layout.heading(s.t("注册已确认", "Sign-up confirmed")), .p(.link(SiteURL.login.path, s.t("前往登录", "Go to sign in"))))])
    }

    /// The form again after a POST without the form's CSRF token.
    static func refusedForm(_ req: Request) -> Response {
        let s = req.strings
        return page(
            req, form: FormData(body: req),
            error: AppError(
                .forbidden, "csrf_failed", s.t("注册表单已过期或并非来自本站，请重新提交。", "The sign-up form has expired or did not come from DataBank; please submit it again.")),
            status: .forbidden)
    }

    static func page(_ req: Request, form: FormData, error: AppError?, status: HTTPResponseStatus = .ok) -> Response {
        let s = req.strings
        let f = OpenForm(req, error)
        let body: Body = .postForm(
            SiteURL.signup.path, csrf: req.csrfToken,
            [
                .cls("login-form"), .testid("signup-form"),
                f.input(
                    "username", s.t("用户名", "Username"), value: form["username"] ?? "", autocomplete: "username",
                    hint: s.t("3–32 个小写字母、数字或 . _ -", "3–32 lower-case letters, digits or . _ -")),
                f.input("displayName", s.t("显示名称（可选）", "Display name (optional)"), value: form["displayName"] ?? "", autocomplete: "name", required: false),
                f.input("email", s.t("电子邮箱", "E-mail"), type: "email", value: form["email"] ?? "", autocomplete: "email"),
                f.input(
                    "password", s.t("密码", "Password"), type: "password", autocomplete: "new-password",
                    hint: s.t("至少 8 个字符，不含用户名", "At least 8 characters, not containing the username")),
                .submit(s.t("注册", "Sign up"), .cls("primary"), .testid("signup-submit"))
            ])
        return Layout.render(
            req, title: s.t("注册", "Sign up"), status: status, path: SiteURL.signup.path, banners: f.banner(),
            [
                .div(
                    .cls("narrow"),
                    Layout.heading(
                        s.t("注册开发者账号", "Create a developer account"),
                        sub: s.t(
                            "注册后可申请 API 密钥调用开放数据、申请有条件开放数据、提交应用案例和反馈。",
                            "With an account you get API keys for open data, apply for conditionally open data, and submit reuses and feedback.")),
                    .section(.cls("card"), body),
                    .p(.cls("hint"), .esc(s.t("已有账号？", "Already registered? ")), .link(SiteURL.login.path, s.t("登录", "Sign in"))))
            ])
    }
}
