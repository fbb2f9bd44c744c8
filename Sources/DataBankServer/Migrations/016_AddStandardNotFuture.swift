import Fluent

/// 016: a standard may say its dates cannot be later than today (不晚于当日); the rule is derived
/// from it like the others. Nullable: standards written before it have no such rule.
struct AddStandardNotFuture: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("standards").field("not_future", .bool).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("standards").deleteField("not_future").update()
    }
}
