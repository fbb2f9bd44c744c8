import Foundation
import Vapor
import DataBankCore

/// Anonymous look-ups per client address (``ClientAddress``): an in-memory token bucket per
/// address, in this instance's memory. Small and self-contained on purpose — the platform-wide
/// per-key/per-address limit in middleware is meant to absorb it.
actor LookupThrottle {
    let perMinute: Int
    private var buckets: [String: TokenBucket] = [:]

    init(perMinute: Int) { self.perMinute = max(perMinute, 1) }

    /// Spends one look-up of `address`; otherwise the seconds to wait.
    func take(_ address: String, now: Double = Date().timeIntervalSince1970) -> (allowed: Bool, retryAfter: Double) {
        // Addresses that went quiet hold full buckets: forget them rather than grow without bound.
        if buckets.count > 50_000 { buckets = buckets.filter { $0.value.tokens < Double(perMinute) - 1 } }
        var bucket = buckets[address] ?? TokenBucket(capacity: Double(perMinute), refillPerSecond: Double(perMinute) / 60, now: now)
        let answer = bucket.take(now: now)
        buckets[address] = bucket
        return answer
    }

    /// 429 with `Retry-After` when the caller's address has used its look-ups.
    static func check(_ req: Request) async throws {
        let (allowed, retryAfter) = await req.application.lookupThrottle.take(ClientAddress.of(req), now: req.application.settings.now().timeIntervalSince1970)
        guard allowed else { throw RateLimited(retryAfter: Int(retryAfter.rounded(.up))) }
    }
}

extension Application {
    private struct LookupThrottleKey: StorageKey { typealias Value = LookupThrottle }

    /// Look-ups per minute per address: `DATABANK_LOOKUPS_PER_MINUTE` (default 120); tests replace it.
    var lookupThrottle: LookupThrottle {
        get {
            if let throttle = storage[LookupThrottleKey.self] { return throttle }
            let n = Environment.get("DATABANK_LOOKUPS_PER_MINUTE").flatMap(Int.init) ?? 120
            let throttle = LookupThrottle(perMinute: n)
            storage[LookupThrottleKey.self] = throttle
            return throttle
        }
        set { storage[LookupThrottleKey.self] = newValue }
    }
}
