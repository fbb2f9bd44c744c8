import Vapor
import DataBankCore

/// Meters the open data API: every call by an anonymous caller (per client address, behind a
/// trusted proxy the forwarded address — ``ClientAddress``) or by a registered member of the public
/// (per developer key, or per person when signed in on the portal) takes one call from its limits.
/// Over the limit: 429 with `Retry-After`. Department staff and department apps are not metered
/// here (apps have their own per-app bucket; docs/SECURITY.md says why).
///
/// Runs after the authenticator (it needs to know who calls) and before the route's gate; no
/// database round trip (``UsageMeter``).
struct OpenAPIMeter: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard Self.isMetered(req.url.path), let caller = Self.caller(req) else { return try await next.respond(to: req) }
        let (subject, limit) = caller
        let settings = req.application.settings
        let answer = req.application.usageMeter.take(
            subject: subject, resource: Self.resource(req), limit: limit, instances: settings.apiInstances, now: settings.now())
        req.storage[CallAnswerKey.self] = answer
        guard answer.allowed else { throw CallLimitReached(answer: answer) }
        return try await next.respond(to: req)
    }

    /// The open data API: `/api/…` (the JSON API, the CKAN API under `/api/3` and `/api/action`), and
    /// the portal's downloads under `/datasets/…` (a last segment with a file extension).
    static func isMetered(_ path: String) -> Bool {
        if path.hasPrefix("/api/") { return true }
        guard path.hasPrefix("/datasets/"), let last = path.split(separator: "/").last else { return false }
        return ["csv", "json", "ndjson", "xlsx", "zip", "xml", "rdf", "ttl", "jsonld"].contains(last.split(separator: ".").last.map(String.init) ?? "")
            && last.contains(".")
    }

    /// Who is metered, and by which limits; nil for department staff and apps.
    static func caller(_ req: Request) -> (String, CallLimit)? {
        if req.app != nil { return nil }
        // A peer node's signed request (federation: catalog pulls, applications, the relay's pages) is not
        // open-data use: its signature is checked by the route, and refused ones are throttled per address there.
        if req.url.path.hasPrefix("/api/v1/federation/"), req.headers.first(name: NodeSigning.nodeHeader) != nil { return nil }
        let settings = req.application.settings
        if let user = req.user {
            guard user.role == .publicUser else { return nil }
            if let key = req.storage[UserTokenIDKey.self], let limit = req.storage[DeveloperKeyLimitKey.self] {
                return ("key:" + key.uuidString, limit)
            }
            return ("user:" + (user.id?.uuidString ?? ""), CallLimit(perMinute: settings.keyCallsPerMinute, perDay: settings.keyCallsPerDay))
        }
        // A resident or an enterprise (我的数据) is metered as itself, as a registered user is.
        if let subject = req.subject {
            return ("subject:" + subject.hash, CallLimit(perMinute: settings.keyCallsPerMinute, perDay: settings.keyCallsPerDay))
        }
        return ("addr:" + ClientAddress.of(req), CallLimit(perMinute: settings.anonymousCallsPerMinute, perDay: nil))
    }

    /// The dataset a call is about, for the developer's calls per day per dataset ("-": none).
    static func resource(_ req: Request) -> String {
        let code = req.parameters.get("code") ?? req.query[String.self, at: "id"] ?? req.query[String.self, at: "resource_id"]
        guard let code, !code.isEmpty else { return "-" }
        return String(code.prefix(64))
    }
}

struct CallAnswerKey: StorageKey { typealias Value = CallAnswer }

/// Puts the meter's answer on the response as `X-RateLimit-*` (and `X-Quota-*` for a developer key),
/// error answers included: registered outside the error renderer, so it sees the rendered response.
struct CallLimitHeaders: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: req)
        guard let answer = req.storage[CallAnswerKey.self] else { return response }
        response.headers.replaceOrAdd(name: "X-RateLimit-Limit", value: String(answer.limit))
        response.headers.replaceOrAdd(name: "X-RateLimit-Remaining", value: String(answer.remaining))
        response.headers.replaceOrAdd(name: "X-RateLimit-Reset", value: String(answer.reset))
        if let quota = answer.quota, let left = answer.quotaRemaining {
            response.headers.replaceOrAdd(name: "X-Quota-Limit", value: String(quota))
            response.headers.replaceOrAdd(name: "X-Quota-Remaining", value: String(left))
        }
        if let wait = answer.retryAfter { response.headers.replaceOrAdd(name: "Retry-After", value: String(wait)) }
        return response
    }
}

/// 429: the per-minute rate or the day's quota is spent.
struct CallLimitReached: AbortError {
    var answer: CallAnswer
    var status: HTTPResponseStatus { .tooManyRequests }
    var reason: String {
        answer.quotaSpent
            ? "This key's daily quota of \(answer.quota ?? 0) calls is spent; it resets at midnight (UTC+8), in \(answer.retryAfter ?? 1) s"
            : "Rate limit of \(answer.limit) calls per minute reached; retry after \(answer.retryAfter ?? 1) s"
    }
    var headers: HTTPHeaders { ["Retry-After": String(answer.retryAfter ?? 1)] }
}
