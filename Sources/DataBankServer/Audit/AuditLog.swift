import Fluent
import SQLKit
import Vapor
import DataBankCore

/// One audited access to records: who, what, how many, why.
struct AuditEntry: Content, Sendable, Equatable {
    var seq: Int
    var at: String
    var actorKind: String
    var actorID: String?
    var actorName: String
    var departmentCode: String?
    var resourceCode: String?
    var operation: String
    var fields: [String]
    var recordCount: Int
    var purpose: String?
    var requestID: String?
    var requestHash: String?
    var prevHash: String
    var hash: String
}

/// Appends to and reads the audit log.
enum AuditLog {
    /// Who acted, as the audit log names them.
    struct Who: Sendable {
        var kind: String
        var id: String?
        var name: String
        var departmentCode: String?

        static func of(_ req: Request) -> Who {
            if let app = req.app { return Who(kind: "app", id: app.id.uuidString, name: app.name, departmentCode: app.departmentCode) }
            guard let user = req.user else { return Who(kind: "anonymous", id: nil, name: "anonymous", departmentCode: nil) }
            let kind = req.storage[AuthMethodKey.self] == .token ? "token" : "user"
            return Who(kind: kind, id: user.id?.uuidString, name: user.username, departmentCode: user.departmentCode)
        }

        static func cli(_ user: User?) -> Who {
            Who(kind: "cli", id: user?.id?.uuidString, name: user?.username ?? "cli", departmentCode: user?.departmentCode)
        }
    }

    /// Appends one entry in its own transaction, serialised on the chain's head row, its hash keyed
    /// with `trail`'s key. The key never leaves this process (no hashing in SQL): the head is read,
    /// the MAC computed here, then the entry written, all while the head's row lock is held.
    @discardableResult
    static func append(_ who: Who, resource: String?, operation: String, fields: [String], count: Int, purpose: String?,
                       requestID: String?, requestHash: String?, on db: any Database, trail: AuditTrail) async throws -> AuditEntry {
        let draft = AuditEntry(
            seq: 0, at: Date().iso8601Millis, actorKind: who.kind, actorID: who.id, actorName: who.name, departmentCode: who.departmentCode,
            resourceCode: resource, operation: operation, fields: fields, recordCount: count, purpose: purpose, requestID: requestID,
            requestHash: requestHash, prevHash: "", hash: "")
        let stats = resource.flatMap { r in
            count > 0 || operation.hasPrefix("load") || operation == "query"
                ? ExchangeStats.upsert(resource: r, consumer: who.departmentCode ?? who.kind, operation: operation, count: count) : nil
        }
        let (entry, keyedFrom) = try await db.transaction { tx in
            let sql = tx.sql
            // The UPDATE takes the head's row lock (PostgreSQL) / the write lock (SQLite) first.
            guard let head = try await sql.raw("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash, keyed_from").first() else {
                throw AppError(.internalServerError, "audit_unavailable", "The audit log is not initialised")
            }
            var entry = draft
            entry.seq = try head.decode(column: "seq", as: Int.self)
            entry.prevHash = try head.decode(column: "hash", as: String.self)
            entry.hash = AuditChain.hash(entry, key: trail.key)
            if RecordTables.Dialect(sql) == .postgres {
                // The entry, the head and the statistics in one statement: one round trip while the lock is held.
                var query: SQLQueryString = """
                    WITH logged AS (
                        INSERT INTO audit_log (seq, at, actor_kind, actor_id, actor_name, department_code, resource_code, operation,
                                               fields, record_count, purpose, request_id, request_hash, prev_hash, hash)
                        VALUES (\(bind: entry.seq), \(bind: entry.at), \(bind: entry.actorKind), \(bind: entry.actorID), \(bind: entry.actorName),
                                \(bind: entry.departmentCode), \(bind: entry.resourceCode), \(bind: entry.operation),
                                \(bind: entry.fields.joined(separator: ",")), \(bind: entry.recordCount), \(bind: entry.purpose),
                                \(bind: entry.requestID), \(bind: entry.requestHash), \(bind: entry.prevHash), \(bind: entry.hash))),
                    head AS (UPDATE audit_head SET hash = \(bind: entry.hash), prev_hash = \(bind: entry.prevHash) WHERE id = 1)
                    """
                if let stats { query = query + ", stats AS (" + stats + ")" }
                try await sql.raw(query + " SELECT 1").run()
                return (entry, try head.decode(column: "keyed_from", as: Int.self))
            }
            try await sql.insert(into: "audit_log")
                .columns("seq", "at", "actor_kind", "actor_id", "actor_name", "department_code", "resource_code", "operation",
                         "fields", "record_count", "purpose", "request_id", "request_hash", "prev_hash", "hash")
                .values(entry.seq, entry.at, entry.actorKind, entry.actorID, entry.actorName, entry.departmentCode, entry.resourceCode,
                        entry.operation, entry.fields.joined(separator: ","), entry.recordCount, entry.purpose, entry.requestID,
                        entry.requestHash, entry.prevHash, entry.hash)
                .run()
            try await sql.update("audit_head").set("hash", to: entry.hash).set("prev_hash", to: entry.prevHash).where("id", .equal, 1).run()
            if let stats { try await sql.raw(stats).run() }
            return (entry, try head.decode(column: "keyed_from", as: Int.self))
        }
        trail.writer?.appended(entry, keyedFrom: keyedFrom, logger: db.logger)
        return entry
    }

