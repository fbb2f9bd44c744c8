import Fluent
import NIOConcurrencyHelpers
import Foundation
import SQLKit
import Vapor
import DataBankCore

/// Which subjects each audited access touched (migration 037's `audit_subjects`), so a resident or an
/// enterprise can see who looked at their data (我的数据).
///
/// A subject is recorded by a keyed hash of its key — HMAC-SHA256 under the audit key, which lives
/// outside the database (``AuditKey``) — so the audit holds no resident ID in clear, and someone who
/// reads the database cannot test guesses against it. The hashes travel in the entry's draft
/// (``AuditLog/Draft/subjects``) and are written in the same transaction as the entry, as one row of
/// `audit_subject_queue` per entry (038: appended at the end of one b-tree, never a query per subject);
/// the worker moves them into `audit_subjects`, keyed by hash, in batches (``indexQueued(on:)``), and
/// ``accesses(of:limit:on:)`` reads both.
enum AuditSubjects {
    /// The keyed hash of a subject's key (128 bits, hex).
    static func hash(_ key: String, trail: AuditTrail) -> String { String(trail.key.mac("subject\u{1F}" + key).prefix(32)) }

    /// A hash as the table stores it: its 16 bytes (empty for what is not a hash).
    static func bytes(_ hash: String) -> Data { SubjectHash(hex: hash)?.data ?? Data() }

    /// The hashes of `keys` (empty keys skipped), each once: the HMAC's key schedule (with the prefix)
    /// made once and copied for each key, the key's bytes hashed where they lie, and the 16 bytes kept
    /// as two words — a page of 100 rows costs 100 short hashes, no hex and no string sort.
    static func hashes(_ keys: some Sequence<String>, trail: AuditTrail) -> SubjectHashes {
        var template = HMAC<SHA256>(key: trail.key.key)
        template.update(data: Array("subject\u{1F}".utf8))
        var hashed: [SubjectHash] = []
        hashed.reserveCapacity(keys.underestimatedCount)
        for var key in keys where !key.isEmpty {
            var mac = template
            key.withUTF8 { mac.update(data: UnsafeRawBufferPointer($0)) }
            hashed.append(mac.finalize().withUnsafeBytes { SubjectHash($0) })
        }
        return SubjectHashes(hashed)
    }

    /// A joint check's applicant: the keyed hash of each resident-ID or credit-code field's value, by field.
    static func applicant(_ check: JointCheck, _ values: [String: String], trail: AuditTrail) -> [String: String] {
        var out: [String: String] = [:]
        for f in check.form where [.residentID, .creditCode].contains(f.kind) {
            if let v = values[f.name], !v.isEmpty { out[f.name] = hash(v, trail: trail) }
        }
        return out
    }

    /// The values among `values` that are well-formed resident IDs or credit codes: who a verification asked about.
    static func keys(among values: some Sequence<String>, today: CivilDate) -> [String] {
        values.filter { v in SubjectKind.allCases.contains { $0.check(v, today: today) == nil } }
    }

    /// Rows per INSERT into `audit_subjects`: two binds a row stays under both databases' limits.
    static let rowsPerInsert = 5_000

    /// The INSERT of a batch's queue rows — one per entry that names a subject — or nil when none does.
    static func queueInsert(_ entries: [AuditEntry], _ drafts: [AuditLog.Draft], on sql: any SQLDatabase) -> SQLInsertBuilder? {
        let named = zip(entries, drafts).filter { !$0.1.subjects.isEmpty }
        guard !named.isEmpty else { return nil }
        let insert = sql.insert(into: "audit_subject_queue").columns("seq", "part", "hashes")
        for (entry, draft) in named { insert.values(entry.seq, 0, draft.subjects.bytes) }
        return insert
    }

    /// Whom a streamed export sent, recorded page by page under the export's entry (written before the
    /// stream starts): each page's keys are hashed and queued as the entry's next part before the page
    /// goes out, so the record reaches as far as the export did — and a page never leaves unrecorded.
    struct Export: Sendable {
        let seq: Int
        let trail: AuditTrail
        let db: any Database
        private let parts = NIOLockedValueBox(0)

        init(seq: Int, trail: AuditTrail, db: any Database) { self.seq = seq; self.trail = trail; self.db = db }

        /// Queues the subjects of one page (nothing when it names none).
        func record(_ keys: [String]) async throws {
            let hashed = AuditSubjects.hashes(keys, trail: trail)
            guard !hashed.isEmpty else { return }
            let part = parts.withLockedValue {
                $0 += 1; return $0
            }
            try await db.sql.insert(into: "audit_subject_queue").columns("seq", "part", "hashes").values(seq, part, hashed.bytes).run()
        }
    }

    /// Queue rows moved per transaction by ``indexQueued(on:)``.
    static let queueRowsPerMove = 200

