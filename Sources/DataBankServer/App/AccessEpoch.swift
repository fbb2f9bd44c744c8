import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import DataBankCore

/// The database's access epoch (`access_epoch.version`, migration 017): moved by triggers on every
/// change to users, tokens, apps, grants, resources, stores and standards. A request reads it once
/// (with the token throttle check, or alone when it first needs it); facts cached under an epoch
/// are used only by requests that saw the same epoch, so a revocation committed before a request
/// began is seen by it — on this instance and on every other one.
enum AccessEpoch {
    private struct SeenKey: StorageKey { typealias Value = Int64 }

    /// The epoch this request saw (read now if nothing read it yet); nil when the database has
    /// none (caching is then off).
    static func current(_ req: Request) async throws -> Int64? {
        if let seen = req.storage[SeenKey.self] { return seen >= 0 ? seen : nil }
        let row = try await req.readSQL.raw("SELECT version FROM access_epoch WHERE id = 1").first()
        let version = try row?.decode(column: "version", as: Int64.self)
        remember(version, req)
        return version
    }

    /// Records the epoch read by another statement (the authenticator's).
    static func remember(_ version: Int64?, _ req: Request) { req.storage[SeenKey.self] = version ?? -1 }

    /// A store's load counters, which loads move without moving the epoch.
    struct StoreCounters: Sendable {
        var code: String
        var rowCount: Int
        var lastSeq: Int
        var version: Int
        var lastLoadAt: Date?
    }

    private struct CountersKey: StorageKey { typealias Value = StoreCounters }

    /// Records the counters of the route's store, read with the epoch (the authenticator's statement).
    static func remember(_ counters: StoreCounters, _ req: Request) { req.storage[CountersKey.self] = counters }

    /// The counters of `code`'s store as this request read them, if it did.
    static func counters(of code: String, _ req: Request) -> StoreCounters? {
        req.storage[CountersKey.self].flatMap { $0.code == code ? $0 : nil }
    }
}

/// Values valid for one access epoch: a lookup hits only with the epoch it was stored under; a
/// newer epoch empties the cache. Bounded: full, it starts over.
final class EpochCache<Value: Sendable>: Sendable {
    private struct State {
        var epoch: Int64 = -1
        var entries: [String: Value] = [:]
    }

    private let state = NIOLockedValueBox(State())
    let capacity: Int

    init(capacity: Int = 10_000) { self.capacity = capacity }

    func value(_ key: String, epoch: Int64) -> Value? {
        state.withLockedValue { $0.epoch == epoch ? $0.entries[key] : nil }
    }

    /// How many values the cache holds now.
    var count: Int { state.withLockedValue { $0.entries.count } }

    /// Keeps `value` for `epoch`; a value read under an older epoch than the cache's is dropped.
    func store(_ value: Value, _ key: String, epoch: Int64) {
        state.withLockedValue { s in
            if epoch > s.epoch {
                s.epoch = epoch
                s.entries.removeAll(keepingCapacity: true)
            }
            guard epoch == s.epoch else { return }
            if s.entries.count >= capacity { s.entries.removeAll(keepingCapacity: true) }
            s.entries[key] = value
        }
    }
}

/// The per-application caches of what every read asks again: a token's user or app, the read
/// decision's facts per (reader, store), and catalog searches. See docs/SECURITY.md, "Cached read decisions".
final class ReadCaches: Sendable {
    let userTokens = EpochCache<UserAuthenticator.CachedToken>()
    let appTokens = EpochCache<Apps.CachedApp>()
    let decisions = EpochCache<StoreReading.Decided>()
    let defaultMasks = EpochCache<[String: MaskRule]>()
    /// A resource's items whose standard is a GB/T 2260 region code (aggregates mark them for maps).
    let regionItems = EpochCache<Set<String>>()
    /// Catalog searches (``MatchesCache``): fewer entries, as a broad word's tag counts run to
    /// thousands (256 entries of 1,000 tags each are about 16 MB).
    let catalogMatches = EpochCache<CatalogSearch.Matches>(capacity: 256)
}

extension Application {
    private struct ReadCachesKey: StorageKey { typealias Value = ReadCaches }

    /// Made at configuration (``configure(_:)``) so concurrent requests share one set.
    var readCaches: ReadCaches {
        if let caches = storage[ReadCachesKey.self] { return caches }
        let caches = ReadCaches()
        storage[ReadCachesKey.self] = caches
        return caches
    }
}
