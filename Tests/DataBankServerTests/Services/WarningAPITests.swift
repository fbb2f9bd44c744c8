@testable import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Early warnings through the real API: a rule watches a store's change log, fires on new records against
/// the entity's history, merges repeats, reaches the subscribing department through its own grant, and is
/// acknowledged, assigned and closed there.
@Suite("Services: early warnings (预警)")
struct WarningAPITests {
    /// The seed's labour-dispute signal: a drop against the three-month mean fires for that enterprise only,
    /// with the values that made it; the labour bureau is told in its inbox; reading the warnings is audited.
    @Test func aDropAgainstTheHistoryFiresAndReachesTheSubscriber() async throws {
        try await withDataBank { app in
            let f = try await WarningFixture.make(app)
            let defined = try await f.define(app, f.rule())
            #expect(defined.status == .created, "\(defined.body.string)")
            try await f.steadyThenDrop(app)
            while try await WarningEvaluator.followAll(app: app) {}
            let warnings = try await f.warnings(app)
            #expect(warnings.count == 1)
            let w = try #require(warnings.first)
            let values = Dictionary(uniqueKeysWithValues: w.values.map { ($0.name, $0.value) })
            #expect(w.entity == WarningFixture.enterprise(2).code && w.state == "open" && w.firings == 1)
            #expect(values["kwh"] == "6000.00" || values["kwh"] == "6000", "\(values)")
            #expect(values["avg_prior(kwh, 3)"].flatMap { Double($0) } == 20_000 && values["enterprise_name"] == WarningFixture.enterprise(2).name)
            let inbox = try await NotificationRow.query(on: app.db).filter(\.$departmentCode == f.labourDepartment).filter(\.$kind == "warning").all()
            #expect(inbox.count == 1 && inbox[0].text.contains("企业用电量骤降"))
            let audited = try await app.db.sql.raw("SELECT count(*) AS n FROM audit_log WHERE operation = 'warnings.read'").first()?.decode(
                column: "n", as: Int.self)
            #expect(audited == 1)
        }
    }

    /// Another drop for the same enterprise within the window joins its open warning; once it is closed, the
    /// next drop raises a new one.
    @Test func repeatsMergeUntilTheWarningIsClosed() async throws {
        try await withDataBank { app in
            let f = try await WarningFixture.make(app)
            #expect(try await f.define(app, f.rule()).status == .created)
            try await f.steadyThenDrop(app)
            try await f.load(app, [(2, "202612", "5000.00")])
            while try await WarningEvaluator.followAll(app: app) {}
            let merged = try await f.warnings(app)
            #expect(merged.count == 1 && merged[0].firings == 2)
            #expect(merged[0].values.first { $0.name == "kwh" }.flatMap { Double($0.value) } == 5_000, "the latest values")
            let closed = try await app.send(.POST, "/api/v1/warnings/\(merged[0].id)/close", token: f.labourToken, json: ["note": "已约谈企业"])
            #expect(closed.status == .ok)
            try await f.load(app, [(2, "202701", "4000.00")])
            while try await WarningEvaluator.followAll(app: app) {}
            #expect(try await f.warnings(app, "?state=open").count == 1)
            #expect(try await f.warnings(app).count == 2)
        }
    }

    /// A rule whose store is gone (retired, unpublished) is logged and skipped: the other stores' rules still fire.
    @Test func aBrokenStoreDoesNotHoldUpTheOthers() async throws {
        try await withDataBank { app in
            let f = try await WarningFixture.make(app)
            #expect(try await f.define(app, f.rule()).status == .created)
            var orphan = f.rule(code: "orphan")
            orphan.resource = "399999-99999"
            try await WarningRuleRow(orphan, department: f.labourDepartment, createdBy: WarningFixture.labour, cursor: 0).create(on: app.db)
            try await f.steadyThenDrop(app)
            while try await WarningEvaluator.followAll(app: app) {}
            #expect(try await f.warnings(app, "?rule=power-drop").count == 1)
        }
    }

