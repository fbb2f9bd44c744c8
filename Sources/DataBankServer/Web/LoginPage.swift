import Plot
import Vapor

/// `GET|POST /login`, `POST /logout`.
enum LoginPage {
    static func show(req: Request) async throws -> Response {
        let next = Forms.safeNext(FormData(query: req)["next"])
        if req.user != nil { return req.redirect(to: next ?? "/catalog") }
        return page(req, username: "", next: next, failed: false)
    }

    static func submit(req: Request) async throws -> Response {
        let form = FormData(body: req)
        let username = form["username"] ?? "", password = form.raw("password")
        let next = Forms.safeNext(form["next"])
        guard !username.isEmpty, !password.isEmpty,
              let user = try await Accounts.signIn(username: username, password: password, on: req.db) else {
            return page(req, username: username, next: next, failed: true)
        }
        // A fresh session id on sign-in, so an id planted before cannot ride along.
        if let old = req.session.id {
            try? await req.application.sessions.driver.deleteSession(old, for: req).get()
            req.session.id = nil
        }
        req.session.data[UserAuthenticator.sessionKey] = try user.requireID().uuidString
        return Layout.seeOther(next ?? "/catalog")
    }

    static func logout(req: Request) async throws -> Response {
        req.auth.logout(User.self)
        if req.hasSession { req.session.destroy() }
        return Layout.seeOther("/catalog")
    }

    static func page(_ req: Request, username: String, next: String?, failed: Bool) -> Response {
        let s = req.strings
        let form: Body = .postForm("/login", csrf: req.csrfToken, [
            .cls("login-form"), .testid("login-form"),
            next.map { Body.hidden("next", $0) } ?? .empty,
            .div(.cls("field"),
                 .el("label", .attr("for", "f-username"), .esc(s.t("用户名", "Username"))),
                 .input([.v("type", "text"), .v("name", "username"), .v("id", "f-username"), .v("value", username),
                         .v("autocomplete", "username"), .on("required"), .on("autofocus", username.isEmpty), .v("data-testid", "login-username")])),
            .div(.cls("field"),
                 .el("label", .attr("for", "f-password"), .esc(s.t("密码", "Password"))),
                 .input([.v("type", "password"), .v("name", "password"), .v("id", "f-password"), .v("autocomplete", "current-password"),
                         .on("required"), .on("autofocus", !username.isEmpty), .v("data-testid", "login-password")])),
            .submit(s.t("登录", "Sign in"), .cls("primary"), .testid("login-submit")),
        ])
        let banners: [Body] = failed ? [.banner("error", .p(.esc(s.t("用户名或密码不正确。", "Wrong username or password."))), testid: "login-error")] : []
        return Layout.render(req, title: s.t("登录", "Sign in"), status: failed ? .unauthorized : .ok, path: "/login", banners: banners, [
            .div(.cls("narrow"),
                 Layout.heading(s.t("登录", "Sign in"), sub: s.t("数据专员、审核员和管理员登录后可登记、审核资源。",
                                                                "Stewards, reviewers and administrators sign in to register and review resources.")),
                 .section(.cls("card"), form)),
        ])
    }
}
