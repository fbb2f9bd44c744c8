import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// CKAN's Action API over the catalog, through the real HTTP app: the envelope, each action, its
/// errors, and the open portal's rule (what is not open answers exactly as what does not exist).
@Suite("CKAN Action API: catalog")
struct CKANActionTests {
    /// Both URL forms, GET and POST, answer `{"help", "success": true, "result"}`.
    @Test func envelopeOnBothPathsAndMethods() async throws {
        try await withDataBank { app in
            let get = try await app.ckanGet("/api/3/action/package_list")
            #expect(get.status == .ok)
            #expect(get.ckan["success"] == .bool(true))
            #expect(get.ckan["help"].text?.hasSuffix("/api/3/action/help_show?name=package_list") == true)
            #expect(!get.result.items.isEmpty)
            let post = try await app.ckan("package_list", prefix: "/api/action/")
            #expect(post.status == .ok)
            #expect(post.result == get.result)
            #expect(get.headers.contentType?.subType == "json")
        }
    }

    /// An unknown action is CKAN's 400 "Action name not known".
    @Test func unknownActionIsBadRequest() async throws {
        try await withDataBank { app in
            let res = try await app.ckan("package_create", ["name": .string("x")])
            #expect(res.status == .badRequest)
            #expect(res.ckan["success"] == .bool(false))
            #expect(res.ckanError["__type"] == .string("Bad Request"))
            #expect(res.ckanError["message"] == .string("Bad request - Action name not known: package_create"))
        }
    }

    /// A body that is not a JSON object is CKAN's 400 JSON error, not a 500.
    @Test func malformedBodyIsBadRequest() async throws {
        try await withDataBank { app in
            var result: TestingHTTPResponse?
            var headers = HTTPHeaders()
            headers.contentType = .json
            try await app.testing().test(
                .POST, "/api/3/action/package_search", headers: headers, body: ByteBuffer(string: "[1,2"),
                afterResponse: { result = $0 })
            let res = try #require(result)
            #expect(res.status == .badRequest)
            #expect(res.ckanError["message"].text?.hasPrefix("Bad request - JSON Error") == true)
        }
    }

    /// A form body (as old clients post) is read like a JSON body.
    @Test func formBodyIsRead() async throws {
        try await withDataBank { app in
            var result: TestingHTTPResponse?
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            try await app.testing().test(
                .POST, "/api/3/action/package_search", headers: headers, body: ByteBuffer(string: "rows=2&start=1"),
                afterResponse: { result = $0 })
            let res = try #require(result)
            #expect(res.status == .ok)
            #expect(res.result["results"].items.count == 2)
        }
    }

    /// package_search: count, results, facets and search_facets, consistent with package_list and the native search.
    @Test func packageSearchCountsAndFacets() async throws {
        try await withDataBank { app in
            let list = try await app.ckan("package_list").result.items
            let res = try await app.ckan(
                "package_search",
                [
                    "rows": .number(0),
                    "facet.field": .list(["organization", "groups", "license_id", "res_format", "tags"].map(CKANValue.string))
                ])
            #expect(res.status == .ok, "\(res.body.string)")
            let count = try #require(res.result["count"].int)
            #expect(count == list.count)
            #expect(res.result["results"].items.isEmpty)
            let byOrg = res.result["facets"]["organization"].keys.compactMap { res.result["facets"]["organization"][$0].int }
            #expect(byOrg.reduce(0, +) == count)
            let licenses = res.result["facets"]["license_id"]
            #expect((licenses["other-open"].int ?? 0) + (licenses["other-closed"].int ?? 0) == count)
            #expect(res.result["search_facets"]["organization"]["items"].items.first?["display_name"].text?.isEmpty == false)
            // The native anonymous search, narrowed to what the open portal shows, finds as many.
            let native =
                try await app.send(.GET, "/api/v1/resources?open=unconditional&status=published&limit=0").decode(SearchTotal.self).total
                + app.send(.GET, "/api/v1/resources?open=conditional&status=published&limit=0").decode(SearchTotal.self).total
            #expect(count == native)
        }
    }

