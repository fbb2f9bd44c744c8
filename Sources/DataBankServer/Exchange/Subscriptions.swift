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
