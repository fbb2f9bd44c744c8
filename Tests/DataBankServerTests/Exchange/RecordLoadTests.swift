import DataBankCore
@testable import DataBankServer
import Fluent
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Record loads")
struct RecordLoadTests {
    /// Publishing gives a resource its record store; an unpublished resource refuses records with 409.
    @Test func onlyPublishedResourcesHaveStores() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            #expect(f.layout.columns.count > 0)
            #expect(!f.layout.keyColumns.isEmpty)
            let steward = try await app.token("scj_steward")
            let created = try await app.send(.POST, "/api/v1/resources", token: steward, json: try await sampleResource(app))
            #expect(created.status == .created)
            let res = try await app.sendRaw(
                .POST, "/api/v1/resources/301001-09001/records", token: steward,
                contentType: "text/csv", body: Array("a\n1\n".utf8))
            #expect(res.status == .conflict)
            #expect(try res.errorBody().code == "not_published")
        }
    }

    /// A CSV load stores the good rows and quarantines the bad one with its row, column and value.
    @Test func csvLoadQuarantinesBadRows() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            var csv = f.csv(rows: 0..<3)
            let bad = f.layout.columns.map { c in c.primaryKey ? "KBAD" : (c.type == .D ? "2023-02-30" : f.value(c, row: 9)) }
            csv += bad.joined(separator: ",") + "\n"
            let res = try await app.loadCSV(f, csv, token: token)
            let summary = try res.decode(LoadAnswer.self)
            #expect(summary.inserted == 3)
            #expect(summary.rejected == (f.layout.columns.contains { $0.type == .D } ? 1 : 0))
            #expect(res.headers.first(name: "X-Request-Hash")?.count == 64)
            if summary.rejected == 1 {
                let q = try await app.send(.GET, "/api/v1/resources/\(f.code)/quarantine", token: token).decode(ListPage<QuarantineItem>.self)
                // One entry per finding, as validation lists them: the bad date, and the key's own checks.
                #expect(q.items.allSatisfy { $0.row == 5 })
                #expect(q.items.contains { $0.code == "type_error" && $0.value == "2023-02-30" })
            }
            #expect(try await app.allRecords(f, token: token).count == 3)
        }
    }

    /// Unknown and missing columns refuse the whole load before anything is written, naming them.
    @Test func badHeaderRefusesLoad() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let header = f.layout.columns.dropLast().map(\.name) + ["no_such_column"]
            let res = try await app.loadCSV(f, header.joined(separator: ",") + "\n1,2\n", token: token)
            #expect(res.status == .unprocessableEntity)
            let error = try res.errorBody()
            #expect(error.code == "bad_header")
            #expect(error.details.contains { $0.field == "no_such_column" && $0.code == "unknown_column" })
            #expect(error.details.contains { $0.field == f.layout.columns.last!.name && $0.code == "missing_column" })
            #expect(try await app.allRecords(f, token: token).isEmpty)
        }
    }

    /// GB18030 files are detected and decoded without being told the encoding.
    @Test func gb18030IsDetected() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let text = try #require(f.textColumn)
            let token = try await app.token(f.steward)
            let csv =
                f.layout.columns.map(\.name).joined(separator: ",") + "\n"
                + f.layout.columns.map { $0.name == text.name ? "__TEXT__" : f.value($0, row: 1).replacingOccurrences(of: "值", with: "v") }
                .joined(separator: ",") + "\n"
            // "企业登记" in GB18030 where the text goes.
            let gb: [UInt8] = [0xC6, 0xF3, 0xD2, 0xB5, 0xB5, 0xC7, 0xBC, 0xC7]
            let parts = csv.components(separatedBy: "__TEXT__")
            let body = Array(parts[0].utf8) + gb + Array(parts[1].utf8)
            let res = try await app.sendRaw(.POST, "/api/v1/resources/\(f.code)/records", token: token, contentType: "text/csv", body: body)
            let summary = try res.decode(LoadAnswer.self)
            #expect(summary.encoding == "gb18030")
            #expect(summary.inserted == 1)
            let records = try await app.allRecords(f, token: token)
            #expect(records.values.first?[text.name] == .string("企业登记"))
        }
    }

    /// NDJSON and JSON arrays load like CSV; fields may come in any order.
    @Test func jsonFormatsLoad() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            func object(_ row: Int) -> String {
                "{"
                    + f.layout.columns.reversed().map { c in
                        let v = f.value(c, row: row)
                        let json = [.I, .N, .Y, .F, .B].contains(c.type) ? v : c.type == .L ? v : JSONText.encode(v)
                        return JSONText.encode(c.name) + ":" + json
                    }.joined(separator: ",") + "}"
            }
            let nd = try await app.sendRaw(
                .POST, "/api/v1/resources/\(f.code)/records", token: token, contentType: "application/x-ndjson",
                body: Array((object(1) + "\n" + object(2) + "\n").utf8))
            #expect(try nd.decode(LoadAnswer.self).inserted == 2)
            let arr = try await app.sendRaw(
                .POST, "/api/v1/resources/\(f.code)/records", token: token, contentType: "application/json",
                body: Array(("[" + object(3) + "," + object(4) + "]").utf8))
            #expect(try arr.decode(LoadAnswer.self).inserted == 2)
            #expect(try await app.allRecords(f, token: token).count == 4)
        }
    }

    /// Upsert updates existing keys; append refuses them as duplicates into the quarantine.
    @Test func upsertUpdatesAppendRefuses() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<4), token: token)
            let up = try await app.loadCSV(f, f.csv(rows: 2..<6, variant: 1), mode: "upsert", token: token).decode(LoadAnswer.self)
            #expect((up.inserted, up.updated) == (2, 2))
            let append = try await app.loadCSV(f, f.csv(rows: 5..<7), mode: "append", token: token).decode(LoadAnswer.self)
            #expect((append.inserted, append.rejected) == (1, 1))
            #expect(try await app.allRecords(f, token: token).count == 7)
        }
    }

    /// A replace swaps the whole set; a replace that fails leaves the old records untouched.
    @Test func replaceIsAllOrNothing() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<5), token: token)
            let broken = f.csv(rows: 10..<12) + "{unbalanced\n"
            let badJSON = try await app.sendRaw(
                .POST, "/api/v1/resources/\(f.code)/records?mode=replace", token: token,
                contentType: "application/json", body: Array("[{\"x\":".utf8))
            #expect(badJSON.status.code >= 400)
            _ = broken
            #expect(try await app.allRecords(f, token: token).count == 5)
            let ok = try await app.loadCSV(f, f.csv(rows: 10..<12), mode: "replace", token: token).decode(LoadAnswer.self)
            #expect(ok.inserted == 2)
            let after = try await app.allRecords(f, token: token)
            #expect(after.count == 2)
            let feed = try await app.send(.GET, "/api/v1/resources/\(f.code)/changes?limit=100", token: token).decode(ChangePage.self)
            #expect(feed.items.map(\.op).contains("reset"))
        }
    }

    /// A load whose process died (no batch committed for two minutes) is shown as interrupted, with what it committed.
    @Test func silentLoadIsMarkedInterrupted() async throws {
        try await withDataBank { app in
            let load = LoadRow()
            load.resourceCode = "102003-00001"; load.mode = "append"; load.format = "csv"; load.actorName = "cli"
            load.status = "running"; load.inserted = 30_000; load.updated = 0; load.rejected = 0
            load.startedAt = Date().addingTimeInterval(-600); load.heartbeatAt = Date().addingTimeInterval(-300)
            try await load.create(on: app.db)
            let alive = LoadRow()
            alive.resourceCode = "102003-00001"; alive.mode = "append"; alive.format = "csv"; alive.actorName = "cli"
            alive.status = "running"; alive.inserted = 0; alive.updated = 0; alive.rejected = 0
            alive.startedAt = Date(); alive.heartbeatAt = Date()
            try await alive.create(on: app.db)
            try await LoadRow.markInterrupted(on: app.db)
            #expect(try await LoadRow.find(load.id, on: app.db)?.status == "interrupted")
            #expect(try await LoadRow.find(load.id, on: app.db)?.inserted == 30_000)
            #expect(try await LoadRow.find(alive.id, on: app.db)?.status == "running")
        }
    }

    /// A JSON body cut off mid-record keeps every complete record before the cut, and the error says how many.
    @Test func brokenStreamKeepsCommittedBatches() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let store = try await RecordStores.find(f.code, on: app.db)
            let sample = SampleRecords(layout: f.layout, rules: try await QualitySetup.load(store, on: app.db).rules)
            let lines = (0..<10_001).map { i in
                "{"
                    + f.layout.columns.map { c in
                        let v = sample.value(c, row: i)
                        return JSONText.encode(c.name) + ":" + ([.I, .N, .Y, .F, .B, .L].contains(c.type) ? v : JSONText.encode(v))
                    }.joined(separator: ",") + "}"
            }
            let body = "[" + lines.joined(separator: ",") + ",{\"broken\":"
            let res = try await app.sendRaw(
                .POST, "/api/v1/resources/\(f.code)/records", token: token,
                contentType: "application/json", body: Array(body.utf8))
            #expect(res.status == .badRequest)
            let error = try res.errorBody()
            #expect(error.code == "malformed_json")
            #expect(error.message.contains("10001 rows inserted"))
            #expect(try await app.allRecords(f, token: token).count == 10_001)
        }
    }
}