    struct SearchTotal: Decodable { var total: Int }

    /// rows over 1,000 is clamped as CKAN clamps it; paging by start walks every package once.
    @Test func packageSearchPagesAndClampsRows() async throws {
        try await withDataBank { app in
            let all = try await app.ckan("package_search", ["rows": .number(5000)])
            #expect(all.status == .ok)
            let count = try #require(all.result["count"].int)
            #expect(all.result["results"].items.count == min(count, 1000))
            var names: [String] = []
            var start = 0
            while true {
                let page = try await app.ckan("package_search", ["rows": .number(7), "start": .number(Double(start))]).result["results"].items
                if page.isEmpty { break }
                names += page.compactMap { $0["name"].text }
                start += page.count
            }
            #expect(names.count == count)
            #expect(Set(names).count == count)
        }
    }

    /// Invalid numbers are CKAN's 409 Validation Error naming the field.
    @Test func invalidRowsIsValidationError() async throws {
        try await withDataBank { app in
            let res = try await app.ckan("package_search", ["rows": .string("many")])
            #expect(res.status == .conflict)
            #expect(res.ckanError["__type"] == .string("Validation Error"))
            #expect(res.ckanError["rows"] == .list([.string("Invalid integer")]))
            let negative = try await app.ckanGet("/api/3/action/package_search?start=-1")
            #expect(negative.status == .conflict)
            #expect(negative.ckanError["start"] == .list([.string("Must be a natural number")]))
        }
    }

    /// Out-of-range and wrongly typed parameters are 4xx answers in CKAN's envelope, never a 500.
    @Test func badParametersNeverFail() async throws {
        try await withDataBank { app in
            let big = String(Int.max)
            let cases: [(String, [String: CKANValue])] = [
                ("package_search", ["start": .string(big), "rows": .string(big)]),
                ("package_search", ["q": .list([.string("a")])]),
                ("package_search", ["q": .string(String(repeating: "交", count: 300))]),
                ("package_search", ["facet.field": .string("[not json"), "facet.limit": .string("x")]),
                ("current_package_list_with_resources", ["page": .string(big), "limit": .number(10)]),
                ("organization_list", ["sort": .string("founded desc")]),
                ("package_show", ["id": .object(["a": .number(1)])]),
                ("datastore_search", ["resource_id": .list([])]),
                ("tag_list", ["query": .string("%_\\")])
            ]
            for (action, params) in cases {
                let res = try await app.ckan(action, params)
                #expect(res.status.code < 500, "\(action) \(params): \(res.body.string)")
                #expect(res.ckan["help"].text != nil, "\(action)")
            }
        }
    }

    /// fq: organization, groups, tags, license_id, negation and alternatives narrow the search.
    @Test func filterQueryTranslates() async throws {
        try await withDataBank { app in
            let all = try await app.ckan("package_search", ["rows": .number(1000)]).result["results"].items
            let org = try #require(all.first?["organization"]["name"].text)
            let inOrg = all.filter { $0["organization"]["name"].text == org }.count
            let byOrg = try await app.ckan("package_search", ["fq": .string("organization:\(org)"), "rows": .number(1000)]).result
            #expect(byOrg["count"].int == inOrg)
            #expect(byOrg["results"].items.allSatisfy { $0["organization"]["name"].text == org })
            let notOrg = try await app.ckan("package_search", ["fq": .string("-organization:\"\(org)\""), "rows": .number(0)]).result
            #expect(notOrg["count"].int == all.count - inOrg)

            let group = try #require(all.compactMap { $0["groups"][0]["name"].text }.first)
            let inGroup = all.filter { $0["groups"].items.contains { $0["name"].text == group } }.count
            let byGroup = try await app.ckan("package_search", ["fq": .string("+groups:\(group) AND dataset_type:dataset"), "rows": .number(0)])
            #expect(byGroup.result["count"].int == inGroup)

            let tag = try #require(all.compactMap { $0["tags"][0]["name"].text }.first)
            let tagged = all.filter { $0["tags"].items.contains { $0["name"].text == tag } }.count
            let byTag = try await app.ckan("package_search", ["fq": .string("tags:\"\(tag)\""), "rows": .number(0)])
            #expect(byTag.result["count"].int == tagged)

            let open = all.filter { $0["license_id"].text == "other-open" }.count
            let byLicense = try await app.ckanGet("/api/3/action/package_search?rows=0&fq=license_id:other-open")
            #expect(byLicense.result["count"].int == open)
            let either = try await app.ckan("package_search", ["fq": .string("license_id:(other-open OR other-closed)"), "rows": .number(0)])
            #expect(either.result["count"].int == all.count)
        }
    }

