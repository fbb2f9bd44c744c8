import Vapor

/// CSRF protection, double-submit style: a random `databank_csrf` cookie that every form
/// repeats in a hidden `_csrf` field (and scripts in an `X-CSRF-Token` header).
///
/// Requests that carry a session cookie are checked, and so is the sign-in form, which has no
/// session yet: a foreign page must not sign a visitor into the attacker's account. A bearer
/// token cannot be sent by a foreign site, and other anonymous requests have nothing to abuse.
struct CSRFMiddleware: AsyncMiddleware {
    static let cookie = "databank_csrf"
    static let field = "_csrf"

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let token = req.cookies[Self.cookie]?.string ?? Self.newToken()
        req.storage[CSRFTokenKey.self] = token
        let unsafe = ![.GET, .HEAD, .OPTIONS].contains(req.method)
        let viaSession = req.storage[AuthMethodKey.self] != .token && (req.cookies["databank_session"] != nil)
        // The sign-up form too: a foreign page must not register accounts in a visitor's name.
        let signInForm =
            req.method == .POST && [SiteURL.login.path, SiteURL.signup.path].contains(req.url.path) && req.storage[AuthMethodKey.self] != .token
        if unsafe && (viaSession || signInForm) {
            let inURL = req.query[String.self, at: Self.field]
            if req.headers.first(name: "X-CSRF-Token") == nil && inURL == nil && req.route?.formUploadDeclared == true
                && req.headers.contentType?.type == "multipart" && req.headers.contentType?.subType == "form-data"
            {
                // A page's streamed upload: the token is the form's first field, checked by MultipartUpload
                // before any of the file is used; without a cookie to match it can only fail.
                guard let cookie = req.cookies[Self.cookie]?.string else {
                    throw AppError(.forbidden, "csrf_failed", "The form has expired or did not come from DataBank; reload the page and try again")
                }
                req.storage[CSRFDeferredKey.self] = cookie
                return try await respond(next.respond(to: req), token: token, req)
            }
            if req.headers.first(name: "X-CSRF-Token") == nil && inURL == nil && req.body.data == nil {
                // Vapor collects a streamed body only inside the route; the form field is needed now.
                _ = try await req.body.collect(max: req.application.routes.defaultMaxBodySize.value).get()
            }
            let sent = req.headers.first(name: "X-CSRF-Token") ?? inURL ?? (try? req.content.get(String.self, at: Self.field))
            guard let sent, let cookie = req.cookies[Self.cookie]?.string, sent == cookie else {
                // The sign-in form is shown again (with a fresh token), not an error page.
                if signInForm {
                    let page = req.url.path == SiteURL.signup.path ? SignupPage.refusedForm(req) : LoginPage.refusedForm(req)
                    return try await respond(page, token: token, req)
                }
                throw AppError(.forbidden, "csrf_failed", "The form has expired or did not come from DataBank; reload the page and try again")
            }
        }
        return try await respond(next.respond(to: req), token: token, req)
    }

    /// Sets the cookie the forms of `response` repeat, when the browser has none yet.
    private func respond(_ response: Response, token: String, _ req: Request) async throws -> Response {
        if req.cookies[Self.cookie] == nil {
            response.cookies[Self.cookie] = .init(
                string: token, maxAge: 7 * 86_400, path: "/",
                isSecure: req.application.settings.secureCookies, isHTTPOnly: false, sameSite: .strict)
        }
        return response
    }

    static func newToken() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(rng.next(), radix: 36) }.joined()
    }
}

struct CSRFTokenKey: StorageKey { typealias Value = String }
/// The cookie a streamed upload form's first field must repeat (set only on ``Route/streamsFormUpload()`` routes).
struct CSRFDeferredKey: StorageKey { typealias Value = String }

extension Request {
    /// The token to put in forms.
    var csrfToken: String { storage[CSRFTokenKey.self] ?? "" }
}
