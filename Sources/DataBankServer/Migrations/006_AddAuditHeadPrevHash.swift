import Fluent

/// Migration 006: the chain's head also keeps the hash before it, so PostgreSQL can append an
/// entry in one statement (``AuditLog/appendInOneStatement(_:stats:on:)``) and still return
/// the entry's predecessor.
struct AddAuditHeadPrevHash: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("audit_head").field("prev_hash", .string, .required, .sql(.default(""))).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("audit_head").deleteField("prev_hash").update()
    }
}
