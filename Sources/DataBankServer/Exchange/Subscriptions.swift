import Fluent
import SQLKit
import Vapor
import DataBankCore

/// A consumer's webhook on a resource's change feed: where to send, the shared secret that
/// signs each body, and how far delivery has got (the cursor survives restarts).
final class SubscriptionRow: Model, @unchecked Sendable {
    static let schema = "subscriptions"
    @ID(key: .id) var id: UUID?
    @Field(key: "resource_code") var resourceCode: String
    @Field(key: "owner_id") var ownerID: UUID
    @Field(key: "owner_name") var ownerName: String
    @Field(key: "department_code") var departmentCode: String
    @Field(key: "url") var url: String
    @Field(key: "secret") var secret: String
    @OptionalField(key: "purpose") var purpose: String?
    /// The last change delivered and acknowledged (2xx).
    @Field(key: "cursor") var cursor: Int
    /// active | paused
    @Field(key: "status") var status: String
    @Field(key: "failures") var failures: Int
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    /// Held by the instance delivering it, so several instances never send the same batch.
    @OptionalField(key: "lease_until") var leaseUntil: Date?
    @OptionalField(key: "last_delivered_at") var lastDeliveredAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

struct CreateSubscriptions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("subscriptions")
            .id()
            .field("resource_code", .string, .required)
            .field("owner_id", .uuid, .required)
            .field("owner_name", .string, .required)
            .field("department_code", .string, .required)
            .field("url", .string, .required)
            .field("secret", .string, .required)
            .field("purpose", .string)
            .field("cursor", .int64, .required)
            .field("status", .string, .required)
            .field("failures", .int, .required)
            .field("last_error", .string)
            .field("next_attempt_at", .datetime, .required)
            .field("lease_until", .datetime)
            .field("last_delivered_at", .datetime)
            .field("created_at", .datetime)
            .create()
        try await db.schema("exchange_stats")
            .field("day", .string, .required)
            .field("resource_code", .string, .required)
            .field("provider_code", .string, .required)
            .field("consumer_code", .string, .required)
            .field("records_in", .int64, .required)
            .field("records_out", .int64, .required)
            .field("requests", .int64, .required)
            .unique(on: "day", "resource_code", "consumer_code")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("exchange_stats").delete()
        try await db.schema("subscriptions").delete()
    }
}

/// What the API shows of a subscription (never the secret, except once at creation).
struct SubscriptionInfo: Content {
    var id: UUID?
    var resource: String
    var url: String
    var cursor: Int
    var status: String
    var failures: Int
    var lastError: String?
    var nextAttemptAt: Date
    var lastDeliveredAt: Date?
    var secret: String?

    init(_ r: SubscriptionRow, secret: String? = nil) {
        id = r.id; resource = r.resourceCode; url = r.url; cursor = r.cursor; status = r.status; failures = r.failures
        lastError = r.lastError; nextAttemptAt = r.nextAttemptAt; lastDeliveredAt = r.lastDeliveredAt; self.secret = secret
    }
}

/// Delivers webhooks: claims due subscriptions (a lease, so instances share the work), sends
/// the changes after each cursor as one signed POST, and moves the cursor only on a 2xx —
/// at-least-once. Failures back off exponentially; after `maxFailures` in a row the
/// subscription is paused and shown as such until its owner resumes it.
enum WebhookDelivery {
    static let maxFailures = 8
    static let batchSize = 500

