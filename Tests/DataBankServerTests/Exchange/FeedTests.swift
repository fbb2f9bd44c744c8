import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Deliveries a test webhook receiver got: body and signature header.
actor HookInbox {
    var deliveries: [(body: String, signature: String?)] = []
    var failNext = 0
    func add(_ body: String, _ signature: String?) { deliveries.append((body, signature)) }
    func shouldFail() -> Bool { if failNext > 0 { failNext -= 1; return true }; return false }
    func setFail(_ n: Int) { failNext = n }
}

/// Runs `body` with the app served on a real port and a `/test-hook` route recording deliveries.
func withServedDataBank(
    adjust: (inout Settings) -> Void = { _ in },
    _ body: (Application, Int, HookInbox) async throws -> Void
) async throws {
    try await withDataBank(adjust: adjust) { app in
        let inbox = HookInbox()
        app.post("test-hook") { req async throws -> HTTPStatus in
            if await inbox.shouldFail() { return .serviceUnavailable }
            await inbox.add(req.body.string ?? "", req.headers.first(name: "X-DataBank-Signature"))
            return .ok
        }.gate(.open)
        // A random free port: tests run in parallel, so another may have just taken one.
        var port = 0
        for attempt in 1...20 {
            port = Int.random(in: 20_000..<40_000)
            app.http.server.configuration.port = port
            app.http.server.configuration.hostname = "127.0.0.1"
            do { try await app.server.start(address: .hostname("127.0.0.1", port: port)); break } catch  where attempt < 20 { continue }
        }
        do { try await body(app, port, inbox) } catch { await app.server.shutdown(); throw error }
        await app.server.shutdown()
    }
}

