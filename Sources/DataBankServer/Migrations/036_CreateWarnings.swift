import Fluent
import SQLKit

/// 036: early warnings (issue 16, 预警).
///
/// - `warning_rules`: a ``WarningRule`` as JSON, owned by the department that set it up, with the change-log
///   position of its store it has evaluated up to (`cursor`; the evaluator locks the row while it works).
/// - `warnings`: one per (rule, entity) firing not merged into an earlier one: the values that made it (raw;
///   every reader sees them through their own view of the store), how many firings it holds, its state.
/// - `warning_events`: what subscribers did with a warning (acknowledged, assigned, closed with a note).
/// - `warning_hooks`: a department's webhook for its warnings, with its delivery position (the last
///   warning sequence delivered) and lease, like the change-feed webhooks.
struct CreateWarnings: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("warning_rules")
            .id()
            .field("code", .string, .required).unique(on: "code")
            .field("name", .string, .required)
            .field("name_en", .string)
            .field("department_code", .string, .required)
            .field("resource_code", .string, .required)
            .field("definition", .string, .required)
            .field("cursor", .int64, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("retired_at", .datetime)
            .create()
        try await db.schema("warnings")
            .id()
            // Numbered in the order raised: what webhooks deliver after and lists page by.
            .field("seq", .int64, .required).unique(on: "seq")
            .field("rule_code", .string, .required)
            .field("resource_code", .string, .required)
            .field("entity", .string, .required)
            .field("state", .string, .required)
            .field("warning_values", .string, .required)
            .field("firings", .int, .required)
            .field("change_seq", .int64, .required)
            .field("first_fired_at", .datetime, .required)
            .field("last_fired_at", .datetime, .required)
            .field("assigned_to", .string)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("warning_events")
            .id()
            .field("warning_id", .uuid, .required)
            .field("action", .string, .required)
            .field("by_user", .string, .required)
            .field("department_code", .string, .required)
            .field("assigned_to", .string)
            .field("note", .string)
            .field("at", .datetime, .required)
            .create()
        try await db.schema("warning_hooks")
            .id()
            .field("department_code", .string, .required).unique(on: "department_code")
            .field("owner_id", .uuid, .required)
            .field("owner_name", .string, .required)
            .field("url", .string, .required)
            .field("secret", .string, .required)
            .field("cursor", .int64, .required)
            .field("status", .string, .required)
            .field("failures", .int, .required)
            .field("last_error", .string)
            .field("next_attempt_at", .datetime, .required)
            .field("lease_until", .datetime)
            .field("last_delivered_at", .datetime)
            .field("created_at", .datetime)
            .create()
        let sql = db.sql
        // Merging looks up a rule's warnings not yet closed by entity; lists filter by state, newest first.
        try await sql.raw("CREATE INDEX idx_warnings_rule_entity ON warnings (rule_code, entity, state)").run()
        try await sql.raw("CREATE INDEX idx_warnings_state_seq ON warnings (state, seq)").run()
        try await sql.raw("CREATE INDEX idx_warning_events_warning ON warning_events (warning_id, at)").run()
    }

    func revert(on db: any Database) async throws {
        for table in ["warning_hooks", "warning_events", "warnings", "warning_rules"] { try await db.schema(table).delete() }
    }
}
