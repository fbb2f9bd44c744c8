import Fluent
import SQLKit

/// 018: public disclosure look-up services (信用佛山-style): on one open resource, which items are
/// the search keys and how they match (exact | prefix), which items a hit returns, the service's
/// names, and `queries` — every anonymous look-up counted by one UPDATE (no per-row query).
struct CreateLookupServices: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("lookup_services")
            .field("code", .string, .identifier(auto: false))
            .field("resource_code", .string, .required)
            .field("key_items", .string, .required)
            .field("match_kind", .string, .required)
            .field("returned_items", .string, .required)
            .field("name", .string, .required)
            .field("name_en", .string)
            .field("queries", .int64, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("lookup_services").delete()
    }
}
