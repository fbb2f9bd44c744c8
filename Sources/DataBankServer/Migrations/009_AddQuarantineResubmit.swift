import Fluent

/// Migration 009: a refused row keeps the whole source row, so a steward can fix and resubmit it,
/// and says how it was settled.
struct AddQuarantineResubmit: AsyncMigration {
    func prepare(on db: any Database) async throws {
        for (name, type) in [("raw_row", DatabaseSchema.DataType.string), ("resolved_at", .datetime), ("resolved_by", .string), ("note", .string)] {
            try await db.schema("quarantine").field(.string(name), type).update()
        }
    }

    func revert(on db: any Database) async throws {
        for name in ["note", "resolved_by", "resolved_at", "raw_row"] { try await db.schema("quarantine").deleteField(.string(name)).update() }
    }
}
