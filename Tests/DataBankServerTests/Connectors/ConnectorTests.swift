import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Connectors")
struct ConnectorTests {
    /// An incremental SQLite connector reads every row the first time, then only rows past the watermark.
    @Test func incrementalRunsReadOnlyWhatIsNewAndMoveTheWatermark() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            try await cf.writeSource(rows: 0..<25)
            let created = try await app.send(.POST, "/api/v1/connectors", token: token, json: cf.body())
            #expect(created.status == .created)
            let first = try await app.send(.POST, "/api/v1/connectors/scj-reg/run", token: token).decode(RunAnswer.self)
            #expect(first.status == "succeeded")
            #expect(first.rowsRead == 25 && first.inserted == 25 && first.refused == 0)
            #expect(first.watermarkBefore == nil && first.watermarkAfter == "25")
            // New rows 25..<30 and a changed row 3 (its seq moves past the watermark).
            try await cf.writeSource(rows: 25..<30)
            try await cf.writeSource(rows: 3..<4, variant: 7, seq: { _ in 31 })
            let second = try await app.send(.POST, "/api/v1/connectors/scj-reg/run", token: token).decode(RunAnswer.self)
            #expect(second.status == "succeeded")
            #expect(second.rowsRead == 6 && second.inserted == 5 && second.updated == 1)
            #expect(second.watermarkBefore == "25" && second.watermarkAfter == "31")
            let records = try await app.allRecords(cf.store, token: token)
            #expect((0..<30).allSatisfy { records[cf.store.key($0)] != nil })
            // Nothing new: an empty run keeps the watermark.
            let third = try await app.send(.POST, "/api/v1/connectors/scj-reg/run", token: token).decode(RunAnswer.self)
            #expect(third.rowsRead == 0 && third.watermarkAfter == "31")
            let history = try await app.send(.GET, "/api/v1/connectors/scj-reg/runs", token: token).decode(ListPageAnswer<RunAnswer>.self)
            #expect(history.total == 3)
            #expect(history.items.map(\.rowsRead) == [0, 6, 25])
        }
    }

    /// Replace mode makes the store exactly the source's rows, through a read-only query.
    @Test func replaceModeMakesTheStoreTheSourceRows() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            try await cf.writeSource(rows: 0..<12)
            let body = cf.body(table: nil, query: "SELECT * FROM reg WHERE seq <= 10", mode: "replace", watermarkColumn: nil)
            #expect(try await app.send(.POST, "/api/v1/connectors", token: token, json: body).status == .created)
            let run = try await app.send(.POST, "/api/v1/connectors/scj-reg/run", token: token).decode(RunAnswer.self)
            #expect(run.status == "succeeded" && run.inserted == 10)
            let records = try await app.allRecords(cf.store, token: token)
            #expect(records.count == 10)
        }
    }

    /// Test connection: the first rows, mapped to items, and nothing saved.
    @Test func testConnectionShowsTheFirstRowsAndSavesNothing() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            try await cf.writeSource(rows: 0..<30)
            let res = try await app.send(.POST, "/api/v1/connectors/test", token: token, json: cf.body())
            #expect(res.status == .ok)
            struct Preview: Decodable { var rows: [[String: JSONValue]]; var count: Int }
            let preview = try res.decode(Preview.self)
            #expect(preview.count == 10)
            #expect(preview.rows.first?[cf.store.keyColumn.name] == .string(cf.store.key(0)))
            #expect(try await ConnectorRow.query(on: app.db).count() == 0)
        }
    }

    /// A query that is not one read-only statement is refused before it runs, with its field.
    @Test func aQueryThatWritesIsRefusedBeforeItRuns() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            try await cf.writeSource(rows: 0..<2)
            for query in ["DELETE FROM reg", "SELECT * FROM reg; DROP TABLE reg", "WITH d AS (DELETE FROM reg RETURNING *) SELECT * FROM d"] {
                let res = try await app.send(.POST, "/api/v1/connectors", token: token, json: cf.body(table: nil, query: query))
                #expect(res.status == .unprocessableEntity)
                let error = try res.errorBody()
                #expect(error.code == "invalid_connector")
                #expect(error.details.contains { $0.field == "source.query" && $0.code == "not_read_only" })
            }
            // The source is untouched.
            let preview = try await app.send(.POST, "/api/v1/connectors/test", token: token, json: cf.body())
            #expect(preview.body.string.contains("\"count\":2"))
        }
    }

    /// Mapping to an unknown item, a schedule that does not parse, a path outside the root: each named.
    @Test func badSettingsAreRefusedWithTheFieldAtFault() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            let mapping = cf.mapping + [.init(source: "src_extra", item: "no_such_item")]
            let res = try await app.send(
                .POST, "/api/v1/connectors", token: token, json: cf.body(path: "../elsewhere.sqlite", mapping: mapping, schedule: "61 * * * *"))
            #expect(res.status == .unprocessableEntity)
            let details = try res.errorBody().details
            #expect(details.contains { $0.field == "mapping[\(mapping.count - 1)].item" && $0.code == "unknown_item" })
            #expect(details.contains { $0.field == "schedule" && $0.code == "invalid_schedule" })
            #expect(details.contains { $0.field == "source.path" && $0.code == "path_outside_root" })
            #expect(try await ConnectorRow.query(on: app.db).count() == 0)
        }
    }

    /// A source that is not there: the test says so with the field; a run fails, backs off, and after
    /// `maxFailures` failures in a row the connector is paused and its department notified.
    @Test func failingRunsBackOffThenPauseAndNotifyTheOwner() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            let test = try await app.send(.POST, "/api/v1/connectors/test", token: token, json: cf.body(path: "missing.sqlite"))
            #expect(test.status == .unprocessableEntity)
            #expect(try test.errorBody().details.first?.field == "source.path")
            #expect(try test.errorBody().code == "source_unreachable")
            #expect(try await app.send(.POST, "/api/v1/connectors", token: token, json: cf.body(path: "missing.sqlite", maxFailures: 2)).status == .created)
            let first = try await app.send(.POST, "/api/v1/connectors/scj-reg/run", token: token).decode(RunAnswer.self)
            #expect(first.status == "failed")
            #expect(first.error?.contains("no such file") == true)
            var info = try await app.send(.GET, "/api/v1/connectors/scj-reg", token: token).decode(ConnectorInfo.self)
            #expect(info.failures == 1 && info.status == "active")
            #expect(info.nextRunAt.timeIntervalSince(try #require(info.lastRunAt)) >= 59)  // backed off a minute
            _ = try await app.send(.POST, "/api/v1/connectors/scj-reg/run", token: token)
            info = try await app.send(.GET, "/api/v1/connectors/scj-reg", token: token).decode(ConnectorInfo.self)
            #expect(info.failures == 2 && info.status == "paused")
            let notes = try await NotificationRow.query(on: app.db).filter(\.$kind == "connector.paused").all()
            #expect(notes.count == 1 && notes.first?.departmentCode == info.department)
            // Resuming clears the failures and makes it due at once.
            info = try await app.send(.PUT, "/api/v1/connectors/scj-reg", token: token, json: ConnectorBody(status: "active")).decode(ConnectorInfo.self)
            #expect(info.status == "active" && info.failures == 0)
        }
    }

    /// Source values that do not fit their items go to the quarantine, as with any load; the rest load.
    @Test func valuesThatDoNotFitGoToTheQuarantine() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            let key = cf.store.keyColumn
            try await cf.writeSource(rows: 0..<5, value: { c, r in c.name == key.name && r == 2 ? "NOT-A-CREDIT-CODE-AT-ALL" : nil })
            #expect(try await app.send(.POST, "/api/v1/connectors", token: token, json: cf.body()).status == .created)
            let run = try await app.send(.POST, "/api/v1/connectors/scj-reg/run", token: token).decode(RunAnswer.self)
            #expect(run.status == "succeeded")
            #expect(run.inserted == 4 && run.refused == 1)
            let quarantine = try await app.send(.GET, "/api/v1/resources/\(cf.store.code)/quarantine", token: token)
            #expect(quarantine.body.string.contains("NOT-A-CREDIT-CODE-AT-ALL"))
        }
    }

    /// Two instances never run one connector at once: the lease goes to one claim; a manual run meanwhile is 409.
    @Test func oneLeaseAtATime() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            try await cf.writeSource(rows: 0..<3)
            #expect(try await app.send(.POST, "/api/v1/connectors", token: token, json: cf.body()).status == .created)
            try await app.db.sql.raw("UPDATE connectors SET next_run_at = \(bind: Date().addingTimeInterval(-5))").run()
            async let a = ConnectorScheduler.claim(now: Date(), on: app.db)
            async let b = ConnectorScheduler.claim(now: Date(), on: app.db)
            let claims = try await [a, b].compactMap { $0 }
            #expect(claims.count == 1)
            let busy = try await app.send(.POST, "/api/v1/connectors/scj-reg/run", token: token)
            #expect(busy.status == .conflict)
            #expect(try busy.errorBody().code == "connector_running")
            // The scheduler's run under that lease completes and releases it.
            let (id, lease) = try #require(claims.first)
            let run = try await ConnectorRunner.run(id, token: lease, trigger: "schedule", app: app)
            #expect(run.status == "succeeded" && run.inserted == 3)
            #expect(try await ConnectorScheduler.claim(now: Date(), on: app.db) == nil)  // not due again yet
        }
    }

    /// A run killed mid-way (its lease ran out, its history row still "running") is marked interrupted,
    /// and the next run resumes from the watermark committed before it stopped.
    @Test func aKilledRunResumesFromTheLastCommittedWatermark() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            try await cf.writeSource(rows: 0..<10)
            #expect(try await app.send(.POST, "/api/v1/connectors", token: token, json: cf.body()).status == .created)
            let connector = try #require(try await ConnectorRow.query(on: app.db).first())
            // As a killed run leaves it: rows up to seq 6 committed with the watermark, the lease lapsed.
            try await cf.writeSource("other.sqlite", rows: 0..<6)
            connector.watermark = "6"; connector.watermarkType = "integer"
            connector.leaseUntil = Date().addingTimeInterval(-1); connector.leaseToken = "dead"; connector.nextRunAt = Date().addingTimeInterval(-1)
            try await connector.save(on: app.db)
            let dead = ConnectorRunRow()
            dead.connectorID = try connector.requireID(); dead.connectorCode = connector.code; dead.resourceCode = connector.resourceCode
            dead.trigger = "schedule"; dead.status = "running"; dead.startedAt = Date().addingTimeInterval(-600);
            dead.heartbeatAt = Date().addingTimeInterval(-400)
            dead.rowsRead = 6; dead.inserted = 6; dead.updated = 0; dead.refused = 0
            try await dead.create(on: app.db)
            #expect(try await ConnectorScheduler.runOnce(app: app))
            let runs = try await ConnectorRunRow.query(on: app.db).sort(\.$startedAt).all()
            #expect(runs.map(\.status) == ["interrupted", "succeeded"])
            #expect(runs[1].watermarkBefore == "6" && runs[1].rowsRead == 4 && runs[1].watermarkAfter == "10")
        }
    }

    /// The password is sealed on arrival: no answer shows it, and the database holds no clear text of it.
    @Test func aSecretIsNeverShownAgain() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            let body = ConnectorBody(
                code: "scj-pg", name: "登记系统", resource: cf.store.code,
                source: .init(kind: "postgres", table: "reg", host: "127.0.0.1", port: 5432, database: "registry", user: "reader", password: "hunter2-secret"),
                mapping: cf.mapping, schedule: "0 2 * * *", mode: "replace")
            let created = try await app.send(.POST, "/api/v1/connectors", token: token, json: body)
            #expect(created.status == .created)
            #expect(!created.body.string.contains("hunter2"))
            #expect(try created.decode(ConnectorInfo.self).secretSet)
            for path in ["/api/v1/connectors", "/api/v1/connectors/scj-pg"] {
                #expect(!(try await app.send(.GET, path, token: token).body.string.contains("hunter2")))
            }
            let row = try #require(try await ConnectorRow.query(on: app.db).first())
            #expect(row.secret?.contains("hunter2") == false)
            #expect(try ConnectorSecrets.open(row.secret!, code: "scj-pg", key: try await ConnectorSecrets.key(app: app, on: app.db)) == "hunter2-secret")
            // Another connector's code does not open it.
            #expect(throws: AppError.self) { try ConnectorSecrets.open(row.secret!, code: "other", key: SymmetricKey(size: .bits256)) }
        }
    }

    /// Another department neither sees nor manages the connector; a viewer of the provider does not manage it.
    @Test func onlyTheProviderAndTheDataAuthorityManageIt() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            try await cf.writeSource(rows: 0..<2)
            #expect(try await app.send(.POST, "/api/v1/connectors", token: token, json: cf.body()).status == .created)
            let other = try await app.token("jtj_steward")
            #expect(try await app.send(.GET, "/api/v1/connectors/scj-reg", token: other).status == .notFound)
            #expect(try await app.send(.POST, "/api/v1/connectors/scj-reg/run", token: other).status == .notFound)
            let list = try await app.send(.GET, "/api/v1/connectors", token: other).decode(ListPageAnswer<ConnectorInfo>.self)
            #expect(list.items.isEmpty)
            let stolen = try await app.send(.POST, "/api/v1/connectors", token: other, json: cf.body(code: "jtj-takes"))
            #expect([.forbidden, .notFound].contains(stolen.status))
            let admin = try await app.token("admin")
            #expect(try await app.send(.GET, "/api/v1/connectors/scj-reg", token: admin).status == .ok)
            #expect(try await app.send(.GET, "/api/v1/connectors/scj-reg", token: nil).status == .unauthorized)
        }
    }
}

/// A list answer's items and total.
struct ListPageAnswer<T: Decodable>: Decodable {
    var items: [T]
    var total: Int
}
