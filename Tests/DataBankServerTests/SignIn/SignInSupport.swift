@testable import DataBankServer
import Testing
import Vapor
import VaporTesting

/// A browser signing in: keeps cookies, posts the sign-in form (with the CSRF field unless told
/// not to), optionally through a real socket with an `X-Forwarded-For` address.
struct SignInClient {
    let app: Application
    /// A real HTTP server (socket peer 127.0.0.1) instead of in-process requests.
    var live = false
    /// Sent as `X-Forwarded-For`.
    var forwardedFor: String?
    var cookies: [String: String] = [:]

    init(_ app: Application, live: Bool = false, forwardedFor: String? = nil) {
        self.app = app; self.live = live; self.forwardedFor = forwardedFor
    }

    /// Opens the sign-in page (which sets the CSRF cookie).
    mutating func open(_ path: String = "/login") async throws -> TestingHTTPResponse {
        let res = try await request(.GET, path, body: nil)
        keep(res)
        return res
    }

    /// Posts the sign-in form.
    mutating func signIn(_ username: String, _ password: String, next: String? = nil, csrf: String? = nil) async throws -> TestingHTTPResponse {
        if cookies[CSRFMiddleware.cookie] == nil { _ = try await open() }
        var fields = [("_csrf", csrf ?? cookies[CSRFMiddleware.cookie] ?? ""), ("username", username), ("password", password)]
        if let next { fields.append(("next", next)) }
        let res = try await request(.POST, "/login", body: fields.map { "\(Escape.url($0.0))=\(Escape.url($0.1))" }.joined(separator: "&"))
        keep(res)
        return res
    }

    mutating func keep(_ res: TestingHTTPResponse) {
        for header in res.headers[.setCookie] {
            let pair = header.prefix { $0 != ";" }.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { cookies[pair[0]] = pair[1] }
        }
    }

    func request(_ method: HTTPMethod, _ path: String, body: String?, bearer: String? = nil) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if !cookies.isEmpty { headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        if body != nil { headers.contentType = .urlEncodedForm }
        if let forwardedFor { headers.replaceOrAdd(name: .xForwardedFor, value: forwardedFor) }
        if let bearer { headers.bearerAuthorization = .init(token: bearer) }
        let tester = try live ? app.testing(method: .running(hostname: "127.0.0.1", port: 0)) : app.testing()
        var result: TestingHTTPResponse?
        try await tester.test(method, path, headers: headers, beforeRequest: { req in
            if let body { req.body = ByteBuffer(string: body) }
        }, afterResponse: { res in result = res })
        return try #require(result)
    }
}
