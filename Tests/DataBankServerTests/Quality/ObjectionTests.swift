import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// An error answer's stable parts.
struct ObjectionError: Decodable {
    struct Inner: Decodable {
        struct Detail: Decodable { var field: String; var code: String }
        var code: String
        var details: [Detail]
    }
    var error: Inner
    var code: String { error.code }
    var field: String? { error.details.first?.field }
}

struct ObjectionList: Decodable { var items: [ObjectionInfo] }

/// Objections (数据纠错): a reader flags a record or a value, the provider accepts (and corrects) or rejects.
@Suite("Objections")
struct ObjectionTests {
    static let consumer = "jtj_steward"  // transport bureau, reads enterprises through a grant

    /// Five enterprise records loaded by the provider; transport granted keys up to row 3, legal_rep masked.
    struct Setup {
        var f: StoreFixture
        var provider: String
        var consumer: String
        var text: RecordLayout.Column
        func key(_ row: Int) -> String { f.value(f.keyColumn, row: row) }
    }

    func setUp(_ app: Application) async throws -> Setup {
        let f = try await StoreFixture.enterprise(app)
        let provider = try await app.token(f.steward)
        let res = try await app.loadCSV(f, f.csv(rows: 0..<5), token: provider)
        #expect(res.status == .ok, "\(res.body.string)")
        let consumer = try await app.token(Self.consumer)
        let text = try #require(f.textColumn)
        _ = try await app.grantAtOnce(
            f, consumer: consumer, items: [f.keyColumn.name, text.name, "legal_rep"], lastKey: f.value(f.keyColumn, row: 3),
            purpose: "道路运输经营许可核查")
        return Setup(f: f, provider: provider, consumer: consumer, text: text)
    }

    func raise(
        _ app: Application, _ s: Setup, row: Int = 1, column: String?, suggested: String? = nil, note: String = "名称有误",
        token: String? = nil
    ) async throws -> TestingHTTPResponse {
        var body: [String: AnyEncodable] = ["recordKey": AnyEncodable(s.key(row)), "note": AnyEncodable(note)]
        if let column { body["column"] = AnyEncodable(column) }
        if let suggested { body["suggested"] = AnyEncodable(suggested) }
        return try await app.send(.POST, "/api/v1/resources/\(s.f.code)/objections", token: token ?? s.consumer, json: body)
    }

    func raised(_ app: Application, _ s: Setup, row: Int = 1, column: String?, suggested: String? = nil) async throws -> ObjectionInfo {
        let res = try await raise(app, s, row: row, column: column, suggested: suggested)
        #expect(res.status == .created, "\(res.body.string)")
        return try res.decode(ObjectionInfo.self)
    }

    func settle(_ app: Application, _ id: UUID?, _ action: String, token: String, _ body: [String: String] = [:]) async throws -> TestingHTTPResponse {
        try await app.send(.POST, "/api/v1/objections/\(id?.uuidString ?? "")/\(action)", token: token, json: body)
    }

    func notifications(_ app: Application, department: String, kind: String) async throws -> [NotificationRow] {
        try await NotificationRow.query(on: app.db).filter(\.$departmentCode == department).filter(\.$kind == kind).all()
    }

    /// A grant holder raises an objection on a value; the provider accepts it with a correction, which
    /// rewrites the record through the load path (change log, audit) and tells the raiser.
    @Test func acceptWithCorrectionRewritesTheRecord() async throws {
        try await withDataBank { app in
            let s = try await setUp(app)
            let o = try await raised(app, s, column: s.text.name, suggested: "改正后的名称")
            #expect(o.state == "open" && o.recordKey == s.key(1) && o.column == s.text.name)
            #expect(o.seenValue == s.f.value(s.text, row: 1))
            #expect(try await notifications(app, department: o.provider, kind: "objection.raised").count == 1)

            let before = try await app.send(.GET, "/api/v1/resources/\(s.f.code)/changes", token: s.provider).body.string
            let res = try await settle(app, o.id, "accept", token: s.provider, ["value": "改正后的名称", "note": "已核实"])
            #expect(res.status == .ok, "\(res.body.string)")
            let done = try res.decode(ObjectionInfo.self)
            #expect(done.state == "accepted" && done.correctedValue == "改正后的名称" && done.correctionLoad != nil && done.resolvedBy == s.f.steward)

            let records = try await app.allRecords(s.f, token: s.provider)
            #expect(records[s.key(1)]?[s.text.name]?.text == "改正后的名称")
            #expect(records[s.key(2)]?[s.text.name]?.text == s.f.value(s.text, row: 2), "other records untouched")
            let changes = try await app.send(.GET, "/api/v1/resources/\(s.f.code)/changes", token: s.provider).body.string
            #expect(changes.count > before.count && changes.contains("改正后的名称"))
            #expect(try await notifications(app, department: o.consumer, kind: "objection.accepted").count == 1)
            let sql = app.db.sql
            let operations = try await sql.raw("SELECT * FROM audit_log ORDER BY seq").all().map(AuditLog.decode).map(\.operation)
            #expect(operations.contains("objection.raise") && operations.contains("objection.accepted"))
            #expect(try await AuditLog.verify(on: app.db, trail: app.auditTrail).broken == nil)
            let load = try #require(try await LoadRow.find(done.correctionLoad, on: app.db))
            #expect(load.status == "committed" && load.updated == 1)
        }
    }

