import Fluent
import SQLKit

/// 026: dashboards (`dashboards`: title, owner department and user, visibility, refresh interval)
/// and their grids (`dashboard_tiles`: a saved chart at a position, 1–3 columns wide). Deleting a
/// dashboard deletes its tiles; deleting a chart takes it off every dashboard.
struct CreateDashboards: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("dashboards")
            .id()
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("department_code", .string, .required)
            .field("owner_id", .uuid, .required)
            .field("visibility", .string, .required)
            .field("refresh_seconds", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("dashboard_tiles")
            .id()
            .field("dashboard_id", .uuid, .required, .references("dashboards", "id", onDelete: .cascade))
            .field("chart_id", .uuid, .required, .references("charts", "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("width", .int, .required)
            .create()
        let sql = db.sql
        try await sql.create(index: "idx_dashboards_visibility").on("dashboards").column("visibility").run()
        try await sql.create(index: "idx_dashboard_tiles_dashboard").on("dashboard_tiles").column("dashboard_id").column("position").run()
        try await sql.create(index: "idx_dashboard_tiles_chart").on("dashboard_tiles").column("chart_id").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("dashboard_tiles").delete()
        try await db.schema("dashboards").delete()
    }
}
