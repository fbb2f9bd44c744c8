import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The enterprise register, open to the public (无条件开放) with records, and what its default masks hide.
struct OpenFixture {
    var store: StoreFixture
    /// A column shown masked on the portal, and the clear values loaded into it.
    var maskedColumn: String
    var clearValues: [String]
    var rows: Int

    var code: String { store.code }

    static func make(_ app: Application, rows: Int = 30) async throws -> OpenFixture {
        let f = try await StoreFixture.enterprise(app, openToPublic: true)
        let load = try await app.loadCSV(f, f.csv(rows: 0..<rows), token: try await app.token(f.steward))
        #expect(load.status == .ok, "\(load.body.string)")
        let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
        let masks = try await GrantAccess.defaultMasks(resource: resource, on: app.db)
        // A masked text column whose loaded values are long enough to be recognised if they leaked.
        let column = try #require(
            f.layout.columns.first { c in
                guard let rule = masks[c.name], rule != .clear, c.type == .C else { return false }
                return (0..<rows).allSatisfy { f.value(c, row: $0).count >= 6 }
            }, "the enterprise register has a masked item")
        return OpenFixture(store: f, maskedColumn: column.name, clearValues: (0..<rows).map { f.value(column, row: $0) }, rows: rows)
    }

    /// Whether `text` shows any loaded value of the masked column in clear.
    func leaks(_ text: String) -> Bool { clearValues.contains { text.contains($0) } }
}

extension Application {
    /// Sets the open type of a resource (无条件开放, 有条件开放, 不予开放) in its catalog columns.
    func setOpenType(_ code: String, _ type: OpenType) async throws {
        let row = try #require(try await ResourceRow.query(on: db).filter(\.$code == code).first())
        row.openType = type.rawValue
        try await row.save(on: db)
    }

    /// The number a page shows in the element `data-testid="<testid>"`'s first `count`/`figure-value` span.
    static func number(in html: String, after testid: String) -> Int? {
        guard let start = html.range(of: "data-testid=\"\(testid)\"") else { return nil }
        let tail = html[start.upperBound...]
        guard let open = tail.range(of: "<span class=\"") , let gt = tail[open.upperBound...].firstIndex(of: ">") else { return nil }
        let digits = tail[tail.index(after: gt)...].prefix { $0.isNumber || $0 == "," }.filter { $0 != "," }
        return Int(digits)
    }
}