/// Follows a Server-Sent Events URL with curl until `events` events arrived (or 60 s passed),
/// so a slow, busy test machine waits longer instead of failing.
///
/// The blocking reads run on a Dispatch thread, never on Swift's cooperative pool: that pool has one
/// thread per core, and two tests blocked in `read(2)` there on a 2-core machine would starve the very
/// server tasks that should answer them.
/// `token` nil follows anonymously; `headers` are sent as given (`Last-Event-ID: 12`).
func readEvents(_ url: String, token: String?, headers: [String] = [], events: Int) async throws -> String {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            do { continuation.resume(returning: try followEvents(url, token: token, headers: headers, events: events)) } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

private func followEvents(_ url: String, token: String?, headers: [String], events: Int) throws -> String {
    let curl = Process()
    curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    let sent = (token.map { ["Authorization: Bearer \($0)"] } ?? []) + headers
    curl.arguments = ["-sN", "--max-time", "60"] + sent.flatMap { ["-H", $0] } + [url]
    let pipe = Pipe()
    curl.standardOutput = pipe
    try curl.run()
    var text = ""
    var buffer = [UInt8](repeating: 0, count: 65_536)
    let fd = pipe.fileHandleForReading.fileDescriptor
    while text.components(separatedBy: "\ndata: ").count - 1 < events {
        // read(2) returns as soon as anything arrives (FileHandle.availableData may wait for more).
        let n = read(fd, &buffer, buffer.count)
        if n <= 0 { break }  // curl ended (its time limit)
        text += String(decoding: buffer[..<n], as: UTF8.self)
    }
    kill(curl.processIdentifier, SIGKILL)
    curl.waitUntilExit()
    return text
}

@Suite("Subscriptions, live feed, streams, statistics")
struct FeedTests {
    /// A webhook receives the changes after its cursor, signed with HMAC-SHA256 of the body; the cursor moves on 2xx.
    @Test func webhookDeliversSignedChanges() async throws {
        try await withServedDataBank { app, port, inbox in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let created = try await app.send(
                .POST, "/api/v1/resources/\(f.code)/subscriptions", token: token,
                json: ["url": "http://127.0.0.1:\(port)/test-hook"])
            #expect(created.status == .created)
            let info = try created.decode(SubscriptionInfo.self)
            let secret = try #require(info.secret)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: token)
            try await WebhookDelivery.runOnce(app: app)
            let got = await inbox.deliveries
            #expect(got.count == 1)
            let delivery = try #require(got.first)
            #expect(delivery.signature == WebhookDelivery.signature(Array(delivery.body.utf8), secret: secret))
            let page = try JSONDecoder().decode(ChangePage.self, from: Data(delivery.body.utf8))
            #expect(page.items.map(\.op) == ["insert", "insert", "insert"])
            let after = try await app.send(.GET, "/api/v1/subscriptions/\(info.id!)", token: token).decode(SubscriptionInfo.self)
            #expect(after.cursor == page.next)
            #expect(after.secret == nil)
        }
    }

    /// A failing endpoint is retried with growing delays, then paused and shown so; resuming re-delivers (at least once).
    @Test func failingWebhookBacksOffThenPauses() async throws {
        try await withServedDataBank { app, port, inbox in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let info = try await app.send(
                .POST, "/api/v1/resources/\(f.code)/subscriptions", token: token,
                json: ["url": "http://127.0.0.1:\(port)/test-hook"]
            ).decode(SubscriptionInfo.self)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<2), token: token)
            await inbox.setFail(100)
            // The pass's clock runs ahead of real time, so each delay is the backoff alone (a delay counts
            // from the attempt's end, which on a loaded machine can take a while).
            var clock = Date().addingTimeInterval(3600)
            var delays: [TimeInterval] = []
            for _ in 0..<WebhookDelivery.maxFailures {
                try await WebhookDelivery.runOnce(app: app, now: clock)
                let sub = try #require(try await SubscriptionRow.find(info.id, on: app.db))
                delays.append(sub.nextAttemptAt.timeIntervalSince(clock))
                clock = sub.nextAttemptAt.addingTimeInterval(0.001)
            }
            #expect(zip(delays, delays.dropFirst()).allSatisfy { $0 < $1 })
            let paused = try await app.send(.GET, "/api/v1/subscriptions/\(info.id!)", token: token).decode(SubscriptionInfo.self)
            #expect(paused.status == "paused")
            #expect(paused.failures == WebhookDelivery.maxFailures)
            #expect(paused.cursor == 0)
            await inbox.setFail(0)
            let resumed = try await app.send(.POST, "/api/v1/subscriptions/\(info.id!)/resume", token: token).decode(SubscriptionInfo.self)
            #expect(resumed.status == "active")
            try await WebhookDelivery.runOnce(app: app)
            #expect(await inbox.deliveries.count == 1)
        }
    }

    /// The live feed sends every change as a Server-Sent Event with its sequence number as id.
    @Test func serverSentEvents() async throws {
        try await withServedDataBank { app, port, _ in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<4), token: token)
            let text = try await readEvents("http://127.0.0.1:\(port)/api/v1/resources/\(f.code)/changes/stream?after=1", token: token, events: 3)
            let ids = text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.map { $0.dropFirst(4) }
            #expect(ids == ["2", "3", "4"])
            #expect(text.contains("event: change"))
        }
    }

    /// A stream's latest view gives each entity's newest report; retention drops old reports with one `expire` change.
    @Test func streamLatestAndRetention() async throws {
        try await withDataBank { app in
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$name == "公交车辆实时位置").first())
            guard let store = try? await RecordStores.find(resource.code, on: app.db) else { return }  // not published in this city
            let layout = store.recordLayout
            let time = try #require(StreamStores.timeColumn(layout))
            let entity = try #require(StreamStores.entityColumns(layout).first)
            let sample = SampleRecords(layout: layout, rules: try await QualitySetup.load(store, on: app.db).rules)
            func row(_ vehicle: String, _ at: String) -> String {
                layout.columns.map { c in c.name == entity.name ? vehicle : c.name == time.name ? at : sample.value(c, row: 1) }.joined(separator: ",")
            }
            let csv =
                sample.header + "\n"
                + [
                    row("V1", "2020-01-01 08:00:00"), row("V1", "2030-01-01 08:05:00"),
                    row("V2", "2020-01-01 07:00:00")
                ].joined(separator: "\n") + "\n"
            let token = try await app.stewardToken(of: store.departmentCode)
            let loaded = try await app.sendRaw(
                .POST, "/api/v1/resources/\(resource.code)/records", token: token, contentType: "text/csv",
                body: Array(csv.utf8)
            ).decode(LoadAnswer.self)
            #expect(loaded.inserted == 3)
            let latest = try await app.send(.GET, "/api/v1/resources/\(resource.code)/latest?purpose=test", token: token)
            let items = try latest.decode(RecordPage.self).items
            #expect(items.map { $0[time.name]?.text ?? "" } == ["2030-01-01T08:05:00", "2020-01-01T07:00:00"])
            let set = try await app.send(.PATCH, "/api/v1/resources/\(resource.code)/store", token: token, json: ["retentionHours": 24])
            #expect(set.status == .ok)
            try await StreamRetention.prune(on: app.db)
            #expect(try await app.allRecords(StoreFixture(code: resource.code, layout: layout, steward: "admin"), token: token, purpose: "test").count == 1)
            let feed = try await app.send(.GET, "/api/v1/resources/\(resource.code)/changes?purpose=test", token: token).decode(ChangePage.self)
            #expect(feed.items.last?.op == "expire")
        }
    }

    /// Exchange statistics count records in and out per resource, consumer department and day.
    @Test func exchangeStatistics() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<5), token: token)
            _ = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?limit=3", token: token)
            let stats = try await app.send(.GET, "/api/v1/stats/exchange?resource=\(f.code)", token: try await app.token("admin"))
                .decode(ListPage<FeedAPI.StatLine>.self)
            #expect(stats.items.count == 1)
            #expect(stats.items.first.map { [$0.recordsIn, $0.recordsOut, $0.requests] } == [5, 3, 2])
            #expect(try await app.send(.GET, "/api/v1/stats/exchange", token: token).status == .forbidden)
        }
    }
}

