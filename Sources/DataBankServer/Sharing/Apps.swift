import Fluent
import Vapor
import DataBankCore

/// An API app signed in with its own token (`dbk_app_…`): its department, and the grants bound to it.
struct AppPrincipal: Sendable {
    var id: UUID
    var name: String
    var departmentCode: String
}

struct AppPrincipalKey: StorageKey { typealias Value = AppPrincipal }

extension Request {
    /// The API app making this request, if it signed in with an app token.
    var app: AppPrincipal? { storage[AppPrincipalKey.self] }
}

/// Token buckets per app, in this instance's memory (each instance limits what it serves).
actor RateLimiter {
    private var buckets: [UUID: TokenBucket] = [:]

    /// Whether the app may make one more request now; otherwise the seconds to wait.
    func take(_ app: UUID, perMinute: Int, now: Double = Date().timeIntervalSince1970) -> (allowed: Bool, retryAfter: Double) {
        var bucket = buckets[app] ?? TokenBucket(capacity: Double(perMinute), refillPerSecond: Double(perMinute) / 60, now: now)
        let answer = bucket.take(now: now)
        buckets[app] = bucket
        return answer
    }
}

extension Application {
    private struct RateLimiterKey: StorageKey { typealias Value = RateLimiter }
    var rateLimiter: RateLimiter {
        if let limiter = storage[RateLimiterKey.self] { return limiter }
        let limiter = RateLimiter()
        storage[RateLimiterKey.self] = limiter
        return limiter
    }
}

enum Apps {
    static let tokenPrefix = "dbk_app_"

    /// Signs an app in from its token and spends one of its requests; 401 for an unknown or
    /// revoked token, 429 with `Retry-After` when its bucket is empty.
    static func authenticate(_ token: String, _ req: Request) async throws {
        let found = try await Self.app(forToken: token, req)
        let (allowed, retryAfter) = await req.application.rateLimiter.take(
            found.principal.id, perMinute: found.ratePerMinute, now: req.application.settings.now().timeIntervalSince1970)
        guard allowed else {
            throw RateLimited(retryAfter: Int(retryAfter.rounded(.up)))
        }
        req.storage[AppPrincipalKey.self] = found.principal
    }

    /// What an app token stands for, cached per access epoch (a revoked app moves it).
    struct CachedApp: Sendable {
        var principal: AppPrincipal
        var ratePerMinute: Int
    }

    /// The token's app, from the cache when this request's access epoch is the one it was cached under.
    static func app(forToken token: String, _ req: Request) async throws -> CachedApp {
        let hash = UserToken.hash(token)
        let cache = req.application.readCaches.appTokens
        let epoch = try await AccessEpoch.current(req)
        if let epoch, let cached = cache.value(hash, epoch: epoch) { return cached }
        guard let row = try await AppRow.query(on: req.db).filter(\.$tokenHash == hash).filter(\.$revokedAt == nil).first() else {
            throw AppError(.unauthorized, "invalid_token", "The app token is unknown or revoked")
        }
        let found = CachedApp(
            principal: AppPrincipal(id: try row.requireID(), name: row.name, departmentCode: row.departmentCode), ratePerMinute: row.ratePerMinute)
        if let epoch { cache.store(found, hash, epoch: epoch) }
        return found
    }

    /// A new app token: `dbk_app_` + 40 url-safe characters.
    static func generateToken() -> String { tokenPrefix + UserToken.generate().dropFirst(4) }
}

/// 429 with the seconds to wait.
struct RateLimited: AbortError {
    var retryAfter: Int
    var status: HTTPResponseStatus { .tooManyRequests }
    var reason: String { "Rate limit reached; retry after \(retryAfter) s" }
    var headers: HTTPHeaders { ["Retry-After": String(max(1, retryAfter))] }
}
