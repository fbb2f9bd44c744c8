import Foundation
import Vapor
import DataBankCore

/// The cockpit's figures, kept for ``ttl`` (`DATABANK_COCKPIT_TTL_SECONDS`, 60 by default; 0 computes
/// on every request). A year of exchange statistics takes a second or more to add up at the city's
/// volume, while the page must answer in milliseconds: after the first computation every request is
/// served from the kept figures, and once they are older than the TTL the next request starts one
/// refresh in the background (never two at once for the same viewer) and is still served the kept
/// figures. Keyed by what the viewer may see and the day, so no one is shown another's view.
actor CockpitCache {
    private struct Entry { var figures: CockpitFigures; var at: ContinuousClock.Instant }
    private var entries: [String: Entry] = [:]
    private var running: [String: Task<CockpitFigures, any Error>] = [:]
    let ttl: Duration

    init(ttl: Duration) { self.ttl = ttl }

    static let defaultTTL: Duration = .seconds(Environment.get("DATABANK_COCKPIT_TTL_SECONDS").flatMap(Int.init) ?? 60)

    func figures(_ key: String, compute: @escaping @Sendable () async throws -> CockpitFigures) async throws -> CockpitFigures {
        if ttl <= .zero { return try await compute() }
        if let kept = entries[key] {
            if ContinuousClock.now - kept.at > ttl, running[key] == nil { _ = start(key, compute) }
            return kept.figures
        }
        if let task = running[key] { return try await task.value }
        return try await start(key, compute).value
    }

    /// Forgets everything kept (tests; a demo reload).
    func clear() { entries = [:] }

    private func start(_ key: String, _ compute: @escaping @Sendable () async throws -> CockpitFigures) -> Task<CockpitFigures, any Error> {
        let task = Task { try await compute() }
        running[key] = task
        Task { await self.finish(key, try? await task.value) }
        return task
    }

    private func finish(_ key: String, _ figures: CockpitFigures?) {
        running[key] = nil
        if let figures { entries[key] = Entry(figures: figures, at: .now) }
    }
}

extension Application {
    private struct CockpitCacheKey: StorageKey { typealias Value = CockpitCache }

    /// Made when the routes are registered, so concurrent requests share one.
    var cockpitCache: CockpitCache {
        if let cache = storage[CockpitCacheKey.self] { return cache }
        let cache = CockpitCache(ttl: CockpitCache.defaultTTL)
        storage[CockpitCacheKey.self] = cache
        return cache
    }
}