    /// A rule is evaluated from when it is saved; `replay` evaluates the records already in the store.
    @Test func replayEvaluatesTheRecordsAlreadyThere() async throws {
        try await withDataBank { app in
            let f = try await WarningFixture.make(app)
            try await f.steadyThenDrop(app)
            #expect(try await f.define(app, f.rule(code: "from-now")).status == .created)
            struct Replayed: Content {
                var code, name, resource, condition: String; var entity: [String]; var order: String; var subscribers: [String]; var replay: Bool
            }
            let r = f.rule(code: "replayed")
            let replayed = try await app.send(
                .POST, "/api/v1/warning-rules", token: f.providerToken,
                json: Replayed(
                    code: r.code, name: r.name, resource: r.resource, condition: r.condition, entity: r.entity, order: r.order!, subscribers: r.subscribers,
                    replay: true))
            #expect(replayed.status == .created)
            while try await WarningEvaluator.followAll(app: app) {}
            #expect(try await f.warnings(app, "?rule=from-now").isEmpty)
            #expect(try await f.warnings(app, "?rule=replayed").count == 1)
        }
    }

    /// What a subscriber sees goes through its own grant: a masked key is shown masked, and an aggregate of a
    /// masked column is withheld (counted, not shown).
    @Test func aSubscriberSeesValuesThroughItsOwnGrant() async throws {
        try await withDataBank { app in
            let f = try await WarningFixture.make(app, labourMasks: ["enterprise_name": "mask:name", "kwh": "suppress"])
            #expect(try await f.define(app, f.rule()).status == .created)
            try await f.steadyThenDrop(app)
            while try await WarningEvaluator.followAll(app: app) {}
            let w = try #require(try await f.warnings(app).first)
            let names = Set(w.values.map(\.name))
            #expect(!names.contains("avg_prior(kwh, 3)") && w.withheld >= 1, "\(w.values)")
            let name = try #require(w.values.first { $0.name == "enterprise_name" }?.value)
            #expect(name != WarningFixture.enterprise(2).name && name.contains("*"), "\(name)")
            // The provider reads its own store in clear.
            let own = try #require(try await f.warnings(app, token: f.providerToken).first)
            #expect(own.withheld == 0 && own.values.contains { $0.name == "avg_prior(kwh, 3)" })
        }
    }

    /// A warning is acknowledged once, assigned to a member of a subscribing department, and closed with a
    /// note; each step is kept and audited, and a step its state does not take is 409.
    @Test func aWarningIsAcknowledgedAssignedAndClosedWithANote() async throws {
        try await withDataBank { app in
            let f = try await WarningFixture.make(app)
            #expect(try await f.define(app, f.rule()).status == .created)
            try await f.steadyThenDrop(app)
            while try await WarningEvaluator.followAll(app: app) {}
            let id = try #require(try await f.warnings(app).first?.id)
            let path = "/api/v1/warnings/\(id)"
            #expect(try await app.send(.POST, path + "/ack", token: f.labourToken, json: [String: String]()).status == .ok)
            let again = try await app.send(.POST, path + "/ack", token: f.labourToken, json: [String: String]())
            #expect(again.status == .conflict)
            #expect(try again.errorBody().code == "invalid_state")
            let stranger = try await app.send(.POST, path + "/assign", token: f.labourToken, json: ["to": "jtj_steward"])
            #expect(stranger.status == .unprocessableEntity)
            #expect(try stranger.errorBody().details.first?.field == "to")
            #expect(try await app.send(.POST, path + "/assign", token: f.labourToken, json: ["to": WarningFixture.labour]).status == .ok)
            let bare = try await app.send(.POST, path + "/close", token: f.labourToken, json: [String: String]())
            #expect(bare.status == .unprocessableEntity)
            #expect(try bare.errorBody().code == "note_required")
            let closed = try await app.send(.POST, path + "/close", token: f.labourToken, json: ["note": "已与企业工会沟通，工资按时发放"])
            #expect(closed.status == .ok)
            let info = try closed.decode(WarningInfo.self)
            #expect(info.state == "closed" && info.assignedTo == WarningFixture.labour)
            #expect(info.events?.map(\.action) == ["ack", "assign", "close"] && info.events?.last?.note == "已与企业工会沟通，工资按时发放")
            // Another department that neither owns nor subscribes sees no such warning.
            #expect(try await app.send(.GET, path, token: try await app.token("jtj_steward")).status == .notFound)
            let audited = try await app.db.sql.raw("SELECT count(*) AS n FROM audit_log WHERE operation IN ('warning.ack', 'warning.assign', 'warning.close')")
                .first()?
                .decode(column: "n", as: Int.self)
            #expect(audited == 3)
        }
    }