    /// Signs a body: `sha256=` and the hex HMAC-SHA256 of the body with the subscription's secret.
    static func signature(_ body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    static func backoff(failures: Int) -> TimeInterval { min(3600, pow(2, Double(failures))) }

    /// One pass: every due subscription gets at most one delivery attempt. Returns how many were attempted.
    @discardableResult
    static func runOnce(app: Application, now: Date = Date()) async throws -> Int {
        let db = app.db
        let sql = db as! any SQLDatabase
        let claimed = try await sql.raw("""
            UPDATE subscriptions SET lease_until = \(bind: now.addingTimeInterval(60))
            WHERE id IN (SELECT id FROM subscriptions WHERE status = 'active' AND next_attempt_at <= \(bind: now)
                         AND (lease_until IS NULL OR lease_until < \(bind: now)) ORDER BY next_attempt_at LIMIT 20)
            RETURNING id
            """).all().map { try $0.decode(column: "id", as: UUID.self) }
        for id in claimed {
            guard let sub = try await SubscriptionRow.find(id, on: db) else { continue }
            try await deliver(sub, app: app, now: now)
        }
        return claimed.count
    }

    static func deliver(_ sub: SubscriptionRow, app: Application, now: Date) async throws {
        let db = app.db
        guard let store = try? await RecordStores.find(sub.resourceCode, on: db) else {
            sub.status = "paused"; sub.lastError = "The resource has no record store"; sub.leaseUntil = nil
            try await sub.save(on: db); return
        }
        let sql = db as! any SQLDatabase
        let page: ChangeFeed.Page
        if sub.departmentCode == store.departmentCode {
            page = try await ChangeFeed.page(store: store, after: sub.cursor, limit: batchSize, on: sql)
        } else {
            // A consumer's webhook carries what its grant shows; without an active grant it pauses.
            guard let grant = try await GrantAccess.activeGrant(consumer: sub.departmentCode, resource: store.resourceCode, appID: nil, on: db) else {
                sub.status = "paused"; sub.lastError = "No active grant on \(store.resourceCode)"; sub.leaseUntil = nil
                try await sub.save(on: db); return
            }
            page = try await ConsumerFeed.page(store: store, view: try await GrantAccess.view(grant, store: store, app: app, on: db), after: sub.cursor, limit: batchSize, on: sql)
        }
        guard page.count > 0 else {
            sub.cursor = page.next  // changes outside a consumer's scope are passed over
            sub.nextAttemptAt = now.addingTimeInterval(1); sub.leaseUntil = nil
            try await sub.save(on: db); return
        }
        let body = Array(page.json.utf8)
        let deliveryID = UUID().uuidString
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.add(name: "X-DataBank-Signature", value: signature(body, secret: sub.secret))
        headers.add(name: "X-DataBank-Delivery", value: deliveryID)
        headers.add(name: "X-DataBank-Resource", value: sub.resourceCode)
        headers.add(name: "User-Agent", value: "DataBank-Webhook/1")
        var error: String?
        do {
            let response = try await app.client.post(URI(string: sub.url), headers: headers) { $0.body = ByteBuffer(bytes: body) }
            if !(200..<300).contains(response.status.code) { error = "HTTP \(response.status.code)" }
        } catch let e {
            error = String(describing: e).prefix(300).description
        }
        if let error {
            sub.failures += 1
            sub.lastError = error
            sub.nextAttemptAt = now.addingTimeInterval(backoff(failures: sub.failures))
            if sub.failures >= maxFailures { sub.status = "paused" }
        } else {
            sub.cursor = page.next; sub.failures = 0; sub.lastError = nil; sub.lastDeliveredAt = now
            sub.nextAttemptAt = now  // more may be waiting: come back at once
            try await AuditLog.append(AuditLog.Who(kind: "webhook", id: sub.id?.uuidString, name: sub.ownerName, departmentCode: sub.departmentCode),
                                      resource: sub.resourceCode, operation: "webhook.deliver", fields: store.recordLayout.columns.map(\.name),
                                      count: page.count, purpose: sub.purpose, requestID: deliveryID,
                                      requestHash: SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined(), on: db,
                                      trail: app.auditTrail)
        }
        sub.leaseUntil = nil
        try await sub.save(on: db)
    }

}

/// Runs webhook delivery, notification mail and stream retention in the background while the server serves.
final class ExchangeWorker: LifecycleHandler, @unchecked Sendable {
    private var task: Task<Void, Never>?

    func didBootAsync(_ app: Application) async throws {
        guard app.settings.runWorkers else { return }
        task = Task { [app] in
            var lastPrune = Date.distantPast
            while !Task.isCancelled {
                do {
                    var attempted = try await WebhookDelivery.runOnce(app: app)
                    if let smtp = app.settings.smtp { attempted += try await NotificationMail.runOnce(app: app, smtp: smtp) }
                    if Date().timeIntervalSince(lastPrune) > 60 {
                        try await StreamRetention.prune(on: app.db)
                        try await LoadRow.markInterrupted(on: app.db)
                        lastPrune = Date()
                    }
                    if attempted == 0 { try await Task.sleep(for: .milliseconds(500)) }
                } catch is CancellationError {
                    return
                } catch {
                    // Before `demo`/`serve` have migrated a new database the tables are not there yet.
                    let text = String(describing: error)
                    if !(text.contains("no such table") || text.contains("does not exist")) {
                        app.logger.warning("exchange worker: \(text)")
                    }
                    try? await Task.sleep(for: .seconds(2))
                }
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        task?.cancel()
        await task?.value
    }
}
