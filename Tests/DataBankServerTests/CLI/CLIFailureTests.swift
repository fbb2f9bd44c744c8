@testable import DataBankServer
import Foundation
import Testing
import Vapor
import VaporTesting

/// The built `databank` binary on its failure paths: one `error:` line on standard error, exit 1
/// (2 for a usage error), no backtrace, and no database made by accident.
@Suite("Command-line failures")
struct CLIFailureTests {
    static let binary = AuditCLITests.binary

    typealias Run = ChildProcess.Result

    /// Runs the built binary in `directory` with none of the runner's DataBank settings.
    static func run(_ arguments: [String], in directory: URL, database: String? = nil, lang: String? = nil) async throws -> Run {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DATABANK_") && $0.key != "DATABASE_URL" }
        if let database { env["DATABASE_URL"] = database }
        env["LC_ALL"] = nil; env["LC_MESSAGES"] = nil
        env["LANG"] = lang ?? "C.UTF-8"
        return try await ChildProcess.run(binary.path, arguments, in: directory, environment: env)
    }

    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("databank-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The failure is one `error:` line and no trace of a crash.
    static func expectOneErrorLine(_ r: Run, status: Int32, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = r.stderr.split(separator: "\n").filter { !$0.isEmpty && !$0.hasPrefix("note:") }
        #expect(r.status == status, "\(what): exit \(r.status), \(r.stderr)", sourceLocation: sourceLocation)
        #expect(lines.count == 1 && lines.first?.hasPrefix("error: ") == true, "\(what): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(
            !r.stderr.contains("Fatal error") && !r.stderr.contains("stack trace") && !r.stderr.contains("error: error:"),
            "\(what): \(r.stderr)", sourceLocation: sourceLocation)
    }

    /// Without a database, data commands say so and create nothing; help creates nothing either.
    @Test func noDatabaseNoFiles() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the databank binary first")
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        for args in [
            ["user", "token", "admin"], ["stores", "list"], ["audit", "verify"], ["quality", "check", "101001-00001"],
            ["load", "102003-00001", "x.csv"], ["sample", "102003-00001"]
        ] {
            Self.expectOneErrorLine(try await Self.run(args, in: dir), status: 1, args.joined(separator: " "))
        }
        // Server options are checked before a database is made.
        for args in [["demo", "--scale", "huge"], ["serve", "--port", "http"], ["demo", "--port", "99999"], ["migrate"]] {
            Self.expectOneErrorLine(try await Self.run(args, in: dir), status: 2, args.joined(separator: " "))
        }
        for args in [["load", "--help"], ["user", "--help"], ["quality", "validate", "--help"], ["demo", "--help"], ["serve", "--help"]] {
            let help = try await Self.run(args, in: dir)
            #expect(help.status == 0, "\(args): \(help.stderr)")
            #expect(!help.stderr.contains(" info "), "\(args): usage only, no log lines")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// Usage errors exit 2; failures on a real database exit 1; each with one line.
    @Test func failurePathsOnADatabase() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the databank binary first")
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = "sqlite://" + dir.appendingPathComponent("db.sqlite").path
        let migrated = try await Self.run(["migrate", "-y"], in: dir, database: url)
        #expect(migrated.status == 0, "\(migrated.stderr)")

        Self.expectOneErrorLine(try await Self.run(["frobnicate"], in: dir, database: url), status: 2, "unknown command")
        Self.expectOneErrorLine(try await Self.run(["load"], in: dir, database: url), status: 2, "missing argument")
        Self.expectOneErrorLine(try await Self.run(["user", "token", "nobody"], in: dir, database: url), status: 1, "unknown user")
        Self.expectOneErrorLine(try await Self.run(["stores", "verify", "999999-99999"], in: dir, database: url), status: 1, "unknown store")
        Self.expectOneErrorLine(try await Self.run(["quality", "validate", "missing.csv"], in: dir, database: url), status: 1, "no rules named")
        Self.expectOneErrorLine(try await Self.run(["load", "999999-99999", "missing.csv"], in: dir, database: url), status: 1, "unknown resource")
        Self.expectOneErrorLine(try await Self.run(["user", "add"], in: dir, database: url), status: 2, "user add without arguments")
    }

    /// A file with findings: the report on standard output, exit 1; a clean one exits 0. A Table Schema
    /// needs no DataBank database, so none is named, made or required for the clean run.
    @Test func validateExitStatus() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the databank binary first")
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let schema =
            #"{"fields": [{"name": "id", "type": "integer", "constraints": {"required": true}}, {"name": "name", "type": "string"}], "primaryKey": ["id"]}"#
        try schema.write(to: dir.appendingPathComponent("schema.json"), atomically: true, encoding: .utf8)
        try "id,name\n1,a\n2,b\n".write(to: dir.appendingPathComponent("clean.csv"), atomically: true, encoding: .utf8)
        try "id,name\n1,a\nx,b\n".write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let memory = "sqlite::memory:"
        let clean = try await Self.run(["quality", "validate", "clean.csv", "--schema", "schema.json"], in: dir)
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("data").path))
        let bad = try await Self.run(["quality", "validate", "bad.csv", "--schema", "schema.json"], in: dir, database: memory)
        Self.expectOneErrorLine(bad, status: 1, "findings")
        #expect(bad.stdout.contains("type-error"), "\(bad.stdout)")
    }

    /// A user whose locale is Chinese reads the error in Chinese; others in English.
    @Test func errorsInTheUsersLanguage() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the databank binary first")
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = "sqlite://" + dir.appendingPathComponent("db.sqlite").path
        #expect(try await Self.run(["migrate", "-y"], in: dir, database: url).status == 0)
        let zh = try await Self.run(["user", "token", "nobody"], in: dir, database: url, lang: "zh_CN.UTF-8")
        Self.expectOneErrorLine(zh, status: 1, "zh")
        #expect(zh.stderr.contains("没有用户 nobody"), "\(zh.stderr)")
        let en = try await Self.run(["user", "token", "nobody"], in: dir, database: url, lang: "en_US.UTF-8")
        #expect(en.stderr.contains("No user nobody"), "\(en.stderr)")
        let noDatabase = try await Self.run(["stores", "list"], in: dir, lang: "zh_CN.UTF-8")
        Self.expectOneErrorLine(noDatabase, status: 1, "zh, no database")
        #expect(noDatabase.stderr.contains("没有 DataBank 数据库"), "\(noDatabase.stderr)")
    }
}