    /// A rule that does not compile names the position; a subscriber that may not read the store, or a
    /// department defining a rule on a store it may not read, is refused; nothing is kept.
    @Test func aBrokenRuleIsRefusedWithTheFieldAtFault() async throws {
        try await withDataBank { app in
            let f = try await WarningFixture.make(app, grantLabour: false)
            let broken = try await f.define(app, f.rule(condition: "kwh < 0.6 * avg_prior(kwhh, 3)"))
            #expect(broken.status == .unprocessableEntity)
            let details = try broken.errorBody().details
            #expect(details.first?.field == "condition" && details.first?.messageEn.contains("character") == true, "\(details)")
            let unreadable = try await f.define(app, f.rule())
            #expect(unreadable.status == .unprocessableEntity)
            #expect(try unreadable.errorBody().details.map(\.field) == ["subscribers[0]"])
            let outsider = try await f.define(app, f.rule(subscribers: ["440600005"]), token: f.labourToken)
            #expect(outsider.status == .forbidden)
            #expect(try outsider.errorBody().code == "no_grant")
            #expect(try await WarningRuleRow.query(on: app.db).count() == 0)
            let badState = try await app.send(.GET, "/api/v1/warnings?state=maybe", token: f.labourToken)
            #expect(badState.status == .badRequest)
            #expect(try badState.errorBody().details.first?.field == "state")
        }
    }

    /// `listed_in` looks each record's value up in another resource (the enterprise register here), one
    /// statement for the batch.
    @Test func aCrossResourceListingFires() async throws {
        try await withDataBank { app in
            let f = try await WarningFixture.make(app)
            let (register, rule) = try await f.register(app, condition: "and kwh > 0")
            let listedCode = register.key(1)
            #expect(try await f.define(app, rule).status == .created)
            var csv = "credit_code,stat_period,enterprise_name,kwh\n"
            csv += "\(listedCode),202611,某企业,100.00\n\(WarningFixture.enterprise(5).code),202611,另一企业,100.00\n"
            _ = try await app.sendRaw(
                .POST, "/api/v1/resources/\(WarningFixture.code)/records", token: f.providerToken, contentType: "text/csv", body: Array(csv.utf8))
            while try await WarningEvaluator.followAll(app: app) {}
            let warnings = try await f.warnings(app)
            #expect(warnings.map(\.entity) == [listedCode], "\(warnings.map(\.entity))")
        }
    }

    /// A register is read whole and kept while it does not change: a value it gains is listed from the next step on.
    @Test func aRegisterThatChangesIsReadAgain() async throws {
        try await withDataBank { app in
            let f = try await WarningFixture.make(app)
            let (register, rule) = try await f.register(app, condition: "and kwh > 0")
            #expect(try await f.define(app, rule).status == .created)
            func report(_ period: Int) async throws {
                let csv = "credit_code,stat_period,enterprise_name,kwh\n\(register.key(4)),\(period),某企业,100.00\n"
                _ = try await app.sendRaw(
                    .POST, "/api/v1/resources/\(WarningFixture.code)/records", token: f.providerToken, contentType: "text/csv", body: Array(csv.utf8))
                while try await WarningEvaluator.followAll(app: app) {}
            }
            try await report(202610)
            #expect(try await f.warnings(app).isEmpty)
            _ = try await app.loadCSV(register, register.csv(rows: 3..<6), token: f.providerToken)
            try await report(202611)
            #expect(try await f.warnings(app).map(\.entity) == [register.key(4)])
        }
    }

    /// A value holding a tab and a line break reaches the warning whole (PostgreSQL reads a step's changes as
    /// one text, a line a change: the log's JSON escapes both).
    @Test func aValueWithATabAndALineBreakIsReadWhole() async throws {
        try await withDataBank { app in
            let f = try await WarningFixture.make(app)
            #expect(try await f.define(app, f.rule(code: "large", condition: "kwh > 1000")).status == .created)
            let name = "某\t企业\n（分厂）"
            let csv = "credit_code,stat_period,enterprise_name,kwh\n\(WarningFixture.enterprise(1).code),202611,\"\(name)\",1500.00\n"
            let loaded = try await app.sendRaw(
                .POST, "/api/v1/resources/\(WarningFixture.code)/records", token: f.providerToken, contentType: "text/csv", body: Array(csv.utf8))
            #expect(loaded.status == .ok || loaded.status == .created, "\(loaded.body.string)")
            while try await WarningEvaluator.followAll(app: app) {}
            let values = try await f.warnings(app).flatMap(\.values)
            #expect(values.first { $0.name == "enterprise_name" }?.value == name, "\(values)")
        }
    }

