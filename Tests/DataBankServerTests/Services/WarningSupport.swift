@testable import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// A monthly electricity register (credit code + month → kWh) published by the market regulation bureau,
/// shared without conditions; the labour bureau (人社局) subscribes to its warnings under its own grant.
struct WarningFixture {
    static let code = "301001-09101"
    static let provider = "scj_steward", labour = "rsj_steward"
    var providerToken: String
    var labourToken: String
    var labourDepartment: String

    static func make(_ app: Application, labourMasks: [String: String] = [:], grantLabour: Bool = true) async throws -> WarningFixture {
        let admin = try await app.token("admin")
        let standards = Dictionary(
            try await StandardRow.query(on: app.db).filter(\.$name ~~ ["统一社会信用代码", "统计期", "企业名称", "用电量"]).all().map { ($0.name, $0) },
            uniquingKeysWith: { a, _ in a })
        func item(_ standard: String, _ column: String, key: Bool = false) throws -> InformationItem {
            guard let s = standards[standard] else { throw Abort(.internalServerError, reason: "no standard \(standard)") }
            return InformationItem(
                name: s.name, column: column, standardCode: s.code, dataType: DataType(rawValue: s.dataType)!, length: s.length, primaryKey: key,
                required: key, sensitivity: Sensitivity(rawValue: s.sensitivity)!, queryField: key)
        }
        let steward = try #require(try await User.query(on: app.db).filter(\.$username == provider).first())
        let snapshot = ResourceSnapshot(
            code: code, name: "企业月度用电量（测试）", nameEn: "Monthly electricity use (test)", departmentCode: steward.departmentCode,
            classification: "301001", catalogKind: .departmental, abstract: "测试用：企业每月用电量", format: .table,
            items: [
                try item("统一社会信用代码", "credit_code", key: true), try item("统计期", "stat_period", key: true), try item("企业名称", "enterprise_name"),
                try item("用电量", "kwh")
            ],
            sharing: SharingAttributes(type: .unconditional, method: .api), open: OpenAttributes(type: .closed), updateCycle: .monthly,
            themes: [.economy], tags: ["用电量"])
        let created = try await app.send(.POST, "/api/v1/resources", token: admin, json: snapshot)
        #expect(created.status == .created, "\(created.body.string)")
        struct Step: Content { var action: String }
        for s in ["submit", "approve", "publish"] {
            let moved = try await app.send(.POST, "/api/v1/resources/\(code)/transitions", token: admin, json: Step(action: s))
            #expect(moved.status == .ok, "\(s): \(moved.body.string)")
        }
        let labour = try #require(try await User.query(on: app.db).filter(\.$username == Self.labour).first())
        let f = WarningFixture(
            providerToken: try await app.token(provider), labourToken: try await app.token(Self.labour), labourDepartment: labour.departmentCode)
        if grantLabour {
            let applied = try await app.send(
                .POST, "/api/v1/applications", token: f.labourToken,
                json: [
                    "resource": AnyEncodable(code), "purpose": AnyEncodable("劳资纠纷预警"), "legalBasis": AnyEncodable("《劳动保障监察条例》"),
                    "items": AnyEncodable(["credit_code", "stat_period", "enterprise_name", "kwh"]), "masks": AnyEncodable(labourMasks),
                    "validUntil": AnyEncodable("2027-12-31")
                ])
            #expect(applied.status == .created, "\(applied.body.string)")
        }
        return f
    }

    /// The n-th demo enterprise's credit code and name.
    static func enterprise(_ n: Int) -> (code: String, name: String) {
        let e = DemoEntities.enterprise(n, today: CivilDate(year: 2026, month: 12, day: 1)!)
        return (e.creditCode, e.name)
    }

    /// Loads months of use: (enterprise number, "YYYYMM", kWh).
    func load(_ app: Application, _ rows: [(Int, String, String)]) async throws {
        var csv = "credit_code,stat_period,enterprise_name,kwh\n"
        for (n, month, kwh) in rows {
            let e = Self.enterprise(n)
            csv += "\(e.code),\(month),\(e.name),\(kwh)\n"
        }
        let loaded = try await app.sendRaw(
            .POST, "/api/v1/resources/\(Self.code)/records?mode=upsert", token: providerToken, contentType: "text/csv", body: Array(csv.utf8))
        #expect(loaded.status == .ok || loaded.status == .created, "\(loaded.body.string)")
    }

    /// The seed's rule: this month's use more than 40 % under the last three months' mean.
    func rule(code: String = "power-drop", condition: String = "kwh < 0.6 * avg_prior(kwh, 3)", subscribers: [String]? = nil) -> WarningRule {
        WarningRule(
            code: code, name: "企业用电量骤降", nameEn: "Electricity use drops", resource: Self.code, condition: condition, entity: ["credit_code"],
            order: "stat_period", show: ["enterprise_name"], subscribers: subscribers ?? [labourDepartment])
    }

    /// An enterprise register holding enterprises 0–2, and a rule (not yet saved) firing for a record whose
    /// credit code it lists, `and` the rest of `condition`.
    func register(_ app: Application, condition: String = "") async throws -> (StoreFixture, WarningRule) {
        let register = try await StoreFixture.enterprise(app)
        _ = try await app.loadCSV(register, register.csv(rows: 0..<3), token: providerToken)
        let listed = "listed_in('\(register.code)', '\(register.keyColumn.name)', credit_code)"
        return (register, rule(code: "registered", condition: condition.isEmpty ? listed : listed + " " + condition))
    }

    func define(_ app: Application, _ rule: WarningRule, token: String? = nil) async throws -> TestingHTTPResponse {
        try await app.send(.POST, "/api/v1/warning-rules", token: token ?? providerToken, json: rule)
    }

    /// Three steady months for enterprises 1–3, then a fourth in which enterprise 2 drops by 70 %.
    func steadyThenDrop(_ app: Application) async throws {
        try await load(app, [1, 2, 3].flatMap { n in ["202608", "202609", "202610"].map { (n, $0, "\(n)0000.00") } })
        try await load(app, [(1, "202611", "10500.00"), (2, "202611", "6000.00"), (3, "202611", "29000.00")])
    }

    func warnings(_ app: Application, _ query: String = "", token: String? = nil) async throws -> [WarningInfo] {
        let res = try await app.send(.GET, "/api/v1/warnings" + query, token: token ?? labourToken)
        #expect(res.status == .ok, "\(res.body.string)")
        return try res.decode(ListPage<WarningInfo>.self).items
    }
}
