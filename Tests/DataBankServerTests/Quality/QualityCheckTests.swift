import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

struct QuarantineListAnswer: Decodable {
    struct Entry: Decodable { var code: String; var column: String? }
    var items: [Entry]
}

extension StoreFixture {
    /// Rows `rows` with `column` of row `bad` replaced by `value`.
    func csv(rows: Range<Int>, setting column: String, to value: String, inRow bad: Int) -> String {
        ([header()] + rows.map { r in layout.columns.map { r == bad && $0.name == column ? value : self.value($0, row: r) }.joined(separator: ",") })
            .joined(separator: "\n") + "\n"
    }
}

/// Quality rules at ingest, by policy: quarantine (default), accept and flag, or reject the load.
@Suite("Quality at ingest")
struct QualityAtIngestTests {
    /// A credit code with a wrong check character is quarantined with its reason; the other rows load.
    @Test func failingRowIsQuarantinedByDefault() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let bad = String(f.key(2).dropLast()) + (f.key(2).last == "0" ? "1" : "0")
            let res = try await app.loadCSV(f, f.csv(rows: 0..<4, setting: "credit_code", to: bad, inRow: 2), token: token)
            #expect(res.status == .multiStatus)
            let answer = try res.decode(LoadAnswer.self)
            #expect(answer.inserted == 3 && answer.rejected == 1)
            let open = try await app.send(.GET, "/api/v1/resources/\(f.code)/quarantine?status=open", token: token).decode(QuarantineListAnswer.self)
            #expect(open.items.map(\.code) == ["uscc_check"])
            #expect(open.items.first?.column == "credit_code")
        }
    }

    /// Under the flag policy the row loads and its finding is listed (value masked by the item's mask if sensitive).
    @Test func flagPolicyLoadsAndFlags() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let set = try await app.send(.PUT, "/api/v1/resources/\(f.code)/quality/policy", token: token, json: ["policy": "flag"])
            #expect(set.status == .ok)
            let res = try await app.loadCSV(f, f.csv(rows: 0..<3, setting: "postal_code", to: "52800", inRow: 1), token: token)
            #expect(try res.decode(LoadAnswer.self).inserted == 3)
            let flags = try await app.send(.GET, "/api/v1/resources/\(f.code)/quality/flags", token: token)
            #expect(flags.status == .ok)
            let lines = try flags.decode([QualityAPI.FlagLine].self)
            #expect(!lines.isEmpty && lines.filter { $0.column != "postal_code" }.isEmpty)  // its pattern and its postal-code check
            #expect(lines.first?.recordKey == f.key(1))
            #expect(lines.first?.errorType == "constraint-error")
        }
    }

    /// Under the reject policy one failing row refuses the whole load: nothing is written.
    @Test func rejectPolicyRefusesTheWholeLoad() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.send(.PUT, "/api/v1/resources/\(f.code)/quality/policy", token: token, json: ["policy": "reject"])
            let res = try await app.loadCSV(f, f.csv(rows: 0..<30_000, setting: "region_code", to: "999999", inRow: 25_000), token: token)
            #expect(res.status == .unprocessableEntity)
            let error = try res.errorBody()
            #expect(error.code == "load_rejected")
            #expect(error.details.first?.messageEn.contains("Row 25002") == true)
            #expect(try await app.allRecords(f, token: token).isEmpty)
        }
    }

    /// A written cross-field rule refuses rows that break it.
    @Test func expressionRuleAppliesAtIngest() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.send(.POST, "/api/v1/resources/\(f.code)/rules", token: token,
                                   json: ["kind": "expression", "name": "止不早于起", "expression": "business_term_to >= business_term_from"])
            let csv = f.csv(rows: 0..<3, setting: "business_term_to", to: "1999-01-01", inRow: 0)
            let answer = try await app.loadCSV(f, csv, token: token).decode(LoadAnswer.self)
            #expect(answer.inserted == 2 && answer.rejected == 1)
        }
    }

    /// A referential rule refuses rows naming a key the other resource does not hold.
    @Test func referentialRuleLooksUpTheOtherStore() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app, openToPublic: true)  // a reference needs read access: open data
            let stores = try await RecordStoreRow.query(on: app.db).all()
            func refersToEnterprises(_ s: RecordStoreRow) -> Bool {
                guard s.resourceCode != f.code, let c = s.recordLayout.column(named: "credit_code") else { return false }
                return !c.primaryKey
            }
            let other = try #require(stores.first(where: refersToEnterprises))
            let token = try await app.stewardToken(of: other.departmentCode)  // the other store's own steward
            _ = try await app.loadCSV(f, f.csv(rows: 0..<2), token: try await app.token(f.steward))
            let rule = try await app.send(.POST, "/api/v1/resources/\(other.resourceCode)/rules", token: token,
                                          json: ["kind": "referential", "column": "credit_code", "references": "\(f.code).credit_code"])
            #expect(rule.status == .created, "\(rule.body.string)")
            let g = StoreFixture(code: other.resourceCode, layout: other.recordLayout, steward: "",
                                 samples: SampleValues(rules: try await QualitySetup.load(other, on: app.db).rules))
            // Rows 0 and 1 name enterprises that exist (the same sample codes); row 2's does not.
            let csv = ([g.header()] + (0..<3).map { r in g.layout.columns.map { c in
                c.name == "credit_code" ? f.key(r == 2 ? 50 : r) : g.value(c, row: r) }.joined(separator: ",") }).joined(separator: "\n") + "\n"
            let answer = try await app.loadCSV(g, csv, token: token).decode(LoadAnswer.self)
            #expect(answer.inserted == 2 && answer.rejected == 1)
        }
    }

    /// Setting an unknown policy is refused; another department may not set it.
    @Test func policyIsValidatedAndOwned() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let bad = try await app.send(.PUT, "/api/v1/resources/\(f.code)/quality/policy", token: try await app.token(f.steward), json: ["policy": "ignore"])
            #expect(bad.status == .unprocessableEntity)
            #expect(try bad.errorBody().code == "invalid_policy")
            let other = try await app.send(.PUT, "/api/v1/resources/\(f.code)/quality/policy", token: try await app.token("jtj_steward"), json: ["policy": "flag"])
            #expect(other.status == .forbidden)
        }
    }
}

