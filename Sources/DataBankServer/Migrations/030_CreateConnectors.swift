import Fluent
import SQLKit

/// 030: connectors (前置交换): `connectors` (a scheduled pull from a department's system into a
/// published resource's store: the source's settings as JSON, its secret sealed with AES-GCM under
/// a key derived from the platform key, the mapping, schedule, mode and watermark, the retry state
/// and the lease that keeps two instances from running one connector at once) and
/// `connector_runs` (one row per run: rows read, inserted, updated, refused, watermark before and
/// after, status and error).
struct CreateConnectors: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("connectors")
            .id()
            .field("code", .string, .required).unique(on: "code")
            .field("name", .string, .required)
            .field("resource_code", .string, .required)
            .field("department_code", .string, .required)
            .field("owner_name", .string, .required)
            .field("source_kind", .string, .required)
            .field("source", .string, .required)
            .field("secret", .string)
            .field("mapping", .string, .required)
            .field("schedule", .string, .required)
            .field("mode", .string, .required)
            .field("watermark_column", .string)
            .field("watermark", .string)
            .field("watermark_type", .string)
            .field("status", .string, .required)
            .field("failures", .int, .required)
            .field("max_failures", .int, .required)
            .field("last_error", .string)
            .field("next_run_at", .datetime, .required)
            .field("lease_until", .datetime)
            .field("lease_token", .string)
            .field("last_run_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await db.sql.create(index: "idx_connectors_due").on("connectors").column("status").column("next_run_at").run()
        try await db.schema("connector_runs")
            .id()
            .field("connector_id", .uuid, .required)
            .field("connector_code", .string, .required)
            .field("resource_code", .string, .required)
            .field("trigger", .string, .required)
            .field("status", .string, .required)
            .field("started_at", .datetime, .required)
            .field("heartbeat_at", .datetime, .required)
            .field("finished_at", .datetime)
            .field("seconds", .double)
            .field("rows_read", .int64, .required)
            .field("inserted", .int64, .required)
            .field("updated", .int64, .required)
            .field("refused", .int64, .required)
            .field("watermark_before", .string)
            .field("watermark_after", .string)
            .field("files", .string)
            .field("error", .string)
            .create()
        try await db.sql.create(index: "idx_connector_runs_connector").on("connector_runs").column("connector_id")
            .column("started_at").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("connector_runs").delete()
        try await db.schema("connectors").delete()
    }
}
