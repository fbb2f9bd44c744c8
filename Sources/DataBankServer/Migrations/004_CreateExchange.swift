import Fluent
import SQLKit

/// 004: the data bus's registry of record stores, loads and quarantine, and the audit trail.
/// (Each store's own tables are made when its resource is published: ``RecordStores``.)
struct CreateExchange: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("record_stores")
            .id()
            .field("resource_code", .string, .required).unique(on: "resource_code")
            .field("department_code", .string, .required)
            .field("table_name", .string, .required).unique(on: "table_name")
            .field("layout", .string, .required)
            .field("revision", .int, .required)
            .field("row_count", .int64, .required)
            .field("last_seq", .int64, .required)
            .field("version", .int64, .required)
            .field("last_load_at", .datetime)
            .field("retention_hours", .int)
            .field("created_at", .datetime)
            .create()
        try await db.schema("loads")
            .id()
            .field("resource_code", .string, .required)
            .field("mode", .string, .required)
            .field("format", .string, .required)
            .field("encoding", .string)
            .field("source", .string)
            .field("actor_name", .string, .required)
            .field("status", .string, .required)
            .field("inserted", .int64, .required)
            .field("updated", .int64, .required)
            .field("rejected", .int64, .required)
            .field("error", .string)
            .field("started_at", .datetime, .required)
            .field("heartbeat_at", .datetime)
            .field("finished_at", .datetime)
            .create()
        try await db.schema("quarantine")
            .id()
            .field("resource_code", .string, .required)
            .field("load_id", .uuid, .required)
            .field("row_number", .int64, .required)
            .field("byte_offset", .int64)
            .field("column_name", .string)
            .field("raw_value", .string)
            .field("code", .string, .required)
            .field("message", .string, .required)
            .field("message_en", .string, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema("audit_log")
            .field("seq", .int64, .identifier(auto: false))
            .field("at", .string, .required)
            .field("actor_kind", .string, .required)
            .field("actor_id", .string)
            .field("actor_name", .string, .required)
            .field("department_code", .string)
            .field("resource_code", .string)
            .field("operation", .string, .required)
            .field("fields", .string, .required)
            .field("record_count", .int64, .required)
            .field("purpose", .string)
            .field("request_id", .string)
            .field("request_hash", .string)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .create()
        try await db.schema("audit_head")
            .field("id", .int, .identifier(auto: false))
            .field("seq", .int64, .required)
            .field("hash", .string, .required)
            .create()
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.insert(into: "audit_head").columns("id", "seq", "hash").values(1, 0, AuditChain.genesis).run()
        try await sql.create(index: "idx_loads_resource").on("loads").column("resource_code").run()
        try await sql.create(index: "idx_quarantine_load").on("quarantine").column("resource_code").column("load_id").run()
        try await sql.create(index: "idx_audit_resource").on("audit_log").column("resource_code").column("seq").run()
        // Resources published before the data bus existed get their stores now.
        for row in try await ResourceRow.query(on: db).filter(\.$publishedRevision != nil).filter(\.$status != "retired").all() {
            guard let snapshot = row.catalogSnapshot else { continue }
            try await RecordStores.ensure(row, snapshot: snapshot, on: db)
        }
    }

    func revert(on db: any Database) async throws {
        if let sql = db as? any SQLDatabase {
            // Raw SQL, not the model: the model may have moved on since this migration.
            for row in try await sql.raw("SELECT table_name FROM record_stores").all() {
                let tables = RecordTables(base: try row.decode(column: "table_name", as: String.self))
                try await sql.drop(table: tables.changes).ifExists().run()
                try await sql.drop(table: tables.records).ifExists().run()
            }
        }
        for table in ["audit_head", "audit_log", "quarantine", "loads", "record_stores"] { try await db.schema(table).delete() }
    }
}
