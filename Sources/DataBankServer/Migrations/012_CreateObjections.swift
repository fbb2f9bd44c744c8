import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Migration 013: objections, looked up by resource, by provider and by consumer with their state.
struct CreateObjections: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("objections")
            .id()
            .field("resource_code", .string, .required)
            .field("provider_code", .string, .required)
            .field("record_key", .string, .required)
            .field("column_name", .string)
            .field("seen_value", .string)
            .field("suggested_value", .string)
            .field("note", .string, .required)
            .field("state", .string, .required)
            .field("raised_by", .string, .required)
            .field("raised_by_id", .uuid, .required)
            .field("consumer_code", .string, .required)
            .field("resolution", .string)
            .field("corrected_value", .string)
            .field("corrected_column", .string)
            .field("correction_load_id", .uuid)
            .field("resolved_by", .string)
            .field("resolved_at", .datetime)
            .field("created_at", .datetime)
            .create()
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.create(index: "idx_objections_resource").on("objections").column("resource_code").column("state").run()
        try await sql.create(index: "idx_objections_provider").on("objections").column("provider_code").column("state").run()
        try await sql.create(index: "idx_objections_consumer").on("objections").column("consumer_code").column("state").run()
    }

    func revert(on db: any Database) async throws { try await db.schema("objections").delete() }
}