/// Full checks: every record through every rule, scored per GB/T 36344 dimension and kept for trends.
@Suite("Quality checks and scores")
struct QualityCheckTests {
    /// A check counts failing rows per rule and scores each dimension; the history exports as CSV.
    @Test func checkScoresAndKeepsHistory() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.send(.PUT, "/api/v1/resources/\(f.code)/quality/policy", token: token, json: ["policy": "flag"])
            _ = try await app.loadCSV(f, f.csv(rows: 0..<10, setting: "postal_code", to: "5280", inRow: 3), token: token)
            let run = try await app.send(.POST, "/api/v1/resources/\(f.code)/quality/check", token: token)
            #expect(run.status == .created)
            let info = try run.decode(QualityAPI.RunInfo.self)
            #expect(info.rows == 10)
            #expect(info.scores?.validity == 90)
            #expect(info.scores?.accessibility == 100)
            #expect(info.scores?.timeliness == 100)
            #expect(info.rules.first?.errorType == "constraint-error")
            #expect(info.lines?.first?.row == 4)
            _ = try await app.send(.POST, "/api/v1/resources/\(f.code)/quality/check", token: token)
            let summary = try await app.send(.GET, "/api/v1/resources/\(f.code)/quality").decode(QualityAPI.Summary.self)
            #expect(summary.history.count == 2)
            #expect(summary.policy == "flag" && summary.openFlags == 2)
            let csv = try await app.send(.GET, "/api/v1/resources/\(f.code)/quality/runs?format=csv")
            #expect(csv.headers.contentType?.subType == "csv")
            #expect(csv.body.string.split(whereSeparator: \.isNewline).count == 3)
            #expect(csv.body.string.hasPrefix("resource,started_at,rows,findings,validity,completeness"))
        }
    }

    /// An open objection costs the resource two points of its overall score.
    @Test func objectionsLowerTheScore() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app, openToPublic: true)  // anyone signed in may object to open data
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: token)
            let clean = try await app.send(.POST, "/api/v1/resources/\(f.code)/quality/check", token: token).decode(QualityAPI.RunInfo.self)
            let raised = try await app.send(.POST, "/api/v1/resources/\(f.code)/objections", token: try await app.token("jtj_steward"),
                                            json: ["recordKey": f.key(1), "column": "enterprise_name", "note": "名称已变更"])
            #expect(raised.status == .created, "\(raised.body.string)")
            let after = try await app.send(.POST, "/api/v1/resources/\(f.code)/quality/check", token: token).decode(QualityAPI.RunInfo.self)
            #expect(after.scores?.objectionPenalty == 2)
            #expect(after.measures?.openObjections == 1)
            #expect(abs((clean.scores?.overall ?? 0) - (after.scores?.overall ?? 0) - 2) < 0.11)
        }
    }

    /// Only the owning department runs checks.
    @Test func checksAreTheProviders() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let res = try await app.send(.POST, "/api/v1/resources/\(f.code)/quality/check", token: try await app.token("jtj_steward"))
            #expect(res.status == .forbidden)
        }
    }

    /// The department roll-up averages its resources' latest checks.
    @Test func departmentRollUp() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<5), token: token)
            _ = try await app.send(.POST, "/api/v1/resources/\(f.code)/quality/check", token: token)
            let store = try await RecordStores.find(f.code, on: app.db)
            let d = try await app.send(.GET, "/api/v1/departments/\(store.departmentCode)/quality", token: token).decode(QualityAPI.DepartmentQuality.self)
            #expect(d.checked == 1)
            #expect(d.items?.first { $0.code == f.code }?.overall == d.overall)
            let all = try await app.send(.GET, "/api/v1/quality/departments?format=csv", token: token)
            #expect(all.body.string.contains(store.departmentCode))
        }
    }
}

