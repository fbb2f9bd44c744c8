import Fluent
import SQLKit

/// 025: saved charts (`charts`): a resource, a chart type, the aggregate's canonical query string
/// (``ChartQuery``), how it is drawn (title, description, colours, unit), its refresh interval, its
/// visibility, the owner department and the user who made it.
struct CreateCharts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("charts")
            .id()
            .field("resource_code", .string, .required)
            .field("chart_type", .string, .required)
            .field("source", .string, .required)
            .field("query", .string, .required)
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("colours", .string, .required)
            .field("unit", .string, .required)
            .field("refresh_seconds", .int, .required)
            .field("visibility", .string, .required)
            .field("department_code", .string, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        let sql = db.sql
        try await sql.create(index: "idx_charts_department").on("charts").column("department_code").run()
        try await sql.create(index: "idx_charts_resource").on("charts").column("resource_code").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("charts").delete()
    }
}