    /// What fq cannot translate is CKAN's 409 Search Error, never a 500 or a wrong answer.
    @Test func untranslatableFilterIsSearchError() async throws {
        try await withDataBank { app in
            for fq in ["organization:a OR groups:b", "color:red", "tags:\"open", "(organization:a)", "metadata_modified:[NOW-1DAY TO NOW]"] {
                let res = try await app.ckan("package_search", ["fq": .string(fq)])
                #expect(res.status == .conflict, "\(fq): \(res.body.string)")
                #expect(res.ckanError["__type"] == .string("Search Error"), "\(fq)")
            }
            let sort = try await app.ckan("package_search", ["sort": .string("views_recent desc")])
            #expect(sort.status == .conflict)
        }
    }

    /// A 不予开放 package answers anonymous callers exactly as a name that does not exist; the provider sees it.
    @Test func notOpenIsNotFound() async throws {
        try await withDataBank { app in
            let closed = try await app.publishedResource(open: .closed)
            let hidden = try await app.ckan("package_show", ["id": .string(closed.code)])
            let unknown = try await app.ckan("package_show", ["id": .string("999999-99999")])
            #expect(hidden.status == .notFound)
            #expect(hidden.body.string == unknown.body.string)
            let byID = try await app.ckan("package_show", ["id": .string(closed.id!.uuidString)])
            #expect(byID.body.string == unknown.body.string)
            #expect(hidden.ckanError["__type"] == .string("Not Found Error"))
            let names = try await app.ckan("package_list").result.items.compactMap(\.text)
            #expect(!names.contains(closed.code))
            let search = try await app.ckan("package_search", ["fq": .string("name:\(closed.code)")])
            #expect(search.result["count"].int == 0)

            // The provider's steward, with an API key as ckanapi sends it, reads it as the native API shows it.
            let key = try await app.stewardToken(of: closed.departmentCode)
            let shown = try await app.ckan("package_show", ["id": .string(closed.code)], key: key)
            #expect(shown.status == .ok)
            #expect(shown.result["name"] == .string(closed.code))
            #expect(shown.result["license_id"] == .string("other-closed"))
        }
    }

    /// An unpublished package (a draft, or one in its first public notice) answers anonymous callers as unknown.
    @Test func unpublishedIsNotFound() async throws {
        try await withDataBank { app in
            let draft = try #require(try await ResourceRow.query(on: app.db).filter(\.$publishedRevision == nil).filter(\.$classified == false).first())
            let res = try await app.ckan("package_show", ["id": .string(draft.code)])
            #expect(res.status == .notFound)
            #expect(res.body.string == (try await app.ckan("package_show", ["id": .string("999999-99999")])).body.string)
        }
    }

    /// An unknown API key is CKAN's authorization error.
    @Test func unknownKeyIsAuthorizationError() async throws {
        try await withDataBank { app in
            let res = try await app.ckan("package_list", key: "not-a-key")
            #expect(res.status == .forbidden)
            #expect(res.ckanError["__type"] == .string("Authorization Error"))
        }
    }

