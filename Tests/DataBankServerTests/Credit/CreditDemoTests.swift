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
}
