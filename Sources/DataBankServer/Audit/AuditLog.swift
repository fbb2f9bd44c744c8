import Fluent
import FluentPostgresDriver
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

    /// An entry before the chain places it, with what it adds to the exchange statistics.
    struct Draft: Sendable {
        var entry: AuditEntry
        var stats: ExchangeStats.Delta?
        /// The keyed hashes of the subjects the access returned or asked about (``AuditSubjects``),
        /// written with the entry into `audit_subject_queue`, outside the chained fields.
        var subjects = SubjectHashes()

        init(entry: AuditEntry, stats: ExchangeStats.Delta?) { self.entry = entry; self.stats = stats }

        /// An entry to append (``append(_:resource:operation:fields:count:purpose:requestID:requestHash:on:trail:)``
        /// one at a time, ``appendBatch(_:on:trail:)`` several in one go), with the exchange statistics it adds to.
        init(
            _ who: Who, resource: String?, operation: String, fields: [String], count: Int, purpose: String?, requestID: String?,
            requestHash: String?
        ) {
            let at = Date().iso8601Millis
            entry = AuditEntry(
                seq: 0, at: at, actorKind: who.kind, actorID: who.id, actorName: who.name, departmentCode: who.departmentCode,
                resourceCode: resource, operation: operation, fields: fields, recordCount: count, purpose: purpose, requestID: requestID,
                requestHash: requestHash, prevHash: "", hash: "")
            stats = resource.flatMap { r in
                count > 0 || operation.hasPrefix("load") || operation == "query"
                    ? ExchangeStats.Delta(day: String(at.prefix(10)), resource: r, consumer: who.departmentCode ?? who.kind, operation: operation, count: count)
                    : nil
            }
        }
    }

    /// Appends one entry, chained under the head's row lock, its hash keyed with `trail`'s key, and
    /// returns once it committed. The key never leaves this process (no hashing in SQL): the head
    /// is read, the MACs computed here, then the entries written, all while the lock is held.
    ///
    /// Outside a transaction the entry goes through the trail's group commit (one transaction for
    /// the entries of concurrent requests, ``AuditGroupCommit``); inside one it is written in that
    /// transaction, so it commits (or rolls back) with what it records.
    @discardableResult
    static func append(
        _ who: Who, resource: String?, operation: String, fields: [String], count: Int, purpose: String?,
        requestID: String?, requestHash: String?, subjects: SubjectHashes = SubjectHashes(), on db: any Database, trail: AuditTrail
    ) async throws -> AuditEntry {
        var draft = Draft(
            who, resource: resource, operation: operation, fields: fields, count: count, purpose: purpose, requestID: requestID, requestHash: requestHash)
        draft.subjects = subjects
        return try await append([draft], on: db, trail: trail)[0]
    }

    /// Appends `drafts` consecutive in the chain and in one transaction (a joint check's entry per service and
    /// one for the whole) — through the group commit, or in the caller's transaction when inside one.
    @discardableResult
    static func append(_ drafts: [Draft], on db: any Database, trail: AuditTrail) async throws -> [AuditEntry] {
        if db.inTransaction { return try await appendBatch(drafts, on: db, trail: trail) }
        return try await trail.groupCommit.append(drafts, on: db, trail: trail)
    }

    /// The chain's head as a batch left it: the last entry's number and hash, and where keyed hashing starts.
    struct Head: Sendable, Equatable {
        var seq: Int
        var hash: String
        var keyedFrom: Int
    }

    /// Writes `drafts` in order in one transaction (or the caller's): takes the head's row lock
    /// (PostgreSQL) / the write lock (SQLite) with the `UPDATE` that claims their sequence numbers,
    /// chains them, inserts them in one statement, moves the head and adds the statistics.
    static func appendBatch(_ drafts: [Draft], on db: any Database, trail: AuditTrail) async throws -> [AuditEntry] {
        try await appendBatchClaiming(drafts, on: db, trail: trail).entries
    }

    /// ``appendBatch(_:on:trail:)``, answering the head it left too.
    static func appendBatchClaiming(_ drafts: [Draft], on db: any Database, trail: AuditTrail) async throws -> (entries: [AuditEntry], head: Head?) {
        guard !drafts.isEmpty else { return ([], nil) }
        let (entries, keyedFrom) = try await db.transaction { tx in
            let sql = tx.sql
            guard let head = try await sql.raw("UPDATE audit_head SET seq = seq + \(bind: drafts.count) WHERE id = 1 RETURNING seq, hash, keyed_from").first()
            else {
                throw AppError(.internalServerError, "audit_unavailable", "The audit log is not initialised")
            }
            let claimed = try head.decode(column: "seq", as: Int.self), hash = try head.decode(column: "hash", as: String.self)
            let entries = chain(drafts, after: claimed - drafts.count, hash, trail)
            try await insert(entries, on: sql).run()
            try await AuditSubjects.queueInsert(entries, drafts, on: sql)?.run()
            let last = entries[entries.count - 1]
            try await sql.update("audit_head").set("hash", to: last.hash).set("prev_hash", to: last.prevHash).where("id", .equal, 1).run()
            for statement in ExchangeStats.upserts(ExchangeStats.Delta.merged(drafts.compactMap(\.stats))) { try await sql.raw(statement).run() }
            return (entries, try head.decode(column: "keyed_from", as: Int.self))
        }
        for entry in entries { trail.writer?.appended(entry, keyedFrom: keyedFrom, logger: db.logger) }
        let last = entries[entries.count - 1]
        return (entries, Head(seq: last.seq, hash: last.hash, keyedFrom: keyedFrom))
    }

    /// PostgreSQL: writes `drafts` after the head `known` (the one this process's last batch left)
    /// in one statement — the head moved only if it still is `known` (its row lock taken by that
    /// `UPDATE`), the entries inserted, the statistics added — inside a transaction of its own, so
    /// the batch is durable when this returns, as with ``appendBatchClaiming(_:on:trail:)``. Answers
    /// nil, with nothing written, when another writer moved the head meanwhile (another instance,
    /// a CLI command, an append inside a transaction): the caller then claims it as usual.
    static func appendBatch(_ drafts: [Draft], after known: Head, on db: any Database, trail: AuditTrail) async throws -> (
        entries: [AuditEntry], head: Head
    )? {
        guard !drafts.isEmpty else { return ([], known) }
        let entries = chain(drafts, after: known.seq, known.hash, trail)
        let last = entries[entries.count - 1]
        let statistics = ExchangeStats.upserts(ExchangeStats.Delta.merged(drafts.compactMap(\.stats))).enumerated().map { i, statement in
            ", \(unsafeRaw: "statistics\(i)") AS (\(statement))" as SQLQueryString
        }
        let subjects: SQLQueryString = AuditSubjects.queueInsert(entries, drafts, on: db.sql).map { ", subjects AS (\($0.query))" } ?? ""
        let statement: SQLQueryString = """
            WITH head AS (
                UPDATE audit_head SET seq = \(bind: last.seq), hash = \(bind: last.hash), prev_hash = \(bind: last.prevHash)
                WHERE id = 1 AND seq = \(bind: known.seq) AND hash = \(bind: known.hash) RETURNING keyed_from),
            entries AS (\(insert(entries, on: db.sql).query))\(subjects)\(statistics.joined())
            SELECT keyed_from FROM head
            """
        let keyedFrom: Int?
        do {
            keyedFrom = try await db.transaction { tx in
                // A moved head: roll back whatever the statement wrote (nothing reaches the chain).
                guard let row = try await tx.sql.raw(statement).first() else { throw HeadMoved() }
                return try row.decode(column: "keyed_from", as: Int.self)
            }
        } catch is HeadMoved {
            keyedFrom = nil
        } catch let error as PSQLError where ["23505", "40P01"].contains(error.serverInfo?[.sqlState]) {
            // Another writer's entries hold these numbers (unique violation), or the server broke a
            // lock cycle with it (deadlock; every writer locks the head first, so unlikely): nothing was written.
            keyedFrom = nil
        }
        guard let keyedFrom else { return nil }
        for entry in entries { trail.writer?.appended(entry, keyedFrom: keyedFrom, logger: db.logger) }
        return (entries, Head(seq: last.seq, hash: last.hash, keyedFrom: keyedFrom))
    }

    private struct HeadMoved: Error {}

    /// The entries of `drafts`, numbered and chained after entry `seq` whose hash is `hash`.
    private static func chain(_ drafts: [Draft], after seq: Int, _ hash: String, _ trail: AuditTrail) -> [AuditEntry] {
        var seq = seq, prev = hash
        var entries: [AuditEntry] = []
        entries.reserveCapacity(drafts.count)
        for draft in drafts {
            var entry = draft.entry
            seq += 1
            entry.seq = seq
            entry.prevHash = prev
            entry.hash = AuditChain.hash(entry, key: trail.key)
            prev = entry.hash
            entries.append(entry)
        }
        return entries
    }

    /// One multi-row INSERT of `entries`.
    private static func insert(_ entries: [AuditEntry], on sql: any SQLDatabase) -> SQLInsertBuilder {
        let insert = sql.insert(into: "audit_log")
            .columns(
                "seq", "at", "actor_kind", "actor_id", "actor_name", "department_code", "resource_code", "operation",
                "fields", "record_count", "purpose", "request_id", "request_hash", "prev_hash", "hash")
        for entry in entries {
            insert.values(
                entry.seq, entry.at, entry.actorKind, entry.actorID, entry.actorName, entry.departmentCode, entry.resourceCode,
                entry.operation, entry.fields.joined(separator: ","), entry.recordCount, entry.purpose, entry.requestID,
                entry.requestHash, entry.prevHash, entry.hash)
        }
        return insert
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
                result.broken = AuditChain.Break(
                    seq: min(moved.keyedFrom, keyedFrom),
                    reason:
                        "keyed hashing starts at entry \(keyedFrom) in the database, but at entry \(moved.keyedFrom) by the checkpoint at \(moved.at) (the switch-over point was moved)"
                )
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
            result.broken = AuditChain.Break(
                seq: walk.lastSeq + 1,
                reason: headSeq > walk.lastSeq
                    ? "entries \(walk.lastSeq + 1)…\(headSeq) are missing (deleted from the end)"
                    : "the head names entry \(headSeq) but the log goes on to entry \(walk.lastSeq)")
            return result
        }
        // ...unless the head was moved back too: then the last checkpoint names an entry that is gone.
        if let last = file.checkpoints.max(by: { $0.seq < $1.seq }), last.seq > walk.lastSeq {
            result.broken = AuditChain.Break(
                seq: walk.lastSeq + 1,
                reason:
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
    /// `2026-11-28T10:30:34.123Z` (UTC, milliseconds truncated). Written digit by digit from the
    /// civil date: every audited request makes one, and a format style cost more than the rest of
    /// the entry.
    var iso8601Millis: String {
        let ms = Int64((timeIntervalSince1970 * 1000).rounded(.down))
        let (days, msOfDay) = (ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000, ((ms % 86_400_000) + 86_400_000) % 86_400_000)
        // Days since 1970-01-01 → year, month, day (Howard Hinnant's civil_from_days).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let fields: [(Int64, Int)] = [
            (year, 4), (month, 2), (day, 2), (msOfDay / 3_600_000, 2), (msOfDay / 60_000 % 60, 2), (msOfDay / 1000 % 60, 2), (msOfDay % 1000, 3)
        ]
        let separators: [UInt8] = Array("--T::.Z".utf8)
        return String(unsafeUninitializedCapacity: 24) { out in
            var n = 0
            for (i, (value, width)) in fields.enumerated() {
                var v = value
                for k in stride(from: width - 1, through: 0, by: -1) {
                    out[n + k] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
                n += width
                out[n] = separators[i]
                n += 1
            }
            return n
        }
    }
}

/// Records in and out per resource, consumer department and day, kept with every audited access.
enum ExchangeStats {
    /// What audited accesses add to one (day, resource, consumer) row.
    struct Delta: Sendable, Equatable {
        var day: String
        var resource: String
        var consumer: String
        var recordsIn = 0
        var recordsOut = 0
        var requests = 1

        init(day: String, resource: String, consumer: String, operation: String, count: Int) {
            self.day = day; self.resource = resource; self.consumer = consumer
            if operation.hasPrefix("load") || operation == "delete" { recordsIn = count } else { recordsOut = count }
        }

        /// One delta per row, in first-seen order: a batch of entries updates each row once.
        static func merged(_ deltas: [Delta]) -> [Delta] {
            var order: [String] = []
            var byRow: [String: Delta] = [:]
            for d in deltas {
                let key = d.day + "\u{1F}" + d.resource + "\u{1F}" + d.consumer
                if var sum = byRow[key] {
                    sum.recordsIn += d.recordsIn; sum.recordsOut += d.recordsOut; sum.requests += d.requests
                    byRow[key] = sum
                } else {
                    byRow[key] = d; order.append(key)
                }
            }
            return order.map { byRow[$0]! }
        }
    }

    /// Rows one statement adds to at most: SQLite allows 500 terms in a compound SELECT.
    static let rowsPerStatement = 400

    /// The statements that add `deltas` (merged: each row once), ``rowsPerStatement`` rows each — one for any
    /// batch of the group commit's size but the largest — the provider read from the store's row inside the INSERT.
    static func upserts(_ deltas: [Delta]) -> [SQLQueryString] {
        deltas.chunked(rowsPerStatement).map { chunk in
            // A UNION ALL of bound rows, not VALUES: SQLite names no VALUES columns.
            let rows = chunk.map { d -> SQLQueryString in
                """
                SELECT \(bind: d.day) AS day, \(bind: d.resource) AS resource, \(bind: d.consumer) AS consumer, CAST(\(bind: d.recordsIn) AS BIGINT) AS records_in,
                    CAST(\(bind: d.recordsOut) AS BIGINT) AS records_out, CAST(\(bind: d.requests) AS BIGINT) AS requests
                """
            }
            return """
                INSERT INTO exchange_stats (day, resource_code, provider_code, consumer_code, records_in, records_out, requests)
                SELECT d.day, d.resource, COALESCE((SELECT department_code FROM record_stores WHERE resource_code = d.resource), ''),
                       d.consumer, d.records_in, d.records_out, d.requests FROM (\(rows.joined(separator: " UNION ALL "))) AS d WHERE true
                ON CONFLICT (day, resource_code, consumer_code) DO UPDATE SET
                    records_in = exchange_stats.records_in + excluded.records_in,
                    records_out = exchange_stats.records_out + excluded.records_out,
                    requests = exchange_stats.requests + excluded.requests
                """
        }
    }
}
