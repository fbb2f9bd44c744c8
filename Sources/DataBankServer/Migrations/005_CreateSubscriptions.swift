import Fluent
import SQLKit
import Vapor
import DataBankCore

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
