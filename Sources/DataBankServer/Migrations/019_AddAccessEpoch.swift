import Fluent
import SQLKit

/// 017: one counter, `access_epoch.version`, that the database itself moves whenever a table the
/// read decision depends on changes — users, tokens, apps, grants, resources, stores, standards.
///
/// Triggers, not application code, bump it, so no write path can forget to; every instance reads
/// it once per request and trusts its cached decision facts only while it is unchanged
/// (``EpochCache``). PostgreSQL bumps it in a statement-level `BEFORE` trigger, so a writer
/// takes the counter's row lock before the rows it changes (one lock order) and readers, who only
/// read it, never wait.
///
/// Three tables are watched on some columns only, so that what every request or load writes does
/// not move the epoch: a token's or app's `last_used_at`, and a store's load counters (`row_count`,
/// `last_seq`, `version`, `last_load_at`, which ``StoreReading`` re-reads on every request instead).
/// A later column of these tables that the read decision uses must be added to the list by a new
/// migration.
struct AddAccessEpoch: AsyncMigration {
    /// The tables whose rows feed ``StoreReading/decide(actor:app:code:today:on:)`` or authentication,
    /// and for some the columns whose update counts (nil: any update).
    static let watched: [(table: String, updateOf: [String]?)] = [
        ("users", nil), ("grants", nil), ("app_grants", nil), ("resources", nil), ("standards", nil),
        ("user_tokens", ["id", "user_id", "name", "token_hash", "prefix", "created_at", "revoked_at", "rate_per_minute", "daily_quota"]),
        ("api_apps", ["id", "department_code", "name", "token_hash", "prefix", "rate_per_minute", "created_by", "revoked_at", "created_at"]),
        ("record_stores", ["id", "resource_code", "department_code", "table_name", "layout", "revision", "retention_hours", "quality_policy", "created_at"])
    ]

    /// `UPDATE` or `UPDATE OF a, b`.
    static func update(_ columns: [String]?) -> SQLQueryString {
        guard let columns else { return "UPDATE" }
        return "UPDATE OF \(idents: columns, joinedBy: ", ")"
    }

    func prepare(on db: any Database) async throws {
        try await db.schema("access_epoch")
            .field("id", .int, .identifier(auto: false))
            .field("version", .int64, .required)
            .create()
        let sql = db.sql
        try await sql.raw("INSERT INTO access_epoch (id, version) VALUES (1, 0)").run()
        if sql.dialect.name == "postgresql" {
            try await sql.raw(
                """
                CREATE FUNCTION access_epoch_bump() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN UPDATE access_epoch SET version = version + 1 WHERE id = 1; RETURN NULL; END $$
                """
            ).run()
            for (table, columns) in Self.watched {
                try await sql.raw(
                    """
                    CREATE TRIGGER \(ident: "access_epoch_" + table) BEFORE INSERT OR \(Self.update(columns)) OR DELETE OR TRUNCATE ON \(ident: table)
                    FOR EACH STATEMENT EXECUTE FUNCTION access_epoch_bump()
                    """
                ).run()
            }
        } else {
            for (table, columns) in Self.watched {
                for (name, event) in [("insert", "INSERT" as SQLQueryString), ("update", Self.update(columns)), ("delete", "DELETE")] {
                    try await sql.raw(
                        """
                        CREATE TRIGGER \(ident: "access_epoch_\(table)_\(name)") AFTER \(event) ON \(ident: table)
                        BEGIN UPDATE access_epoch SET version = version + 1 WHERE id = 1; END
                        """
                    ).run()
                }
            }
        }
    }

    func revert(on db: any Database) async throws {
        let sql = db.sql
        for (table, _) in Self.watched {
            if sql.dialect.name == "postgresql" {
                try await sql.raw("DROP TRIGGER IF EXISTS \(ident: "access_epoch_" + table) ON \(ident: table)").run()
            } else {
                for event in ["insert", "update", "delete"] {
                    try await sql.raw("DROP TRIGGER IF EXISTS \(ident: "access_epoch_\(table)_\(event)")").run()
                }
            }
        }
        if sql.dialect.name == "postgresql" { try await sql.raw("DROP FUNCTION IF EXISTS access_epoch_bump()").run() }
        try await db.schema("access_epoch").delete()
    }
}
