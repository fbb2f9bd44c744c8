@testable import DataBankServer
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The built `databank audit verify` on a SQLite file: one line and exit 0 when intact; one line,
/// exit 1 and no backtrace when broken or when the key file is missing.
@Suite("Audit verify command")
struct AuditCLITests {
    static let binary = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/databank")

    /// Runs `databank audit verify` on `database`; its status and every non-empty output line.
    static func verify(_ database: URL) async throws -> (status: Int32, lines: [String]) {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DATABANK_") }
        env["DATABASE_URL"] = "sqlite://" + database.path
        let run = try await ChildProcess.run(binary.path, ["audit", "verify"], environment: env, mergeStderr: true)
        let lines = run.stdout.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        return (run.status, lines)
    }

    /// An app on the SQLite file with the default key and checkpoint files next to it.
    static func withFileApp(_ database: URL, _ body: (Application) async throws -> Void) async throws {
        try await withApp { app in
            try await configure(app, settings: Settings(database: .sqliteFile(database.path)))
            try await body(app)
        }
    }

    @Test func verifyPrintsOneLineAndExitsOneWhenBroken() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the databank binary first")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("audit-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = dir.appendingPathComponent("databank.sqlite")
        try await Self.withFileApp(database) { app in
            try await app.autoMigrate()
            for i in 0..<3 {
                try await AuditLog.append(
                    .cli(nil), resource: nil, operation: "query", fields: ["a"], count: i, purpose: nil,
                    requestID: nil, requestHash: nil, on: app.db, trail: app.auditTrail)
            }
        }  // shutdown writes a checkpoint of entry 3
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("audit.key").path))

        let intact = try await Self.verify(database)
        #expect(intact.status == 0)
        #expect(intact.lines == ["Audit chain intact: 3 entries verified; 1 checkpoints match."])

        try await Self.withFileApp(database) { app in
            try await app.db.sql.raw("UPDATE audit_log SET record_count = 999 WHERE seq = 2").run()
        }
        let broken = try await Self.verify(database)
        #expect(broken.status == 1)
        #expect(broken.lines.count == 1)
        #expect(broken.lines.first?.hasPrefix("Audit chain BROKEN at entry 2: ") == true)
        #expect(broken.lines.first?.hasSuffix("(1 entries verified before it)") == true)

        try FileManager.default.removeItem(at: dir.appendingPathComponent("audit.key"))
        let noKey = try await Self.verify(database)
        #expect(noKey.status == 1)
        #expect(noKey.lines.count == 1)
        #expect(noKey.lines.first?.hasPrefix("error: the audit key file") == true)
        #expect(!noKey.lines.joined().contains("Backtrace") && !noKey.lines.joined().contains("Fatal error"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("audit.key").path), "verify never makes a key")
    }
}
