import DataBankCore
@testable import DataBankServer
import Foundation
import Fluent
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Concurrent audited reads share audit transactions (group commit) without loosening the audit:
/// every read has its entry, committed before its answer, on one chain that verifies.
@Suite("Audit group commit")
struct AuditGroupCommitTests {
    /// `n` point reads at once; each answer with its request id.
    static func concurrentReads(_ app: Application, _ f: StoreFixture, token: String, _ n: Int) async throws -> [(HTTPStatus, String)] {
        try await withThrowingTaskGroup(of: (HTTPStatus, String).self) { group in
            for i in 0..<n {
                group.addTask {
                    let res = try await app.send(.GET, "/api/v1/resources/\(f.code)/records/\(f.key(i % 10))", token: token)
                    return (res.status, res.headers.first(name: "X-Request-Id") ?? "")
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    static func readEntries(_ app: Application) async throws -> [AuditEntry] {
        try await app.db.sql.raw("SELECT * FROM audit_log WHERE operation = 'read' ORDER BY seq").all().map(AuditLog.decode)
    }

    /// 40 reads at once: 40 entries, one per request id, on a chain that verifies, with gap-free numbers.
    @Test func concurrentReadsAreAllAuditedOnOneChain() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<10), token: token)
            let answers = try await Self.concurrentReads(app, f, token: token, 40)
            #expect(answers.allSatisfy { $0.0 == .ok })
            let entries = try await Self.readEntries(app)
            #expect(entries.count == 40)
            #expect(Set(entries.compactMap(\.requestID)) == Set(answers.map(\.1)))
            let verification = try await AuditLog.verify(on: app.db, trail: app.auditTrail)
            #expect(verification.broken == nil)
        }
    }

