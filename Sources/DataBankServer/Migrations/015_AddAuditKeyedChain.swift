import Fluent
import SQLKit

/// Migration: the chain is keyed (HMAC-SHA256 with the audit key) from here on. `keyed_from` records
/// the first keyed entry: entries before it were written unkeyed and are verified as the legacy chain.
/// A new database is keyed from its first entry. Stop instances of the previous version before it runs:
/// an unkeyed entry appended after it would no longer verify.
struct AddAuditKeyedChain: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("audit_head").field("keyed_from", .int64, .required, .sql(.default(1))).update()
        try await (db as! any SQLDatabase).raw("UPDATE audit_head SET keyed_from = seq + 1 WHERE id = 1").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("audit_head").deleteField("keyed_from").update()
    }
}