    /// A value the consumer's grant masks is kept as they saw it (masked), never in clear.
    @Test func maskedValueIsKeptMasked() async throws {
        try await withDataBank { app in
            let s = try await setUp(app)
            let legalRep = try #require(s.f.layout.column(named: "legal_rep"))
            let o = try await raised(app, s, column: "legal_rep")
            #expect(o.seenValue != nil && o.seenValue != s.f.value(legalRep, row: 1))
        }
    }

    /// Accepting without a corrected value (already fixed elsewhere) needs a note and leaves the record as it is.
    @Test func acceptWithoutCorrectionNeedsNote() async throws {
        try await withDataBank { app in
            let s = try await setUp(app)
            let o = try await raised(app, s, column: s.text.name)
            let bare = try await settle(app, o.id, "accept", token: s.provider)
            #expect(bare.status == .unprocessableEntity)
            #expect(try bare.decode(ObjectionError.self).code == "note_required")
            let res = try await settle(app, o.id, "accept", token: s.provider, ["note": "已在源系统更正，下次同步生效"])
            #expect(res.status == .ok)
            let done = try res.decode(ObjectionInfo.self)
            #expect(done.state == "accepted" && done.correctedValue == nil && done.resolution == "已在源系统更正，下次同步生效")
            #expect(try await app.allRecords(s.f, token: s.provider)[s.key(1)]?[s.text.name]?.text == s.f.value(s.text, row: 1))
        }
    }

    /// A corrected value the checks refuse is answered 422 on `value`; the objection stays open and nothing is quarantined.
    @Test func refusedCorrectionKeepsObjectionOpen() async throws {
        try await withDataBank { app in
            let s = try await setUp(app)
            let o = try await raised(app, s, column: s.text.name)
            let res = try await settle(app, o.id, "accept", token: s.provider, ["value": String(repeating: "长", count: (s.text.length ?? 10) + 5)])
            #expect(res.status == .unprocessableEntity)
            let error = try res.decode(ObjectionError.self)
            #expect(error.code == "invalid_value" && error.field == "value")
            #expect(try await ObjectionRow.find(o.id, on: app.db)?.state == "open")
        }
    }

    /// An objection to a whole record is corrected by naming the item: without it, 422 `column_required`.
    @Test func wholeRecordCorrectionNamesTheItem() async throws {
        try await withDataBank { app in
            let s = try await setUp(app)
            let o = try await raised(app, s, column: nil)
            #expect(o.column == nil && o.seenValue == nil)
            let bare = try await settle(app, o.id, "accept", token: s.provider, ["value": "新名称"])
            #expect(bare.status == .unprocessableEntity)
            let error = try bare.decode(ObjectionError.self)
            #expect(error.code == "column_required" && error.field == "column")
            let res = try await settle(app, o.id, "accept", token: s.provider, ["value": "新名称", "column": s.text.name])
            #expect(res.status == .ok, "\(res.body.string)")
            #expect(try res.decode(ObjectionInfo.self).correctedColumn == s.text.name)
            #expect(try await app.allRecords(s.f, token: s.provider)[s.key(1)]?[s.text.name]?.text == "新名称")
        }
    }

