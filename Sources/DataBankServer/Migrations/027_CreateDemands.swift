import Fluent
import SQLKit

/// 027: the demand registry (需求登记): `demands` (what is needed, by whom, routed to which provider,
/// its state, answer deadline and what met it), `demand_events` (its history) and `demand_votes`
/// ("我也需要": one per department and demand, kept unique by the database).
struct CreateDemands: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("demands")
            .id()
            .field("title", .string, .required)
            .field("reason", .string, .required)
            .field("items", .string, .required)
            // Standard data elements (codes) the items should follow, as a JSON array.
            .field("standards", .string, .required)
            .field("theme", .string)
            .field("urgency", .string, .required)
            // The provider department; nil while the data authority has not assigned one.
            .field("provider_code", .string)
            .field("state", .string, .required)
            // The requesting department, or `user:<id>` for a registered member of the public.
            .field("requester_code", .string, .required)
            .field("requester_id", .uuid, .required)
            .field("requester_name", .string, .required)
            // The day the answer is due (`YYYY-MM-DD`, working days after submission).
            .field("due", .string, .required)
            .field("fulfilled_resource", .string)
            .field("fulfilled_grant", .uuid)
            .field("resolution", .string)
            .field("answered_by", .string)
            .field("answered_at", .datetime)
            .field("vote_count", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("demand_events")
            .id()
            .field("demand_id", .uuid, .required, .references("demands", "id", onDelete: .cascade))
            .field("action", .string, .required)
            .field("actor_name", .string, .required)
            .field("department_code", .string)
            .field("note", .string)
            .field("at", .datetime)
            .create()
        try await db.schema("demand_votes")
            .id()
            .field("demand_id", .uuid, .required, .references("demands", "id", onDelete: .cascade))
            .field("department_code", .string, .required)
            .field("voter_name", .string, .required)
            .field("note", .string)
            .field("created_at", .datetime)
            .unique(on: "demand_id", "department_code")
            .create()
        let sql = db.sql
        try await sql.create(index: "idx_demands_provider").on("demands").column("provider_code").column("state").run()
        try await sql.create(index: "idx_demands_requester").on("demands").column("requester_code").column("state").run()
        try await sql.create(index: "idx_demands_state").on("demands").column("state").column("due").run()
        try await sql.create(index: "idx_demand_events_demand").on("demand_events").column("demand_id").column("at").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("demand_votes").delete()
        try await db.schema("demand_events").delete()
        try await db.schema("demands").delete()
    }
}
