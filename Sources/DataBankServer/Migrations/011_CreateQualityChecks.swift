import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Migration 011: each store's quality policy, the findings of rows loaded under the `flag`
/// policy, and the quality runs (a full check of a store, with its scores) kept for trends.
struct CreateQualityChecks: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("record_stores").field("quality_policy", .string).update()
        try await db.schema("quality_flags")
            .id()
            .field("resource_code", .string, .required)
            .field("load_id", .uuid, .required)
            .field("record_key", .string, .required)
            .field("row_number", .int, .required)
            .field("rule_id", .string, .required)
            .field("column_name", .string)
            .field("value", .string)
            .field("error_type", .string, .required)
            .field("code", .string, .required)
            .field("message", .string, .required)
            .field("message_en", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema("quality_runs")
            .id()
            .field("resource_code", .string, .required)
            .field("department_code", .string, .required)
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime, .required)
            .field("row_count", .int, .required)
            .field("findings", .int, .required)
            .field("overall", .double, .required)
            .field("scores", .string, .required)
            .field("report", .string, .required)
            .field("actor", .string, .required)
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "idx_quality_flags_resource").on("quality_flags").column("resource_code").column("created_at").run()
        try await sql.create(index: "idx_quality_runs_resource").on("quality_runs").column("resource_code").column("started_at").run()
        try await sql.create(index: "idx_quality_runs_department").on("quality_runs").column("department_code").column("started_at").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("quality_runs").delete()
        try await db.schema("quality_flags").delete()
        try await db.schema("record_stores").deleteField("quality_policy").update()
    }
}
