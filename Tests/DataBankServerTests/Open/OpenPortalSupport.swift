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
        // Every text column of the fixture holds "值N-0"; the phone gets values of its own, so a leak is recognisable.
        let phoneAt = try #require(f.layout.columns.firstIndex { $0.name == "contact_phone" })
        let phones = (0..<rows).map { "0757-83" + String(100_000 + $0) }
        let lines = f.csv(rows: 0..<rows).split(separator: "\n").enumerated().map { i, line -> String in
            guard i > 0 else { return String(line) }
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells[phoneAt] = phones[i - 1]
            return cells.joined(separator: ",")
        }
        let load = try await app.loadCSV(f, lines.joined(separator: "\n") + "\n", token: try await app.token(f.steward))
        #expect(load.status == .ok, "\(load.body.string)")
        // The register publishes every item in clear; its contact phone is made sensitive here, so the
        // portal must show it under its default mask.
        let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
        var snapshot = try #require(resource.catalogSnapshot)
        let index = try #require(snapshot.items.firstIndex { $0.column == "contact_phone" })
        snapshot.items[index].sensitivity = .sensitive
        resource.snapshot = JSONText.encode(snapshot)
        try await resource.save(on: app.db)
        let masks = try await GrantAccess.defaultMasks(resource: resource, on: app.db)
        #expect(masks["contact_phone"] != .clear)
        return OpenFixture(store: f, maskedColumn: "contact_phone", clearValues: phones, rows: rows)
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
        guard let open = tail.range(of: "<span class=\""), let gt = tail[open.upperBound...].firstIndex(of: ">") else { return nil }
        let digits = tail[tail.index(after: gt)...].prefix { $0.isNumber || $0 == "," }.filter { $0 != "," }
        return Int(digits)
    }
}
