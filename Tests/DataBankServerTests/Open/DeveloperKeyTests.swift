import DataBankCore
@testable import DataBankServer
import Fluent
import Testing
import Vapor
import VaporTesting

/// Developer keys: stored hashed, shown once, metered per key (rate and daily quota) with the
/// `X-RateLimit-*` headers; anonymous callers share a stricter per-address limit; staff are not metered.
@Suite("Open portal: developer keys and limits")
struct DeveloperKeyTests {
    /// A key is shown once and stored only as its SHA-256, with the settings' limits.
    @Test func keysHashed() async throws {
        try await withDataBank(adjust: {
            $0.keyCallsPerMinute = 7; $0.keyCallsPerDay = 70
        }) { app in
            let (_, session) = try await app.publicUser()
            let created = try await app.send(.POST, "/api/v1/tokens", token: session, json: ["name": "my app"])
            #expect(created.status == .created)
            let key = try #require(try created.decode(AccountAPI.TokenView.self).token)
            let row = try #require(try await UserToken.query(on: app.db).filter(\.$name == "my app").first())
            #expect(row.tokenHash == UserToken.hash(key) && row.tokenHash != key && !row.tokenHash.contains(key))
            #expect(row.ratePerMinute == 7 && row.dailyQuota == 70)
            let listed = try await app.send(.GET, "/api/v1/tokens", token: key).decode(ListPage<AccountAPI.TokenView>.self)
            #expect(listed.items.allSatisfy { $0.token == nil && $0.ratePerMinute == 7 && $0.dailyQuota == 70 })
        }
    }

    /// Every metered answer carries the headers; past the per-minute limit: 429 with Retry-After.
    @Test func rateLimitHeadersAnd429() async throws {
        try await withDataBank(adjust: { $0.keyCallsPerMinute = 3 }) { app in
            // The clock stands still, so a slow machine refills nothing between the calls.
            let now = Date(timeIntervalSince1970: 1_796_000_000)
            app.settings.now = { now }
            let (_, key) = try await app.publicUser()
            for remaining in [2, 1, 0] {
                let res = try await app.send(.GET, "/api/v1/resources", token: key)
                #expect(res.status == .ok)
                #expect(res.headers.first(name: "X-RateLimit-Limit") == "3")
                #expect(res.headers.first(name: "X-RateLimit-Remaining") == String(remaining))
                #expect(res.headers.first(name: "X-RateLimit-Reset").flatMap(Int.init) != nil)
            }
            let over = try await app.send(.GET, "/api/v1/resources", token: key)
            #expect(over.status == .tooManyRequests)
            #expect(try over.errorBody().code == "rate_limited")
            #expect(over.headers.first(name: "Retry-After").flatMap(Int.init).map { $0 >= 1 && $0 <= 20 } == true)
            #expect(over.headers.first(name: "X-RateLimit-Remaining") == "0")
        }
    }

    /// The daily quota is spent by calls of the day and comes back the next day (UTC+8).
    @Test func quotaResetsNextDay() async throws {
        try await withDataBank(adjust: {
            $0.keyCallsPerMinute = 100; $0.keyCallsPerDay = 2
        }) { app in
            let start = Date(timeIntervalSince1970: 1_796_000_000)
            app.settings.now = { start }
            let (_, key) = try await app.publicUser()
            #expect(try await app.send(.GET, "/api/v1/resources", token: key).headers.first(name: "X-Quota-Remaining") == "1")
            #expect(try await app.send(.GET, "/api/v1/resources", token: key).status == .ok)
            let spent = try await app.send(.GET, "/api/v1/resources", token: key)
            #expect(spent.status == .tooManyRequests)
            #expect(spent.headers.first(name: "X-Quota-Remaining") == "0")
            #expect(spent.headers.first(name: "Retry-After").flatMap(Int.init).map { $0 > 60 } == true)
            // The counts reach the database in a batch; the quota holds across the flush.
            try await app.usageMeter.flush(on: app.db, now: start)
            #expect(try await app.send(.GET, "/api/v1/resources", token: key).status == .tooManyRequests)
            app.settings.now = { start.addingTimeInterval(86_400) }
            let nextDay = try await app.send(.GET, "/api/v1/resources", token: key)
            #expect(nextDay.status == .ok)
            #expect(nextDay.headers.first(name: "X-Quota-Remaining") == "1")
        }
    }

