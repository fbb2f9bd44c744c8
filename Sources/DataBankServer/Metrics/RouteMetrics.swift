import Atomics
import Vapor

/// The request counters of one route (method + path pattern): answers by status and a latency
/// histogram. Made once per route at boot and kept in the route's `userInfo`, so recording a
/// request is a handful of relaxed atomic adds — no lock, no dictionary lookup, no allocation.
final class RouteMetrics: Sendable {
    /// Latency bucket bounds in seconds (Prometheus `le`), ending at +Inf.
    static let bounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    static let boundsNanos: [UInt64] = bounds.map { UInt64($0 * 1e9) }
    /// Statuses counted one by one; any other falls in its class (`2xx` …).
    static let statuses: [UInt] = [200, 201, 202, 204, 206, 301, 302, 303, 304, 400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 500, 502, 503, 504]

    let method: String
    let route: String
    /// One per bound, then +Inf; not cumulative (summed when written).
    let buckets: [ManagedAtomic<UInt64>]
    let sumNanos = ManagedAtomic<UInt64>(0)
    /// One per entry of `statuses`, then 1xx … 5xx for the rest.
    let byStatus: [ManagedAtomic<UInt64>]

    init(method: String, route: String) {
        self.method = method
        self.route = route
        buckets = (0...Self.bounds.count).map { _ in ManagedAtomic(0) }
        byStatus = (0..<(Self.statuses.count + 5)).map { _ in ManagedAtomic(0) }
    }

    func record(status: UInt, nanos: UInt64) {
        var b = 0
        while b < Self.boundsNanos.count && nanos > Self.boundsNanos[b] { b += 1 }
        buckets[b].wrappingIncrement(ordering: .relaxed)
        sumNanos.wrappingIncrement(by: nanos, ordering: .relaxed)
        let i = Self.statuses.firstIndex(of: status) ?? (Self.statuses.count + Int(min(max(status / 100, 1), 5)) - 1)
        byStatus[i].wrappingIncrement(ordering: .relaxed)
    }

    /// (status label, count) for every status seen.
    var statusCounts: [(String, UInt64)] {
        var out: [(String, UInt64)] = []
        for (i, counter) in byStatus.enumerated() {
            let n = counter.load(ordering: .relaxed)
            guard n > 0 else { continue }
            out.append((i < Self.statuses.count ? String(Self.statuses[i]) : "\(i - Self.statuses.count + 1)xx", n))
        }
        return out
    }
}
