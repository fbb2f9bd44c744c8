import Fluent
import SQLKit

/// `audit_subject_queue`: the subjects an audited access touched, as the access's own transaction writes
/// them — one row per entry (its sequence number, part 0, its subjects' keyed hashes end to end, 16 bytes
/// each), appended at the end of one b-tree; a streamed export adds a part per page as it is sent. The worker then moves them into `audit_subjects` (037), whose key
/// leads with the hash: writing a 100-row read's subjects there directly touched 100 scattered pages of a
/// large index inside the read's audit commit (+61 % on the read, docs/PERFORMANCE.md). "Who looked at my
/// data" reads both, so an access is found the moment its entry commits.
struct QueueAuditSubjects: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sqlite = db.sql.dialect.name != "postgresql"
        try await db.sql.raw(
            """
            CREATE TABLE audit_subject_queue (seq BIGINT NOT NULL, part INTEGER NOT NULL, hashes \(unsafeRaw: sqlite ? "BLOB" : "BYTEA") NOT NULL,
                PRIMARY KEY (seq, part))
            """
        ).run()
    }

    func revert(on db: any Database) async throws {
        try await AuditSubjects.indexQueued(on: db)
        try await db.schema("audit_subject_queue").delete()
    }
}