    /// package_show: the package's shape (organization, groups, tags, extras, its datastore resource).
    @Test func packageShowShape() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app, openToPublic: true)
            let pkg = try await app.ckan("package_show", ["id": .string(f.code)])
            #expect(pkg.status == .ok, "\(pkg.body.string)")
            let p = pkg.result
            #expect(p["name"] == .string(f.code))
            #expect(p["title"] == .string("企业登记信息表"))
            #expect(p["type"] == .string("dataset"))
            #expect(p["license_id"] == .string("other-open"))
            #expect(p["organization"]["is_organization"] == .bool(true))
            #expect(p["extras"].items.contains { $0["key"] == .string("open_type") && $0["value"] == .string("unconditional") })
            let resource = p["resources"][0]
            #expect(resource["datastore_active"] == .bool(true))
            #expect(resource["url"].text?.contains("/datastore/dump/") == true)
            let shown = try await app.ckan("resource_show", ["id": resource["id"]])
            #expect(shown.result == resource)
            let byID = try await app.ckan("package_show", ["id": p["id"]])
            #expect(byID.result == p)
        }
    }

    /// current_package_list_with_resources: packages, newest first, with limit and offset.
    @Test func currentPackageListWithResources() async throws {
        try await withDataBank { app in
            let first = try await app.ckan("current_package_list_with_resources", ["limit": .number(3)])
            #expect(first.status == .ok)
            #expect(first.result.items.count == 3)
            let next = try await app.ckan("current_package_list_with_resources", ["limit": .number(3), "offset": .number(3)])
            #expect(Set(first.result.items.compactMap { $0["name"].text }).isDisjoint(with: next.result.items.compactMap { $0["name"].text }))
        }
    }

    /// organization_list (names, all_fields) and organization_show: departments with their visible package counts.
    @Test func organizations() async throws {
        try await withDataBank { app in
            let names = try await app.ckan("organization_list").result.items.compactMap(\.text)
            #expect(names.count == (try await Department.query(on: app.db).count()))
            #expect(names == names.sorted())
            let full = try await app.ckan("organization_list", ["all_fields": .bool(true), "sort": .string("package_count desc")]).result.items
            #expect(full.count == min(names.count, 25))
            let counts = full.compactMap { $0["package_count"].int }
            #expect(counts == counts.sorted(by: >))
            let top = try #require(full.first)
            let shown = try await app.ckan("organization_show", ["id": top["name"], "include_datasets": .bool(true)])
            #expect(shown.status == .ok)
            #expect(shown.result["package_count"] == top["package_count"])
            #expect(shown.result["packages"].items.count == top["package_count"].int)
            let unknown = try await app.ckan("organization_show", ["id": .string("nobody")])
            #expect(unknown.status == .notFound)
        }
    }

    /// group_list / group_show: the themes, and tag_list: the keywords of visible packages.
    @Test func groupsAndTags() async throws {
        try await withDataBank { app in
            let groups = try await app.ckan("group_list").result.items.compactMap(\.text)
            #expect(groups.count == Theme.allCases.count)
            #expect(groups.contains("social-security"))
            let shown = try await app.ckan("group_show", ["id": .string("social-security")])
            #expect(shown.result["title"] == .string("社保就业"))
            let searched = try await app.ckan("package_search", ["fq": .string("groups:social-security"), "rows": .number(0)])
            #expect(shown.result["package_count"] == searched.result["count"])
            let tags = try await app.ckan("tag_list").result.items.compactMap(\.text)
            #expect(!tags.isEmpty)
            #expect(tags == Array(Set(tags)).sorted())
        }
    }

    /// status_show and site_read.
    @Test func siteActions() async throws {
        try await withDataBank { app in
            let status = try await app.ckan("status_show")
            #expect(status.result["ckan_version"].text?.hasPrefix("2.") == true)
            #expect(status.result["extensions"].items.contains(.string("datastore")))
            #expect(try await app.ckan("site_read").result == .bool(true))
        }
    }
}
