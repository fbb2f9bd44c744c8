import DataBankCore
@testable import DataBankServer
import Fluent
import SQLKit
import Foundation
import Testing
import Vapor
import VaporTesting

/// A TCP listener on 127.0.0.1 that completes connections (the kernel's backlog does) and never
/// answers: a tarpit. `closedPort()` gives a port nothing listens on.
final class Tarpit: Sendable {
    let port: Int
    private let fd: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { close(fd); throw Abort(.internalServerError, reason: "tarpit: cannot listen") }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func stop() { close(fd) }

    static func closedPort() throws -> Int {
        let t = try Tarpit()
        t.stop()
        return t.port
    }
}

/// Polls `condition` every 100 ms for up to `seconds`.
func eventually(_ seconds: Double = 30, _ condition: () async throws -> Bool) async throws -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}

@Suite("Webhook availability, targets and revocation")
struct WebhookSafetyTests {
    func subscribe(_ app: Application, _ f: StoreFixture, _ url: String, token: String, after: Int? = nil) async throws -> SubscriptionInfo {
        let created = try await app.send(
            .POST, "/api/v1/resources/\(f.code)/subscriptions", token: token,
            json: FeedAPI.NewSubscription(url: url, after: after, purpose: nil))
        #expect(created.status == .created, "\(created.body.string)")
        return try created.decode(SubscriptionInfo.self)
    }

    /// A listener that accepts and never answers holds one delivery slot: while its attempt hangs,
    /// another webhook still gets its deliveries at once; the tarpit's attempt ends at the timeout and backs off.
    @Test func tarpitHoldsOneSlotOnly() async throws {
        let tarpit = try Tarpit()
        defer { tarpit.stop() }
        // A response timeout long enough that a loaded machine (a whole suite beside four builds took
        // 18 s here) still delivers the other webhook inside it.
        let timeout = 40.0
        try await withServedDataBank(adjust: {
            $0.webhookConnectTimeout = 1; $0.webhookResponseTimeout = timeout
        }) { app, port, inbox in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<2), token: token)
            let stuck = try await subscribe(app, f, "http://127.0.0.1:\(tarpit.port)/hook", token: token, after: 0)
            let begun = Date()
            let worker = Task { await WebhookDelivery.run(app: app) }
            // The tarpit's attempt is under way (claimed, waiting for an answer that never comes) …
            #expect(try await eventually { try await SubscriptionRow.find(stuck.id, on: app.db)?.leaseUntil != nil })
            let started = Date()
            // … and a webhook made now is delivered meanwhile, its changes and the next ones.
            _ = try await subscribe(app, f, "http://127.0.0.1:\(port)/test-hook", token: token, after: 0)
            #expect(try await eventually { await inbox.deliveries.count >= 1 })
            #expect(Date().timeIntervalSince(started) < timeout)
            #expect(try await SubscriptionRow.find(stuck.id, on: app.db)?.failures == 0, "the webhook waited for the tarpit's timeout")
            _ = try await app.loadCSV(f, f.csv(rows: 2..<3), token: token)
            #expect(try await eventually { await inbox.deliveries.count >= 2 })

