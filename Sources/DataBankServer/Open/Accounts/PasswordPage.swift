import Plot
import Vapor
import DataBankCore

/// `GET|POST /account/password`: the signed-in user changes their password.
enum PasswordPage {
    static func show(req: Request) async throws -> Response { page(req, error: nil, done: false) }

    static func submit(req: Request) async throws -> Response {
        let form = FormData(body: req)
        let input = PublicAccounts.PasswordInput(currentPassword: form.raw("currentPassword"), newPassword: form.raw("newPassword"))
        do {
            switch try await formAction({ try await PublicAccounts.changePassword(input, req) }) {
            case .success: return page(req, error: nil, done: true)
            case .failure(let error): return page(req, error: error, done: false, status: error.status)
            }
        } catch let throttled as SignInThrottled {
            let response = page(
                req, error: AppError(.tooManyRequests, "throttled", req.strings.t("尝试次数过多，请稍后重试。", "Too many attempts; try again later.")),
                done: false, status: .tooManyRequests)
            response.headers.replaceOrAdd(name: "Retry-After", value: String(max(1, throttled.retryAfter)))
            return response
        }
    }

    static func page(_ req: Request, error: AppError?, done: Bool, status: HTTPResponseStatus = .ok) -> Response {
        let s = req.strings
        let f = OpenForm(req, error)
        let form: Body = .postForm(
            SiteURL.password.path, csrf: req.csrfToken,
            [
                .cls("login-form"), .testid("password-form"),
                f.input("currentPassword", s.t("当前密码", "Current password"), type: "password", autocomplete: "current-password"),
                f.input(
                    "newPassword", s.t("新密码", "New password"), type: "password", autocomplete: "new-password",
                    hint: s.t("至少 8 个字符，不含用户名", "At least 8 characters, not containing the username")),
                .submit(s.t("修改密码", "Change password"), .cls("primary"), .testid("password-submit"))
            ])
        let banners = done ? [Layout.okBanner(s.t("密码已修改。", "Your password was changed."))] : f.banner()
        return Layout.render(
            req, title: s.t("修改密码", "Change password"), status: status, path: SiteURL.password.path, banners: banners,
            [.div(.cls("narrow"), Layout.heading(s.t("修改密码", "Change password")), .section(.cls("card"), form))])
    }
}
