import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The portal's figures count every open API call once: the metered calls the usage meter flushed to
/// `api_usage` (downloads aside) plus the data calls it does not meter (staff), and every download once.
@Suite("Open portal: home figures")
struct OpenFiguresTests {
    /// Anonymous data calls, an anonymous CKAN call and download, and a staff data call: the home page
    /// shows 4 calls (2 + 1 metered, 1 unmetered; the metered download is not a call) and 1 download.
    @Test func homeCountsMeteredAndUnmeteredCallsOnce() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app, rows: 5)
            let data = "/api/v1/open/datasets/\(f.code)"
            #expect(try await app.send(.GET, "\(data)/preview").status == .ok)
            #expect(try await app.send(.GET, "\(data)/preview?page=1").status == .ok)
            #expect(try await app.send(.GET, "/api/3/action/package_list").status == .ok)
            #expect(try await app.send(.GET, "\(data)/data.csv").status == .ok)
            #expect(try await app.send(.GET, "\(data)/preview", token: try await app.token("scj_steward")).status == .ok)
            try await app.usageMeter.flush(on: app.db, now: app.settings.now())

            let home = try await app.send(.GET, "/")
            #expect(Application.number(in: home.body.string, after: "figure-api") == 4)
            #expect(Application.number(in: home.body.string, after: "figure-downloads") == 1)
            // Each dataset's own counts stay whole: 3 data calls (2 metered), 1 download.
            let counts = try await OpenCounters.of(f.code, on: app.db.sql)
            #expect(counts[.api] == 3 && counts[.download] == 1)
        }
    }

    /// A provider's page counts only the calls about its own datasets — a CKAN DataStore read of one
    /// included (metered, about the dataset), the catalog-wide CKAN call not.
    @Test func providerCountsItsOwnDatasetsCalls() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app, rows: 5)
            let data = "/api/v1/open/datasets/\(f.code)"
            #expect(try await app.send(.GET, "\(data)/preview").status == .ok)
            #expect(try await app.send(.GET, "/api/3/action/package_list").status == .ok)
            _ = try await app.send(.GET, "/api/3/action/datastore_search?resource_id=\(f.code)&limit=1")
            #expect(try await app.send(.GET, "\(data)/data.json").status == .ok)
            try await app.usageMeter.flush(on: app.db, now: app.settings.now())
            let department = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first()).departmentCode
            let page = try await app.send(.GET, "/providers/\(department)")
            #expect(page.status == .ok)
            #expect(Application.number(in: page.body.string, after: "figure-api") == 2)
            #expect(Application.number(in: page.body.string, after: "figure-downloads") == 1)
        }
    }
}
