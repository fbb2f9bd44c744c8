import Vapor

/// CSRF protection, double-submit style: a random `databank_csrf` cookie that every form
/// repeats in a hidden `_csrf` field (and scripts in an `X-CSRF-Token` header).
///
/// Only requests that carry a session cookie are checked: a bearer token cannot be sent
/// by a foreign site, and an anonymous request has nothing to abuse.
struct CSRFMiddleware: AsyncMiddleware {
    static let cookie = "databank_csrf"
    static let field = "_csrf"

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let token = req.cookies[Self.cookie]?.string ?? Self.newToken()
        req.storage[CSRFTokenKey.self] = token
        let unsafe = ![.GET, .HEAD, .OPTIONS].contains(req.method)
        let viaSession = req.storage[AuthMethodKey.self] != .token && (req.cookies["databank_session"] != nil)
        if unsafe && viaSession {
            // A streamed upload form carries the token in its action URL, so its body is not read here.
            let inURL = req.query[String.self, at: Self.field]
            if req.headers.first(name: "X-CSRF-Token") == nil && inURL == nil && req.body.data == nil {
                // Vapor collects a streamed body only inside the route; the form field is needed now.
                _ = try await req.body.collect(max: req.application.routes.defaultMaxBodySize.value).get()
            }
            let sent = req.headers.first(name: "X-CSRF-Token") ?? inURL ?? (try? req.content.get(String.self, at: Self.field))
            guard let sent, let cookie = req.cookies[Self.cookie]?.string, sent == cookie else {
                throw AppError(.forbidden, "csrf_failed", "The form has expired or did not come from DataBank; reload the page and try again")
            }
        }
        let response = try await next.respond(to: req)
        if req.cookies[Self.cookie] == nil {
            response.cookies[Self.cookie] = .init(string: token, maxAge: 7 * 86_400, path: "/", isHTTPOnly: false, sameSite: .strict)
        }
        return response
    }

    static func newToken() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(rng.next(), radix: 36) }.joined()
    }
}

struct CSRFTokenKey: StorageKey { typealias Value = String }

extension Request {
    /// The token to put in forms.
    var csrfToken: String { storage[CSRFTokenKey.self] ?? "" }
}
