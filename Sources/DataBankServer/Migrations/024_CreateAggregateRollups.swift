import Fluent
import SQLKit

/// 024: rollups (``AggregateRollups``): registered aggregates kept up to date as records change.
/// `aggregate_rollups` holds each one's spec, the matching signature (unique per resource), the
/// layout shape it was built under, its state (`ready` or `stale`) and `covered_seq`, the change-log
/// position of the store it agrees with. `aggregate_rollup_groups` holds one row per group, keyed by
/// (rollup, group key), so a rollup's groups are one index range: the group texts, the record
/// count, and per measure slot (up to ``DataBankCore/AggregateRequest/maxMeasures``) a sum state
/// (`s*`, NUMERIC), a non-null count (`c*`) and the recomputed value as text (`v*`).
struct CreateAggregateRollups: AsyncMigration {
    static let slots = 12

    func prepare(on db: any Database) async throws {
        try await db.schema("aggregate_rollups")
            .field("id", .string, .identifier(auto: false))
            .field("resource_code", .string, .required)
            .field("signature", .string, .required)
            .field("spec", .string, .required)
            .field("shape", .string, .required)
            .field("state", .string, .required)
            .field("covered_seq", .int64, .required)
            .field("error", .string)
            .field("created_by", .string)
            .field("created_at", .datetime, .required)
            .field("built_at", .datetime)
            .unique(on: "resource_code", "signature")
            .create()
        var groups = db.schema("aggregate_rollup_groups")
            .field("rollup_id", .string, .required)
            .field("group_key", .string, .required)
            .field("g0", .string)
            .field("g1", .string)
            .field("n", .int64, .required)
        for j in 0..<Self.slots {
            groups = groups.field(.string("s\(j)"), .custom("NUMERIC")).field(.string("c\(j)"), .int64).field(.string("v\(j)"), .string)
        }
        try await groups.compositeIdentifier(over: "rollup_id", "group_key").create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("aggregate_rollup_groups").delete()
        try await db.schema("aggregate_rollups").delete()
    }
}
