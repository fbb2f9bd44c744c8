import Fluent
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
/// (``AuditLog/Draft/subjects``) and are written by the same statement batch, in the same transaction,
/// as the entry itself: one multi-row insert per batch, never a query per row.
enum AuditSubjects {
    /// The keyed hash of a subject's key (128 bits, hex).
    static func hash(_ key: String, trail: AuditTrail) -> String { String(trail.key.mac("subject\u{1F}" + key).prefix(32)) }

    /// A hash as the table stores it: its 16 bytes.
    static func bytes(_ hash: String) -> Data {
        var out = Data(capacity: hash.utf8.count / 2)
        var high: UInt8?
        for c in hash.utf8 {
            let v: UInt8 = c >= 97 ? c - 87 : c >= 65 ? c - 55 : c - 48
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        return out
    }

    /// The hashes of `keys`, each once: the keys deduplicated first, and the HMAC's key schedule (with the
    /// prefix) made once and copied for each key, so a page of 100 rows costs 100 short hashes.
    static func hashes(_ keys: some Sequence<String>, trail: AuditTrail) -> [String] {
        var distinct = Set<String>()
        for key in keys where !key.isEmpty { distinct.insert(key) }
        guard !distinct.isEmpty else { return [] }
        var template = HMAC<SHA256>(key: trail.key.key)
        template.update(data: Array("subject\u{1F}".utf8))
        return distinct.map { key in
            var mac = template
            mac.update(data: Array(key.utf8))
            return mac.finalize().prefix(16).hexString
        }.sorted()
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

    /// Rows per INSERT: two binds a row stays under both databases' limits on binds per statement.
    static let rowsPerInsert = 5_000

    /// How many (subject, entry) rows a batch's drafts write.
    static func count(_ drafts: [AuditLog.Draft]) -> Int { drafts.reduce(0) { $0 + Set($1.subjects).count } }

    /// The INSERTs of every (hash, seq) of a batch's entries, ``rowsPerInsert`` rows each (usually one; none
    /// when no entry names a subject). A verification batch of 100,000 inputs writes 20.
    static func inserts(_ entries: [AuditEntry], _ drafts: [AuditLog.Draft], on sql: any SQLDatabase) -> [SQLInsertBuilder] {
        let pairs = zip(entries, drafts).flatMap { entry, draft in Set(draft.subjects).sorted().map { ($0, entry.seq) } }
        return stride(from: 0, to: pairs.count, by: rowsPerInsert).map { start in
            let insert = sql.insert(into: "audit_subjects").columns("subject_hash", "seq")
            for (hash, seq) in pairs[start..<min(start + rowsPerInsert, pairs.count)] { insert.values(bytes(hash), seq) }
            return insert
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
        /// `read`, `export`, `verify`, `joint_check`, or `other`.
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
        if ["query", "read", "latest", "open.lookup", "open.preview", "open.latest"].contains(operation) || operation.hasPrefix("query") { return "read" }
        return "other"
    }

    /// The newest `limit` accesses by others (departments, apps, the portal) that touched the subject
    /// with this hash: one range of the index, joined to the entries by their number. The subject's
    /// own reads of 我的数据 are audited too, but are not "someone looking".
    static func accesses(of hash: String, limit: Int, on sql: any SQLDatabase) async throws -> [Access] {
        let rows = try await sql.raw(
            """
            SELECT a.seq, a.at, a.department_code, a.resource_code, a.operation, a.purpose, a.record_count
            FROM audit_subjects AS s JOIN audit_log AS a ON a.seq = s.seq
            WHERE s.subject_hash = \(bind: bytes(hash)) AND a.actor_kind <> 'subject'
            ORDER BY s.seq DESC LIMIT \(bind: limit)
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