    static func decode(_ row: any SQLRow) throws -> AuditEntry {
        AuditEntry(
            seq: try row.decode(column: "seq", as: Int.self), at: try row.decode(column: "at", as: String.self),
            actorKind: try row.decode(column: "actor_kind", as: String.self), actorID: try row.decode(column: "actor_id", as: String?.self),
            actorName: try row.decode(column: "actor_name", as: String.self),
            departmentCode: try row.decode(column: "department_code", as: String?.self),
            resourceCode: try row.decode(column: "resource_code", as: String?.self),
            operation: try row.decode(column: "operation", as: String.self),
            fields: try row.decode(column: "fields", as: String.self).split(separator: ",").map(String.init),
            recordCount: try row.decode(column: "record_count", as: Int.self), purpose: try row.decode(column: "purpose", as: String?.self),
            requestID: try row.decode(column: "request_id", as: String?.self), requestHash: try row.decode(column: "request_hash", as: String?.self),
            prevHash: try row.decode(column: "prev_hash", as: String.self), hash: try row.decode(column: "hash", as: String.self))
    }

    /// What `verify` found.
    struct Verification: Sendable {
        /// Entries found intact (before the break, if any); `legacy` of them on the unkeyed chain.
        var checked = 0
        var legacy = 0
        var checkpoints = 0
        var broken: AuditChain.Break?
    }

    /// Verifies the whole chain in pages, so a long log never sits in memory: every link, every
    /// keyed hash, every checkpoint against the entry it names, and the tail against the head and
    /// the last checkpoint. Throws when the checkpoint file cannot be read.
    static func verify(on db: any Database, trail: AuditTrail, pageSize: Int = 10_000) async throws -> Verification {
        let sql = db.sql
        guard let head = try await sql.raw("SELECT seq, hash, keyed_from FROM audit_head WHERE id = 1").first() else {
            throw AppError(.internalServerError, "audit_unavailable", "The audit log is not initialised")
        }
        let headSeq = try head.decode(column: "seq", as: Int.self)
        let keyedFrom = try head.decode(column: "keyed_from", as: Int.self)
        var result = Verification()
        var file = AuditCheckpoint.FileContents()
        if let path = trail.checkpointFile {
            file = try AuditCheckpoint.read(path: path, key: trail.key)
            result.checkpoints = file.checkpoints.count
            if let problem = file.problem { result.broken = problem; return result }
            if let moved = file.checkpoints.first(where: { $0.keyedFrom != keyedFrom }) {
                result.broken = AuditChain.Break(seq: min(moved.keyedFrom, keyedFrom), reason:
                    "keyed hashing starts at entry \(keyedFrom) in the database, but at entry \(moved.keyedFrom) by the checkpoint at \(moved.at) (the switch-over point was moved)")
                return result
            }
        }
        var walk = AuditChain.Walk(key: trail.key, keyedFrom: keyedFrom, checkpoints: Dictionary(grouping: file.checkpoints, by: \.seq))
        while true {
            let rows = try await sql.raw("SELECT * FROM audit_log WHERE seq > \(bind: walk.lastSeq) ORDER BY seq LIMIT \(literal: pageSize)").all()
            let entries = try rows.map(decode)
            let broken = walk.feed(entries)
            result.checked = walk.checked; result.legacy = walk.legacy
            if let broken { result.broken = broken; return result }
            if entries.isEmpty { break }
        }
        // The head must point at the last entry: a truncated tail shows here...
        if headSeq != walk.lastSeq {
            result.broken = AuditChain.Break(seq: walk.lastSeq + 1, reason: headSeq > walk.lastSeq
                ? "entries \(walk.lastSeq + 1)…\(headSeq) are missing (deleted from the end)"
                : "the head names entry \(headSeq) but the log goes on to entry \(walk.lastSeq)")
            return result
        }
        // ...unless the head was moved back too: then the last checkpoint names an entry that is gone.
        if let last = file.checkpoints.max(by: { $0.seq < $1.seq }), last.seq > walk.lastSeq {
            result.broken = AuditChain.Break(seq: walk.lastSeq + 1, reason:
                "entries after #\(walk.lastSeq) are missing: the checkpoint at \(last.at) names entry #\(last.seq)")
            return result
        }
        if file.missing, walk.lastSeq >= keyedFrom, let path = trail.checkpointFile {
            result.broken = AuditChain.Break(seq: 0, reason: "the checkpoint file \(path) is missing (deleted?): a cut tail cannot be ruled out")
        }
        return result
    }
}

extension Date {
    /// `2026-11-28T10:30:34.123Z`; a format style, not a formatter built per call (every audited request uses it).
    var iso8601Millis: String { formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
}

/// Records in and out per resource, consumer department and day, kept with every audited access.
enum ExchangeStats {
    /// One statement: the provider comes from the store's row inside the INSERT.
    static func upsert(resource: String, consumer: String, operation: String, count: Int) -> SQLQueryString {
        let incoming = operation.hasPrefix("load") || operation == "delete"
        let day = String(Date().iso8601Millis.prefix(10))
        return """
            INSERT INTO exchange_stats (day, resource_code, provider_code, consumer_code, records_in, records_out, requests)
            SELECT \(bind: day), \(bind: resource), COALESCE((SELECT department_code FROM record_stores WHERE resource_code = \(bind: resource)), ''),
                   \(bind: consumer), \(bind: incoming ? count : 0), \(bind: incoming ? 0 : count), 1 WHERE true
            ON CONFLICT (day, resource_code, consumer_code) DO UPDATE SET
                records_in = exchange_stats.records_in + excluded.records_in,
                records_out = exchange_stats.records_out + excluded.records_out,
                requests = exchange_stats.requests + 1
            """
    }
}