    /// Another instance's calls count once they are flushed: the quota is shared through the database.
    @Test func quotaSharedAcrossInstances() async throws {
        try await withDataBank(adjust: {
            $0.keyCallsPerMinute = 100; $0.keyCallsPerDay = 3
        }) { app in
            let now = Date(timeIntervalSince1970: 1_796_000_000)
            app.settings.now = { now }
            let (_, key) = try await app.publicUser()
            #expect(try await app.send(.GET, "/api/v1/resources", token: key).status == .ok)
            let tokenID = try #require(try await UserToken.query(on: app.db).filter(\.$tokenHash == UserToken.hash(key)).first()?.id)
            // A second instance, with its own memory, serves two calls of the same key and flushes them.
            let other = UsageMeter()
            let limit = CallLimit(perMinute: 100, perDay: 3)
            for _ in 0..<2 { #expect(other.take(subject: "key:\(tokenID)", resource: "-", limit: limit, instances: 1, now: now).allowed) }
            try await other.flush(on: app.db, now: now)
            try await app.usageMeter.flush(on: app.db, now: now)
            #expect(try await app.send(.GET, "/api/v1/resources", token: key).status == .tooManyRequests)
        }
    }

    /// Anonymous callers share a per-address limit; behind a trusted proxy each forwarded address has its own.
    @Test func anonymousPerAddressLimit() async throws {
        try await withDataBank(adjust: {
            $0.anonymousCallsPerMinute = 2; $0.trustedProxies = ["local"]
        }) { app in
            let now = Date(timeIntervalSince1970: 1_796_000_000)
            app.settings.now = { now }
            let first = [("X-Forwarded-For", "203.0.113.5")], second = [("X-Forwarded-For", "203.0.113.6")]
            #expect(try await app.send(.GET, "/api/v1/resources", headers: first).headers.first(name: "X-RateLimit-Limit") == "2")
            #expect(try await app.send(.GET, "/api/v1/resources", headers: first).status == .ok)
            let over = try await app.send(.GET, "/api/v1/resources", headers: first)
            #expect(over.status == .tooManyRequests)
            #expect(over.headers.first(name: "Retry-After") != nil)
            #expect(try await app.send(.GET, "/api/v1/resources", headers: second).status == .ok)
        }
    }

    /// Department staff are not metered by the open data limits.
    @Test func staffNotMetered() async throws {
        try await withDataBank(adjust: {
            $0.anonymousCallsPerMinute = 1; $0.keyCallsPerMinute = 1
        }) { app in
            let staff = try await app.token("scj_steward")
            for _ in 0..<3 {
                let res = try await app.send(.GET, "/api/v1/resources", token: staff)
                #expect(res.status == .ok)
                #expect(res.headers.first(name: "X-RateLimit-Limit") == nil)
            }
        }
    }

    /// The developer sees their calls per day and dataset.
    @Test func usagePerDataset() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app, openToPublic: true)
            let (_, key) = try await app.publicUser()
            for _ in 0..<3 { #expect(try await app.send(.GET, "/api/v1/resources/\(f.code)/records", token: key).status == .ok) }
            _ = try await app.send(.GET, "/api/v1/resources", token: key)
            let usage = try await app.send(.GET, "/api/v1/developer/usage", token: key).decode(ListPage<DeveloperUsage.Row>.self)
            let today = app.today.iso
            #expect(usage.items.contains(DeveloperUsage.Row(day: today, dataset: f.code, calls: 3)))
            // The catalog call and this usage call itself: calls with no dataset.
            #expect(usage.items.contains(DeveloperUsage.Row(day: today, dataset: "-", calls: 2)))
        }
    }
}