    /// Rejecting needs a reason; with one, the objection is rejected and the raiser is told why.
    @Test func rejectNeedsReason() async throws {
        try await withDataBank { app in
            let s = try await setUp(app)
            let o = try await raised(app, s, column: s.text.name)
            let bare = try await settle(app, o.id, "reject", token: s.provider, ["reason": "  "])
            #expect(bare.status == .unprocessableEntity)
            let error = try bare.decode(ObjectionError.self)
            #expect(error.code == "reason_required" && error.field == "reason")
            let res = try await settle(app, o.id, "reject", token: s.provider, ["reason": "与营业执照核对一致"])
            #expect(res.status == .ok)
            #expect(try res.decode(ObjectionInfo.self).state == "rejected")
            let told = try await notifications(app, department: o.consumer, kind: "objection.rejected")
            #expect(told.count == 1 && told[0].text.contains("与营业执照核对一致"))
        }
    }

    /// Only the provider settles: the raising consumer may not accept or reject its own objection.
    @Test func consumerCannotSettle() async throws {
        try await withDataBank { app in
            let s = try await setUp(app)
            let o = try await raised(app, s, column: s.text.name)
            #expect(try await settle(app, o.id, "accept", token: s.consumer, ["note": "ok"]).status == .forbidden)
            #expect(try await settle(app, o.id, "reject", token: s.consumer, ["reason": "no"]).status == .forbidden)
        }
    }

