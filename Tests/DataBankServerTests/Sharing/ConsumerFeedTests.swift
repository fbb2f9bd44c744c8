import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The live feed and webhooks carry only what a consumer's grant shows, and stop with the grant.
@Suite("Grants on the live feed and webhooks")
struct ConsumerFeedTests {
    static let granted = ["enterprise_name", "legal_rep"]

    /// A grant covering the first two records, showing two items with the representative masked.
    func grant(_ app: Application, _ f: StoreFixture, consumer: String) async throws -> UUID {
        try #require(try await app.grantAtOnce(f, consumer: consumer, items: Self.granted, lastKey: f.key(1), purpose: "订阅").id)
    }

    /// Server-Sent Events for a consumer: only changes to rows in scope, only granted items, masked.
    @Test func liveFeedIsScopedAndMasked() async throws {
        try await withServedDataBank { app, port, _ in
            let f = try await StoreFixture.enterprise(app)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<4), token: try await app.token(f.steward))
            let consumer = try await app.token("jtj_steward")
            _ = try await grant(app, f, consumer: consumer)
            let text = try await readEvents("http://127.0.0.1:\(port)/api/v1/resources/\(f.code)/changes/stream?purpose=test", token: consumer, events: 2)
            let events = text.split(separator: "\n").filter { $0.hasPrefix("data: ") }
                .map { try? JSONDecoder().decode(ChangeItem.self, from: Data($0.dropFirst(6).utf8)) }
            #expect(events.count == 2, "\(text)")
            let data = events.compactMap { $0?.data }
            #expect(data.allSatisfy { Set($0.keys) == Set(Self.granted + [f.keyColumn.name]) })
            #expect(data.allSatisfy { ($0["legal_rep"]?.text ?? "").dropFirst().allSatisfy { $0 == "*" } })
        }
    }

    /// A consumer's webhook delivers masked, scoped changes; after revocation it pauses and says why.
    @Test func webhookFollowsTheGrant() async throws {
        try await withServedDataBank { app, port, inbox in
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward)
            let consumer = try await app.token("jtj_steward")
            let grantID = try await grant(app, f, consumer: consumer)
            let created = try await app.send(.POST, "/api/v1/resources/\(f.code)/subscriptions?purpose=test", token: consumer,
                                             json: ["url": "http://127.0.0.1:\(port)/test-hook"])
            #expect(created.status == .created)
            let info = try created.decode(SubscriptionInfo.self)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<4), token: provider)
            try await WebhookDelivery.runOnce(app: app)
            let page = try JSONDecoder().decode(ChangePage.self, from: Data(try #require(await inbox.deliveries.first).body.utf8))
            #expect(page.items.count == 2)
            #expect(page.items.allSatisfy { Set($0.data?.keys ?? [:].keys) == Set(Self.granted + [f.keyColumn.name]) })

            #expect(try await app.send(.POST, "/api/v1/grants/\(grantID)/revoke", token: provider, json: ["reason": "结束"]).status == .ok)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<1, variant: 1), token: provider)
            let sub = try #require(try await SubscriptionRow.find(info.id, on: app.db))
            sub.nextAttemptAt = Date()
            try await sub.save(on: app.db)
            try await WebhookDelivery.runOnce(app: app)
            let after = try #require(try await SubscriptionRow.find(info.id, on: app.db))
            #expect(after.status == "paused")
            #expect(after.lastError?.contains("No active grant") == true)
            #expect(await inbox.deliveries.count == 1)
        }
    }
}
