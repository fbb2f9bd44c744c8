import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// `package_search` keeps its search statement's answer (page ids, facet groups, tag counts) for the
/// access epoch (``MatchesCache``): a repeated search is answered from it unchanged, and a catalog
/// write moves the epoch, so the next search counts afresh.
@Suite("CKAN Action API: cached search answers")
struct CKANSearchCacheTests {
    typealias Step = ResourceLifecycleTests.Step

    /// Every package and the `tags` and `organization` facets, every value (`facet.limit` -1).
    static func search(_ app: Application, key: String? = nil) async throws -> CKANValue {
        let params: [String: CKANValue] = [
            "rows": .number(1000), "facet.field": .list([.string("tags"), .string("organization")]), "facet.limit": .number(-1)
        ]
        let res = try await app.ckan("package_search", params, key: key)
        #expect(res.status == .ok, "\(res.body.string)")
        return res.result
    }

    static func counts(_ result: CKANValue, _ field: String) -> [String: Int] {
        let facet = result["facets"][field]
        return Dictionary(uniqueKeysWithValues: facet.keys.compactMap { k in facet[k].int.map { (k, $0) } })
    }

    static func epoch(_ app: Application) async throws -> Int64? {
        try await app.db.sql.raw("SELECT version FROM access_epoch WHERE id = 1").first()?.decode(column: "version", as: Int64.self)
    }

    static func names(_ result: CKANValue) -> [String] { result["results"].items.compactMap { $0["name"].text } }

    /// The second identical search is a hit of the cache and answers exactly as the first.
    @Test func aRepeatedSearchIsAnsweredFromTheCacheUnchanged() async throws {
        try await withDataBank { app in
            let cache = app.readCaches.catalogMatches
            let first = try await Self.search(app)
            #expect(cache.count == 1)
            let epoch = try await Self.epoch(app)
            let second = try await Self.search(app)
            // Same epoch, same statement, still one entry: the second search read the first one's.
            #expect(try await Self.epoch(app) == epoch)
            #expect(cache.count == 1)
            #expect(Self.names(second) == Self.names(first))
            #expect(second["count"] == first["count"])
            #expect(Self.counts(second, "tags") == Self.counts(first, "tags"))
            #expect(Self.counts(second, "organization") == Self.counts(first, "organization"))
        }
    }

    /// A tag added by a published change is in the cached facet and count at once after the publish.
    @Test func aCachedTagFacetFollowsAnAddedTag() async throws {
        try await withDataBank { app in
            let steward = try await app.token("scj_steward"), admin = try await app.token("admin")
            let row = try #require(try await ResourceRow.query(on: app.db).filter(\.$name == "企业登记信息表").first())
            let before = try await Self.search(app, key: admin)
            _ = try await Self.search(app, key: admin)  // cached now
            #expect(Self.counts(before, "tags")["缓存测试新标签"] == nil)
            let path = "/api/v1/resources/\(row.code)"
            let change = try await app.send(.POST, "\(path)/transitions", token: steward, json: Step(action: "requestChange", reason: "加标签"))
            let detail = try change.decode(ResourceDetail.self)
            var edited = try #require(detail.working)
            edited.tags.append("缓存测试新标签")
            #expect(try await app.send(.PUT, path, token: steward, json: ResourceAPI.UpdateBody(version: detail.version, resource: edited)).status == .ok)
            for step in ["submit", "approve", "publish"] {
                #expect(try await app.send(.POST, "\(path)/transitions", token: admin, json: Step(action: step)).status == .ok)
            }
            let after = try await Self.search(app, key: admin)
            var expected = Self.counts(before, "tags")
            expected["缓存测试新标签"] = 1
            #expect(Self.counts(after, "tags") == expected)
            #expect(after["count"] == before["count"])
        }
    }

    /// A resource retired from the catalog leaves the cached count, organization and tag counts.
    @Test func aRetiredResourceLeavesTheCachedCounts() async throws {
        try await withDataBank { app in
            let admin = try await app.token("admin")
            let row = try await app.publishedResource(open: .unconditional)
            let tags = Set(row.catalogSnapshot?.tags ?? [])
            #expect(!tags.isEmpty)
            let before = try await Self.search(app)
            _ = try await Self.search(app)  // cached now
            #expect(Self.names(before).contains(row.code))
            let retired = try await app.send(
                .POST, "/api/v1/resources/\(row.code)/transitions", token: admin, json: Step(action: "retire", reason: "停止开放"))
            #expect(retired.status == .ok)
            let after = try await Self.search(app)
            #expect(!Self.names(after).contains(row.code))
            #expect(after["count"].int == before["count"].int.map { $0 - 1 })
            var organizations = Self.counts(before, "organization")
            organizations[row.departmentCode] = organizations[row.departmentCode].map { $0 - 1 }
            if organizations[row.departmentCode] == 0 { organizations[row.departmentCode] = nil }
            #expect(Self.counts(after, "organization") == organizations)
            var tagCounts = Self.counts(before, "tags")
            for t in tags {
                tagCounts[t] = tagCounts[t].map { $0 - 1 }
                if tagCounts[t] == 0 { tagCounts[t] = nil }
            }
            #expect(Self.counts(after, "tags") == tagCounts)
        }
    }
}
