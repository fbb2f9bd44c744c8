import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// What a review of the read decision found, each closed: findings' messages quoting values, a
/// referential rule used as a membership oracle, grants on hidden resources, a masked key probed
/// by lookups, routes answering a hidden resource other than as unknown, a stream outliving its access.
@Suite("Read decision: review findings")
struct ReviewFindingsTests {
    static let consumer = "jtj_steward"

    func classify(_ app: Application, _ code: String) async throws {
        let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == code).first())
        resource.classified = true
        try await resource.save(on: app.db)
    }

    /// A quality run shows anyone but the provider's readers counts and scores only: no examples,
    /// no values, and messages that quote none.
    @Test func qualityFindingsQuoteNoValuesToOthers() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app, openToPublic: true)
            let provider = try await app.token(f.steward)
            let text = try #require(f.textColumn)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: provider)
            let rule = try await app.send(
                .POST, "/api/v1/resources/\(f.code)/rules", token: provider,
                json: ["kind": "expression", "name": "短名称", "expression": "length(\(text.name)) > 50"])
            #expect(rule.status == .created, "\(rule.body.string)")
            let run = try await app.send(.POST, "/api/v1/resources/\(f.code)/quality/check", token: provider).decode(QualityAPI.RunInfo.self)
            #expect(run.findings > 0)
            let own = try await app.send(.GET, "/api/v1/resources/\(f.code)/quality/runs/\(run.id)", token: provider).decode(QualityAPI.RunInfo.self)
            #expect(!(own.lines ?? []).isEmpty)
            for token in [nil, try await app.token(Self.consumer)] {
                let res = try await app.send(.GET, "/api/v1/resources/\(f.code)/quality/runs/\(run.id)", token: token)
                let other = try res.decode(QualityAPI.RunInfo.self)
                #expect(other.findings == run.findings)
                #expect(other.rules.allSatisfy { $0.examples.isEmpty })
                #expect(other.lines?.allSatisfy { $0.value == nil } == true)
                for i in 0..<3 { #expect(!res.body.string.contains(f.value(text, row: i))) }
            }
        }
    }

    /// A rule may refer only to a store its author reads; a hidden one is an unknown resource.
    @Test func referencesNeedReadAccess() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)  // closed to the public, no grant to the transport bureau
            let provider = try await RecordStores.find(f.code, on: app.db).departmentCode
            let stores = try await RecordStoreRow.query(on: app.db).filter(\.$departmentCode != provider).all()
            let own = try #require(stores.first { s in s.resourceCode != f.code && s.recordLayout.columns.contains { $0.type == .C && !$0.primaryKey } })
            let steward = try await app.stewardToken(of: own.departmentCode)
            let column = try #require(own.recordLayout.columns.first { $0.type == .C && !$0.primaryKey }).name
            let body = ["kind": "referential", "column": column, "references": "\(f.code).\(f.keyColumn.name)"]
            let refused = try await app.send(.POST, "/api/v1/resources/\(own.resourceCode)/rules", token: steward, json: body)
            #expect(refused.status == .forbidden, "\(refused.body.string)")
            try await classify(app, f.code)
            let hidden = try await app.send(.POST, "/api/v1/resources/\(own.resourceCode)/rules", token: steward, json: body)
            let unknown = try await app.send(
                .POST, "/api/v1/resources/\(own.resourceCode)/rules", token: steward,
                json: ["kind": "referential", "column": column, "references": "999999-99999.\(f.keyColumn.name)"])
            let hiddenCode = try hidden.errorBody().code, unknownCode = try unknown.errorBody().code
            #expect(hidden.status == unknown.status && hiddenCode == unknownCode)
        }
    }

    /// Third parties see grants on resources they may see, without the row scope; the parties see theirs.
    @Test func grantListsRespectVisibility() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let consumer = try await app.token(Self.consumer)
            _ = try await app.grantAtOnce(f, consumer: consumer, items: ["enterprise_name", "legal_rep"], lastKey: f.key(1), purpose: "订阅")
            let third = try await app.token("rsj_steward")
            let seen = try await app.send(.GET, "/api/v1/grants?resource=\(f.code)", token: third).decode(ListPage<GrantInfo>.self)
            #expect(seen.items.count == 1 && seen.items.allSatisfy { $0.scope.rowFilter.isEmpty })
            let mine = try await app.send(.GET, "/api/v1/grants?resource=\(f.code)", token: consumer).decode(ListPage<GrantInfo>.self)
            #expect(mine.items.first?.scope.rowFilter.isEmpty == false)
            try await classify(app, f.code)
            let hidden = try await app.send(.GET, "/api/v1/grants?resource=\(f.code)", token: third).decode(ListPage<GrantInfo>.self)
            #expect(hidden.items.isEmpty)
        }
    }

    /// A consumer whose grant masks the key cannot address records by a guessed clear key.
    @Test func maskedKeysCannotBeProbed() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward), consumer = try await app.token(Self.consumer)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<2), token: provider)
            try await ReadAccessTests().grantMaskedKey(app, f, consumer: consumer)
            let known = try await app.send(.GET, "/api/v1/resources/\(f.code)/records/\(f.key(0))?purpose=test", token: consumer)
            let unknownKey = try await app.send(.GET, "/api/v1/resources/\(f.code)/records/\(f.key(90))?purpose=test", token: consumer)
            #expect(known.status == .forbidden && unknownKey.status == .forbidden)
            let code = try known.errorBody().code
            #expect(code == "item_masked")
        }
    }

    /// The objections of a resource and defining a service on it answer a hidden resource as an unknown one.
    @Test func moreRoutesAnswerHiddenAsUnknown() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            try await classify(app, f.code)
            let other = try await app.token(Self.consumer)
            for (method, path) in [(HTTPMethod.GET, "objections"), (.POST, "services")] {
                let hidden = try await app.send(method, "/api/v1/resources/\(f.code)/\(path)", token: other, json: method == .POST ? ["code": "x"] : nil)
                #expect(hidden.status == .notFound, "\(path): \(hidden.status)")
            }
        }
    }

    /// A provider's stream ends when the reader's access changes (here: moved out of the department).
    @Test func streamsEndWhenAccessChanges() async throws {
        try await withServedDataBank { app, port, _ in
            let f = try await StoreFixture.enterprise(app)
            let steward = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<1), token: steward)
            let reading = Task { try await readEvents("http://127.0.0.1:\(port)/api/v1/resources/\(f.code)/changes/stream", token: steward, events: 1000) }
            #expect(
                try await eventually {
                    try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE operation = \(bind: "changes.stream")")
                        .first()?.decode(column: "n", as: Int.self) ?? 0 > 0
                })
            let user = try #require(try await User.query(on: app.db).filter(\.$username == f.steward).first())
            user.departmentCode = "440600009"  // moved to the transport bureau, which holds no grant
            try await user.save(on: app.db)
            let movedAt = Date()
            _ = try await reading.value
            #expect(Date().timeIntervalSince(movedAt) < 20, "the stream outlived the reader's access")
        }
    }
}
