import DataBankCore
@testable import DataBankServer
import Fluent
import SQLKit
import Testing
import Vapor
import VaporTesting

struct RecordPage: Decodable {
    var items: [[String: JSONValue]]
    var total: Int
    var next: String?
    var fields: [String]
}

@Suite("Record queries and change feed")
struct RecordQueryTests {
    /// Keyset paging walks every record exactly once, in key order, with an exact total.
    @Test func keysetPagingIsComplete() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<25), token: token)
            var seen: [String] = []
            var after: String?
            repeat {
                let page = try await app.send(
                    .GET, "/api/v1/resources/\(f.code)/records?limit=10" + (after.map { "&after=\($0)" } ?? ""),
                    token: token
                ).decode(RecordPage.self)
                #expect(page.total == 25)
                seen += page.items.map { $0[f.keyColumn.name]?.text ?? "" }
                after = page.next
            } while after != nil
            #expect(seen == (0..<25).map { f.key($0) })
        }
    }

    /// Filters compare typed values: equals, in, prefix, and is-null.
    @Test func filters() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<12), token: token)
            let key = f.keyColumn.name
            func total(_ q: String) async throws -> Int {
                try await app.send(.GET, "/api/v1/resources/\(f.code)/records?\(q)", token: token).decode(RecordPage.self).total
            }
            #expect(try await total("\(key)=\(f.key(3))") == 1)
            #expect(try await total("\(key)__in=\(f.key(3)),\(f.key(4)),\(f.key(99_999))") == 2)
            #expect(try await total("\(key)__prefix=\(f.key(10).prefix(15))") == 2)
            #expect(try await total("\(key)__gte=\(f.key(10))") == 2)
            #expect(try await total("\(key)__isnull=true") == 0)
            let bad = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?nope=1", token: token)
            #expect(bad.status == .badRequest)
            #expect(try bad.errorBody().details.first?.field == "nope")
        }
    }

    /// One record by key; `fields=` narrows the answer; an unknown key is 404.
    @Test func oneRecordAndFields() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: token)
            let one = try await app.send(.GET, "/api/v1/resources/\(f.code)/records/\(f.key(1))?fields=\(f.keyColumn.name)", token: token)
            #expect(one.status == .ok)
            #expect(try one.decode([String: JSONValue].self) == [f.keyColumn.name: .string(f.key(1))])
            #expect(try await app.send(.GET, "/api/v1/resources/\(f.code)/records/K999", token: token).status == .notFound)
        }
    }

    /// CSV and NDJSON exports stream every record; the CSV opens with a BOM and the header.
    @Test func exportsStreamEverything() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<7), token: token)
            let csv = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?format=csv&limit=all", token: token)
            let lines = csv.body.string.split(separator: "\r\n")
            #expect(lines.count == 8)
            #expect(lines.first == Substring("\u{FEFF}" + f.header()))
            #expect(try await app.allRecords(f, token: token).count == 7)
        }
    }

    /// A snapshot plus the changes after it equals the current state, across inserts, updates and deletes.
    @Test func snapshotPlusChangesEqualsState() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<10), token: token)
            var state = try await app.allRecords(f, token: token)
            let snapshotSeq = try await app.send(.GET, "/api/v1/resources/\(f.code)/changes?after=0&limit=1", token: token)
                .decode(ChangePage.self).lastSeq
            _ = try await app.loadCSV(f, f.csv(rows: 5..<15, variant: 2), token: token)
            #expect(try await app.send(.DELETE, "/api/v1/resources/\(f.code)/records/\(f.key(2))", token: token).status == .noContent)
            _ = try await app.loadCSV(f, f.csv(rows: 14..<16, variant: 3), token: token)
            var after = snapshotSeq
            while true {
                let page = try await app.send(.GET, "/api/v1/resources/\(f.code)/changes?after=\(after)&limit=4", token: token).decode(ChangePage.self)
                for change in page.items {
                    #expect(change.seq == after + 1)  // gap-free and ordered
                    after = change.seq
                    let key = change.key?.map(\.text).joined(separator: ",") ?? ""
                    switch change.op {
                    case "insert", "update": state[key] = change.data
                    case "delete": state[key] = nil
                    case "reset": state = [:]
                    default: Issue.record("unknown op \(change.op)")
                    }
                }
                if page.items.isEmpty { break }
            }
            #expect(state == (try await app.allRecords(f, token: token)))
        }
    }

    /// Records stay with their provider: another department's steward and a viewer are refused;
    /// the data authority must give a purpose.
    @Test func whoMayRead() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let path = "/api/v1/resources/\(f.code)/records"
            #expect(try await app.send(.GET, path).status == .unauthorized)
            #expect(try await app.send(.GET, path, token: try await app.token("rsj_steward")).status == .forbidden)
            #expect(try await app.send(.GET, path, token: try await app.token("viewer")).status == .forbidden)
            let admin = try await app.token("admin")
            let noPurpose = try await app.send(.GET, path, token: admin)
            #expect(noPurpose.status == .badRequest)
            #expect(try noPurpose.errorBody().code == "purpose_required")
            #expect(try await app.send(.GET, path + "?purpose=%E5%B9%B4%E5%BA%A6%E6%A0%B8%E6%9F%A5", token: admin).status == .ok)
        }
    }
}

@Suite("Audit log")
struct AuditLogTests {
    /// Every record access is written to the audit log with its request hash, and the chain verifies.
    @Test func accessesAreAuditedAndChained() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let load = try await app.loadCSV(f, f.csv(rows: 0..<3), token: token)
            let read = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?limit=2", token: token)
            let sql = app.db.sql
            let entries = try await sql.raw("SELECT * FROM audit_log ORDER BY seq").all().map(AuditLog.decode)
            #expect(entries.map(\.operation) == ["load.upsert", "query"])
            #expect(entries.map(\.recordCount) == [3, 2])
            #expect(entries[0].requestHash == load.headers.first(name: "X-Request-Hash"))
            #expect(entries[1].requestHash == read.headers.first(name: "X-Request-Hash"))
            #expect(entries.allSatisfy { $0.actorName == "scj_steward" && $0.resourceCode == f.code })
            #expect(try await AuditLog.verify(on: app.db, trail: app.auditTrail).broken == nil)
        }
    }

    /// Altering, deleting or reordering an entry is found, naming the exact entry.
    @Test(arguments: ["alter", "delete", "reorder", "truncate"])
    func tamperingIsFound(_ tamper: String) async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            for i in 0..<5 { _ = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?limit=\(i + 1)", token: token) }
            let sql = app.db.sql
            let expected: Int
            switch tamper {
            case "alter": try await sql.raw("UPDATE audit_log SET record_count = 999 WHERE seq = 3").run(); expected = 3
            case "delete": try await sql.raw("DELETE FROM audit_log WHERE seq = 2").run(); expected = 2
            case "reorder":
                try await sql.raw("UPDATE audit_log SET seq = 100 WHERE seq = 3").run()
                try await sql.raw("UPDATE audit_log SET seq = 3 WHERE seq = 4").run()
                try await sql.raw("UPDATE audit_log SET seq = 4 WHERE seq = 100").run()
                expected = 3
            default: try await sql.raw("DELETE FROM audit_log WHERE seq = 5").run(); expected = 5
            }
            let result = try await AuditLog.verify(on: app.db, trail: app.auditTrail)
            #expect(result.broken?.seq == expected)
        }
    }
}
