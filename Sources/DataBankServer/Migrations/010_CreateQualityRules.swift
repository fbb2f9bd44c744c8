import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Migration 010: the rules providers write.
struct CreateQualityRules: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("quality_rules")
            .id()
            .field("resource_code", .string, .required)
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("column_name", .string)
            .field("expression", .string)
            .field("references", .string)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await (db as? any SQLDatabase)?.create(index: "idx_quality_rules_resource").on("quality_rules").column("resource_code").run()
    }

    func revert(on db: any Database) async throws { try await db.schema("quality_rules").delete() }
}
