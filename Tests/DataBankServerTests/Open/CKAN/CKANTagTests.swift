import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// CKAN's `tags` facet, `fq=tags:…` and `tag_list` read `resource_tags`: these hold it in step with
/// the catalog-visible snapshot through every write (create, edit, a published change) and its
/// back-fill (migration `CreateResourceTags`) equal to the snapshots.
@Suite("CKAN Action API: tags")
struct CKANTagTests {
    typealias Step = ResourceLifecycleTests.Step

    /// The `tags` facet of everything the caller sees, every tag (`facet.limit` -1).
    static func tagFacet(_ app: Application, key: String? = nil, q: String? = nil) async throws -> [String: Int] {
        var params: [String: CKANValue] = ["rows": .number(0), "facet.field": .list([.string("tags")]), "facet.limit": .number(-1)]
        if let q { params["q"] = .string(q) }
        let res = try await app.ckan("package_search", params, key: key)
        #expect(res.status == .ok, "\(res.body.string)")
        let facet = res.result["facets"]["tags"]
        return Dictionary(uniqueKeysWithValues: facet.keys.compactMap { k in facet[k].int.map { (k, $0) } })
    }

    /// The names of the packages `fq=tags:"tag"` finds.
    static func tagged(_ app: Application, _ tag: String, key: String? = nil) async throws -> [String] {
        let res = try await app.ckan("package_search", ["fq": .string("tags:\"\(tag)\""), "rows": .number(1000)], key: key)
        #expect(res.status == .ok, "\(res.body.string)")
        return res.result["results"].items.compactMap { $0["name"].text }
    }

    /// The facet counts are the packages' own tags, counted over every package the search returns.
    @Test func facetCountsAreThePackagesTags() async throws {
        try await withDataBank { app in
            let all = try await app.ckan("package_search", ["rows": .number(1000)]).result["results"].items
            var counted: [String: Int] = [:]
            for p in all { for t in Set(p["tags"].items.compactMap { $0["name"].text }) { counted[t, default: 0] += 1 } }
            #expect(!counted.isEmpty)
            #expect(try await Self.tagFacet(app) == counted)
            // With words too: the facet is the matches' tags.
            let matches = try await app.ckan("package_search", ["q": .string("企业"), "rows": .number(1000)]).result["results"].items
            var inMatches: [String: Int] = [:]
            for p in matches { for t in Set(p["tags"].items.compactMap { $0["name"].text }) { inMatches[t, default: 0] += 1 } }
            #expect(!matches.isEmpty)
            #expect(try await Self.tagFacet(app, q: "企业") == inMatches)
        }
    }

    /// A published change that replaces a tag moves the facet, the filter and tag_list when (and
    /// only when) it is published: the catalog shows the published revision until then.
    @Test func aPublishedChangeOfTagsMovesFacetFilterAndTagList() async throws {
        try await withDataBank { app in
            let steward = try await app.token("scj_steward"), admin = try await app.token("admin")
            let row = try #require(try await ResourceRow.query(on: app.db).filter(\.$name == "企业登记信息表").first())
            let old = try #require(row.catalogSnapshot?.tags.first)
            let before = try await Self.tagFacet(app)
            #expect(try await Self.tagged(app, old).contains(row.code))
            let path = "/api/v1/resources/\(row.code)"
            let change = try await app.send(.POST, "\(path)/transitions", token: steward, json: Step(action: "requestChange", reason: "调整标签"))
            let detail = try change.decode(ResourceDetail.self)
            var edited = try #require(detail.working)
            edited.tags = edited.tags.filter { $0 != old } + ["标签测试新词"]
            #expect(try await app.send(.PUT, path, token: steward, json: ResourceAPI.UpdateBody(version: detail.version, resource: edited)).status == .ok)
            // Not published yet: nothing moved.
            #expect(try await Self.tagged(app, "标签测试新词").isEmpty)
            #expect(try await Self.tagFacet(app) == before)
            for step in ["submit", "approve", "publish"] {
                #expect(try await app.send(.POST, "\(path)/transitions", token: admin, json: Step(action: step)).status == .ok)
            }
            #expect(try await Self.tagged(app, "标签测试新词") == [row.code])
            #expect(try await !Self.tagged(app, old).contains(row.code))
            let after = try await Self.tagFacet(app)
            #expect(after["标签测试新词"] == 1)
            #expect((after[old] ?? 0) == (before[old] ?? 0) - 1)
            let list = try await app.ckan("tag_list", ["query": .string("标签测试")]).result.items.compactMap(\.text)
            #expect(list == ["标签测试新词"])
            let shown = try await app.ckan("package_show", ["id": .string(row.code)]).result["tags"].items.compactMap { $0["name"].text }
            #expect(Set(shown) == Set(edited.tags))
        }
    }

    /// A new draft's tags, then an edit of them, are what a signed-in caller's filter and facet see.
    @Test func aDraftsTagsFollowItsEdits() async throws {
        try await withDataBank { app in
            let steward = try await app.token("scj_steward"), admin = try await app.token("admin")
            var draft = try await sampleResource(app)
            draft.tags = ["草稿标签甲", "草稿标签乙"]
            let created = try await app.send(.POST, "/api/v1/resources", token: steward, json: draft)
            #expect(created.status == .created)
            #expect(try await Self.tagged(app, "草稿标签甲", key: admin) == [draft.code])
            #expect(try await Self.tagged(app, "草稿标签甲").isEmpty, "a draft is not on the portal")
            let version = try created.decode(ResourceDetail.self).version
            draft.tags = ["草稿标签乙", "草稿标签丙"]
            let path = "/api/v1/resources/\(draft.code)"
            #expect(try await app.send(.PUT, path, token: steward, json: ResourceAPI.UpdateBody(version: version, resource: draft)).status == .ok)
            #expect(try await Self.tagged(app, "草稿标签甲", key: admin).isEmpty)
            #expect(try await Self.tagged(app, "草稿标签丙", key: admin) == [draft.code])
            let facet = try await Self.tagFacet(app, key: admin, q: "年报信息测试")
            #expect(facet == ["草稿标签乙": 1, "草稿标签丙": 1])
        }
    }

    /// The migration's back-fill from the stored snapshots gives the same facet as the writes kept.
    @Test func theBackFillMatchesTheSnapshots() async throws {
        try await withDataBank { app in
            let kept = try await Self.tagFacet(app)
            #expect(!kept.isEmpty)
            try await CreateResourceTags().revert(on: app.db)
            try await CreateResourceTags().prepare(on: app.db)
            #expect(try await Self.tagFacet(app) == kept)
        }
    }
}
