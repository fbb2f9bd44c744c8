import Fluent
import SQLKit

/// 023: `record_stores.aggregate_min_group`, the provider's k for aggregates: a group of fewer
/// records is suppressed for readers who see statistics instead of records (a grant, the open
/// portal). Null means the default, 5 (``AggregateSuppression/defaultMinGroupSize``).
///
/// Not among the columns that move the access epoch (migration 019): the aggregate reads it fresh
/// with its statement's store (``AggregateSettings/minGroupSize(_:on:)``), so no cached decision holds a stale k.
struct AddAggregateMinGroup: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("record_stores").field("aggregate_min_group", .int).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("record_stores").deleteField("aggregate_min_group").update()
    }
}
