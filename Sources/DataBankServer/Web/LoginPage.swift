import Plot
import Vapor

/// `GET|POST /login`, `POST /logout`.
enum LoginPage {
    static func show(req: Request) async throws -> Response {
        let next = Forms.safeNext(FormData(query: req)["next"])
        if req.user != nil { return req.redirect(to: next ?? SiteURL.catalog.path) }
        return page(req, username: "", next: next, problem: nil)
    }

    /// Why the form is shown again.
    enum Problem { case wrongPassword, expiredForm, throttled(seconds: Int), unverified }

    static func submit(req: Request) async throws -> Response {
        let form = FormData(body: req)
        let username = form["username"] ?? "", password = form.raw("password")
        let next = Forms.safeNext(form["next"])
        let account = SignInThrottle.Subject.account(username), address = SignInThrottle.Subject.address(ClientAddress.of(req))
        // Held back: refused before the password is even checked, so guessing gains nothing.
        if let wait = try await SignInThrottle.wait([account, address], req) {
            return page(req, username: username, next: next, problem: .throttled(seconds: wait))
        }
        guard !username.isEmpty, !password.isEmpty else {
            return page(req, username: username, next: next, problem: .wrongPassword)
        }
        guard let user = try await Accounts.signIn(username: username, password: password, on: req.db) else {
            let accountWait = try await SignInThrottle.fail(account, req), addressWait = try await SignInThrottle.fail(address, req)
            let wait = [accountWait, addressWait].compactMap { $0 }.max()
            return page(req, username: username, next: next, problem: wait.map { .throttled(seconds: $0) } ?? .wrongPassword)
        }
        // The account's count starts again; the address keeps its own (a guesser's own account cannot clear it).
        try await SignInThrottle.reset(account, req)
        // A sign-up is confirmed first (its mailed link, or the platform admin).
        if user.awaitsVerification { return page(req, username: username, next: next, problem: .unverified) }
        // A fresh session id on sign-in, so an id planted before cannot ride along.
        if let old = req.session.id {
            try? await req.application.sessions.driver.deleteSession(old, for: req).get()
            req.session.id = nil
        }
        req.session.data[UserAuthenticator.sessionKey] = try user.requireID().uuidString
        return Layout.seeOther(next ?? SiteURL.catalog.path)
    }

    /// The form again after a POST without the form's CSRF token (another site's form).
    static func refusedForm(_ req: Request) -> Response {
        let form = FormData(body: req)
        return page(req, username: form["username"] ?? "", next: Forms.safeNext(form["next"]), problem: .expiredForm)
    }

    static func logout(req: Request) async throws -> Response {
        req.auth.logout(User.self)
        if req.hasSession { req.session.destroy() }
        return Layout.seeOther(SiteURL.catalog.path)
    }

    static func page(_ req: Request, username: String, next: String?, problem: Problem?) -> Response {
        let s = req.strings
        let form: Body = .postForm(
            SiteURL.login.path, csrf: req.csrfToken,
            [
                .cls("login-form"), .testid("login-form"),
                next.map { Body.hidden("next", $0) } ?? .empty,
                .div(
                    .cls("field"),
                    .el("label", .attr("for", "f-username"), .esc(s.t("用户名", "Username"))),
                    .input([
                        .v("type", "text"), .v("name", "username"), .v("id", "f-username"), .v("value", username),
                        .v("autocomplete", "username"), .on("required"), .on("autofocus", username.isEmpty), .v("data-testid", "login-username")
                    ])),
                .div(
                    .cls("field"),
                    .el("label", .attr("for", "f-password"), .esc(s.t("密码", "Password"))),
                    .input([
                        .v("type", "password"), .v("name", "password"), .v("id", "f-password"), .v("autocomplete", "current-password"),
                        .on("required"), .on("autofocus", !username.isEmpty), .v("data-testid", "login-password")
                    ])),
                .submit(s.t("登录", "Sign in"), .cls("primary"), .testid("login-submit"))
            ])
        let (status, banners): (HTTPResponseStatus, [Body]) =
            switch problem {
            case nil: (.ok, [])
            case .wrongPassword:
                (.unauthorized, [.banner("error", .p(.esc(s.t("用户名或密码不正确。", "Wrong username or password."))), testid: "login-error")])
            case .expiredForm:
                (
                    .forbidden,
                    [
                        .banner(
                            "error",
                            .p(
                                .esc(
                                    s.t(
                                        "登录表单已过期或并非来自本站，请重新登录。",
                                        "The sign-in form has expired or did not come from DataBank; please sign in again."))), testid: "login-csrf")
                    ]
                )
            case .unverified:
                (
                    .forbidden,
                    [
                        .banner(
                            "error",
                            .p(
                                .esc(
                                    s.t(
                                        "您的注册尚未确认：请打开邮件中的确认链接，或等待平台管理员确认。",
                                        "Your sign-up is not confirmed yet: open the link in the mail we sent, or wait for the platform admin to confirm it."
                                    ))), testid: "login-unverified")
                    ]
                )
            case .throttled(let seconds):
                (
                    .tooManyRequests,
                    [
                        .banner(
                            "error",
                            .p(
                                .esc(
                                    s.t(
                                        "登录失败次数过多，请在 \(waitText(seconds, zh: true)) 后重试。",
                                        "Too many failed sign-ins; try again in \(waitText(seconds, zh: false))."))), testid: "login-throttled")
                    ]
                )
            }
        let response = Layout.render(
            req, title: s.t("登录", "Sign in"), status: status, path: SiteURL.login.path, banners: banners,
            [
                .div(
                    .cls("narrow"),
                    Layout.heading(
                        s.t("登录", "Sign in"),
                        sub: s.t(
                            "数据专员、审核员和管理员登录后可登记、审核资源。",
                            "Stewards, reviewers and administrators sign in to register and review resources.")),
                    .section(.cls("card"), form),
                    .p(
                        .cls("hint"), .esc(s.t("开发者和公众用户：", "Developers and the public: ")),
                        .link(SiteURL.signup.path, s.t("注册账号", "create an account"), .testid("login-signup"))))
            ])
        if case .throttled(let seconds) = problem { response.headers.replaceOrAdd(name: "Retry-After", value: String(max(1, seconds))) }
        return response
    }

    /// "45 秒" / "3 minutes".
    static func waitText(_ seconds: Int, zh: Bool) -> String {
        if seconds < 120 { return zh ? "\(seconds) 秒" : "\(seconds) seconds" }
        let minutes = (seconds + 59) / 60
        return zh ? "\(minutes) 分钟" : "\(minutes) minutes"
    }
}
