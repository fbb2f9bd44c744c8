import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Federation: the staff catalog shows entries from nodes below")
struct FederatedCatalogPageTests {
    /// An entry a district sent up is found by the staff catalog's search, with the district's name.
    @Test func aDistrictEntryIsShownOnTheCatalogWithItsNode() async throws {
        try await withDataBank { app in
            _ = try await nameNode(app, code: "foshan", name: "佛山市", region: "440600")
            let row = try #require(
                try await app.db.sql.raw("SELECT code, snapshot FROM resources WHERE name LIKE '%企业登记%' AND published_revision IS NOT NULL").first())
            let entry = CatalogFeedEntry(
                origin: "chancheng", originName: "禅城区", originRegion: "440604", code: try row.decode(column: "code", as: String.self),
                status: "published", departmentName: "禅城区市场监督管理局", snapshot: try row.decode(column: "snapshot", as: String.self), seq: 5)
            try await CatalogPull.apply([entry], via: "chancheng", me: "foshan", now: app.settings.now(), on: app.db)
            let web = try await WebSession.signIn(app, "scj_steward")
            let page = try await web.get("/catalog?q=%E4%BC%81%E4%B8%9A%E7%99%BB%E8%AE%B0")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("data-testid=\"federated-results\""))
            #expect(html.contains("禅城区（440604）"))
            #expect(html.contains("禅城区市场监督管理局"))
            // Words it does not hold: no block at all.
            let none = try await web.get("/catalog?q=%E6%B0%94%E8%B1%A1%E5%8D%AB%E6%98%9F")
            #expect(!none.body.string.contains("federated-results"))
        }
    }

    /// Removing a child retires the entries that came through it: no longer found, and numbered anew so
    /// the retirement flows to this node's parent.
    @Test func removingAPeerRetiresTheEntriesThatCameThroughIt() async throws {
        try await withFederatedBank { app, peer in
            let row = try #require(
                try await app.db.sql.raw("SELECT code, snapshot FROM resources WHERE name LIKE '%企业登记%' AND published_revision IS NOT NULL").first())
            let entry = CatalogFeedEntry(
                origin: "chancheng", originName: "禅城区", originRegion: "440604", code: try row.decode(column: "code", as: String.self),
                status: "published", departmentName: "禅城区市场监督管理局", snapshot: try row.decode(column: "snapshot", as: String.self), seq: 5)
            try await CatalogPull.apply([entry], via: "chancheng", me: "foshan", now: app.settings.now(), on: app.db)
            #expect(try await FederatedCatalog.search("企业登记", on: app.db).count == 1)
            let before = try await CatalogFeed.currentSeq(on: app.db)
            #expect(try await app.send(.DELETE, "/api/v1/federation/peers/chancheng", token: peer.admin).status == .noContent)
            #expect(try await FederatedCatalog.search("企业登记", on: app.db).isEmpty)
            let kept = try #require(try await FederatedCatalog.find(origin: "chancheng", code: entry.code, on: app.db)).0
            #expect(kept.status == "retired")
            #expect(try await CatalogFeed.currentSeq(on: app.db) == before + 1, "the retirement is numbered on this node's clock")
        }
    }
}
