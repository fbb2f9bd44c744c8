import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// `datastore_search` and the dumps, through the real HTTP app: every read through the one read
/// decision, the open portal's masks for anonymous callers, CKAN's parameters and errors.
@Suite("CKAN Action API: datastore")
struct CKANDatastoreTests {
    /// The enterprise registrations, open to the public, with `rows` records loaded; its CKAN resource id.
    func openStore(_ app: Application, rows: Int = 12) async throws -> (StoreFixture, String) {
        let f = try await StoreFixture.enterprise(app, openToPublic: true)
        let loaded = try await app.loadCSV(f, f.csv(rows: 0..<rows), token: try await app.token(f.steward))
        #expect(loaded.status == .ok, "\(loaded.body.string)")
        let pkg = try await app.ckan("package_show", ["id": .string(f.code)])
        return (f, try #require(pkg.result["resources"][0]["id"].text))
    }

    /// Objects by default, with fields, total, limit and links; the same masked values as the native API shows anonymous callers.
    @Test func searchAnswersAsTheOpenPortal() async throws {
        try await withDataBank { app in
            let (f, id) = try await openStore(app)
            let res = try await app.ckan("datastore_search", ["resource_id": .string(id), "limit": .number(5)])
            #expect(res.status == .ok, "\(res.body.string)")
            let r = res.result
            #expect(r["total"].int == 12)
            #expect(r["records"].items.count == 5)
            #expect(r["records_format"] == .string("objects"))
            #expect(
                r["fields"].items.compactMap { $0["id"].text }
                    == r["records"][0].keys.sorted().sorted { a, b in
                        f.layout.columns.firstIndex { $0.name == a }! < f.layout.columns.firstIndex { $0.name == b }!
                    })
            #expect(r["_links"]["next"].text?.contains("offset=5") == true)
            // The native records API, anonymous: the open portal's view, masks included.
            let native = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?limit=5")
            let nativeRows = try JSONDecoder().decode(CKANValue.self, from: Data(native.body.string.utf8))["items"]
            #expect(r["records"] == nativeRows)
        }
    }

    /// A masked item never comes back in clear, and cannot be filtered or searched on.
    @Test func masksHold() async throws {
        try await withDataBank { app in
            let (f, id) = try await openStore(app)
            // One text item made sensitive: the open portal shows it under its default mask.
            let masked = try #require(f.textColumn)
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
            var snapshot = try #require(resource.catalogSnapshot)
            for i in snapshot.items.indices where snapshot.items[i].column == masked.name { snapshot.items[i].sensitivity = .sensitive }
            resource.snapshot = JSONText.encode(snapshot)
            try await resource.save(on: app.db)
            #expect((try await GrantAccess.defaultMasks(resource: resource, on: app.db))[masked.name] != .clear)
            // The masked item holds values found nowhere else in the row.
            let rows = (0..<12).map { r in f.layout.columns.map { $0.name == masked.name ? "独有企业名称\(r)号" : f.value($0, row: r) }.joined(separator: ",") }
            let reloaded = try await app.loadCSV(f, ([f.header()] + rows).joined(separator: "\n") + "\n", token: try await app.token(f.steward))
            #expect(reloaded.status == .ok, "\(reloaded.body.string)")
            let clearValue = "独有企业名称3号"
            let all = try await app.ckan("datastore_search", ["resource_id": .string(id), "limit": .number(100)])
            #expect(all.result["total"].int == 12)
            #expect(!all.body.string.contains(clearValue))
            let filtered = try await app.ckan("datastore_search", ["resource_id": .string(id), "filters": .object([masked.name: .string(clearValue)])])
            #expect(filtered.status == .forbidden, "\(filtered.body.string)")
            #expect(filtered.ckanError["__type"] == .string("Authorization Error"))
            let searched = try await app.ckan("datastore_search", ["resource_id": .string(id), "q": .object([masked.name: .string(clearValue)])])
            #expect(searched.status == .forbidden)
            let free = try await app.ckan("datastore_search", ["resource_id": .string(id), "q": .string(clearValue)])
            #expect(free.result["total"].int == 0)
            // The provider's key reads and searches the item in clear: the value is there to find.
            let provider = try await app.ckan("datastore_search", ["resource_id": .string(id), "q": .string(clearValue)], key: try await app.token(f.steward))
            #expect(provider.result["total"].int == 1)
        }
    }