            #expect(try await eventually(timeout + 30) { (try await SubscriptionRow.find(stuck.id, on: app.db)?.failures ?? 0) >= 1 })
            worker.cancel()
            await worker.value
            let after = try #require(try await SubscriptionRow.find(stuck.id, on: app.db))
            #expect(after.lastError == WebhookDelivery.couldNotDeliver)
            #expect(after.status == "active")
            #expect(after.cursor == 0)
            #expect(after.nextAttemptAt > begun.addingTimeInterval(timeout))  // timed out, then backed off
        }
    }

    /// A closed port and one that never answers leave the same error: webhooks are no port scanner.
    @Test func closedAndSilentPortsLookAlike() async throws {
        let tarpit = try Tarpit()
        defer { tarpit.stop() }
        let closed = try Tarpit.closedPort()
        try await withDataBank(adjust: {
            $0.webhookConnectTimeout = 1; $0.webhookResponseTimeout = 1
        }) { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let a = try await subscribe(app, f, "http://127.0.0.1:\(tarpit.port)/hook", token: token)
            let b = try await subscribe(app, f, "http://127.0.0.1:\(closed)/hook", token: token)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<1), token: token)
            #expect(try await WebhookDelivery.runOnce(app: app) == 2)
            var errors: [String?] = []
            for sub in [a, b] { errors.append(try await SubscriptionRow.find(sub.id, on: app.db)?.lastError) }
            #expect(errors == [WebhookDelivery.couldNotDeliver, WebhookDelivery.couldNotDeliver])
        }
    }

    /// By default a webhook may not point at loopback, private, link-local, CGNAT, multicast or reserved
    /// addresses, written literally or behind a name; only http(s); at most 2,048 characters.
    @Test func defaultRefusesPrivateTargets() async throws {
        try await withDataBank(adjust: { $0.webhookAllow = WebhookAllowList(nil) }) { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            for url in [
                "http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8080/", "http://127.8.9.1/", "http://10.0.0.5/",
                "http://172.16.1.1/", "http://172.31.255.1/", "http://192.168.1.1/", "http://0.0.0.0/", "http://100.64.0.1/",
                "http://224.0.0.1/", "http://[::1]/", "http://[fc00::1]/", "http://[fd12::1]/", "http://[fe80::1]/",
                "http://[::ffff:127.0.0.1]/", "http://[ff02::1]/", "http://[2001:db8::1]/", "http://[2002:7f00:1::]/",
                "https://localhost:8443/hook"
            ] {
                let answer = try await app.send(.POST, "/api/v1/resources/\(f.code)/subscriptions", token: token, json: ["url": url])
                #expect(answer.status == .unprocessableEntity, "\(url)")
                let error = try answer.errorBody()
                #expect(error.code == "webhook_target_not_allowed", "\(url)")
                #expect(error.details.first?.field == "url")
            }
            let ftp = try await app.send(.POST, "/api/v1/resources/\(f.code)/subscriptions", token: token, json: ["url": "ftp://93.184.216.34/"])
            #expect(ftp.status == .unprocessableEntity)
            #expect(try ftp.errorBody().code == "invalid_url")
            let long = try await app.send(
                .POST, "/api/v1/resources/\(f.code)/subscriptions", token: token,
                json: ["url": "http://93.184.216.34/" + String(repeating: "a", count: 2100)])
            #expect(long.status == .badRequest)
            #expect(try long.errorBody().code == "url_too_long")
            #expect(try long.errorBody().details.first?.field == "url")
            let reachable = try await app.send(.POST, "/api/v1/resources/\(f.code)/subscriptions", token: token, json: ["url": "https://93.184.216.34/hook"])
            #expect(reachable.status == .created)
            let v6 = try await app.send(.POST, "/api/v1/resources/\(f.code)/subscriptions", token: token, json: ["url": "https://[2606:4700::1111]/hook"])
            #expect(v6.status == .created)
        }
    }

    /// `DATABANK_WEBHOOK_ALLOW` opens named private blocks and hosts, and nothing more.
    @Test func allowListOpensNamedTargets() async throws {
        try await withDataBank(adjust: { $0.webhookAllow = WebhookAllowList("10.1.2.0/24, hooks.internal") }) { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            func status(_ url: String) async throws -> HTTPStatus {
                try await app.send(.POST, "/api/v1/resources/\(f.code)/subscriptions", token: token, json: ["url": url]).status
            }
            #expect(try await status("http://10.1.2.7/hook") == .created)
            #expect(try await status("http://10.1.3.7/hook") == .unprocessableEntity)
            #expect(try await status("http://127.0.0.1/hook") == .unprocessableEntity)
        }
    }

    /// The address is checked again at delivery: a subscription to a refused target (made before the
    /// rule, or a name that now resolves elsewhere) is not sent, and says only that the address is not allowed.
    @Test func deliveryRechecksTheAddress() async throws {
        try await withServedDataBank(adjust: { $0.webhookAllow = WebhookAllowList(nil) }) { app, port, inbox in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let user = try #require(try await User.query(on: app.db).filter(\.$username == f.steward).first())
            let sub = SubscriptionRow()
            sub.resourceCode = f.code; sub.ownerID = try user.requireID(); sub.ownerName = user.username
            sub.departmentCode = user.departmentCode; sub.url = "http://localhost:\(port)/test-hook"; sub.secret = "whsec_test"
            sub.cursor = 0; sub.status = "active"; sub.failures = 0; sub.nextAttemptAt = Date()
            try await sub.create(on: app.db)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<1), token: token)
            try await WebhookDelivery.runOnce(app: app)
            #expect(await inbox.deliveries.isEmpty)
            let after = try #require(try await SubscriptionRow.find(sub.id, on: app.db))
            #expect(after.lastError == WebhookDelivery.addressNotAllowed)
            #expect(after.failures == 1)
        }
    }

    /// A department holds at most `webhookMaxPerDepartment` subscriptions; one more is a 409.
    @Test func subscriptionsPerDepartmentAreCapped() async throws {
        try await withDataBank(adjust: { $0.webhookMaxPerDepartment = 2 }) { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            for i in 0..<2 { _ = try await subscribe(app, f, "http://127.0.0.1:9/hook\(i)", token: token) }
            let third = try await app.send(.POST, "/api/v1/resources/\(f.code)/subscriptions", token: token, json: ["url": "http://127.0.0.1:9/x"])
            #expect(third.status == .conflict)
            #expect(try third.errorBody().code == "subscription_limit")
        }
    }

    /// Revoking the API token a live feed was opened with ends the feed within seconds.
    @Test func revokingTheTokenEndsItsStream() async throws {
        try await withServedDataBank { app, port, _ in
            let f = try await StoreFixture.enterprise(app)
            let steward = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<1), token: steward)
            let made = try await app.send(.POST, "/api/v1/tokens", token: steward, json: ["name": "stream"]).decode(AccountAPI.TokenView.self)
            let token = try #require(made.token)
            let reading = Task { try await readEvents("http://127.0.0.1:\(port)/api/v1/resources/\(f.code)/changes/stream", token: token, events: 1000) }
            // Wait until the stream is open (its first change came back through it), then revoke.
            #expect(
                try await eventually {
                    try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE operation = \(bind: "changes.stream")")
                        .first()?.decode(column: "n", as: Int.self) ?? 0 > 0
                })
            let revokedAt = Date()
            #expect(try await app.send(.DELETE, "/api/v1/tokens/\(made.id!)", token: steward).status == .noContent)
            let text = try await reading.value
            #expect(Date().timeIntervalSince(revokedAt) < 15, "the stream outlived its token")
            #expect(text.contains("event: change"))
        }
    }

    /// Revoking the app whose token opened a consumer's live feed ends the feed too.
    @Test func revokingTheAppEndsItsStream() async throws {
        try await withServedDataBank { app, port, _ in
            let f = try await StoreFixture.enterprise(app)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<2), token: try await app.token(f.steward))
            let consumer = try await app.token("jtj_steward")
            let grant = try await app.grantAtOnce(f, consumer: consumer, items: ["enterprise_name", "legal_rep"], lastKey: f.key(1), purpose: "订阅")
            let made = try await app.send(
                .POST, "/api/v1/apps", token: consumer,
                json: [
                    "name": AnyEncodable("stream app"), "grants": AnyEncodable([try grant.requireID()])
                ]
            ).decode(AppInfo.self)
            let token = try #require(made.token)
            let reading = Task {
                try await readEvents("http://127.0.0.1:\(port)/api/v1/resources/\(f.code)/changes/stream?purpose=test", token: token, events: 1000)
            }
            #expect(
                try await eventually {
                    try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE operation = \(bind: "changes.stream")")
                        .first()?.decode(column: "n", as: Int.self) ?? 0 > 0
                })
            let revokedAt = Date()
            #expect(try await app.send(.DELETE, "/api/v1/apps/\(made.id!)", token: consumer).status == .noContent)
            let text = try await reading.value
            #expect(Date().timeIntervalSince(revokedAt) < 15, "the stream outlived its app")
            #expect(text.contains("event: change"))
        }
    }
}