    /// A department without a grant (on a resource not open to the public) cannot object; nor can a grant
    /// holder object to a record outside its row scope (it cannot read it: 404).
    @Test func consumerWithoutGrantIsRefused() async throws {
        try await withDataBank { app in
            let s = try await setUp(app)
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == s.f.code).first())
            resource.openType = OpenType.conditional.rawValue
            try await resource.save(on: app.db)
            let outsider = try await app.token("rsj_steward")
            let res = try await raise(app, s, column: s.text.name, token: outsider)
            #expect(res.status == .forbidden)
            #expect(try res.decode(ObjectionError.self).code == "no_grant")
            let outOfScope = try await raise(app, s, row: 4, column: s.text.name)
            #expect(outOfScope.status == .notFound)
            #expect(try outOfScope.decode(ObjectionError.self).code == "record_not_found")
        }
    }

    /// A resource open to the public (无条件开放) may be objected to by anyone signed in, who sees it
    /// as the open portal would (default masks), without a grant.
    @Test func openResourceNeedsNoGrant() async throws {
        try await withDataBank { app in
            let s = try await setUp(app)
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == s.f.code).first())
            resource.openType = OpenType.unconditional.rawValue
            try await resource.save(on: app.db)
            let reader = try await app.token("rsj_steward")
            let res = try await raise(app, s, row: 4, column: s.text.name, token: reader)
            #expect(res.status == .created, "\(res.body.string)")
            #expect(try res.decode(ObjectionInfo.self).consumer != s.f.code)
        }
    }

    /// Bad input answers with a stable code and the field at fault: unknown key, unknown column, an
    /// item outside the grant, an empty note.
    @Test func badInputNamesTheField() async throws {
        try await withDataBank { app in
            let s = try await setUp(app)
            let cases: [(TestingHTTPResponse, HTTPStatus, String, String)] = [
                (
                    try await app.send(
                        .POST, "/api/v1/resources/\(s.f.code)/objections", token: s.consumer,
                        json: ["recordKey": "K999999", "note": "x"]), .notFound, "record_not_found", "recordKey"
                ),
                (try await raise(app, s, column: "no_such_item"), .unprocessableEntity, "unknown_column", "column"),
                (try await raise(app, s, column: "contact_phone"), .forbidden, "item_not_granted", "column"),
                (try await raise(app, s, column: s.text.name, note: "   "), .unprocessableEntity, "note_required", "note")
            ]
            for (res, status, code, field) in cases {
                #expect(res.status == status, "\(code): \(res.body.string)")
                let error = try res.decode(ObjectionError.self)
                #expect(error.code == code && error.field == field)
            }
            #expect(try await ObjectionRow.query(on: app.db).count() == 0, "nothing saved")
        }
    }

    /// Acting on an objection that is no longer open answers 409; a second open objection on the same value too.
    @Test func settledObjectionsConflict() async throws {
        try await withDataBank { app in
            let s = try await setUp(app)
            let o = try await raised(app, s, column: s.text.name)
            let again = try await raise(app, s, column: s.text.name)
            #expect(again.status == .conflict)
            #expect(try again.decode(ObjectionError.self).code == "duplicate_objection")
            #expect(try await settle(app, o.id, "withdraw", token: s.consumer).status == .ok)
            for (action, body) in [("accept", ["note": "x"]), ("reject", ["reason": "x"]), ("withdraw", [:])] {
                let res = try await settle(app, o.id, action, token: action == "withdraw" ? s.consumer : s.provider, body)
                #expect(res.status == .conflict, "\(action)")
                #expect(try res.decode(ObjectionError.self).code == "objection_not_open")
            }
            #expect(try await notifications(app, department: o.provider, kind: "objection.withdrawn").count == 1)
        }
    }

    /// Two settlements at once: exactly one wins, the other answers 409.
    @Test func concurrentSettlementsOneWins() async throws {
        try await withDataBank { app in
            let s = try await setUp(app)
            let o = try await raised(app, s, column: s.text.name)
            async let accept = settle(app, o.id, "accept", token: s.provider, ["note": "已在源系统更正"])
            async let reject = settle(app, o.id, "reject", token: s.provider, ["reason": "无误"])
            let statuses = [try await accept.status, try await reject.status]
            #expect(statuses.filter { $0 == .ok }.count == 1 && statuses.filter { $0 == .conflict }.count == 1, "\(statuses)")
            let state = try #require(try await ObjectionRow.find(o.id, on: app.db)).state
            #expect(state == (statuses[0] == .ok ? "accepted" : "rejected"))
        }
    }

    /// Another department sees nothing of an objection that is not its own or to it.
    @Test func strangersSeeNothing() async throws {
        try await withDataBank { app in
            let s = try await setUp(app)
            let o = try await raised(app, s, column: s.text.name)
            let stranger = try await app.token("rsj_steward")
            #expect(try await app.send(.GET, "/api/v1/objections/\(o.id!)", token: stranger).status == .notFound)
            #expect(try await settle(app, o.id, "withdraw", token: stranger).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/objections", token: stranger).decode(ObjectionList.self).items.isEmpty)
        }
    }

    /// The lists: mine as consumer, to me as provider, by resource, filtered by state.
    @Test func listsByBoxAndState() async throws {
        try await withDataBank { app in
            let s = try await setUp(app)
            let a = try await raised(app, s, row: 1, column: s.text.name)
            _ = try await raised(app, s, row: 2, column: nil)
            _ = try await settle(app, a.id, "reject", token: s.provider, ["reason": "无误"])
            let mine = try await app.send(.GET, "/api/v1/objections?box=mine", token: s.consumer).decode(ObjectionList.self)
            #expect(mine.items.count == 2)
            let toMe = try await app.send(.GET, "/api/v1/objections?box=provider&state=open", token: s.provider).decode(ObjectionList.self)
            #expect(toMe.items.map(\.recordKey) == [s.key(2)])
            let byResource = try await app.send(.GET, "/api/v1/resources/\(s.f.code)/objections?state=rejected", token: s.provider)
                .decode(ObjectionList.self)
            #expect(byResource.items.map(\.id) == [a.id])
            let bad = try await app.send(.GET, "/api/v1/objections?state=pending", token: s.provider)
            #expect(bad.status == .badRequest)
            #expect(try bad.decode(ObjectionError.self).code == "invalid_state")
        }
    }

    /// The counts the quality scores use: per resource and per providing department, by state.
    @Test func countsForScores() async throws {
        try await withDataBank { app in
            let s = try await setUp(app)
            let a = try await raised(app, s, row: 0, column: s.text.name)
            let b = try await raised(app, s, row: 1, column: s.text.name)
            let c = try await raised(app, s, row: 2, column: s.text.name)
            _ = try await raised(app, s, row: 3, column: nil)
            _ = try await settle(app, a.id, "accept", token: s.provider, ["value": "新名称"])
            _ = try await settle(app, b.id, "reject", token: s.provider, ["reason": "无误"])
            _ = try await settle(app, c.id, "withdraw", token: s.consumer)
            let expected = ObjectionCounts(open: 1, accepted: 1, rejected: 1, withdrawn: 1)
            #expect(try await Objections.counts(resource: s.f.code, on: app.db) == expected)
            #expect(try await Objections.counts(department: a.provider, on: app.db) == expected)
            #expect(try await Objections.countsByResource(department: a.provider, on: app.db) == [s.f.code: expected])
            #expect(try await Objections.counts(resource: "NO-SUCH", on: app.db) == ObjectionCounts())
            let api = try await app.send(.GET, "/api/v1/resources/\(s.f.code)/objections/counts", token: s.consumer)
            #expect(try api.decode(ObjectionCounts.self) == expected)
        }
    }

    /// Through the pages: the records page links each record to the form; the consumer raises through
    /// the form (an empty note is shown again with its message); the provider rejects without a reason
    /// (shown again), then accepts with a corrected value.
    @Test func pageFormsRaiseAndSettle() async throws {
        try await withDataBank { app in
            let s = try await setUp(app)
            let providerWeb = try await WebSession.signIn(app, s.f.steward)
            let records = try await providerWeb.get("/catalog/resources/\(s.f.code)/records")
            #expect(records.body.string.contains("data-testid=\"objection-link\""))

            let web = try await WebSession.signIn(app, Self.consumer)
            #expect(try await web.get("/catalog/resources/\(s.f.code)").body.string.contains("objection-form-link"), "the grant holder is offered the form")
            let form = try await web.get("/catalog/resources/\(s.f.code)/objections/new?key=\(s.key(1))&column=\(s.text.name)")
            #expect(form.status == .ok)
            #expect(form.body.string.contains("objection-form") && form.body.string.contains(s.f.value(s.text, row: 1)))
            #expect(form.body.string.contains("data-testid=\"nav-objections\""))
            let viewed = try await app.db.sql.raw("SELECT * FROM audit_log WHERE operation = 'objection.view'").all()
            #expect(viewed.count == 1, "showing the record to the consumer is audited")
            let empty = try await web.post("/catalog/resources/\(s.f.code)/objections", [("recordKey", s.key(1)), ("column", s.text.name), ("note", "")])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.body.string.contains("error-note") && empty.body.string.contains("请说明哪里有误"))
            let sent = try await web.post(
                "/catalog/resources/\(s.f.code)/objections",
                [("recordKey", s.key(1)), ("column", s.text.name), ("suggested", "网页改正"), ("note", "名称有误")])
            #expect(sent.status == .seeOther)
            let mine = try await web.get("/objections?raised=1")
            #expect(mine.body.string.contains("objections-mine") && mine.body.string.contains("名称有误") && mine.body.string.contains("withdraw-submit"))

            let o = try #require(try await ObjectionRow.query(on: app.db).first())
            let inbox = try await providerWeb.get("/objections")
            #expect(inbox.body.string.contains("accept-form") && inbox.body.string.contains("reject-form") && inbox.body.string.contains("网页改正"))
            #expect(inbox.body.string.contains("current-value"))
            let noReason = try await providerWeb.post("/objections/\(o.id!)/reject", [("reason", "")])
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.body.string.contains("error-reason"))
            let accepted = try await providerWeb.post("/objections/\(o.id!)/accept", [("column", s.text.name), ("value", "网页改正"), ("note", "")])
            #expect(accepted.status == .seeOther)
            #expect(try await app.allRecords(s.f, token: s.provider)[s.key(1)]?[s.text.name]?.text == "网页改正")
            #expect(try await providerWeb.get("/objections?lang=en").body.string.contains("Accepted"))
            let onlyRejected = try await providerWeb.get("/objections?state=rejected").body.string
            #expect(onlyRejected.contains("state-filter") && !onlyRejected.contains("objections-settled"), "nothing rejected yet")
            #expect(try await web.get("/catalog/resources/\(s.f.code)").body.string.contains("已采纳 1"))

            // The raiser's other objection, withdrawn through its button.
            _ = try await web.post("/catalog/resources/\(s.f.code)/objections", [("recordKey", s.key(2)), ("note", "整条记录有误")])
            let second = try #require(try await ObjectionRow.query(on: app.db).filter(\.$recordKey == s.key(2)).first())
            #expect(try await web.post("/objections/\(second.id!)/withdraw", []).status == .seeOther)
            #expect(try await ObjectionRow.find(second.id, on: app.db)?.state == "withdrawn")
            let again = try await web.post("/objections/\(second.id!)/withdraw", [])
            #expect(again.status == .conflict && again.body.string.contains("已处理"))
        }
    }
}
