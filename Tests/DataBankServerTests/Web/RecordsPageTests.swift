import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The records page through the one read decision: a granted department works with its rows in the
/// browser — masked as granted, filtered on items it sees in clear, sorted, paged, downloaded.
@Suite("Records page")
struct RecordsPageTests {
    static let consumer = "jtj_steward"

    func nextLink(_ html: String) -> String? {
        guard let range = html.range(of: #"href="([^"]+)" rel="next""#, options: .regularExpression) else { return nil }
        return String(html[range]).dropFirst(6).split(separator: "\"").first.map { $0.replacingOccurrences(of: "&amp;", with: "&") }
    }

    /// A consumer pages through its granted rows (sealed cursors), sees masks, and a filter on a masked item is refused on the page.
    @Test func consumerBrowsesItsGrant() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<45), token: provider)
            _ = try await app.grantAtOnce(
                f, consumer: try await app.token(Self.consumer), items: ["enterprise_name", "legal_rep"],
                lastKey: f.key(39), purpose: "订阅")
            let web = try await WebSession.signIn(app, Self.consumer)
            let path = "/catalog/resources/\(f.code)/records"
            let asks = try await web.get(path).body.string
            #expect(asks.contains("name=\"purpose\""))  // another department's records need a purpose first

            let first = try await web.get(path + "?purpose=%E8%AE%A2%E9%98%85").body.string
            #expect(first.contains("data-testid=\"grant-view\"") && first.contains("data-testid=\"records\""))
            #expect(first.contains("共 40 条"))  // the grant's rows only
            #expect(first.contains("*</td>") || first.contains("**"))  // the representative masked as granted
            #expect(first.contains("data-testid=\"records-csv\""))
            let next = try #require(nextLink(first))
            #expect(!next.contains(f.key(19)))  // the cursor reveals no key
            let second = try await web.get(next)
            #expect(second.status == .ok)
            #expect(second.body.string.contains(f.key(20)) && !second.body.string.contains(f.key(19)))

            let filtered = try await web.get(path + "?purpose=x&col=\(f.keyColumn.name)&op=eq&val=\(f.key(3))").body.string
            #expect(filtered.contains("共 1 条"))
            let masked = try await web.get(path + "?purpose=x&col=legal_rep&op=eq&val=x")
            #expect(masked.status == .ok)
            #expect(masked.body.string.contains("data-testid=\"records-error\""))
            let forged = try await web.get(path + "?purpose=x&after=WyJ4Il0")
            #expect(forged.body.string.contains("data-testid=\"records-error\""))
        }
    }

    /// The provider sorts by a required item, descending.
    @Test func providerSorts() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<5), token: try await app.token(f.steward))
            let web = try await WebSession.signIn(app, f.steward)
            let html = try await web.get("/catalog/resources/\(f.code)/records?sort=-\(f.keyColumn.name)&lang=en").body.string
            let first = try #require(html.range(of: f.key(4))), last = try #require(html.range(of: f.key(0)))
            #expect(first.lowerBound < last.lowerBound)
            #expect(html.contains("5 records"))
        }
    }

    /// A code-list item shows its meaning beside the code.
    @Test func codesShowTheirMeaning() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<5), token: try await app.token(f.steward))
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
            let labels = try await RecordsBrowser.codeLabels(resource, on: app.db)
            #expect(!labels.isEmpty)
            let web = try await WebSession.signIn(app, f.steward)
            let html = try await web.get("/catalog/resources/\(f.code)/records").body.string
            #expect(html.contains("code-label"))
            #expect(labels.values.contains { column in column.values.contains { html.contains(" " + $0 + "<") } })
        }
    }
}
