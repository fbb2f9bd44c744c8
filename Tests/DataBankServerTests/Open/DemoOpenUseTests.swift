import DataBankCore
@testable import DataBankServer
import Fluent
import Testing
import Vapor
import VaporTesting

/// The demo city's open data has been used: the portal's figures and "most used" show it.
@Suite("Demo open-data use")
struct DemoOpenUseTests {
    @Test func demoStoriesGiveOpenDatasetsDownloadsAndCalls() async throws {
        try await withDataBank { app in
            _ = try await DemoCommand.loadStories(volume: .small, on: app.db)
            let totals = try await OpenCounters.totals(on: app.db.sql)
            #expect((totals[.download] ?? 0) > 0 && (totals[.preview] ?? 0) > (totals[.download] ?? 0) && (totals[.api] ?? 0) > 0)
            let home = try await app.send(.GET, "/")
            #expect(Application.number(in: home.body.string, after: "figure-downloads") == totals[.download])
        }
    }

    @Test func usesAreTheSameOnEveryRun() async throws {
        try await withDataBank { app in
            let row = try #require(try await ResourceRow.query(on: app.db).filter(\.$openType == OpenType.unconditional.rawValue).first())
            #expect(DemoOpenUse.counts(for: row) == DemoOpenUse.counts(for: row))
            #expect(DemoOpenUse.stableHash("a") == 0xaf63_dc4c_8601_ec8c)  // FNV-1a's published value: not Swift's per-run hash
        }
    }
}
