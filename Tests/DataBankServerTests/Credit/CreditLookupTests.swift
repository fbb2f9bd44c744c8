import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Public disclosure look-ups (信用佛山-style) through the real HTTP app: services defined by the
/// provider, anonymous look-ups by credit code and by name prefix (masked as on the portal),
/// an enterprise's page across classes, counting, the rate limit and bad input.
@Suite("Credit look-ups")
struct CreditLookupTests {
    struct NewService: Encodable, Sendable {
        var code: String, resourceCode: String, keyItems: [String], match: String, returnedItems: [String], name: String, nameEn: String?
    }

    struct Hits: Decodable { var items: [[String: JSONValue]]; var count: Int }

    /// Defines a service on the fixture's register as its steward.
    static func define(
        _ app: Application, _ f: OpenFixture, _ code: String, keys: [String], match: String = "exact",
        returned: [String]? = nil, token: String? = nil
    ) async throws -> TestingHTTPResponse {
        let body = NewService(
            code: code, resourceCode: f.code, keyItems: keys, match: match,
            returnedItems: returned ?? ["credit_code", "enterprise_name", f.maskedColumn], name: "企业登记信息", nameEn: "Enterprise register")
        let bearer: String
        if let token { bearer = token } else { bearer = try await app.token(f.store.steward) }
        return try await app.send(.POST, "/api/v1/lookups", token: bearer, json: body)
    }

