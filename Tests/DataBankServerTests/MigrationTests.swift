import DataBankCore
@testable import DataBankServer
import Fluent
import SQLKit
import Testing
import Vapor

@Suite("Migrations")
struct MigrationTests {
    /// Every migration reverts cleanly from a database with records in its stores (record tables
    /// included), and migrates again from nothing — as `databank bench` does on every run.
    @Test func revertAndMigrateAgain() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: try await app.token(f.steward))
            let sql = app.db.sql
            try await app.autoRevert()
            let leftover = try await sql.raw(
                sql.dialect.name == "sqlite"
                    ? "SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'rec\\_%' ESCAPE '\\' OR name LIKE 'chg\\_%' ESCAPE '\\')"
                    : "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND (tablename LIKE 'rec\\_%' OR tablename LIKE 'chg\\_%')"
            ).all()
            #expect(leftover.isEmpty)
            try await app.autoMigrate()
            _ = try await DemoLoader.load(DemoCity.generate(scale: .small), on: app.db)
            #expect(try await RecordStoreRow.query(on: app.db).count() > 0)
        }
    }

    /// Databases record migrations by name: the names of shipped migrations never change, and new
    /// ones only ever come after them.
    @Test func shippedNamesAndOrderNeverChange() {
        let shipped = [
            "CreateAccounts", "SessionRecord", "CreateCatalog", "AddSearchFacetKeys", "CreateExchange", "CreateSubscriptions",
            "AddAuditHeadPrevHash", "CreateSharing", "AddNotificationMail", "AddQuarantineResubmit", "CreateQualityRules",
            "CreateQualityChecks", "CreateObjections", "CreateProfiles", "CreateAuthThrottle", "AddAuditKeyedChain", "AddStandardNotFuture",
            "CreateOpenCounters", "CreateOpenPortalAccounts", "AddAccessEpoch", "CreateLookupServices",
            "CreateLookupGrams", "CreateResourceTags", "AddAggregateMinGroup", "CreateAggregateRollups",
            "CreateCharts", "CreateDashboards", "CreateDemands", "CreateHeatFacts", "CreateEvaluation",
            "CreateConnectors", "CreateFederation", "CreateFederatedApplications", "AddNodeEnglishNames", "AddNodeKeyGeneration", "CreateJointChecks"
        ]
        let names = Migrations.all.map(\.name)
        #expect(names.count >= shipped.count)
        for (name, expected) in zip(names, shipped) where expected != "SessionRecord" {
            #expect(name == "DataBankServer." + expected)
        }
    }

    /// Each migration's file is numbered in the order the list runs them (`Migrations/NNN_Type.swift`).
    @Test func filesAreNumberedInOrder() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/DataBankServer/Migrations").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.first?.isNumber == true }.sorted()
        let types = Migrations.all.map(\.name).filter { $0.hasPrefix("DataBankServer.") }.map { String($0.dropFirst("DataBankServer.".count)) }
        #expect(files == types.enumerated().map { String(format: "%03d", $0.offset + 1) + "_\($0.element).swift" })
    }
}