/// Validating a file without loading it.
@Suite("File validation")
struct FileValidationTests {
    /// Findings are counted per Frictionless error type with row numbers; nothing is written.
    @Test func validateCountsWithoutWriting() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            var lines = f.csv(rows: 0..<6, setting: "registered_capital", to: "abc", inRow: 1).split(separator: "\n").map(String.init)
            lines[3] = lines[3].split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",")  // a missing cell
            lines[4] = lines[1]  // a repeated key
            let res = try await app.sendRaw(.POST, "/api/v1/resources/\(f.code)/validate", token: token, contentType: "text/csv",
                                            body: Array((lines.joined(separator: "\n") + "\n").utf8))
            #expect(res.status == .ok, "\(res.body.string)")
            let report = try res.decode(ValidationReport.self)
            #expect(report.rows == 6)
            #expect(report.errors["type-error"] == 1)
            #expect(report.errors["missing-cell"] == 1)
            #expect(report.errors["primary-key"] == 1)
            #expect(report.lines.first?.row == 3)
            #expect(try await app.allRecords(f, token: token).isEmpty)
        }
    }
}

/// A `unique` item at ingest: a value another record holds — in the store or earlier in the load — is refused.
@Suite("Unique items at ingest")
struct UniqueAtIngestTests {
    @Test func repeatedValuesAreQuarantined() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            // Mark the enterprise name unique in the published snapshot (as a catalog change would).
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
            var snapshot = try #require(resource.catalogSnapshot)
            let i = try #require(snapshot.items.firstIndex { $0.column == "enterprise_name" })
            snapshot.items[i].unique = true
            resource.snapshot = JSONText.encode(snapshot)
            try await resource.save(on: app.db)
            let token = try await app.token(f.steward)
            let name = f.value(f.layout.column(named: "enterprise_name")!, row: 0)
            // Row 3 repeats row 0's name within the load.
            let first = try await app.loadCSV(f, f.csv(rows: 0..<4, setting: "enterprise_name", to: name, inRow: 3), token: token).decode(LoadAnswer.self)
            #expect(first.inserted == 3 && first.rejected == 1)
            // A later load: row 5 takes the stored name of row 0; row 0 itself is updated keeping its name.
            let second = try await app.loadCSV(f, f.csv(rows: 4..<6, setting: "enterprise_name", to: name, inRow: 5), token: token).decode(LoadAnswer.self)
            #expect(second.inserted == 1 && second.rejected == 1)
            let again = try await app.loadCSV(f, f.csv(rows: 0..<1), token: token).decode(LoadAnswer.self)
            #expect(again.updated == 1 && again.rejected == 0)
            let open = try await app.send(.GET, "/api/v1/resources/\(f.code)/quarantine?status=open", token: token).decode(QuarantineListAnswer.self)
            #expect(open.items.map(\.code) == ["unique", "unique"])
        }
    }
}