    /// Moves queued subjects into `audit_subjects`, oldest first, ``queueRowsPerMove`` entries a
    /// transaction: the rows are taken with `DELETE … RETURNING` (so two instances never move one twice,
    /// and on SQLite the transaction holds the write lock from its first statement), their (hash, seq)
    /// pairs inserted sorted by hash. Answers how many entries it moved.
    @discardableResult
    static func indexQueued(on db: any Database) async throws -> Int {
        var moved = 0
        while true {
            let n = try await db.transaction { tx -> Int in
                let rows = try await tx.sql.raw(
                    """
                    DELETE FROM audit_subject_queue
                    WHERE (seq, part) IN (SELECT seq, part FROM audit_subject_queue ORDER BY seq, part LIMIT \(literal: queueRowsPerMove))
                    RETURNING seq, hashes
                    """
                ).all()
                var pairs: [(hash: SubjectHash, seq: Int)] = []
                for row in rows {
                    let seq = try row.decode(column: "seq", as: Int.self), hashes = try row.decode(column: "hashes", as: Data.self)
                    hashes.withUnsafeBytes { raw in
                        for start in stride(from: 0, to: raw.count - 15, by: 16) { pairs.append((SubjectHash(raw, at: start), seq)) }
                    }
                }
                pairs.sort { ($0.hash.high, $0.hash.low, $0.seq) < ($1.hash.high, $1.hash.low, $1.seq) }
                for start in stride(from: 0, to: pairs.count, by: rowsPerInsert) {
                    let insert = tx.sql.insert(into: "audit_subjects").columns("subject_hash", "seq")
                    for pair in pairs[start..<min(start + rowsPerInsert, pairs.count)] { insert.values(pair.hash.data, pair.seq) }
                    try await insert.ignoringConflicts(with: ["subject_hash", "seq"]).run()
                }
                return rows.count
            }
            moved += n
            if n < queueRowsPerMove { return moved }
        }
    }

    /// One access that touched a subject, as the subject sees it.
    struct Access: Content, Equatable {
        var seq: Int
        var at: String
        /// The department that accessed (an app's or a user's), nil for the public portal.
        var department: String?
        var departmentName: String?
        var resource: String?
        var resourceName: String?
        /// `read`, `export`, `feed` (the change feed, its stream, a webhook, a node's relay), `verify`, `joint_check`, or `other`.
        var kind: String
        var operation: String
        var purpose: String?
        var records: Int
    }

    /// What kind of access an operation is, for the subject.
    static func kind(of operation: String) -> String {
        if operation.hasPrefix("joint-check.") { return "joint_check" }
        if operation.hasPrefix("verify.") { return "verify" }
        if operation.hasPrefix("export.") { return "export" }
        if ["changes", "changes.stream", "webhook.deliver", "federation.records", "open.events"].contains(operation) { return "feed" }
        if ["query", "read", "latest", "web.view", "open.lookup", "open.preview", "open.latest"].contains(operation) || operation.hasPrefix("query") {
            return "read"
        }
        return "other"
    }

    /// The newest `limit` accesses by others (departments, apps, the portal) that touched the subject
    /// with this hash: one range of the index, and the entries still queued (a few seconds' worth,
    /// their hashes searched at 16-byte boundaries), in one statement — one snapshot — and each entry
    /// once (`UNION`: an export's pages may be part moved, part queued, and may name a subject twice). The
    /// queue leads its join (`CROSS JOIN` fixes SQLite's order): with statistics from an empty queue SQLite
    /// scanned the whole log instead, 120 ms a look at a million entries. The subject's own reads of 我的数据 are audited too, but are not "someone looking".
    static func accesses(of hash: String, limit: Int, on sql: any SQLDatabase) async throws -> [Access] {
        let key = bytes(hash)
        let at: SQLQueryString =
            RecordTables.Dialect(sql) == .postgres ? "position(\(bind: key) IN q.hashes)" : "instr(q.hashes, \(bind: key))"
        let columns: SQLQueryString = "a.seq, a.at, a.department_code, a.resource_code, a.operation, a.purpose, a.record_count"
        let rows = try await sql.raw(
            """
            SELECT * FROM (
                SELECT \(columns) FROM audit_subjects AS s JOIN audit_log AS a ON a.seq = s.seq
                WHERE s.subject_hash = \(bind: key) AND a.actor_kind <> 'subject' ORDER BY s.seq DESC LIMIT \(bind: limit)
            ) AS indexed
            UNION
            SELECT * FROM (
                SELECT \(columns) FROM audit_subject_queue AS q CROSS JOIN audit_log AS a
                WHERE a.seq = q.seq AND \(at) % 16 = 1 AND a.actor_kind <> 'subject'
            ) AS queued
            ORDER BY seq DESC LIMIT \(bind: limit)
            """
        ).all()
        return try rows.map { row in
            let operation = try row.decode(column: "operation", as: String.self)
            return Access(
                seq: try row.decode(column: "seq", as: Int.self), at: try row.decode(column: "at", as: String.self),
                department: try row.decode(column: "department_code", as: String?.self), departmentName: nil,
                resource: try row.decode(column: "resource_code", as: String?.self), resourceName: nil, kind: kind(of: operation),
                operation: operation, purpose: try row.decode(column: "purpose", as: String?.self),
                records: try row.decode(column: "record_count", as: Int.self))
        }
    }
}
