import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Migration 012: profiling runs.
struct CreateProfiles: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("profile_runs")
            .id()
            .field("resource_code", .string, .required)
            .field("kind", .string, .required)
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime, .required)
            .field("row_count", .int64, .required)
            .field("covered_seq", .int64, .required)
            .field("rows_read", .int64, .required)
            .field("profile", .string, .required)
            .field("state", .string)
            .create()
        try await (db as? any SQLDatabase)?.create(index: "idx_profile_runs_resource").on("profile_runs")
            .column("resource_code").column("finished_at").run()
    }

    func revert(on db: any Database) async throws { try await db.schema("profile_runs").delete() }
}
