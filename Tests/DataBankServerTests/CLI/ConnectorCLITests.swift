@testable import DataBankServer
import Foundation
import Testing

/// `databank connectors`: the list on standard output; an unknown connector is one error line, exit 1.
@Suite("Connectors command")
struct ConnectorCLITests {
    @Test func listAndUnknownConnector() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CLIFailureTests.binary.path), "build the databank binary first")
        let dir = try CLIFailureTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = "sqlite://" + dir.appendingPathComponent("db.sqlite").path
        #expect(try await CLIFailureTests.run(["migrate", "-y"], in: dir, database: url).status == 0)
        let list = try await CLIFailureTests.run(["connectors", "list"], in: dir, database: url)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.hasPrefix("code\tresource\tsource\tschedule"), "\(list.stdout)")
        for args in [["connectors", "run", "nope"], ["connectors", "history", "nope"]] {
            let r = try await CLIFailureTests.run(args, in: dir, database: url)
            CLIFailureTests.expectOneErrorLine(r, status: 1, args.joined(separator: " "))
            #expect(r.stderr.contains("no connector nope"), "\(r.stderr)")
        }
        CLIFailureTests.expectOneErrorLine(try await CLIFailureTests.run(["connectors", "run"], in: dir, database: url), status: 2, "run without a code")
    }

    /// History lines give the city's time (UTC+8), as the pages do.
    @Test func historyTimesAreTheCitysTime() {
        let run = ConnectorRunRow()
        run.startedAt = Date(timeIntervalSince1970: 1_796_000_000)  // 2026-11-30 00:53:20 UTC
        run.trigger = "manual"; run.status = "succeeded"; run.rowsRead = 1; run.inserted = 1; run.updated = 0; run.refused = 0
        #expect(ConnectorsCommand.line(run).hasPrefix("2026-11-30 08:53:20+08:00\tmanual"))
    }
}
