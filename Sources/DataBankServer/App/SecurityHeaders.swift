import Vapor

/// Headers that tell browsers to refuse what DataBank never does, on every answer (pages, the
/// API, errors, static files): no script or style but our own files, no framing, no sniffing,
/// no full URLs leaked to other sites.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    /// Pages load only `/app.js` and `/style.css`; no inline script, style or handler exists, so
    /// none is allowed (an injected one would not run).
    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'none'",
        "form-action 'self'", "frame-ancestors 'none'"
    ].joined(separator: "; ")

    /// The same policy for an embeddable page, except that any site may frame it.
    static let frameablePolicy = contentSecurityPolicy.replacingOccurrences(of: "frame-ancestors 'none'", with: "frame-ancestors *")

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: req)
        // An embeddable chart (`/embed/charts/:id`, public charts only) may be framed by any site.
        let frameable = req.route?.isFrameable == true
        if frameable { response.headers.remove(name: "X-Frame-Options") }
        var headers: [(String, String)] = [
            ("Content-Security-Policy", frameable ? Self.frameablePolicy : Self.contentSecurityPolicy)
        ]
        if !frameable { headers.append(("X-Frame-Options", "DENY")) }
        headers += [
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "strict-origin-when-cross-origin")
        ]
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
        if req.application.settings.secureCookies {
            // Served over HTTPS (behind the TLS proxy): browsers keep to it.
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000")
        }
        return response
    }
}
