import Vapor
import DataBankCore

/// CKAN's Action API (`/api/3/action/{action}`, `/api/action/{action}`) and datastore dumps, so a
/// city's CKAN clients keep working. Registered from here only; every action is in ``CKANActions``.
///
/// The gate is the read decision: metadata follows the catalog's visibility (anonymous callers see
/// the open portal's packages), and every record read asks ``StoreReading``.
enum CKANRoutes {
    static func register(on app: Application) {
        let ckan = app.grouped(CKANMiddleware()).gated(.storeRead)
        for prefix in [["api", "3", "action"], ["api", "action"]] {
            let path = prefix.map(PathComponent.init(stringLiteral:)) + [":action"]
            ckan.get(path, use: CKANActions.handle)
            ckan.post(path, use: CKANActions.handle)
        }
        ckan.get("datastore", "dump", ":resource", use: CKANDatastore.dump)
    }
}

/// Answers every error of a CKAN route in CKAN's envelope, and signs in the API key the way CKAN
/// clients send it: `Authorization: KEY` (no scheme, as `ckanapi -a KEY` does) or `X-CKAN-API-Key`.
struct CKANMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            if req.user == nil, req.app == nil, let key = Self.apiKey(req) {
                try await UserAuthenticator.signIn(bearer: key, req)
            }
            return try await next.respond(to: req)
        } catch {
            let ckan = CKANError.from(error)
            if ckan.status.code >= 500 { req.logger.report(error: error) }
            return CKANResponse.failure(ckan, req)
        }
    }

    /// The key of a CKAN client: a bare `Authorization` value, or `X-CKAN-API-Key`. (`Bearer …` is
    /// signed in already by ``UserAuthenticator``.)
    static func apiKey(_ req: Request) -> String? {
        if let auth = req.headers.first(name: .authorization)?.trimmingCharacters(in: .whitespaces), !auth.isEmpty, !auth.contains(" ") {
            return auth
        }
        if let key = req.headers.first(name: "X-CKAN-API-Key")?.trimmingCharacters(in: .whitespaces), !key.isEmpty { return key }
        return nil
    }
}

/// CKAN's envelope: `{"help": URL, "success": true, "result": …}` or the error's.
enum CKANResponse {
    static func help(_ req: Request) -> String {
        let action = req.parameters.get("action") ?? "datastore_dump"
        return base(req) + "/api/3/action/help_show?name=" + (action.addingPercentEncoding(withAllowedCharacters: CKANResponse.unreserved) ?? "")
    }

    /// RFC 3986's unreserved characters: what a query value keeps unencoded.
    static let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))

    /// The site's address as the caller reached it (links in results: resource URLs, `_links`).
    static func base(_ req: Request) -> String {
        let host = req.headers.first(name: .host) ?? "localhost"
        let scheme = req.headers.first(name: "X-Forwarded-Proto") == "https" ? "https" : "http"
        return "\(scheme)://\(host)"
    }

    static func success(resultJSON: String, _ req: Request) -> Response {
        json("{\"help\":\(CKANJSON.string(help(req))),\"success\":true,\"result\":\(resultJSON)}", status: .ok)
    }

    static func failure(_ error: CKANError, _ req: Request) -> Response {
        json("{\"error\":\(error.errorJSON),\"help\":\(CKANJSON.string(help(req))),\"success\":false}", status: error.status)
    }

    static func json(_ body: String, status: HTTPResponseStatus) -> Response {
        let response = Response(status: status, body: .init(string: body))
        response.headers.replaceOrAdd(name: .contentType, value: "application/json;charset=utf-8")
        return response
    }
}
