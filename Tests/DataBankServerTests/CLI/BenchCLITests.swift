@testable import DataBankServer
import Foundation
import Testing

/// `databank bench`: its help names the `open` scenario and its options; an unknown scenario, or a count
/// below one, is one error line, before any database is emptied.
@Suite("Bench command")
struct BenchCLITests {
    @Test func helpNamesTheOpenScenario() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CLIFailureTests.binary.path), "build the databank binary first")
        let dir = try CLIFailureTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let help = try await CLIFailureTests.run(["bench", "--help"], in: dir)
        #expect(help.status == 0, "\(help.stderr)")
        let text = help.stdout + help.stderr
        #expect(text.contains("open"), "\(text)")
        #expect(text.contains("lookup-records"), "\(text)")
    }

    @Test func unknownScenarioIsOneErrorLine() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CLIFailureTests.binary.path), "build the databank binary first")
        let dir = try CLIFailureTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = "sqlite://" + dir.appendingPathComponent("bench.sqlite").path
        let r = try await CLIFailureTests.run(["bench", "opne", "--database-url", url, "--log", "error"], in: dir)
        CLIFailureTests.expectOneErrorLine(r, status: 1, "bench opne")
        #expect(r.stderr.contains("open"), "\(r.stderr)")
    }

    /// A count of nothing would print figures of nothing: one error line naming the option.
    @Test func aCountBelowOneIsOneErrorLine() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CLIFailureTests.binary.path), "build the databank binary first")
        let dir = try CLIFailureTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = "sqlite://" + dir.appendingPathComponent("bench.sqlite").path
        let r = try await CLIFailureTests.run(["bench", "warnings", "--rows", "0", "--database-url", url, "--log", "error"], in: dir)
        CLIFailureTests.expectOneErrorLine(r, status: 1, "bench warnings --rows 0")
        #expect(r.stderr.contains("--rows must be at least 1"), "\(r.stderr)")
    }
}
