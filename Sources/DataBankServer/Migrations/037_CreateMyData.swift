import Fluent
import SQLKit

/// 037: 我的数据 (issue 16). `subject_views`: a provider's choice to show a resource's records to the
/// residents or enterprises they are about (``SubjectView`` as JSON in `view`), one per resource.
/// `audit_subjects`: which subjects each audited access touched, by keyed hash (``AuditSubjects``: HMAC
/// under the audit key, so the audit holds no resident ID in clear), one row per (subject, entry); its
/// primary key leads with the hash (16 bytes, compared as bytes: no collation), so "who looked at my data"
/// reads one range, newest entry last.
/// `record_stores.subject_column`: the view's subject column, on the store row every read already
/// holds, so a read of a subject-visible store knows which keys it returned at no extra query; it is
/// added to the columns whose update moves the access epoch (019), so cached store rows follow it.
struct CreateMyData: AsyncMigration {
    /// The store columns whose update moves the access epoch, as 019 lists them, and the new one.
    static let watchedStoreColumns =
        ["id", "resource_code", "department_code", "table_name", "layout", "revision", "retention_hours", "quality_policy", "created_at"]

    func prepare(on db: any Database) async throws {
        try await db.schema("record_stores").field("subject_column", .string).update()
        try await watchStores(Self.watchedStoreColumns + ["subject_column"], on: db.sql)
        try await db.schema("subject_views")
            .field("resource_code", .string, .identifier(auto: false))
            .field("view", .string, .required)
            .field("updated_by", .string, .required)
            .field("updated_at", .datetime)
            .create()
        // SQLite: clustered on (hash, seq) (WITHOUT ROWID), so an insert writes one b-tree and a look-up reads one.
        let sqlite = db.sql.dialect.name != "postgresql"
        try await db.sql.raw(
            """
            CREATE TABLE audit_subjects (subject_hash \(unsafeRaw: sqlite ? "BLOB" : "BYTEA") NOT NULL, seq BIGINT NOT NULL,
                PRIMARY KEY (subject_hash, seq))\(unsafeRaw: sqlite ? " WITHOUT ROWID" : "")
            """
        ).run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("audit_subjects").delete()
        try await db.schema("subject_views").delete()
        try await watchStores(Self.watchedStoreColumns, on: db.sql)
        try await db.schema("record_stores").deleteField("subject_column").update()
    }

    /// Replaces 019's update trigger on `record_stores` with one watching `columns`.
    func watchStores(_ columns: [String], on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TRIGGER IF EXISTS access_epoch_record_stores ON record_stores").run()
            try await sql.raw(
                """
                CREATE TRIGGER access_epoch_record_stores BEFORE INSERT OR \(AddAccessEpoch.update(columns)) OR DELETE OR TRUNCATE ON record_stores
                FOR EACH STATEMENT EXECUTE FUNCTION access_epoch_bump()
                """
            ).run()
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS access_epoch_record_stores_update").run()
            try await sql.raw(
                """
                CREATE TRIGGER access_epoch_record_stores_update AFTER \(AddAccessEpoch.update(columns)) ON record_stores
                BEGIN UPDATE access_epoch SET version = version + 1 WHERE id = 1; END
                """
            ).run()
        }
    }
}