    /// A register too large to keep is asked for the batch's values only, a statement per thousands of them.
    @Test func aLargeRegisterIsAskedForTheBatchsValues() async throws {
        try await withDataBank { app in
            let f = try await WarningFixture.make(app)
            let (register, rule) = try await f.register(app)
            let store = try await RecordStores.find(WarningFixture.code, on: app.db)
            let check = WarningCheck(rule: rule, compiled: try rule.compile(layout: store.recordLayout).get())
            let asked = [register.key(1), register.key(7), register.key(2), register.key(1)].map { [$0] }
            let slotted = WarningCheck.Slotted(check, slots: ["credit_code"])
            let listed = try await WarningInputs.listed(in: asked, check: slotted, on: app.db, read: app.db.sql, cachedUpTo: 0)
            #expect(listed == [WarningInputs.Listing(resource: register.code, column: register.keyColumn.name): [register.key(1), register.key(2)]])
        }
    }

    /// PostgreSQL: a store grown past what its statistics counted is analyzed before its history is read
    /// (planned as the empty store it was, each look-up cost 30 times more). SQLite plans without them.
    @Test func aStoreGrownPastItsStatisticsIsAnalyzedFirst() async throws {
        try await withDataBank { app in
            let f = try await WarningFixture.make(app)
            guard RecordTables.Dialect(app.db.sql) == .postgres else { return }
            try await f.load(app, (0..<12_000).map { ($0, "202611", "100.00") })
            let store = try await RecordStores.find(WarningFixture.code, on: app.db)
            let table = store.tables.records
            func counted() async throws -> (rows: Double, changed: Int) {
                let row = try #require(
                    try await app.db.sql.raw(
                        """
                        SELECT c.reltuples::float8 AS rows, s.n_mod_since_analyze AS changed
                        FROM pg_class AS c JOIN pg_stat_user_tables AS s ON s.relid = c.oid WHERE c.oid = to_regclass(\(bind: table))
                        """
                    ).first())
                return (try row.decode(column: "rows", as: Double.self), try row.decode(column: "changed", as: Int.self))
            }
            // The loading connection reports its changes to the statistics when it is idle (within ~10 s).
            for _ in 0..<60 where try await counted().changed < 12_000 { try await Task.sleep(for: .milliseconds(250)) }
            #expect(try await counted().rows < 12_000)
            try await WarningInputs.freshenStatistics(of: store, on: app.db.sql)
            let after = try await counted()
            #expect(after.rows == 12_000 && after.changed == 0)
            // Fresh statistics are left alone.
            try await WarningInputs.freshenStatistics(of: store, on: app.db.sql)
            #expect(try await counted().changed == 0)
        }
    }

    /// The department's webhook gets each new warning once, signed, as its owner may see it.
    @Test func aDepartmentWebhookReceivesNewWarnings() async throws {
        try await withServedDataBank { app, port, inbox in
            let f = try await WarningFixture.make(app)
            #expect(try await f.define(app, f.rule()).status == .created)
            let hook = try await app.send(.PUT, "/api/v1/warning-hook", token: f.labourToken, json: ["url": "http://127.0.0.1:\(port)/test-hook"])
            #expect(hook.status == .ok)
            let secret = try #require(try hook.decode(WarningHooksAPI.Info.self).secret)
            try await f.steadyThenDrop(app)
            while try await WarningEvaluator.followAll(app: app) {}
            _ = try await WarningHookDelivery.runOnce(app: app)
            _ = try await WarningHookDelivery.runOnce(app: app)
            let deliveries = await inbox.deliveries
            #expect(deliveries.count == 1)
            let body = try #require(deliveries.first)
            #expect(body.body.contains(WarningFixture.enterprise(2).code) && body.body.contains("power-drop"))
            #expect(body.signature == WebhookDelivery.signature(Array(body.body.utf8), secret: secret))
        }
    }
}
