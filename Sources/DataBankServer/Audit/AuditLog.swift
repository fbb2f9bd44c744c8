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

/// The hash chain: each entry's hash covers its content and its predecessor's hash, so an
/// altered, removed or reordered entry breaks every link after it.
enum AuditChain {
    static let genesis = String(repeating: "0", count: 64)

    /// The canonical text hashed for an entry: every field, in a fixed order, unit-separated.
    static func canonical(_ e: AuditEntry) -> String {
        [String(e.seq), e.at, e.actorKind, e.actorID ?? "", e.actorName, e.departmentCode ?? "", e.resourceCode ?? "",
         e.operation, e.fields.joined(separator: ","), String(e.recordCount), e.purpose ?? "", e.requestID ?? "",
         e.requestHash ?? "", e.prevHash].joined(separator: "\u{1F}")
    }

    static func hash(_ e: AuditEntry) -> String {
        SHA256.hash(data: Array(canonical(e).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// What `verify` found: nil when the chain holds, else the first broken entry and why.
    struct Break: Equatable, Sendable {
        var seq: Int
        var reason: String
    }

    /// Walks entries in `seq` order and names the first that was altered, deleted or reordered.
    static func verify(_ entries: [AuditEntry], previous: (seq: Int, hash: String) = (0, genesis)) -> Break? {
        var expectedSeq = previous.seq + 1
        var prevHash = previous.hash
        for e in entries {
            if e.seq != expectedSeq {
                return Break(seq: e.seq > expectedSeq ? expectedSeq : e.seq, reason: e.seq > expectedSeq
                             ? "entries \(expectedSeq)…\(e.seq - 1) are missing (deleted)"
                             : "entry \(e.seq) is out of order (expected \(expectedSeq))")
            }
            if e.prevHash != prevHash {
                return Break(seq: e.seq, reason: "entry \(e.seq) does not follow its predecessor (reordered or predecessor altered)")
            }
            if hash(e) != e.hash { return Break(seq: e.seq, reason: "entry \(e.seq) was altered (its content no longer matches its hash)") }
            prevHash = e.hash
            expectedSeq += 1
        }
        return nil
    }
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

    /// Appends one entry in its own transaction, serialised on the chain's head row.
    @discardableResult
    static func append(_ who: Who, resource: String?, operation: String, fields: [String], count: Int, purpose: String?,
                       requestID: String?, requestHash: String?, on db: any Database) async throws -> AuditEntry {
        let draft = AuditEntry(
            seq: 0, at: Date().iso8601Millis, actorKind: who.kind, actorID: who.id, actorName: who.name, departmentCode: who.departmentCode,
            resourceCode: resource, operation: operation, fields: fields, recordCount: count, purpose: purpose, requestID: requestID,
            requestHash: requestHash, prevHash: "", hash: "")
        let stats = resource.flatMap { r in
            count > 0 || operation.hasPrefix("load") || operation == "query"
                ? ExchangeStats.upsert(resource: r, consumer: who.departmentCode ?? who.kind, operation: operation, count: count) : nil
        }
        let sql = db as! any SQLDatabase
        if RecordTables.Dialect(sql) == .postgres { return try await appendInOneStatement(draft, stats: stats, on: sql) }
        return try await db.transaction { tx in
            let sql = tx as! any SQLDatabase
            // The UPDATE takes the head's row lock (PostgreSQL) / the write lock (SQLite) first.
            guard let head = try await sql.raw("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash").first() else {
                throw AppError(.internalServerError, "audit_unavailable", "The audit log is not initialised")
            }
            var entry = draft
            entry.seq = try head.decode(column: "seq", as: Int.self)
            entry.prevHash = try head.decode(column: "hash", as: String.self)
            entry.hash = AuditChain.hash(entry)
            try await sql.insert(into: "audit_log")
                .columns("seq", "at", "actor_kind", "actor_id", "actor_name", "department_code", "resource_code", "operation",
                         "fields", "record_count", "purpose", "request_id", "request_hash", "prev_hash", "hash")
                .values(entry.seq, entry.at, entry.actorKind, entry.actorID, entry.actorName, entry.departmentCode, entry.resourceCode,
                        entry.operation, entry.fields.joined(separator: ","), entry.recordCount, entry.purpose, entry.requestID,
                        entry.requestHash, entry.prevHash, entry.hash)
                .run()
            try await sql.update("audit_head").set("hash", to: entry.hash).where("id", .equal, 1).run()
            if let stats { try await sql.raw(stats).run() }
            return entry
        }
    }

    /// PostgreSQL: the whole append (head, entry, statistics) in one statement, so an audited
    /// request pays one round trip for its audit. The hash is computed by the server from the same
    /// canonical text as ``AuditChain/canonical(_:)``; `verify` recomputes it in Swift.
    static func appendInOneStatement(_ e: AuditEntry, stats: SQLQueryString?, on sql: any SQLDatabase) async throws -> AuditEntry {
        let fields = e.fields.joined(separator: ",")
        let canonicalTail: SQLQueryString = """
            \(bind: e.at), \(bind: e.actorKind), \(bind: e.actorID ?? ""), \(bind: e.actorName), \(bind: e.departmentCode ?? ""),
            \(bind: e.resourceCode ?? ""), \(bind: e.operation), \(bind: fields), \(bind: String(e.recordCount)), \(bind: e.purpose ?? ""),
            \(bind: e.requestID ?? ""), \(bind: e.requestHash ?? "")
            """
        var query: SQLQueryString = """
            WITH head AS (
                UPDATE audit_head SET seq = seq + 1, prev_hash = hash,
                    hash = encode(sha256(convert_to(concat_ws(chr(31), (seq + 1)::text, \(canonicalTail), hash), 'UTF8')), 'hex')
                WHERE id = 1 RETURNING seq, prev_hash, hash),
            logged AS (
                INSERT INTO audit_log (seq, at, actor_kind, actor_id, actor_name, department_code, resource_code, operation,
                                       fields, record_count, purpose, request_id, request_hash, prev_hash, hash)
                SELECT seq, \(bind: e.at), \(bind: e.actorKind), \(bind: e.actorID), \(bind: e.actorName), \(bind: e.departmentCode),
                       \(bind: e.resourceCode), \(bind: e.operation), \(bind: fields), \(bind: e.recordCount), \(bind: e.purpose),
                       \(bind: e.requestID), \(bind: e.requestHash), prev_hash, hash FROM head RETURNING seq)
            """
        if let stats { query = query + ", stats AS (" + stats + ")" }
        query = query + " SELECT seq, prev_hash, hash FROM head"
        guard let head = try await sql.raw(query).first() else {
            throw AppError(.internalServerError, "audit_unavailable", "The audit log is not initialised")
        }
        var entry = e
        entry.seq = try head.decode(column: "seq", as: Int.self)
        entry.prevHash = try head.decode(column: "prev_hash", as: String.self)
        entry.hash = try head.decode(column: "hash", as: String.self)
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

    /// Verifies the whole chain in pages, so a long log never sits in memory.
    static func verify(on db: any Database, pageSize: Int = 10_000) async throws -> (checked: Int, broken: AuditChain.Break?) {
        let sql = db as! any SQLDatabase
        var previous = (seq: 0, hash: AuditChain.genesis)
        var checked = 0
        while true {
            let rows = try await sql.raw("SELECT * FROM audit_log WHERE seq > \(bind: previous.seq) ORDER BY seq LIMIT \(literal: pageSize)").all()
            let entries = try rows.map(decode)
            if let broken = AuditChain.verify(entries, previous: previous) { return (checked, broken) }
            checked += entries.count
            guard let last = entries.last else { break }
            previous = (last.seq, last.hash)
        }
        // The head must point at the last entry: a truncated tail shows here.
        if let head = try await sql.raw("SELECT seq, hash FROM audit_head WHERE id = 1").first(),
           try head.decode(column: "seq", as: Int.self) != previous.seq {
            let headSeq = try head.decode(column: "seq", as: Int.self)
            return (checked, AuditChain.Break(seq: previous.seq + 1, reason: "entries \(previous.seq + 1)…\(headSeq) are missing (deleted from the end)"))
        }
        return (checked, nil)
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
