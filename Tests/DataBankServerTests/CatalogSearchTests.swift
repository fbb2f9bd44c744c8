import DataBankCore
@testable import DataBankServer
import Testing
import VaporTesting

@Suite("Catalog search")
struct CatalogSearchTests {
    /// Unspaced Chinese finds a resource by part of its name: "企业登记" finds "企业登记信息表".
    @Test func unspacedChineseFindsResource() async throws {
        try await withDataBank { app in
            let page = try await app.send(.GET, "/api/v1/resources?q=企业登记").decode(SearchPage.self)
            #expect(page.items.contains { $0.name == "企业登记信息表" })
            #expect(page.items.first?.name.contains("企业登记") == true)
        }
    }

    /// A two-character query works: "社保" finds the social-insurance resources.
    @Test func twoCharacterQuery() async throws {
        try await withDataBank { app in
            let page = try await app.send(.GET, "/api/v1/resources?q=社保").decode(SearchPage.self)
            #expect(page.total > 0)
            #expect(page.items.contains { $0.name.contains("社保") })
        }
    }

    /// A single character matches wherever it stands in a word: "业" (inside 企业) finds 企业登记信息表.
    @Test func singleCharacterQuery() async throws {
        try await withDataBank { app in
            let page = try await app.send(.GET, "/api/v1/resources?q=业&limit=200").decode(SearchPage.self)
            #expect(page.items.contains { $0.name == "企业登记信息表" })
            #expect(page.total == page.items.count)
        }
    }

    /// Each theme's facet count is exactly the number of resources the theme filter returns.
    @Test func themeFacetMatchesThemeFilter() async throws {
        try await withDataBank { app in
            let all = try await app.send(.GET, "/api/v1/resources").decode(SearchPage.self)
            let themes = try #require(all.facets["theme"])
            #expect(!themes.isEmpty)
            for theme in themes {
                let filtered = try await app.send(.GET, "/api/v1/resources?theme=\(theme.value)").decode(SearchPage.self)
                #expect(filtered.total == theme.count, "theme \(theme.value)")
            }
        }
    }

    /// English words find resources by their English names.
    @Test func englishQuery() async throws {
        try await withDataBank { app in
            let page = try await app.send(.GET, "/api/v1/resources?q=Enterprise%20registration").decode(SearchPage.self)
            #expect(page.items.contains { $0.name == "企业登记信息表" })
        }
    }

    /// Facets carry counts that add up to the total and combine with the query and filters.
    @Test func facetsCombineWithQuery() async throws {
        try await withDataBank { app in
            let all = try await app.send(.GET, "/api/v1/resources").decode(SearchPage.self)
            for name in ["department", "classification", "sharing", "open", "cycle", "format"] {
                let counts = try #require(all.facets[name])
                #expect(counts.reduce(0) { $0 + $1.count } == all.total, "facet \(name)")
            }
            #expect(all.facets["theme"]?.isEmpty == false)
            let sharing = try #require(all.facets["sharing"]?.first)
            let filtered = try await app.send(.GET, "/api/v1/resources?sharing=\(sharing.value)").decode(SearchPage.self)
            #expect(filtered.total == sharing.count)
            #expect(filtered.items.allSatisfy { $0.sharingType == sharing.value })
            let both = try await app.send(.GET, "/api/v1/resources?q=信息&sharing=\(sharing.value)").decode(SearchPage.self)
            #expect(both.total <= filtered.total)
            #expect(both.facets["sharing"]?.count == 1)
        }
    }

    /// Without signing in, the catalog lists only published and in-notice (公示) non-classified resources.
    @Test func anonymousSeesOnlyPublishedCatalog() async throws {
        try await withDataBank { app in
            let page = try await app.send(.GET, "/api/v1/resources?limit=200").decode(SearchPage.self)
            #expect(page.items.allSatisfy { ["published", "notice"].contains($0.status) && !$0.classified })
            let admin = try await app.token("admin")
            let full = try await app.send(.GET, "/api/v1/resources?limit=200", token: admin).decode(SearchPage.self)
            #expect(full.total > page.total)
            #expect(full.items.contains { $0.classified })
            #expect(full.items.contains { $0.status == "draft" })
        }
    }

    /// Paging: limit and offset slice the same ordered list.
    @Test func paging() async throws {
        try await withDataBank { app in
            let first = try await app.send(.GET, "/api/v1/resources?limit=5&sort=code").decode(SearchPage.self)
            let second = try await app.send(.GET, "/api/v1/resources?limit=5&offset=5&sort=code").decode(SearchPage.self)
            #expect(first.items.count == 5)
            #expect(Set(first.items.map(\.code)).isDisjoint(with: second.items.map(\.code)))
            #expect(first.items.map(\.code) == first.items.map(\.code).sorted())
        }
    }

    /// An unknown filter value or sort is a 400 naming the parameter.
    @Test func badFilterIsReported() async throws {
        try await withDataBank { app in
            let res = try await app.send(.GET, "/api/v1/resources?sharing=sometimes")
            #expect(res.status == .badRequest)
            let error = try res.errorBody()
            #expect(error.code == "invalid_filter")
            #expect(error.details.first?.field == "sharing")
            let sort = try await app.send(.GET, "/api/v1/resources?sort=colour")
            #expect(try sort.errorBody().code == "invalid_sort")
        }
    }

    /// Searching matches item names and their standards too, not only resource names.
    @Test func searchCoversItemsAndStandards() async throws {
        try await withDataBank { app in
            let page = try await app.send(.GET, "/api/v1/resources?q=统一社会信用代码").decode(SearchPage.self)
            #expect(page.total > 0)
        }
    }
}
