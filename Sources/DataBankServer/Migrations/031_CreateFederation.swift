import Fluent
import SQLKit

/// 031: federation (上连省厅，下连各区).
///
/// - `federation_nodes`: this node's identity (relation `self`) and the peers its data authority
///   registered (`parent`, `child`: base URL, Ed25519 public key; this node's private key is derived
///   from the platform key, never stored), with the catalog pull's state per child (cursor, lease, next
///   pull, last error).
/// - `federation_nonces`: nonces of signed node requests seen within the clock window (no replay).
/// - `federation_clock` and `resources.federation_seq`: every insert or update of a resource takes the
///   next number of one counter, by trigger (no write path can forget), under the counter's row lock,
///   so numbers commit in order and a child's catalog feed is "changes after a cursor".
/// - `federated_resources`, `federated_terms`: the catalog entries children sent up (read-only here,
///   tagged with their origin node and region, searched by the catalog's terms).
struct CreateFederation: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("federation_nodes")
            .id()
            .field("code", .string, .required).unique(on: "code")
            .field("name", .string, .required)
            .field("region_code", .string, .required)
            .field("relation", .string, .required)
            .field("base_url", .string)
            .field("public_key", .string)
            .field("catalog_cursor", .string)
            .field("next_pull_at", .datetime)
            .field("pull_lease_until", .datetime)
            .field("pull_lease_token", .string)
            .field("last_pull_at", .datetime)
            .field("last_pull_error", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("federation_nonces")
            .field("node_code", .string, .required)
            .field("nonce", .string, .required)
            .field("seen_at", .datetime, .required)
            .unique(on: "node_code", "nonce")
            .create()
        try await db.sql.create(index: "idx_federation_nonces_seen").on("federation_nonces").column("seen_at").run()
        try await db.schema("federated_resources")
            .id()
            .field("origin_node", .string, .required)
            .field("origin_name", .string, .required)
            .field("origin_region", .string, .required)
            .field("via_node", .string, .required)
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("department_code", .string, .required)
            .field("department_name", .string, .required)
            .field("sharing_type", .string, .required)
            .field("open_type", .string, .required)
            .field("item_count", .int, .required)
            .field("status", .string, .required)
            .field("snapshot", .string, .required)
            .field("federation_seq", .int64, .required)
            .field("received_at", .datetime, .required)
            .unique(on: "origin_node", "code")
            .create()
        try await db.sql.create(index: "idx_federated_resources_seq").on("federated_resources").column("federation_seq").column("origin_node")
            .column("code").run()
        try await db.schema("federated_terms")
            .field("term", .string, .required)
            .field("entry_id", .uuid, .required)
            .create()
        try await db.sql.create(index: "idx_federated_terms").on("federated_terms").column("term").column("entry_id").run()
        try await db.sql.create(index: "idx_federated_terms_entry").on("federated_terms").column("entry_id").run()
        try await addCatalogClock(db.sql)
    }

    func addCatalogClock(_ sql: any SQLDatabase) async throws {
        try await sql.raw("CREATE TABLE federation_clock (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL)").run()
        try await sql.raw("INSERT INTO federation_clock (id, seq) VALUES (1, 1)").run()
        try await sql.raw("ALTER TABLE resources ADD COLUMN federation_seq BIGINT NOT NULL DEFAULT 1").run()
        try await sql.create(index: "idx_resources_federation_seq").on("resources").column("federation_seq").column("code").run()
        if sql.dialect.name == "postgresql" {
            try await sql.raw(
                """
                CREATE FUNCTION federation_seq_next() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN UPDATE federation_clock SET seq = seq + 1 WHERE id = 1 RETURNING seq INTO NEW.federation_seq; RETURN NEW; END $$
                """
            ).run()
            try await sql.raw(
                "CREATE TRIGGER federation_seq_resources BEFORE INSERT OR UPDATE ON resources FOR EACH ROW EXECUTE FUNCTION federation_seq_next()"
            ).run()
        } else {
            // SQLite: after the row is written, number it (recursive triggers are off: this UPDATE fires nothing).
            for event in ["INSERT", "UPDATE"] {
                try await sql.raw(
                    """
                    CREATE TRIGGER \(ident: "federation_seq_resources_" + event.lowercased()) AFTER \(unsafeRaw: event) ON resources
                    BEGIN
                      UPDATE federation_clock SET seq = seq + 1 WHERE id = 1;
                      UPDATE resources SET federation_seq = (SELECT seq FROM federation_clock WHERE id = 1) WHERE id = NEW.id;
                    END
                    """
                ).run()
            }
        }
    }

    func revert(on db: any Database) async throws {
        let sql = db.sql
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TRIGGER IF EXISTS federation_seq_resources ON resources").run()
            try await sql.raw("DROP FUNCTION IF EXISTS federation_seq_next()").run()
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS federation_seq_resources_insert").run()
            try await sql.raw("DROP TRIGGER IF EXISTS federation_seq_resources_update").run()
        }
        try await sql.raw("DROP INDEX IF EXISTS idx_resources_federation_seq").run()
        try await sql.raw("ALTER TABLE resources DROP COLUMN federation_seq").run()
        try await sql.raw("DROP TABLE federation_clock").run()
        try await db.schema("federated_terms").delete()
        try await db.schema("federated_resources").delete()
        try await db.schema("federation_nonces").delete()
        try await db.schema("federation_nodes").delete()
    }
}
