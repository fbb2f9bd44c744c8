import DataBankCore
@testable import DataBankServer
import Fluent
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Record store migrations")
struct StoreMigrationTests {
    struct Step: Encodable, Sendable { var action: String; var reason: String? = nil }

    /// Publishes a change of the enterprise resource made by `edit`; returns the publish answer.
    func publishChange(_ app: Application, _ edit: (inout ResourceSnapshot, [StandardRow]) -> Void) async throws -> TestingHTTPResponse {
        let steward = try await app.token("scj_steward"), admin = try await app.token("admin")
        let f = try await StoreFixture.enterprise(app)
        let path = "/api/v1/resources/\(f.code)"
        let detail = try await app.send(.POST, "\(path)/transitions", token: steward, json: Step(action: "requestChange", reason: "调整信息项"))
            .decode(ResourceDetail.self)
        var edited = try #require(detail.working)
        edit(&edited, try await StandardRow.query(on: app.db).filter(\.$dataType == "C").sort(\.$code).all())
        let saved = try await app.send(.PUT, path, token: steward, json: ResourceAPI.UpdateBody(version: detail.version, resource: edited))
        #expect(saved.status == .ok)
        for step in ["submit", "approve"] {
            #expect(try await app.send(.POST, "\(path)/transitions", token: admin, json: Step(action: step)).status == .ok)
        }
        return try await app.send(.POST, "\(path)/transitions", token: admin, json: Step(action: "publish"))
    }

    /// A published change that adds an item adds its column; the records already stored keep their values.
    @Test func addedItemAddsColumn() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: try await app.token(f.steward))
            let published = try await publishChange(app) { s, standards in
                let used = Set(s.items.map(\.standardCode))
                let std = standards.first { !used.contains($0.code) }!
                s.items.append(InformationItem(name: std.name, column: "extra_note", standardCode: std.code, dataType: .C,
                                               length: std.length, sensitivity: Sensitivity(rawValue: std.sensitivity)!, queryField: true))
            }
            #expect(published.status == .ok)
            let store = try await RecordStores.find(f.code, on: app.db)
            #expect(store.recordLayout.column(named: "extra_note") != nil)
            let records = try await app.allRecords(StoreFixture(code: f.code, layout: store.recordLayout, steward: f.steward),
                                                   token: try await app.token(f.steward))
            #expect(records.count == 3)
            #expect(records.values.allSatisfy { $0["extra_note"] == .null })
        }
    }

    /// A change that would lose stored data (an item removed) is refused at publication, naming why; nothing changes.
    @Test func removedItemIsRefused() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let removed = f.layout.columns.last!.name
            let published = try await publishChange(app) { s, _ in s.items.removeAll { $0.column == removed } }
            #expect(published.status == .conflict)
            let error = try published.errorBody()
            #expect(error.code == "store_incompatible")
            #expect(error.message.contains(removed))
            #expect(try await RecordStores.find(f.code, on: app.db).recordLayout.column(named: removed) != nil)
            let detail = try await app.send(.GET, "/api/v1/resources/\(f.code)").decode(ResourceDetail.self)
            #expect(detail.publishedRevision == 1)
        }
    }
}
