@testable import DataBankServer
import Foundation
import Testing
import Vapor

/// `databank bench connectors` at a tiny scale: behaviour only (it completes and prints its rows on a
/// SQLite and a PostgreSQL store); benchmarks are not tests, so no figure is checked.
@Suite("Connector bench")
struct ConnectorBenchCLITests {
    @Test func withoutPostgreSQLItIsOneErrorLine() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CLIFailureTests.binary.path), "build the databank binary first")
        let dir = try CLIFailureTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = "sqlite://" + dir.appendingPathComponent("bench.sqlite").path
        let r = try await CLIFailureTests.run(["bench", "connectors", "--rows", "10", "--database-url", url, "--log", "error"], in: dir)
        CLIFailureTests.expectOneErrorLine(r, status: 1, "bench connectors without PostgreSQL")
        #expect(r.stderr.contains("PostgreSQL"), "\(r.stderr)")
    }

    @Test(.enabled(if: Environment.get("DATABANK_TEST_DATABASE_URL") != nil, "the sources are PostgreSQL tables: run under scripts/pg-throwaway"))
    func runsAtTinyScaleOnBothStores() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CLIFailureTests.binary.path), "build the databank binary first")
        let url = try #require(try await TestDatabases.shared.freshPostgresURL())
        // The SQLite store and the generated CSV go to the temp folder: this test's own.
        let dir = try CLIFailureTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await ChildProcess.run(
            CLIFailureTests.binary.path,
            ["bench", "connectors", "--rows", "300", "--changed", "20", "--source-rows", "2000", "--changes", "300", "--database-url", url, "--log", "error"],
            in: dir, environment: ProcessInfo.processInfo.environment.merging(["TMPDIR": dir.path]) { $1 }, limit: .seconds(600))
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        for dialect in ["SQLite", "PostgreSQL"] {
            #expect(r.stdout.contains("| full pull, 300 rows, PostgreSQL source → \(dialect) store (connector, replace) | "), "\(r.stdout)")
            #expect(r.stdout.contains("| full pull / load rate, \(dialect), same run | "), "\(r.stdout)")
            #expect(r.stdout.contains("| incremental pull of 20 changed rows from a 2000-row source, \(dialect) store | "), "\(r.stdout)")
            #expect(r.stdout.contains("(the run: 20 read, 20 updated"), "\(r.stdout)")
            #expect(r.stdout.contains("| relay across two nodes, 300 changes end to end, \(dialect) nodes | "), "\(r.stdout)")
            #expect(r.stdout.contains("| lag, \(dialect) nodes: "), "\(r.stdout)")
        }
    }
}
