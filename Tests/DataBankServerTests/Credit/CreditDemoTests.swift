import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The demo city's credit look-ups: seeded with the stories, the register by name and code, and
/// an enterprise's page gathering its records from several disclosure classes.
@Suite("Credit look-ups (demo)")
struct CreditDemoTests {
    @Test func demoEnterprisePageGathersSeveralClasses() async throws {
        try await withDataBank { app in
            _ = try await DemoCommand.loadStories(volume: .small, on: app.db)
            let services = try await LookupServiceRow.query(on: app.db).all()
            #expect(services.contains { $0.code == "enterprise-names" } && services.contains { $0.code == "enterprise-register" })
            let classes = try await LookupServices.creditClasses(on: app.db)
            #expect(classes.count >= 2, "\(classes.map(\.resourceCode))")
            // The enterprise found in the most classes: its page shows each of them.
            var best: (code: String, classes: Int) = ("", 0)
            var counts: [String: Int] = [:]
            for c in classes {
                let store = try await RecordStores.find(c.resourceCode, on: app.db)
                let rows = try await app.db.sql.raw("SELECT DISTINCT credit_code AS c FROM \(ident: store.tables.records)").all()
                for r in rows { counts[try r.decode(column: "c", as: String.self), default: 0] += 1 }
            }
            for (code, n) in counts where n > best.classes || (n == best.classes && code < best.code) { best = (code, n) }
            #expect(best.classes >= 2, "no enterprise appears in two classes")
            let page = try await app.send(.GET, "/credit/\(best.code)")
            #expect(page.status == .ok)
            #expect(page.body.string.components(separatedBy: "data-testid=\"credit-class-").count - 1 == best.classes)
        }
    }

    /// 严重违法失信名单 and 守合同重信用 are open classes of their own: an enterprise on either list has it on its page.
    @Test func demoCreditPageListsTheNewClasses() async throws {
        try await withDataBank { app in
            _ = try await DemoCommand.loadStories(volume: .small, on: app.db)
            let credit = try await app.send(.GET, "/credit")
            for name in ["严重违法失信企业名单信息", "守合同重信用企业公示信息"] {
                let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$name == name).first(), "\(name)")
                #expect(resource.openType == OpenType.unconditional.rawValue)
                let service = try #require(try await LookupServices.creditClasses(on: app.db).first { $0.resourceCode == resource.code }, "\(name)")
                #expect(credit.body.string.contains(Escape.text(service.name)))
                let store = try await RecordStores.find(resource.code, on: app.db)
                // An enterprise of the register on this list (the lists name registered enterprises).
                let register = try await RecordStores.find(
                    try #require(try await LookupServiceRow.find("enterprise-register", on: app.db)).resourceCode, on: app.db)
                let row = try #require(
                    try await app.db.sql.raw(
                        """
                        SELECT a.credit_code AS c FROM \(ident: store.tables.records) a JOIN \(ident: register.tables.records) r ON r.credit_code = a.credit_code
                        ORDER BY a.credit_code
                        """
                    ).first(), "\(name) names no registered enterprise")
                let code = try row.decode(column: "c", as: String.self)
                let page = try await app.send(.GET, "/credit/\(code)")
                #expect(page.status == .ok)
                #expect(page.body.string.contains("data-testid=\"credit-class-\(service.code)\""), "\(name) on \(code)'s page")
                #expect(page.body.string.contains("data-testid=\"credit-class-enterprise-register\""), "\(code) is in the register")
            }
            // No enterprise is both on the dishonesty list and published as trustworthy.
            var lists: [String] = []
            for name in ["严重违法失信企业名单信息", "守合同重信用企业公示信息"] {
                let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$name == name).first())
                lists.append(try await RecordStores.find(resource.code, on: app.db).tables.records)
            }
            let both = try await app.db.sql.raw(
                "SELECT COUNT(*) AS n FROM \(ident: lists[0]) a JOIN \(ident: lists[1]) b ON a.credit_code = b.credit_code"
            ).first()
            #expect(try both?.decode(column: "n", as: Int.self) == 0)
        }
    }

    /// The demo's name search is partial: a piece from the middle of a registered name finds it.
    @Test func demoNameSearchFindsAnInfix() async throws {
        try await withDataBank { app in
            _ = try await DemoCommand.loadStories(volume: .small, on: app.db)
            let names = try #require(try await LookupServiceRow.find("enterprise-names", on: app.db))
            #expect(names.match == .partial)
            let store = try await RecordStores.find(names.resourceCode, on: app.db)
            let row = try #require(
                try await app.db.sql.raw("SELECT credit_code AS c, enterprise_name AS n FROM \(ident: store.tables.records) ORDER BY credit_code").first())
            let code = try row.decode(column: "c", as: String.self), name = try row.decode(column: "n", as: String.self)
            let infix = String(name.dropFirst(3).prefix(4))
            let res = try await app.send(
                .GET, "/api/v1/open/lookups/enterprise-names?q=" + (infix.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? infix))
            #expect(res.status == .ok, "\(res.body.string)")
            let hits = try res.decode(CreditLookupTests.Hits.self)
            #expect(hits.items.allSatisfy { if case .string(let n)? = $0["enterprise_name"] { n.contains(infix) } else { false } })
            let page = try await app.send(.GET, "/credit?q=" + (infix.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? infix))
            #expect(page.body.string.contains("href=\"/credit/\(code)\"") || hits.count == LookupServices.limit, "\(infix) finds \(name)")
        }
    }
}
