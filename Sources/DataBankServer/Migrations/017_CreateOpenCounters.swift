import Fluent
import SQLKit

/// 017: what the open portal counts per dataset — downloads, previews and calls of its data
/// endpoint (`kind`, ``OpenUse``) — one row per (resource, kind), bumped by one upsert per request.
struct CreateOpenCounters: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("open_counters")
            .field("resource_code", .string, .required)
            .field("kind", .string, .required)
            .field("n", .int64, .required)
            .compositeIdentifier(over: "resource_code", "kind")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("open_counters").delete()
    }
}
