import DataBankCore
@testable import DataBankServer
import Foundation
import Fluent
import SQLKit
import Testing
import Vapor

/// Someone who can write the database but not read the audit key cannot make a forged chain verify.
@Suite("Audit keyed chain")
struct AuditKeyedChainTests {
    /// A key file and a checkpoint file of its own (checkpoints every 2 entries), on an emptied chain.
    static func withAuditFiles(
        every: Int = 2, checkpoints: Bool = true,
        _ body: (Application, URL) async throws -> Void
    ) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try await withDataBank(adjust: { s in
            s.auditKeyFile = dir.appendingPathComponent("audit.key").path
            s.auditCheckpointFile = checkpoints ? dir.appendingPathComponent("audit-checkpoints.log").path : nil
            s.auditCheckpointEvery = every
            s.auditCheckpointInterval = 86_400  // checkpoints by count only: a slow run must not add a timed one
        }) { app in
            let sql = app.db.sql
            try await sql.raw("DELETE FROM audit_log").run()
            try await sql.raw("UPDATE audit_head SET seq = 0, hash = \(bind: AuditChain.genesis), prev_hash = '', keyed_from = 1 WHERE id = 1").run()
            try await body(app, dir)
        }
    }

    static func appendEntries(_ app: Application, _ n: Int) async throws {
        for i in 0..<n {
            try await AuditLog.append(
                .cli(nil), resource: nil, operation: "query", fields: ["name", "code"], count: i + 1,
                purpose: "test", requestID: "r\(i)", requestHash: nil, on: app.db, trail: app.auditTrail)
        }
    }

    /// What an attacker with write access does: changes entries from `seq` on, recomputes every
    /// later hash with `hashing` and moves the head along.
    static func rewrite(
        _ app: Application, from seq: Int, alter: (inout AuditEntry) -> Void = { _ in },
        hashing: (AuditEntry) -> String
    ) async throws {
        let sql = app.db.sql
        let entries = try await sql.raw("SELECT * FROM audit_log ORDER BY seq").all().map(AuditLog.decode)
        var prev = entries.first(where: { $0.seq == seq - 1 })?.hash ?? AuditChain.genesis
        for var e in entries where e.seq >= seq {
            if e.seq == seq { alter(&e) }
            e.prevHash = prev
            e.hash = hashing(e)
            try await sql.raw(
                """
                UPDATE audit_log SET record_count = \(bind: e.recordCount), prev_hash = \(bind: e.prevHash), hash = \(bind: e.hash)
                WHERE seq = \(bind: e.seq)
                """
            ).run()
            prev = e.hash
        }
        try await sql.raw("UPDATE audit_head SET hash = \(bind: prev) WHERE id = 1").run()
    }

    static func verify(_ app: Application) async throws -> AuditLog.Verification {
        try await AuditLog.verify(on: app.db, trail: app.auditTrail)
    }

    @Test func intactChainVerifiesWithItsCheckpoints() async throws {
        try await Self.withAuditFiles { app, _ in
            try await Self.appendEntries(app, 5)
            let result = try await Self.verify(app)
            #expect(result.broken == nil)
            #expect(result.checked == 5 && result.legacy == 0)
            #expect(result.checkpoints == 2)  // after entries 2 and 4
        }
    }

    /// Altered, then every later hash recomputed the old unkeyed way, head moved along: found, and
    /// the count names the entries verified before it.
    @Test func unkeyedRecomputationIsFound() async throws {
        try await Self.withAuditFiles(checkpoints: false) { app, _ in
            try await Self.appendEntries(app, 5)
            try await Self.rewrite(app, from: 3, alter: { $0.recordCount = 999 }, hashing: AuditChain.legacyHash)
            let result = try await Self.verify(app)
            #expect(result.broken?.seq == 3)
            #expect(result.broken?.reason.contains("keyed hash") == true)
            #expect(result.checked == 2)
        }
    }

    @Test func recomputationWithAnotherKeyIsFound() async throws {
        try await Self.withAuditFiles(checkpoints: false) { app, _ in
            try await Self.appendEntries(app, 5)
            let wrong = AuditKey(bytes: Array(repeating: 7, count: 32))
            try await Self.rewrite(app, from: 3, alter: { $0.recordCount = 999 }, hashing: { AuditChain.hash($0, key: wrong) })
            #expect(try await Self.verify(app).broken?.seq == 3)
        }
    }

    /// The tail cut and the head moved back onto the new last entry: the chain itself holds, the
    /// last checkpoint names what is gone.
    @Test func cutTailIsNamedByTheCheckpoint() async throws {
        try await Self.withAuditFiles { app, _ in
            try await Self.appendEntries(app, 5)
            let sql = app.db.sql
            let third = try #require(try await sql.raw("SELECT hash FROM audit_log WHERE seq = 3").first()?.decode(column: "hash", as: String.self))
            try await sql.raw("DELETE FROM audit_log WHERE seq > 3").run()
            try await sql.raw("UPDATE audit_head SET seq = 3, hash = \(bind: third) WHERE id = 1").run()
            let result = try await Self.verify(app)
            #expect(result.broken?.seq == 4)
            #expect(result.broken?.reason.contains("entries after #3 are missing: the checkpoint at") == true)
            #expect(result.broken?.reason.contains("names entry #4") == true)
            #expect(result.checked == 3)
        }
    }

    /// A database from before the key: its entries verify as the legacy chain up to the switch-over.
    @Test func legacyEntriesVerifyUpToTheSwitchOver() async throws {
        try await Self.withAuditFiles(checkpoints: false) { app, _ in
            try await Self.appendEntries(app, 5)
            let key = app.auditTrail.key
            try await app.db.sql.raw("UPDATE audit_head SET keyed_from = 4 WHERE id = 1").run()
            try await Self.rewrite(app, from: 1, hashing: { $0.seq < 4 ? AuditChain.legacyHash($0) : AuditChain.hash($0, key: key) })
            let result = try await Self.verify(app)
            #expect(result.broken == nil)
            #expect(result.checked == 5 && result.legacy == 3)
            #expect(AuditCommand.summary(result, checkpointFile: nil).contains("3 of them on the legacy unkeyed chain"))
        }
    }

    /// Upgrading a database whose log was written unkeyed: the migration records where keyed hashing
    /// starts, the old entries verify as the legacy chain and the new ones keyed after them.
    @Test func migrationSwitchesAnUnkeyedLogOver() async throws {
        try await Self.withAuditFiles(checkpoints: false) { app, _ in
            try await Self.appendEntries(app, 3)
            try await Self.rewrite(app, from: 1, hashing: AuditChain.legacyHash)  // as the previous version wrote them
            try await app.db.withConnection { db in  // one connection: SQLite's in-memory schema is per connection cache
                try await AddAuditKeyedChain().revert(on: db)
                try await AddAuditKeyedChain().prepare(on: db)
            }
            try await Self.appendEntries(app, 2)
            let result = try await Self.verify(app)
            #expect(result.broken == nil)
            #expect(result.checked == 5 && result.legacy == 3)
        }
    }

    /// Moving the switch-over point past the end, to rehash everything unkeyed: the checkpoints say where it was.
    @Test func movedSwitchOverIsFound() async throws {
        try await Self.withAuditFiles { app, _ in
            try await Self.appendEntries(app, 5)
            try await app.db.sql.raw("UPDATE audit_head SET keyed_from = 100 WHERE id = 1").run()
            try await Self.rewrite(app, from: 1, alter: { $0.recordCount = 999 }, hashing: AuditChain.legacyHash)
            let result = try await Self.verify(app)
            #expect(result.broken?.reason.contains("the switch-over point was moved") == true)
        }
    }

    /// A checkpoint added without the key (to bless a rewritten head) has a wrong MAC.
    @Test func forgedCheckpointIsFound() async throws {
        try await Self.withAuditFiles { app, dir in
            try await Self.appendEntries(app, 3)
            let forged = AuditCheckpoint(seq: 3, hash: String(repeating: "a", count: 64), at: "2026-12-05T00:00:00.000Z", keyedFrom: 1)
                .line(key: AuditKey(bytes: Array(repeating: 1, count: 32)))
            let handle = try FileHandle(forWritingTo: dir.appendingPathComponent("audit-checkpoints.log"))
            try handle.seekToEnd(); try handle.write(contentsOf: Data(forged.utf8)); try handle.close()
            let result = try await Self.verify(app)
            #expect(result.broken?.reason.contains("wrong MAC") == true)
        }
    }

    /// Two instances checkpointing into one file at once: every line whole and valid (O_APPEND, one write each).
    @Test func concurrentWritersKeepTheFileWhole() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-cp-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let key = AuditKey(bytes: Array(repeating: 3, count: 32))
        let writers = try (0..<2).map { _ in try AuditCheckpointWriter(path: path, every: 1, interval: 300, key: key) }
        let logger = Logger(label: "test")
        await withTaskGroup(of: Void.self) { group in
            for writer in writers {
                group.addTask {
                    for seq in 1...200 {
                        let e = AuditEntry(
                            seq: seq, at: "", actorKind: "", actorID: nil, actorName: "", departmentCode: nil, resourceCode: nil,
                            operation: "", fields: [], recordCount: 0, purpose: nil, requestID: nil, requestHash: nil,
                            prevHash: "", hash: String(repeating: "b", count: 64))
                        writer.appended(e, keyedFrom: 1, logger: logger)
                    }
                }
            }
        }
        let contents = try AuditCheckpoint.read(path: path, key: key)
        #expect(contents.problem == nil)
        #expect(contents.checkpoints.count == 400)
    }

    /// Two entries whose fields split differently around U+001F hash differently (the legacy text was the same).
    @Test func separatorInAFieldCannotCollide() {
        let base = AuditEntry(
            seq: 1, at: "2026-12-05T00:00:00.000Z", actorKind: "user", actorID: nil, actorName: "x\u{1F}y", departmentCode: "z",
            resourceCode: nil, operation: "query", fields: [], recordCount: 1, purpose: nil, requestID: nil,
            requestHash: nil, prevHash: AuditChain.genesis, hash: "")
        var shifted = base
        shifted.actorName = "x"; shifted.departmentCode = "y\u{1F}z"
        #expect(AuditChain.legacyCanonical(base) == AuditChain.legacyCanonical(shifted))
        #expect(AuditChain.canonical(base) != AuditChain.canonical(shifted))
        #expect(AuditChain.hash(base, key: .inMemory) != AuditChain.hash(shifted, key: .inMemory))
    }
}
