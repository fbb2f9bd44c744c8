import DataBankCore
@testable import DataBankServer
import Fluent
import Testing
import Vapor
import VaporTesting

struct RuleListAnswer: Decodable {
    struct Rule: Decodable { var id: String; var kind: String; var column: String?; var derived: Bool; var errorType: String; var expression: String? }
    var derived: [Rule]
    var custom: [Rule]
}

/// A resource's quality rules: derived from its items and standards, and written by its provider —
/// a rule that cannot compile is refused with the position at fault, and nothing is saved.
@Suite("Quality rules")
struct QualityRulesTests {
    @Test func derivedRulesComeFromItemsAndStandards() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let rules = try await app.send(.GET, "/api/v1/resources/\(f.code)/rules").decode(RuleListAnswer.self)
            let key = f.keyColumn.name
            #expect(rules.derived.contains { $0.kind == "required" && $0.column == key })
            #expect(rules.derived.contains { $0.kind == "primaryKey" && $0.errorType == "primary-key" })
            #expect(rules.derived.contains { $0.kind == "semantic" && $0.column == "credit_code" })
            #expect(rules.derived.filter { $0.kind == "type" }.count == f.layout.columns.count)
            #expect(rules.custom.isEmpty)
        }
    }

    @Test func expressionRulesCompileOrSayWhere() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let path = "/api/v1/resources/\(f.code)/rules"
            let bad = try await app.send(.POST, path, token: token, json: ["kind": "expression", "expression": "business_term_to >= "])
            #expect(bad.status == .unprocessableEntity)
            let error = try bad.errorBody()
            #expect(error.code == "syntax")
            #expect(error.details.first?.field == "expression")
            #expect(error.details.first?.messageEn.contains("character 21") == true)
            let unknown = try await app.send(.POST, path, token: token, json: ["kind": "expression", "expression": "nope > 1"])
            #expect(try unknown.errorBody().code == "unknown_column")
            let good = try await app.send(.POST, path, token: token, json: ["kind": "expression", "name": "营业期限止不早于起",
                                                                           "expression": "business_term_to >= business_term_from"])
            #expect(good.status == .created)
            let list = try await app.send(.GET, path).decode(RuleListAnswer.self)
            #expect(list.custom.map(\.expression) == ["business_term_to >= business_term_from"])
            let other = try await app.send(.POST, path, token: try await app.token("jtj_steward"), json: ["kind": "expression", "expression": "true"])
            #expect(other.status == .forbidden)
            let removed = try await app.send(.DELETE, "\(path)/\(try #require(list.custom.first?.id))", token: token)
            #expect(removed.status == .noContent)
        }
    }

    @Test func referentialRulesPointAtAPublishedKey() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let path = "/api/v1/resources/\(f.code)/rules"
            let ok = try await app.send(.POST, path, token: token, json: ["kind": "referential", "column": "credit_code",
                                                                         "references": "\(f.code).\(f.keyColumn.name)"])
            #expect(ok.status == .created, "\(ok.body.string)")
            let notKey = try await app.send(.POST, path, token: token, json: ["kind": "referential", "column": "credit_code",
                                                                             "references": "\(f.code).enterprise_name"])
            #expect(try notKey.errorBody().code == "not_a_key")
            let unpublished = try #require(try await ResourceRow.query(on: app.db).filter(\.$publishedRevision == nil).first())
            let refused = try await app.send(.POST, path, token: token, json: ["kind": "referential", "column": "credit_code",
                                                                              "references": "\(unpublished.code).x"])
            #expect(refused.status == .conflict)
            #expect(try refused.errorBody().code == "not_published")
            #expect(try await QualityRuleRow.query(on: app.db).count() == 1)
        }
    }
}

/// The rules page: everyone sees the rules; the provider adds one (a broken one comes back with
/// the character at fault and the text kept) and removes it.
@Suite("Quality rules page")
struct QualityRulesPageTests {
    @Test func providerAddsAndRemovesARule() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let web = try await WebSession.signIn(app, f.steward)
            let resource = try await web.get("/catalog/resources/\(f.code)")
            #expect(resource.body.string.contains("/catalog/resources/\(f.code)/rules"))
            let page = try await web.get("/catalog/resources/\(f.code)/rules")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("data-testid=\"derived-rules\""))
            let broken = try await web.post("/catalog/resources/\(f.code)/rules", [("name", "期限"), ("expression", "business_term_to >= ")])
            #expect(broken.status == .unprocessableEntity)
            #expect(broken.body.string.contains("rule-error") && broken.body.string.contains("business_term_to &gt;= "))
            let added = try await web.post("/catalog/resources/\(f.code)/rules", [("name", "期限"), ("expression", "business_term_to >= business_term_from")])
            #expect(added.status == .seeOther)
            let rule = try #require(try await QualityRuleRow.query(on: app.db).first())
            let removed = try await web.post("/catalog/resources/\(f.code)/rules/\(rule.id!.uuidString)/delete", [])
            #expect(removed.status == .seeOther)
            #expect(try await QualityRuleRow.query(on: app.db).count() == 0)
            let viewer = try await WebSession.signIn(app, "viewer")
            let seen = try await viewer.get("/catalog/resources/\(f.code)/rules")
            #expect(seen.status == .ok && !seen.body.string.contains("rule-form"))
        }
    }
}

/// Standards carry the rules' code lists and patterns: a broken one is refused with the entry at fault.
@Suite("Standards as rule sources")
struct StandardRuleSourceTests {
    /// A code list repeating a code is refused naming the entry; an invalid pattern says why; nothing is saved.
    @Test func duplicateCodesAndBadPatternsAreRefused() async throws {
        try await withDataBank { app in
            let admin = try await app.token("admin")
            let dup = ItemStandard(code: "TESTDUP1", name: "测试代码表", definition: "测试", dataType: .C, length: 2,
                                   codeList: [.init(code: "01", label: "甲"), .init(code: "02", label: "乙"), .init(code: "01", label: "丙")])
            let refused = try await app.send(.POST, "/api/v1/standards", token: admin, json: dup)
            #expect(refused.status == .unprocessableEntity)
            let error = try refused.errorBody()
            #expect(error.details.map(\.field) == ["codeList[2].code"])
            #expect(error.details.first?.code == "duplicate_code_value")
            let badPattern = ItemStandard(code: "TESTPAT1", name: "测试格式", definition: "测试", dataType: .C, length: 6, pattern: "[0-9")
            let refusedPattern = try await app.send(.POST, "/api/v1/standards", token: admin, json: badPattern)
            #expect(try refusedPattern.errorBody().details.first?.field == "pattern")
            #expect(try await StandardRow.query(on: app.db).filter(\.$code ~~ ["TESTDUP1", "TESTPAT1"]).count() == 0)
        }
    }
}
