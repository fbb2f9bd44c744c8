import Fluent
import SQLKit

/// 032: applications that travel between nodes (issue 15, the data half of federation).
///
/// - At the consumer's node, `federation_applications`: what a department applied for at a peer (the
///   request as sent, so a queued one is delivered unchanged), its delivery (attempts, next attempt,
///   last error) and the decision as last learned from the owner (status, reason, granted items and
///   period). The grant itself lives at the owner.
/// - At the owner, `peer_applications`: which local application a peer filed under which reference (the
///   consumer's id; one application per reference, so a delivery retried after a lost answer is not
///   filed twice); and `peer_departments`: the name of each peer department (`node:<peer>/<code>`), as
///   its node last sent it, for the inbox, the application pages and the notifications.
struct CreateFederatedApplications: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("federation_applications")
            .id()
            .field("peer_node", .string, .required)
            .field("resource_code", .string, .required)
            .field("resource_name", .string)
            .field("department_code", .string, .required)
            .field("applicant_id", .uuid, .required)
            .field("applicant_name", .string, .required)
            .field("request", .string, .required)
            .field("status", .string, .required)
            .field("remote_id", .string)
            .field("deadline", .string)
            .field("decision_reason", .string)
            .field("granted_items", .string)
            .field("granted_until", .string)
            .field("grant_state", .string)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime)
            .field("last_error", .string)
            .field("synced_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await db.sql.create(index: "idx_federation_applications_department").on("federation_applications").column("department_code").run()
        try await db.sql.create(index: "idx_federation_applications_status").on("federation_applications").column("status").column("next_attempt_at")
            .run()
        try await db.schema("peer_applications")
            .field("application_id", .uuid, .identifier(auto: false))
            .field("peer_node", .string, .required)
            .field("peer_ref", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "peer_node", "peer_ref")
            .create()
        try await db.schema("peer_departments")
            .field("consumer_code", .string, .identifier(auto: false))
            .field("node_code", .string, .required)
            .field("department_code", .string, .required)
            .field("name", .string, .required)
            .field("name_en", .string)
            .field("updated_at", .datetime, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("peer_departments").delete()
        try await db.schema("peer_applications").delete()
        try await db.schema("federation_applications").delete()
    }
}
