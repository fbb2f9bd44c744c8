import Fluent
import SQLKit

/// Migration 017: the open data portal's registered users — e-mail verification of a sign-up, each
/// API key's rate limit and daily quota, the calls counted per caller, day and dataset (flushed in
/// batches from each instance's memory), an application's intended use, reuses and feedback.
struct CreateOpenPortalAccounts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("users").field("verified_at", .datetime).update()
        try await db.schema("users").field("verify_token_hash", .string).update()
        try await db.schema("user_tokens").field("rate_per_minute", .int).update()
        try await db.schema("user_tokens").field("daily_quota", .int).update()
        try await db.schema("access_applications").field("intended_use", .string).update()
        try await db.schema("reuses")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("url", .string, .required)
            .field("description", .string, .required)
            .field("datasets", .string, .required)
            .field("status", .string, .required)
            .field("decided_by", .string)
            .field("decided_at", .datetime)
            .field("decision_reason", .string)
            .field("created_at", .datetime)
            .create()
        try await db.schema("dataset_feedback")
            .id()
            .field("resource_code", .string, .required)
            .field("provider_code", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("username", .string, .required)
            .field("kind", .string, .required)
            .field("text", .string, .required)
            .field("created_at", .datetime)
            .create()
        guard let sql = db as? any SQLDatabase else { return }
        // One row per caller (`key:<id>`, `user:<id>`, `addr:<address>`), day (UTC+8) and dataset ("-": none).
        try await sql.raw(
            """
            CREATE TABLE api_usage (
                subject VARCHAR(120) NOT NULL, day VARCHAR(10) NOT NULL, resource_code VARCHAR(64) NOT NULL,
                calls BIGINT NOT NULL, PRIMARY KEY (subject, day, resource_code))
            """
        ).run()
        try await sql.create(index: "idx_reuses_status").on("reuses").column("status").column("created_at").run()
        try await sql.create(index: "idx_feedback_provider").on("dataset_feedback").column("provider_code").column("created_at").run()
        try await sql.create(index: "idx_users_verify").on("users").column("verify_token_hash").run()
    }

    func revert(on db: any Database) async throws {
        // SQLite refuses to drop a column an index still names.
        if let sql = db as? any SQLDatabase { try await sql.drop(index: "idx_users_verify").run() }
        try await db.schema("api_usage").delete()
        try await db.schema("dataset_feedback").delete()
        try await db.schema("reuses").delete()
        try await db.schema("access_applications").deleteField("intended_use").update()
        try await db.schema("user_tokens").deleteField("daily_quota").update()
        try await db.schema("user_tokens").deleteField("rate_per_minute").update()
        try await db.schema("users").deleteField("verify_token_hash").update()
        try await db.schema("users").deleteField("verified_at").update()
    }
}
