/// A rate limit: up to `capacity` calls at once, refilled at `refillPerSecond`.
///
/// Pure: the caller passes the clock (seconds, any origin), so tests need no sleeping. The
/// server keeps one bucket per app; a clock that steps backwards refills nothing.
public struct TokenBucket: Sendable {
    public let capacity: Double
    public let refillPerSecond: Double
    public private(set) var tokens: Double
    private var last: Double

    /// A full bucket.
    public init(capacity: Double, refillPerSecond: Double, now: Double) {
        self.capacity = max(capacity, 0); self.refillPerSecond = max(refillPerSecond, 0)
        self.tokens = self.capacity; self.last = now
    }

    /// Takes one token if there is one. When refused, `retryAfter` is the seconds until one is
    /// available (infinity if the bucket never refills); when allowed it is 0.
    public mutating func take(now: Double) -> (allowed: Bool, retryAfter: Double) {
        if now > last {
            tokens = min(capacity, tokens + (now - last) * refillPerSecond)
            last = now
        }
        if tokens >= 1 {
            tokens -= 1
            return (true, 0)
        }
        guard refillPerSecond > 0, capacity >= 1 else { return (false, .infinity) }
        return (false, (1 - tokens) / refillPerSecond)
    }
}