    static func name(_ f: OpenFixture, row: Int) throws -> String {
        f.store.value(try #require(f.store.layout.column(named: "enterprise_name")), row: row)
    }

    @Test func anonymousLooksUpByCreditCodeMasked() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            let made = try await Self.define(app, f, "register", keys: ["credit_code"])
            #expect(made.status == .created, "\(made.body.string)")
            let res = try await app.send(.GET, "/api/v1/open/lookups/register?q=\(f.store.key(0))")
            #expect(res.status == .ok, "\(res.body.string)")
            let hits = try res.decode(Hits.self)
            #expect(hits.count == 1 && hits.items.count == 1)
            #expect(hits.items.first?["credit_code"] == .string(f.store.key(0)))
            #expect(hits.items.first?[f.maskedColumn] != nil)
            let leaked = f.leaks(res.body.string)
            #expect(!leaked, "a look-up never shows what the portal masks")
        }
    }

    @Test func nameLookupMatchesFromTheStart() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            #expect(try await Self.define(app, f, "names", keys: ["enterprise_name"], match: "prefix").status == .created)
            let name = try Self.name(f, row: 3)
            let q = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
            let res = try await app.send(.GET, "/api/v1/open/lookups/names?q=\(q)")
            #expect(res.status == .ok, "\(res.body.string)")
            let hits = try res.decode(Hits.self)
            #expect(hits.items.contains { $0["credit_code"] == .string(f.store.key(3)) })
            #expect(hits.items.allSatisfy { if case .string(let n)? = $0["enterprise_name"] { n.hasPrefix(name) } else { false } })
        }
    }

    @Test func lookupWithoutItsKeyIs400AndUnknownServiceIs404() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            #expect(try await Self.define(app, f, "register", keys: ["credit_code"]).status == .created)
            let missing = try await app.send(.GET, "/api/v1/open/lookups/register")
            #expect(missing.status == .badRequest)
            #expect(try missing.errorBody().details.first?.field == "q")
            let blank = try await app.send(.GET, "/api/v1/open/lookups/register?q=%20")
            #expect(blank.status == .badRequest)
            let long = try await app.send(.GET, "/api/v1/open/lookups/register?q=" + String(repeating: "A", count: 51))
            #expect(long.status == .badRequest)
            let unknown = try await app.send(.GET, "/api/v1/open/lookups/nothing-here?q=x")
            #expect(unknown.status == .notFound)
            #expect(try unknown.errorBody().code == "unknown_lookup")
        }
    }

    @Test func enterprisePageGathersItsRecordsMasked() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            #expect(try await Self.define(app, f, "register", keys: ["credit_code", "enterprise_name"]).status == .created)
            let page = try await app.send(.GET, "/credit/\(f.store.key(0))")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("data-testid=\"credit-class-register\""))
            #expect(html.contains("href=\"/datasets/\(f.code)\""))
            #expect(html.contains(Escape.text(try Self.name(f, row: 0))))
            let leaked = f.leaks(html)
            #expect(!leaked)
            let json = try await app.send(.GET, "/api/v1/open/credit/\(f.store.key(0))")
            #expect(json.status == .ok)
            struct Enterprise: Decodable {
                struct Class: Decodable { var service: String; var dataset: String; var items: [[String: JSONValue]] }; var classes: [Class]
            }
            let e = try json.decode(Enterprise.self)
            #expect(e.classes.map(\.service) == ["register"] && e.classes.first?.items.count == 1)
        }
    }

    /// A code-list item (经营状态) shows its label: beside the code in the API (`labels`), instead of it on the enterprise page.
    @Test func codeListValuesShowTheirLabels() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            let returned = ["credit_code", "enterprise_name", "business_status", f.maskedColumn]
            #expect(try await Self.define(app, f, "register", keys: ["credit_code"], returned: returned).status == .created)
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
            let item = try #require(resource.catalogSnapshot?.items.first { $0.column == "business_status" })
            let standard = try #require(try await StandardRow.query(on: app.db).filter(\.$code == item.standardCode).first())
            let list = JSONText.decode([CodeListEntry].self, standard.codeList) ?? []
            struct Answer: Decodable { var items: [[String: JSONValue]]; var labels: [String: [String: String]] }
            let res = try await app.send(.GET, "/api/v1/open/lookups/register?q=\(f.store.key(0))")
            #expect(res.status == .ok, "\(res.body.string)")
            let answer = try res.decode(Answer.self)
            guard case .string(let code)? = answer.items.first?["business_status"] else {
                Issue.record("no business_status in \(answer.items)")
                return
            }
            let label = try #require(list.first { $0.code == code }?.label)
            #expect(answer.labels == ["business_status": [code: label]])
            struct Enterprise: Decodable {
                struct Class: Decodable { var labels: [String: [String: String]] }; var classes: [Class]
            }
            let e = try await app.send(.GET, "/api/v1/open/credit/\(f.store.key(0))").decode(Enterprise.self)
            #expect(e.classes.first?.labels == ["business_status": [code: label]])
            let page = try await app.send(.GET, "/credit/\(f.store.key(0))").body.string
            #expect(page.contains(">" + Escape.text(label) + "<") && page.contains("title=\"\(code)\""))
        }
    }

    @Test func aServiceReturningOnlyClearItemsAnswers() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            let returned = ["credit_code", "enterprise_name", "business_status"]
            #expect(try await Self.define(app, f, "register", keys: ["credit_code"], returned: returned).status == .created)
            let res = try await app.send(.GET, "/api/v1/open/lookups/register?q=\(f.store.key(0))")
            #expect(res.status == .ok, "\(res.body.string)")
            struct Answer: Decodable { var items: [[String: JSONValue]] }
            #expect(try res.decode(Answer.self).items.first?["credit_code"] == .string(f.store.key(0)))
            #expect(try await app.send(.GET, "/api/v1/open/credit/\(f.store.key(0))").status == .ok)
            #expect(try await app.send(.GET, "/credit/\(f.store.key(0))").status == .ok)
            let search = try await app.send(.GET, "/credit?q=\(f.store.key(0))")
            #expect(search.status == .seeOther)  // a full credit code goes straight to its enterprise
        }
    }

    @Test func unknownEnterpriseIs404AndMalformedCodeIs400() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            #expect(try await Self.define(app, f, "register", keys: ["credit_code"]).status == .created)
            let unknown = try await app.send(.GET, "/api/v1/open/credit/91440600MA4W0000XX")
            #expect(unknown.status == .notFound)
            #expect(try unknown.errorBody().code == "unknown_enterprise")
            let page = try await app.send(.GET, "/credit/91440600MA4W0000XX")
            #expect(page.status == .notFound)
            let malformed = try await app.send(.GET, "/api/v1/open/credit/abc")
            #expect(malformed.status == .badRequest)
            #expect(try malformed.errorBody().details.first?.field == "creditCode")
        }
    }

    @Test func searchPageFindsByNameAndSendsACodeToItsPage() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            #expect(try await Self.define(app, f, "register", keys: ["credit_code"]).status == .created)
            #expect(try await Self.define(app, f, "names", keys: ["enterprise_name"], match: "prefix").status == .created)
            let empty = try await app.send(.GET, "/credit")
            #expect(empty.status == .ok)
            #expect(empty.body.string.contains("data-suggest=\"/api/v1/open/lookups/names\""))
            #expect(empty.body.string.contains("src=\"/credit.js\""))
            let name = try Self.name(f, row: 2)
            let found = try await app.send(.GET, "/credit?q=\(name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name)")
            #expect(found.status == .ok)
            #expect(found.body.string.contains("href=\"/credit/\(f.store.key(2))\""))
            let code = try await app.send(.GET, "/credit?q=\(f.store.key(2))")
            #expect(code.status == .seeOther || code.status == .found)
            #expect(code.headers.first(name: .location) == "/credit/\(f.store.key(2))")
        }
    }

    @Test func definingIsTheProvidersAndChecksEachField() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            let body = NewService(
                code: "x", resourceCode: f.code, keyItems: ["credit_code"], match: "exact", returnedItems: ["credit_code"], name: "x", nameEn: nil)
            #expect(try await app.send(.POST, "/api/v1/lookups", json: body).status == .unauthorized)
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
            let other = try #require(try await Department.query(on: app.db).filter(\.$code != resource.departmentCode).first())
            let otherToken = try await app.stewardToken(of: other.code)
            #expect(try await Self.define(app, f, "x", keys: ["credit_code"], token: otherToken).status == .forbidden)
            let unknownItem = try await Self.define(app, f, "x", keys: ["no_such_item"])
            #expect(unknownItem.status == .unprocessableEntity)
            #expect(try unknownItem.errorBody().details.map(\.field).contains("keyItems[0]"))
            let masked = try await Self.define(app, f, "x", keys: [f.maskedColumn])
            #expect(masked.status == .unprocessableEntity)
            #expect(try masked.errorBody().details.contains { $0.code == "masked_key" })
            let badMatch = try await Self.define(app, f, "x", keys: ["credit_code"], match: "fuzzy")
            #expect(try badMatch.errorBody().details.first?.field == "match")
            #expect(try await Self.define(app, f, "x", keys: ["credit_code"]).status == .created)
            #expect(try await Self.define(app, f, "x", keys: ["credit_code"]).status == .conflict)
        }
    }

    @Test func everyLookupIsCountedOnItsService() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            #expect(try await Self.define(app, f, "register", keys: ["credit_code"]).status == .created)
            for i in 0..<3 { #expect(try await app.send(.GET, "/api/v1/open/lookups/register?q=\(f.store.key(i))").status == .ok) }
            let list = try await app.send(.GET, "/api/v1/lookups", token: try await app.token(f.store.steward))
            #expect(list.status == .ok)
            let services = try list.decode([LookupServiceRow.Out].self)
            #expect(services.first { $0.code == "register" }?.queries == 3)
        }
    }

    @Test func anonymousLookupsAreRateLimitedPerAddress() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            #expect(try await Self.define(app, f, "register", keys: ["credit_code"]).status == .created)
            app.lookupThrottle = LookupThrottle(perMinute: 2)
            // The platform clock stands still: a slow machine's seconds between requests refill no look-up.
            let frozen = app.settings.now()
            app.settings.now = { frozen }
            for _ in 0..<2 { #expect(try await app.send(.GET, "/api/v1/open/lookups/register?q=\(f.store.key(0))").status == .ok) }
            let refused = try await app.send(.GET, "/api/v1/open/lookups/register?q=\(f.store.key(0))")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers.first(name: "Retry-After") != nil)
        }
    }

    /// A name service indexes its key item (the item, then the key), so a prefix reads a range of it.
    @Test func prefixServiceIndexesItsKeyItem() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            #expect(try await Self.define(app, f, "names", keys: ["enterprise_name"], match: "prefix").status == .created)
            let store = try await RecordStores.find(f.code, on: app.db)
            let name = "lkp_\(store.tables.records)_enterprise_name"
            let sql = app.db.sql
            let found: SQLQueryString =
                RecordTables.Dialect(sql) == .postgres
                ? "SELECT indexname AS n FROM pg_indexes WHERE indexname = \(bind: name)"
                : "SELECT name AS n FROM sqlite_master WHERE type = 'index' AND name = \(bind: name)"
            #expect(try await sql.raw(found).first() != nil)
        }
    }
}