@Suite("Live stream map")
struct StreamMapTests {
    /// The provider's map shows each bus's latest position as a dot, and names the feed its script follows.
    @Test func mapShowsLatestPositions() async throws {
        try await withDataBank { app in
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$name == "公交车辆实时位置").first())
            let loaded = try await DemoRecords.load(on: app.db)
            #expect(loaded > 0)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: try await app.token("jtj_steward"))
            var body = ""
            try await app.testing().test(.GET, "/catalog/resources/\(resource.code)/map", headers: headers) { res in
                #expect(res.status == .ok)
                body = res.body.string
            }
            #expect(body.components(separatedBy: "<circle").count - 1 == 40)  // 40 buses, one dot each
            #expect(body.contains("data-feed=\"/api/v1/resources/\(resource.code)/changes/stream?after="))
            var other = HTTPHeaders()
            other.bearerAuthorization = .init(token: try await app.token("scj_steward"))
            try await app.testing().test(.GET, "/catalog/resources/\(resource.code)/map", headers: other) { res in
                #expect(res.status == .forbidden)
            }
        }
    }
}

@Suite("Audit page")
struct AuditPageTests {
    /// The platform admin's audit page lists accesses and shows the chain verified; others are refused.
    @Test func auditPageForAdminOnly() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<2), token: try await app.token(f.steward))
            var admin = HTTPHeaders()
            admin.bearerAuthorization = .init(token: try await app.token("admin"))
            try await app.testing().test(.GET, "/audit?resource=\(f.code)", headers: admin) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("data-testid=\"audit-entries\""))
                #expect(res.body.string.contains("load.upsert"))
                #expect(res.body.string.contains("审计链完整"))
            }
            var steward = HTTPHeaders()
            steward.bearerAuthorization = .init(token: try await app.token(f.steward))
            try await app.testing().test(.GET, "/audit", headers: steward) { res in #expect(res.status == .forbidden) }
        }
    }
}