    /// An answer is sent only after its entry committed: as each answer arrives, its entry is
    /// already in the database (read on another connection than the writer's transaction).
    @Test func entryIsCommittedBeforeTheAnswer() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<10), token: token)
            let sql = app.db.sql
            let missing = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        let res = try await app.send(.GET, "/api/v1/resources/\(f.code)/records/\(f.key(i % 10))", token: token)
                        let id = res.headers.first(name: "X-Request-Id") ?? ""
                        let found =
                            try await sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE request_id = \(bind: id)").first()?
                            .decode(column: "n", as: Int.self) ?? 0
                        return res.status == .ok && found == 1 ? 0 : 1
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(missing == 0)
        }
    }

    /// No answer without an entry: when the audit write fails, the read fails and no record leaves.
    @Test func failingAuditWriteFailsTheRead() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<10), token: token)
            let sql = app.db.sql
            try await sql.raw("ALTER TABLE audit_log RENAME TO audit_log_away").run()
            let answers = try await withThrowingTaskGroup(of: (HTTPStatus, String).self) { group in
                for i in 0..<8 {
                    group.addTask {
                        let res = try await app.send(.GET, "/api/v1/resources/\(f.code)/records/\(f.key(i))", token: token)
                        return (res.status, res.body.string)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            try await sql.raw("ALTER TABLE audit_log_away RENAME TO audit_log").run()
            #expect(answers.count == 8)
            for (status, body) in answers {
                #expect(status == .internalServerError)
                #expect(!body.contains(f.key(0)) && !body.contains(f.key(7)))
            }
            // Nothing half-written: the head did not move past the log, and the chain still verifies.
            let verification = try await AuditLog.verify(on: app.db, trail: app.auditTrail)
            #expect(verification.broken == nil)
        }
    }

    /// Entries batched together still count in the exchange statistics one request each.
    @Test func batchedEntriesCountInTheStatistics() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<10), token: token)
            let sql = app.db.sql
            func counted() async throws -> (requests: Int, out: Int) {
                let row = try await sql.raw(
                    """
                    SELECT CAST(COALESCE(SUM(requests), 0) AS BIGINT) AS r, CAST(COALESCE(SUM(records_out), 0) AS BIGINT) AS o FROM exchange_stats WHERE resource_code = \(bind: f.code)
                    """
                ).first()
                return (try row?.decode(column: "r", as: Int.self) ?? 0, try row?.decode(column: "o", as: Int.self) ?? 0)
            }
            let before = try await counted()
            _ = try await Self.concurrentReads(app, f, token: token, 30)
            let after = try await counted()
            #expect(after.requests - before.requests == 30)
            #expect(after.out - before.out == 30)
        }
    }

    /// Deltas for one (day, resource, consumer) row merge into one upsert; others stay apart, in order.
    @Test func statisticsDeltasMerge() {
        let a = ExchangeStats.Delta(day: "2026-12-05", resource: "r1", consumer: "d1", operation: "read", count: 1)
        let b = ExchangeStats.Delta(day: "2026-12-05", resource: "r2", consumer: "d1", operation: "load.append", count: 5)
        let merged = ExchangeStats.Delta.merged([a, b, a])
        #expect(merged.count == 2)
        #expect(merged[0].requests == 2 && merged[0].recordsOut == 2 && merged[0].recordsIn == 0)
        #expect(merged[1].requests == 1 && merged[1].recordsIn == 5)
    }

    /// Requests appending runs of several entries at once (a joint check's entry per service and one for the
    /// whole): each run lands consecutive in the chain, in its order, though the group commit batches them.
    @Test func runsOfEntriesStayConsecutiveInTheChain() async throws {
        try await withDataBank { app in
            let trail = app.auditTrail
            let answered = try await withThrowingTaskGroup(of: (Int, [AuditEntry]).self) { group in
                for r in 0..<12 {
                    group.addTask { (r, try await AuditLog.append((0..<(1 + r % 5)).map { Self.draft("run\(r)-\($0)") }, on: app.db, trail: trail)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let runs = answered.map(\.1)
            for (r, run) in answered {
                // Each request gets its own entries back, as many as it appended, in its order, numbered one after another.
                let names: [String] = run.map(\.actorName)
                #expect(names == (0..<(1 + r % 5)).map { "run\(r)-\($0)" })
                let first = run[0].seq
                let seqs: [Int] = run.map(\.seq)
                #expect(seqs == Array(first..<first + run.count))
            }
            let stored: [AuditEntry] = try await app.db.sql.raw("SELECT * FROM audit_log WHERE operation = 'test' ORDER BY seq").all().map(AuditLog.decode)
            let appended: [AuditEntry] = runs.flatMap { $0 }.sorted { $0.seq < $1.seq }
            #expect(stored.map(\.actorName) == appended.map(\.actorName))
            #expect(try await AuditLog.verify(on: app.db, trail: trail).broken == nil)
        }
    }

    /// A batch whose entries add to several (day, resource, consumer) rows adds to each in its one statement,
    /// the first batch (claiming the head) and the next (on PostgreSQL, written after the head it left) alike.
    @Test func oneBatchAddsToEveryStatisticsRowItTouches() async throws {
        try await withDataBank { app in
            let entries = [("r1", "d1", 2), ("r2", "d1", 3), ("r1", "d2", 4), ("r1", "d1", 5)].map { Self.read(of: $0, by: $1, count: $2) }
            try await AuditLog.append(entries, on: app.db, trail: app.auditTrail)
            try await AuditLog.append(entries, on: app.db, trail: app.auditTrail)
            let rows = try await app.db.sql.raw(
                "SELECT resource_code, consumer_code, CAST(SUM(requests) AS BIGINT) AS requests, CAST(SUM(records_out) AS BIGINT) AS records_out FROM exchange_stats WHERE resource_code IN ('r1', 'r2') GROUP BY resource_code, consumer_code ORDER BY resource_code, consumer_code"
            ).all()
            let counted = try rows.map {
                "\(try $0.decode(column: "resource_code", as: String.self))/\(try $0.decode(column: "consumer_code", as: String.self)): "
                    + "\(try $0.decode(column: "requests", as: Int.self)) \(try $0.decode(column: "records_out", as: Int.self))"
            }
            #expect(counted == ["r1/d1: 4 14", "r1/d2: 2 8", "r2/d1: 2 6"])
        }
    }

    /// A batch adding to more rows than one statement may name (SQLite: 500 terms in a compound SELECT) adds to
    /// each, in several statements.
    @Test func aBatchAddsToMoreStatisticsRowsThanOneStatementHolds() async throws {
        try await withDataBank { app in
            let n = ExchangeStats.rowsPerStatement * 2 + 7
            let drafts = (0..<n).map { Self.read(of: "many-\($0)", by: "d1", count: 1) }
            try await AuditLog.append(drafts, on: app.db, trail: app.auditTrail)
            try await AuditLog.append(drafts, on: app.db, trail: app.auditTrail)
            let row = try await app.db.sql.raw(
                "SELECT COUNT(*) AS n, CAST(SUM(requests) AS BIGINT) AS r FROM exchange_stats WHERE resource_code LIKE 'many-%'"
            ).first()
            #expect(try row?.decode(column: "n", as: Int.self) == n)
            #expect(try row?.decode(column: "r", as: Int.self) == 2 * n)
        }
    }

    /// A read of `count` records of `resource` by department `consumer`: an entry that adds to the exchange statistics.
    static func read(of resource: String, by consumer: String, count: Int) -> AuditLog.Draft {
        AuditLog.Draft(
            AuditLog.Who(kind: "user", id: nil, name: "steward", departmentCode: consumer), resource: resource, operation: "read", fields: [],
            count: count, purpose: "统计", requestID: nil, requestHash: nil)
    }

    /// An entry of `name` for the writer tests, before the chain places it.
    static func draft(_ name: String) -> AuditLog.Draft {
        AuditLog.Draft(
            entry: AuditEntry(
                seq: 0, at: Date().iso8601Millis, actorKind: "cli", actorID: nil, actorName: name, departmentCode: nil, resourceCode: nil,
                operation: "test", fields: [], recordCount: 0, purpose: "两个写入者", requestID: UUID().uuidString, requestHash: nil, prevHash: "",
                hash: ""),
            stats: nil)
    }

    /// Two writers on one database (as two instances, each with its own group commit and its own idea
    /// of the head), appending at once, with a third appending inside transactions: every append
    /// lands once, numbers gap-free, on one chain that verifies. On PostgreSQL a writer writes after
    /// the head its last batch left, and claims the head again when another writer moved it.
    @Test func writersThatMoveEachOthersHeadKeepOneChain() async throws {
        try await withDataBank { app in
            let trail = app.auditTrail
            let writers = [trail.groupCommit, AuditGroupCommit()]
            let before = try await app.db.sql.raw("SELECT seq FROM audit_head WHERE id = 1").first()!.decode(column: "seq", as: Int.self)
            let appended = try await withThrowingTaskGroup(of: [Int].self) { group in
                for w in 0..<2 {
                    group.addTask {
                        var seqs: [Int] = []
                        for i in 0..<30 { seqs.append(try await writers[w].append([Self.draft("w\(w)-\(i)")], on: app.db, trail: trail)[0].seq) }
                        return seqs
                    }
                }
                group.addTask {  // appends inside transactions move the head too
                    var seqs: [Int] = []
                    for i in 0..<5 {
                        let entry = try await app.db.transaction { tx in try await AuditLog.appendBatch([Self.draft("tx-\(i)")], on: tx, trail: trail)[0] }
                        seqs.append(entry.seq)
                    }
                    return seqs
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(appended.sorted() == Array(before + 1...before + 65))
            let rows = try await app.db.sql.raw("SELECT * FROM audit_log WHERE operation = 'test' ORDER BY seq").all().map(AuditLog.decode)
            #expect(rows.map(\.seq) == appended.sorted())
            #expect(try await AuditLog.verify(on: app.db, trail: trail).broken == nil)
        }
    }
}