    /// filters: a value, or a list meaning any of them (IN).
    @Test func listFilterMeansIn() async throws {
        try await withDataBank { app in
            let (f, id) = try await openStore(app)
            let keys = [f.key(1), f.key(4), f.key(7)]
            let res = try await app.ckan(
                "datastore_search",
                [
                    "resource_id": .string(id), "filters": .object([f.keyColumn.name: .list(keys.map(CKANValue.string))])
                ])
            #expect(res.status == .ok, "\(res.body.string)")
            #expect(res.result["total"].int == 3)
            #expect(Set(res.result["records"].items.compactMap { $0[f.keyColumn.name].text }) == Set(keys))
            let one = try await app.ckanGet(
                "/api/3/action/datastore_search?resource_id=\(id)&filters=" + "{\"\(f.keyColumn.name)\":\"\(f.key(2))\"}".addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics)!)
            #expect(one.result["total"].int == 1)
            let unknown = try await app.ckan("datastore_search", ["resource_id": .string(id), "filters": .object(["nope": .string("1")])])
            #expect(unknown.status == .conflict)
            #expect(unknown.ckanError["filters"].items.first?.text?.contains("nope") == true)
        }
    }

    /// records_format lists (the fields' order) and csv (one string), with offset.
    @Test func recordsFormats() async throws {
        try await withDataBank { app in
            let (f, id) = try await openStore(app)
            let objects = try await app.ckan("datastore_search", ["resource_id": .string(id), "limit": .number(3), "offset": .number(2)]).result
            let lists = try await app.ckan(
                "datastore_search",
                [
                    "resource_id": .string(id), "limit": .number(3), "offset": .number(2), "records_format": .string("lists")
                ]
            ).result
            let names = lists["fields"].items.compactMap { $0["id"].text }
            #expect(lists["records"].items.count == 3)
            for (o, l) in zip(objects["records"].items, lists["records"].items) {
                #expect(names.enumerated().allSatisfy { i, n in o[n] == l[i] })
            }
            let csv = try await app.ckan("datastore_search", ["resource_id": .string(id), "limit": .number(3), "records_format": .string("csv")]).result
            let text = try #require(csv["records"].text)
            #expect(text.split(separator: "\r\n").count == 3)
            #expect(text.hasPrefix(f.key(0)) || text.contains(f.key(0)))
            let bad = try await app.ckan("datastore_search", ["resource_id": .string(id), "records_format": .string("xml")])
            #expect(bad.status == .conflict)
        }
    }

    /// limit over 32,000 is clamped as CKAN clamps it; sort by a key field, descending.
    @Test func limitClampedAndSort() async throws {
        try await withDataBank { app in
            let (f, id) = try await openStore(app)
            let res = try await app.ckan(
                "datastore_search",
                [
                    "resource_id": .string(id), "limit": .number(50_000), "sort": .string("\(f.keyColumn.name) desc")
                ])
            #expect(res.status == .ok, "\(res.body.string)")
            #expect(res.result["limit"].int == 32_000)
            let keys = res.result["records"].items.compactMap { $0[f.keyColumn.name].text }
            #expect(keys == keys.sorted(by: >))
            #expect(keys.count == 12)
            let deep = try await app.ckan("datastore_search", ["resource_id": .string(id), "offset": .string(String(Int.max))])
            #expect(deep.status == .ok, "\(deep.body.string)")
            #expect(deep.result["records"].items.isEmpty)
        }
    }

    /// A 有条件开放 store: its package is visible to anonymous callers, its rows are not (authorization error).
    @Test func conditionalStoreRowsNeedSignIn() async throws {
        try await withDataBank { app in
            let (f, id) = try await openStore(app)
            try await app.setOpenType(f.code, .conditional)
            #expect(try await app.ckan("package_show", ["id": .string(f.code)]).status == .ok)
            let res = try await app.ckan("datastore_search", ["resource_id": .string(id)])
            #expect(res.status == .forbidden)
            #expect(res.ckanError["__type"] == .string("Authorization Error"))
            // The provider's key reads every row in clear.
            let provider = try await app.ckan("datastore_search", ["resource_id": .string(id)], key: try await app.token(f.steward))
            #expect(provider.result["total"].int == 12)
        }
    }

    /// A 不予开放 store answers anonymous callers exactly as an unknown resource id.
    @Test func closedStoreIsNotFound() async throws {
        try await withDataBank { app in
            let (f, id) = try await openStore(app)
            try await app.setOpenType(f.code, .closed)
            let hidden = try await app.ckan("datastore_search", ["resource_id": .string(id)])
            #expect(hidden.status == .notFound)
            #expect(hidden.ckanError["__type"] == .string("Not Found Error"))
            let unknown = try await app.ckan("datastore_search", ["resource_id": .string("00000000-0000-0000-0000-000000000001")])
            #expect(
                hidden.ckanError["message"].text?.replacingOccurrences(of: id, with: "X")
                    == unknown.ckanError["message"].text?.replacingOccurrences(of: "00000000-0000-0000-0000-000000000001", with: "X"))
            let dump = try await app.ckanGet("/datastore/dump/\(id)")
            #expect(dump.status == .notFound)
            let missing = try await app.ckan("datastore_search", [:])
            #expect(missing.status == .conflict)
            #expect(missing.ckanError["resource_id"] == .list([.string("Missing value")]))
        }
    }

    /// A signed-in caller reads as the native API answers them: another department without a grant is refused
    /// (the native 403 `no_grant`, in CKAN's words), and every read and refusal is audited.
    @Test func keyHolderReadsAsTheNativeAPI() async throws {
        try await withDataBank { app in
            let (f, id) = try await openStore(app)
            try await app.setOpenType(f.code, .conditional)
            let other = try await app.token("jtj_steward")
            let native = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?purpose=test", token: other)
            #expect(native.status == .forbidden)
            #expect(try native.errorBody().code == "no_grant")
            let ckan = try await app.ckan("datastore_search", ["resource_id": .string(id)], key: other)
            #expect(ckan.status == .forbidden)
            #expect(ckan.ckanError["__type"] == .string("Authorization Error"))
            let before = try await auditCount(app, f.code)
            _ = try await app.ckan("datastore_search", ["resource_id": .string(id)], key: try await app.token(f.steward))
            _ = try await app.ckan("datastore_search", ["resource_id": .string(id)])
            #expect(try await auditCount(app, f.code) == before + 2)
        }
    }

    func auditCount(_ app: Application, _ code: String) async throws -> Int {
        try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE resource_code = \(bind: code)").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// datastore_search_sql is refused with CKAN's authorization error.
    @Test func searchSQLIsRefused() async throws {
        try await withDataBank { app in
            let res = try await app.ckan("datastore_search_sql", ["sql": .string("SELECT * FROM users")])
            #expect(res.status == .forbidden)
            #expect(res.ckanError["__type"] == .string("Authorization Error"))
            #expect(res.ckanError["message"].text?.hasPrefix("Access denied: ") == true)
        }
    }

    /// /datastore/dump/{id} as CSV, TSV and JSON: every row, the same rows as datastore_search.
    @Test func dumpFormats() async throws {
        try await withDataBank { app in
            let (f, id) = try await openStore(app)
            let csv = try await app.ckanGet("/datastore/dump/\(id)")
            #expect(csv.status == .ok)
            #expect(csv.headers.contentType?.subType == "csv")
            let csvLines = csv.body.string.split(separator: "\r\n")
            #expect(csvLines.count == 13)
            #expect(csvLines[0] == f.layout.columns.map(\.name).joined(separator: ","))
            let tsv = try await app.ckanGet("/datastore/dump/\(id)?format=tsv&bom=true")
            #expect(tsv.body.string.hasPrefix("\u{FEFF}"))
            #expect(tsv.body.string.split(separator: "\r\n").count == 13)
            let json = try await app.ckanGet("/datastore/dump/\(id)?format=json")
            let dumped = try JSONDecoder().decode(CKANValue.self, from: Data(json.body.string.utf8))
            #expect(dumped["records"].items.count == 12)
            let lists = try await app.ckan("datastore_search", ["resource_id": .string(id), "records_format": .string("lists")]).result
            #expect(dumped["records"] == lists["records"])
            #expect(dumped["fields"] == lists["fields"])
            let bad = try await app.ckanGet("/datastore/dump/\(id)?format=xlsx")
            #expect(bad.status == .conflict)
        }
    }
}
