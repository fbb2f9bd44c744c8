import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor

@Suite("Demo connectors")
struct DemoConnectorTests {
    /// The demo's two connectors: the approval system's database and the GB18030 drops both load; after a
    /// minute of the approval system's work the next run reads just the new and edited rows.
    @Test func theDemoConnectorsRunAndFollowTheirSources() async throws {
        try await withConnectorBank { app in
            let said = try await DemoConnectors.setUp(app)
            #expect(said.count == 2, "\(said)")
            #expect(try await DemoConnectors.setUp(app).count == 2)  // again: nothing doubled
            let connectors = try await ConnectorRow.query(on: app.db).sort(\.$code).all()
            #expect(connectors.map(\.code) == ["hrss-drops", "scj-approvals-db"])
            for c in connectors {
                let token = try #require(try await ConnectorRunner.lease(try c.requireID(), now: Date(), on: app.db))
                let run = try await ConnectorRunner.run(try c.requireID(), token: token, trigger: "manual", app: app)
                #expect(run.status == "succeeded", "\(c.code): \(run.error ?? "")")
                #expect(run.inserted > 0 && run.refused == 0, "\(c.code): \(run.inserted) inserted, \(run.refused) refused")
            }
            let db = try #require(connectors.last)
            let plan = try #require(try await DemoConnectors.plan("scj-approvals-db", "", owner: "scj_steward", on: app.db))
            try await DemoConnectors.work(app.settings.connectorRoot! + "/\(db.departmentCode)/approvals.sqlite", plan: plan)
            let token = try #require(try await ConnectorRunner.lease(try db.requireID(), now: Date(), on: app.db))
            let next = try await ConnectorRunner.run(try db.requireID(), token: token, trigger: "manual", app: app)
            #expect(next.status == "succeeded")
            #expect(next.rowsRead == 5 && next.inserted == 3, "\(next.rowsRead) read, \(next.inserted) inserted, \(next.updated) updated")
            #expect(Int(next.watermarkAfter ?? "") == 125)
        }
    }

    /// The third demo connector pulls the demo's own simulated HTTP API (cursor-paged, basic auth);
    /// after a minute of the bureau's work the next run reads the three new records and the changed one.
    @Test func theDemoHTTPConnectorPullsTheSimulatedAPI() async throws {
        try await withConnectorBank { app in
            // The simulated API is a route of the demo server itself, registered before it serves.
            let port = Int.random(in: 40_000..<50_000)
            let said = try await DemoConnectors.setUp(app, apiBase: "http://127.0.0.1:\(port)")
            #expect(said.count == 3 && said.last?.contains("jtj-records-api") == true, "\(said)")
            try await app.server.start(address: .hostname("127.0.0.1", port: port))
            do { try await demoHTTPConnector(app) } catch { await app.server.shutdown(); throw error }
            await app.server.shutdown()
        }
    }

    func demoHTTPConnector(_ app: Application) async throws {
        let row = try #require(try await ConnectorRow.query(on: app.db).filter(\.$code == "jtj-records-api").first())
        #expect(row.secret != nil && row.sourceKind == "http")
        func run() async throws -> ConnectorRunRow {
            let token = try #require(try await ConnectorRunner.lease(try row.requireID(), now: app.settings.now(), on: app.db))
            return try await ConnectorRunner.run(try row.requireID(), token: token, trigger: "manual", app: app)
        }
        let first = try await run()
        #expect(first.status == "succeeded" && first.inserted == 60 && first.refused == 0, "\(first.error ?? "") \(first.refused) refused")
        #expect(first.watermarkAfter == "60")
        try await #require(app.storage[DemoDepartmentAPIKey.self]).work()
        let next = try await run()
        #expect(next.status == "succeeded" && next.rowsRead == 4 && next.inserted == 3, "\(next.rowsRead) read, \(next.error ?? "")")
        #expect(next.watermarkBefore == "60" && next.watermarkAfter == "64")
    }
}
