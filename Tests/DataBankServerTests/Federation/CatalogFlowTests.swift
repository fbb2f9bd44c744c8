import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Federation: the catalog flows up")
struct CatalogFlowTests {
    struct Found: Decodable { var items: [FederatedEntry] }
    struct Resources: Decodable {
        struct Item: Decodable { var code: String; var name: String }
        var items: [Item]
    }

    /// A district's published resource appears at the city (pulled over HTTP, signed) and through the
    /// city at the province, tagged with the district; a retirement at the district follows it up.
    @Test func aDistrictResourceReachesTheCityAndTheProvinceAndItsRetirementFollows() async throws {
        try await withDataBank(adjust: loopbackPeers) { district in
            let districtURL = try await serveOnLoopback(district)
            let districtKey = try await nameNode(district, code: "chancheng", name: "禅城区", region: "440604")
            try await withDataBank(adjust: loopbackPeers) { city in
                let cityURL = try await serveOnLoopback(city)
                let cityKey = try await nameNode(city, code: "foshan", name: "佛山市", region: "440600")
                try await withDataBank(adjust: loopbackPeers) { province in
                    let provinceKey = try await nameNode(province, code: "guangdong", name: "广东省", region: "440000")
                    try await registerPeer(city, code: "chancheng", name: "禅城区", region: "440604", relation: "child", url: districtURL, key: districtKey)
                    try await registerPeer(district, code: "foshan", name: "佛山市", region: "440600", relation: "parent", url: cityURL, key: cityKey)
                    try await registerPeer(province, code: "foshan", name: "佛山市", region: "440600", relation: "child", url: cityURL, key: cityKey)
                    try await registerPeer(
                        city, code: "guangdong", name: "广东省", region: "440000", relation: "parent", url: "http://127.0.0.1:9", key: provinceKey)

                    // The district's resource the test follows: one the catalog search finds by unspaced Chinese.
                    let districtAdmin = try await district.token("admin")
                    let hits = try await district.send(.GET, "/api/v1/resources?q=企业登记", token: districtAdmin).decode(Resources.self)
                    let target = try #require(hits.items.first)

                    let cityAdmin = try await city.token("admin")
                    let pulled = try await city.send(.POST, "/api/v1/federation/peers/chancheng/pull", token: cityAdmin)
                    #expect(pulled.status == .ok, "\(pulled.body.string)")
                    let outcome = try pulled.decode(CatalogPull.Outcome.self)
                    #expect(outcome.entries > 0)
                    let atCity = try await city.send(.GET, "/api/v1/federation/catalog/search?q=企业登记", token: cityAdmin).decode(Found.self)
                    let entry = try #require(atCity.items.first { $0.code == target.code })
                    #expect(entry.origin == "chancheng" && entry.originName == "禅城区" && entry.originRegion == "440604" && entry.status == "published")

                    // Nothing new: a second pull receives nothing.
                    #expect(
                        try await city.send(.POST, "/api/v1/federation/peers/chancheng/pull", token: cityAdmin).decode(CatalogPull.Outcome.self).entries == 0)

                    // Through the city, the province.
                    let provinceAdmin = try await province.token("admin")
                    #expect(try await province.send(.POST, "/api/v1/federation/peers/foshan/pull", token: provinceAdmin).status == .ok)
                    let atProvince = try await province.send(.GET, "/api/v1/federation/catalog/search?q=企业登记", token: provinceAdmin).decode(Found.self)
                    #expect(atProvince.items.contains { $0.code == target.code && $0.origin == "chancheng" && $0.via == "foshan" })
                    #expect(atProvince.items.contains { $0.code == target.code && $0.origin == "foshan" })

                    // Retired at the district: retired at the city after the next pull, then at the province.
                    let retired = try await district.send(
                        .POST, "/api/v1/resources/\(target.code)/transitions", token: districtAdmin, json: ["action": "retire", "reason": "停止共享"])
                    #expect(retired.status == .ok, "\(retired.body.string)")
                    #expect(
                        try await city.send(.POST, "/api/v1/federation/peers/chancheng/pull", token: cityAdmin).decode(CatalogPull.Outcome.self).entries == 1)
                    let after = try await city.send(.GET, "/api/v1/federation/catalog/search?q=企业登记", token: cityAdmin).decode(Found.self)
                    #expect(!after.items.contains { $0.code == target.code && $0.origin == "chancheng" })
                    let all = try await city.send(.GET, "/api/v1/federation/catalog/search?q=企业登记&status=all", token: cityAdmin).decode(Found.self)
                    #expect(all.items.contains { $0.code == target.code && $0.origin == "chancheng" && $0.status == "retired" })
                    #expect(
                        try await province.send(.POST, "/api/v1/federation/peers/foshan/pull", token: provinceAdmin).decode(CatalogPull.Outcome.self).entries
                            == 1)
                    let detail = try await province.send(.GET, "/api/v1/federation/catalog/chancheng/\(target.code)", token: provinceAdmin)
                    #expect(detail.status == .ok)
                    #expect(try detail.decode(FederationAPI.EntryDetail.self).entry.status == "retired")
                    await city.server.shutdown()
                }
            }
            await district.server.shutdown()
        }
    }

    /// The feed refuses a cursor past the node's catalog clock, or one that names another node.
    @Test func aFeedCursorFromTheFutureOrAnotherNodeIsRefused() async throws {
        try await withDataBank { app in
            _ = try await nameNode(app, code: "chancheng", name: "禅城区", region: "440604")
            let key = Curve25519.Signing.PrivateKey()
            let admin = try await app.token("admin")
            let parent = PeerBody(
                code: "foshan", name: "佛山市", regionCode: "440600", relation: "parent", baseURL: "https://1.2.3.4",
                publicKey: key.publicKey.rawRepresentation.base64EncodedString())
            #expect(try await app.send(.POST, "/api/v1/federation/peers", token: admin, json: parent).status == .created)
            let fixture = PeerFixture(admin: admin, key: key, code: "foshan")
            let (first, _) = try await fixture.signed(app, .GET, "/api/v1/federation/catalog?limit=5")
            #expect(first.status == .ok)
            let page = try first.decode(CatalogFeedPage.self)
            #expect(page.entries.count == 5 && page.more && page.cursor.hasPrefix("chancheng:"))
            let (future, _) = try await fixture.signed(app, .GET, "/api/v1/federation/catalog?after=chancheng:999999999:")
            #expect(future.status == .conflict)
            #expect(try future.errorBody().code == "cursor_from_future")
            let (other, _) = try await fixture.signed(app, .GET, "/api/v1/federation/catalog?after=nanhai:3:x")
            #expect(other.status == .conflict)
            #expect(try other.errorBody().code == "cursor_other_node")
        }
    }

    /// Only the registered parent reads a node's catalog feed; a child is refused.
    @Test func onlyTheParentReadsTheCatalogFeed() async throws {
        try await withFederatedBank { app, peer in
            let (answer, _) = try await peer.signed(app, .GET, "/api/v1/federation/catalog")
            #expect(answer.status == .forbidden)
            #expect(try answer.errorBody().code == "not_parent")
        }
    }

    /// Paging the feed: every published resource exactly once, in cursor order, and nothing after the last page.
    @Test func theFeedPagesEveryPublishedResourceOnce() async throws {
        try await withDataBank { app in
            _ = try await nameNode(app, code: "chancheng", name: "禅城区", region: "440604")
            let key = Curve25519.Signing.PrivateKey()
            let admin = try await app.token("admin")
            let parent = PeerBody(
                code: "foshan", name: "佛山市", regionCode: "440600", relation: "parent", baseURL: "https://1.2.3.4",
                publicKey: key.publicKey.rawRepresentation.base64EncodedString())
            #expect(try await app.send(.POST, "/api/v1/federation/peers", token: admin, json: parent).status == .created)
            let fixture = PeerFixture(admin: admin, key: key, code: "foshan")
            var seen: [String] = []
            var cursor: String?
            while true {
                let target = "/api/v1/federation/catalog?limit=7" + (cursor.map { "&after=\($0)" } ?? "")
                let page = try await fixture.signed(app, .GET, target).0.decode(CatalogFeedPage.self)
                seen += page.entries.map(\.code)
                cursor = page.cursor
                if !page.more { break }
            }
            let published = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM resources WHERE published_revision IS NOT NULL").first()!
                .decode(column: "n", as: Int.self)
            #expect(seen.count == published && Set(seen).count == published)
            let last = try await fixture.signed(app, .GET, "/api/v1/federation/catalog?after=\(cursor!)").0.decode(CatalogFeedPage.self)
            #expect(last.entries.isEmpty && !last.more)
        }
    }

    /// One pull of a child at a time: while one instance holds the lease, another's claim and a manual
    /// pull are refused (409 pull_running); once the lease lapses it can be claimed again.
    @Test func aPullHoldsALeaseOnTheChild() async throws {
        try await withFederatedBank { app, peer in
            let child = try #require(try await FederationNodes.peer("chancheng", on: app.db))
            let now = app.settings.now()
            #expect(try await CatalogPull.lease(try child.requireID(), now: now, on: app.db) != nil)
            #expect(try await CatalogPull.lease(try child.requireID(), now: now, on: app.db) == nil)
            let manual = try await app.send(.POST, "/api/v1/federation/peers/chancheng/pull", token: peer.admin)
            #expect(manual.status == .conflict)
            #expect(try manual.errorBody().code == "pull_running")
            let later = now.addingTimeInterval(CatalogPull.leaseSeconds + 1)
            #expect(try await CatalogPull.lease(try child.requireID(), now: later, on: app.db) != nil)
        }
    }
}
