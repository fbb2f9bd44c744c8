/// A caller's limits on the open data API: calls per minute (a token bucket: this many at once,
/// refilled evenly) and, for a developer key, calls per day (reset at midnight in the city, UTC+8).
public struct CallLimit: Sendable, Equatable {
    public var perMinute: Int
    /// Nil: no daily quota (anonymous callers are held by their per-minute limit alone).
    public var perDay: Int?

    public init(perMinute: Int, perDay: Int?) { self.perMinute = perMinute; self.perDay = perDay }

    /// This instance's share when `instances` stateless instances serve the API behind one balancer:
    /// each limits what it serves to limit ÷ instances (rounded up, at least 1), so the total holds.
    public func share(of instances: Int) -> Int {
        let n = max(1, instances)
        return max(1, (perMinute + n - 1) / n)
    }
}

/// What one call is answered: allowed or not, and the `X-RateLimit-*` / `Retry-After` figures.
public struct CallAnswer: Sendable, Equatable {
    public var allowed: Bool
    /// Calls per minute (this instance's share).
    public var limit: Int
    /// Calls left now.
    public var remaining: Int
    /// Seconds until the bucket is full again.
    public var reset: Int
    /// Seconds to wait when refused (nil when allowed).
    public var retryAfter: Int?
    /// The daily quota and what is left of it, when the caller has one.
    public var quota: Int?
    public var quotaRemaining: Int?
    /// Refused because the day's quota is spent (not the per-minute rate).
    public var quotaSpent: Bool

    public init(
        allowed: Bool, limit: Int, remaining: Int, reset: Int, retryAfter: Int?, quota: Int? = nil, quotaRemaining: Int? = nil,
        quotaSpent: Bool = false
    ) {
        self.allowed = allowed; self.limit = limit; self.remaining = remaining; self.reset = reset; self.retryAfter = retryAfter
        self.quota = quota; self.quotaRemaining = quotaRemaining; self.quotaSpent = quotaSpent
    }
}

/// One caller's counters in one instance's memory: the per-minute bucket and the day's calls
/// (those every instance had flushed at the last exchange with the database, plus this instance's since).
///
/// Pure: the caller passes the clock, so tests need no sleeping.
public struct CallCounter: Sendable {
    public private(set) var bucket: TokenBucket
    /// The civil day (days since 1970-01-01 in UTC+8) the day's counts are for.
    public private(set) var day: Int
    /// The day's calls as the database had them at the last flush (every instance's).
    public private(set) var sharedToday: Int
    /// This instance's calls of the day not yet in ``sharedToday``.
    public private(set) var localToday: Int

    public init(limit: CallLimit, instances: Int, now: Double, day: Int) {
        let capacity = Double(limit.share(of: instances))
        bucket = TokenBucket(capacity: capacity, refillPerSecond: capacity / 60, now: now)
        self.day = day; sharedToday = 0; localToday = 0
    }

    /// The day's calls as this instance knows them.
    public var usedToday: Int { sharedToday + localToday }

    /// Takes one call at `now` (seconds) on civil day `day`; `secondsToMidnight` for the quota's Retry-After.
    public mutating func take(limit: CallLimit, instances: Int, now: Double, day: Int, secondsToMidnight: Int) -> CallAnswer {
        let capacity = Double(limit.share(of: instances))
        if bucket.capacity != capacity { bucket = TokenBucket(capacity: capacity, refillPerSecond: capacity / 60, now: now) }
        if day != self.day { self.day = day; sharedToday = 0; localToday = 0 }
        let share = Int(capacity)
        if let quota = limit.perDay, usedToday >= quota {
            return CallAnswer(
                allowed: false, limit: share, remaining: 0, reset: max(1, secondsToMidnight), retryAfter: max(1, secondsToMidnight),
                quota: quota, quotaRemaining: 0, quotaSpent: true)
        }
        let (allowed, wait) = bucket.take(now: now)
        let remaining = Int(bucket.tokens.rounded(.down))
        let reset = Int(((bucket.capacity - bucket.tokens) / max(bucket.refillPerSecond, 1e-9)).rounded(.up))
        if allowed { localToday += 1 }
        return CallAnswer(
            allowed: allowed, limit: share, remaining: max(0, remaining), reset: max(0, reset),
            retryAfter: allowed ? nil : max(1, Int(wait.isFinite ? wait.rounded(.up) : 60)),
            quota: limit.perDay, quotaRemaining: limit.perDay.map { max(0, $0 - usedToday) })
    }

    /// After a flush: the database's total for `day` (every instance's flushed calls), and how many of
    /// this instance's local calls that total now holds.
    public mutating func merged(sharedTotal: Int, flushedLocal: Int, day: Int) {
        guard day == self.day else { return }
        sharedToday = sharedTotal
        localToday = max(0, localToday - flushedLocal)
    }
}
