import DataBankCore
@testable import DataBankServer
import Fluent
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The aggregate engine through the real HTTP app, on whichever database the run uses: the grant
/// decides what may be aggregated, small groups are suppressed for grants and the open portal,
/// and bad input is a clear 4xx naming its parameter.
@Suite("Aggregates")
struct AggregateTests {
    static let consumer = "jtj_steward"  // transport: not the provider of the enterprise registrations

    /// 40 enterprises: 20 in 禅城 (440604), 12 in 南海 (440605), 5 in 顺德 (440606), 3 in 三水 (440607);
    /// capital (i+1)·10; established on the 15th of January, February or May 2024 by i mod 3.
    static let districts: [(String, Int)] = [("440604", 20), ("440605", 12), ("440606", 5), ("440607", 3)]

    static func district(_ i: Int) -> String {
        var start = 0
        for (code, n) in districts {
            if i < start + n { return code }
            start += n
        }
        return districts.last!.0
    }
    static func capital(_ i: Int) -> Double { Double(i + 1) * 10 }
    static func established(_ i: Int) -> String { ["2024-01-15", "2024-02-15", "2024-05-15"][i % 3] }

    func load(_ app: Application, _ f: StoreFixture, rows: Range<Int> = 0..<40) async throws {
        let own: [String: (Int) -> String] = [
            "region_code": Self.district, "registered_capital": { String(Int(Self.capital($0))) }, "establish_date": Self.established
        ]
        let lines = rows.map { r in f.layout.columns.map { c in own[c.name]?(r) ?? f.value(c, row: r) }.joined(separator: ",") }
        let res = try await app.loadCSV(f, ([f.header()] + lines).joined(separator: "\n") + "\n", mode: "replace", token: try await app.token(f.steward))
        #expect(res.status == .ok, "\(res.body.string)")
    }

    struct Answer: Decodable {
        struct Column: Decodable { var name: String; var label: String; var kind: String; var type: String; var bucket: String? }
        var columns: [Column]
        var rows: [[JSONValue]]
        var total: Int
        var suppressed: Int
        var other: Bool
        var minGroupSize: Int?

        /// Group key → the measure cells as text.
        var byKey: [String: [String]] {
            Dictionary(uniqueKeysWithValues: rows.map { r in (r[0].text, r.dropFirst(columns.filter { $0.kind == "group" }.count).map(\.text)) })
        }
    }

    func aggregate(_ app: Application, _ f: StoreFixture, _ query: String, token: String?) async throws -> TestingHTTPResponse {
        try await app.send(.GET, "/api/v1/resources/\(f.code)/aggregate?\(query)", token: token)
    }

    func answer(_ app: Application, _ f: StoreFixture, _ query: String, token: String?) async throws -> Answer {
        let res = try await aggregate(app, f, query, token: token)
        #expect(res.status == .ok, "\(query): \(res.body.string)")
        return try res.decode(Answer.self)
    }

    func grant(_ app: Application, _ f: StoreFixture) async throws {
        let items = f.layout.columns.map(\.name)
        let lastKey = try #require((0..<40).map { f.key($0) }.max())
        _ = try await app.grantAtOnce(f, consumer: try await app.token(Self.consumer), items: items, lastKey: lastKey, purpose: "企业分布统计")
    }

    // MARK: Who reads

    @Test func providerAggregatesFreely() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            try await load(app, f)
            let a = try await answer(app, f, "group=region_code&measures=count,sum(registered_capital)", token: try await app.token(f.steward))
            #expect(a.columns.map(\.name) == ["region_code", "count", "sum(registered_capital)"])
            #expect(a.columns.map(\.kind) == ["group", "measure", "measure"])
            #expect(a.rows.map { $0[0].text } == ["440604", "440605", "440606", "440607"])
            #expect(a.byKey["440604"] == ["20", String(Int((0..<20).map(Self.capital).reduce(0, +)))])
            #expect(a.byKey["440607"]?[0] == "3")
            #expect(a.total == 40)
            #expect(a.suppressed == 0)
            #expect(a.minGroupSize == nil)
        }
    }

    @Test func grantSuppressesSmallGroups() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            try await load(app, f)
            try await grant(app, f)
            let a = try await answer(
                app, f, "group=region_code&measures=count,avg(registered_capital)&purpose=统计", token: try await app.token(Self.consumer))
            #expect(a.byKey["440607"] == ["<5", "<5"])
            #expect(a.byKey["440606"]?[0] == "5")
            #expect(a.suppressed == 1)
            #expect(a.total == 37)  // the suppressed group's records are in no figure
            #expect(a.minGroupSize == 5)
        }
    }

    @Test func providerSetsK() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            try await load(app, f)
            try await grant(app, f)
            let provider = try await app.token(f.steward), consumer = try await app.token(Self.consumer)
            let set = try await app.send(.PUT, "/api/v1/resources/\(f.code)/aggregate/settings", token: provider, json: ["minGroupSize": 6])
            #expect(set.status == .ok, "\(set.body.string)")
            let a = try await answer(app, f, "group=region_code&purpose=统计", token: consumer)
            #expect(a.byKey["440606"] == ["<6"])
            #expect(a.suppressed == 2)
            #expect(a.total == 32)
            // Only the provider sets it, and only within bounds.
            let other = try await app.send(.PUT, "/api/v1/resources/\(f.code)/aggregate/settings", token: consumer, json: ["minGroupSize": 2])
            #expect(other.status == .forbidden || other.status == .notFound)
            let bad = try await app.send(.PUT, "/api/v1/resources/\(f.code)/aggregate/settings", token: provider, json: ["minGroupSize": 1])
            #expect(bad.status == .unprocessableEntity)
            #expect(try bad.errorBody().details.first?.field == "minGroupSize")
        }
    }

    @Test func grantCannotGroupByAMaskedItem() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            try await load(app, f)
            try await grant(app, f)  // legal_rep is masked by name
            let res = try await aggregate(app, f, "group=legal_rep&purpose=统计", token: try await app.token(Self.consumer))
            #expect(res.status == .forbidden)
            #expect(try res.errorBody().code == "item_masked")
            #expect(try res.errorBody().details.first?.field == "group")
            let measure = try await aggregate(app, f, "measures=count_distinct(legal_rep)&purpose=统计", token: try await app.token(Self.consumer))
            #expect(try measure.errorBody().details.first?.field == "measures")
        }
    }

    @Test func grantRowScopeApplies() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            try await load(app, f)
            let keys = (0..<40).map { f.key($0) }.sorted()
            let lastKey = keys[24]
            _ = try await app.grantAtOnce(f, consumer: try await app.token(Self.consumer), items: f.layout.columns.map(\.name), lastKey: lastKey, purpose: "统计")
            let a = try await answer(app, f, "purpose=统计", token: try await app.token(Self.consumer))
            #expect(a.rows.count == 1)
            #expect(a.rows[0][0].text == "25")
            #expect(a.total == 25)
        }
    }

    @Test func openPortalReadersGetTheSameRule() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app, openToPublic: true)
            try await load(app, f)
            let a = try await answer(app, f, "group=region_code", token: nil)
            #expect(a.byKey["440607"] == ["<5"])
            #expect(a.suppressed == 1)
            #expect(a.total == 37)
        }
    }

    @Test func noGrantAndHiddenAnswerAsRecordsDo() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            try await load(app, f)
            let consumer = try await app.token(Self.consumer)
            let refused = try await aggregate(app, f, "group=region_code&purpose=x", token: consumer)
            #expect(refused.status == .forbidden)
            #expect(try refused.errorBody().code == "no_grant")
            #expect(try await aggregate(app, f, "group=region_code", token: nil).status == .unauthorized)
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
            resource.classified = true
            try await resource.save(on: app.db)
            let hidden = try await aggregate(app, f, "group=region_code&purpose=x", token: consumer)
            let unknown = try await app.send(.GET, "/api/v1/resources/999999-99999/aggregate?group=region_code&purpose=x", token: consumer)
            #expect(hidden.status == .notFound)
            #expect(try hidden.errorBody().code == unknown.errorBody().code)
        }
    }

    @Test func everyAggregateIsAuditedWithItsParameters() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            try await load(app, f)
            _ = try await answer(app, f, "group=region_code&measures=count&top=2&establish_date__gte=2024-02-01", token: try await app.token(f.steward))
            let row = try #require(
                try await app.db.sql.raw(
                    "SELECT operation, fields FROM audit_log WHERE resource_code = \(bind: f.code) AND operation = 'query.aggregate'"
                ).first())
            let fields = try row.decode(column: "fields", as: String.self)
            #expect(fields.contains("?group=region_code"))
            #expect(fields.contains("?top=2"))
            #expect(fields.contains("?filters=establish_date__gte"))
        }
    }

    // MARK: Shapes

    @Test func answersAsCSV() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            try await load(app, f)
            let provider = try await app.token(f.steward)
            let res = try await aggregate(app, f, "group=region_code&format=csv", token: provider)
            #expect(res.status == .ok)
            #expect(res.headers.contentType?.description.hasPrefix("text/csv") == true)
            #expect(res.body.string == "\u{FEFF}region_code,count\r\n440604,20\r\n440605,12\r\n440606,5\r\n440607,3\r\n")
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: provider)
            headers.replaceOrAdd(name: .accept, value: "text/csv")
            var accepted: String?
            try await app.testing().test(.GET, "/api/v1/resources/\(f.code)/aggregate?group=region_code", headers: headers) { accepted = $0.body.string }
            #expect(accepted == res.body.string)
        }
    }

    @Test func dateBuckets() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            try await load(app, f)
            let provider = try await app.token(f.steward)
            let expected: [String: [String]] = [
                "day": ["2024-01-15", "2024-02-15", "2024-05-15"], "week": ["2024-01-15", "2024-02-12", "2024-05-13"],
                "month": ["2024-01", "2024-02", "2024-05"], "quarter": ["2024-Q1", "2024-Q2"], "year": ["2024"]
            ]
            for (bucket, keys) in expected {
                let a = try await answer(app, f, "group=establish_date:\(bucket)", token: provider)
                #expect(a.rows.map { $0[0].text } == keys, "\(bucket)")
                #expect(a.columns[0].type == "period")
                #expect(a.columns[0].bucket == bucket)
            }
            let month = try await answer(app, f, "group=establish_date:month&lang=en", token: provider)
            #expect(month.byKey["2024-01"] == ["14"])  // i mod 3 == 0 for i < 40
            #expect(month.columns[0].label == "establish date (by month)")
        }
    }

    @Test func twoItemGrouping() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            try await load(app, f)
            let a = try await answer(app, f, "group=region_code,establish_date:month&sort=-count", token: try await app.token(f.steward))
            var expected: [String: Int] = [:]
            for i in 0..<40 { expected["\(Self.district(i))|\(Self.established(i).prefix(7))", default: 0] += 1 }
            #expect(a.rows.count == expected.count)
            for r in a.rows { #expect(expected["\(r[0].text)|\(r[1].text)"] == Int(r[2].text), "\(r)") }
            let counts = a.rows.map { Int($0[2].text) ?? 0 }
            #expect(counts == counts.sorted(by: >))
        }
    }

    @Test func topNPlusOther() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            try await load(app, f)
            let q = "group=region_code&measures=count,sum(registered_capital),count_distinct(establish_date)&top=2"
            let full = try await answer(app, f, q, token: try await app.token(f.steward))
            #expect(full.other)
            #expect(full.rows.map { $0[0].text } == ["440604", "440605", "其他"])
            let rest = 32..<40
            #expect(full.rows[2].map(\.text) == ["其他", "8", String(Int(rest.map(Self.capital).reduce(0, +))), "3"])
            #expect(full.total == 40)
            // For a grant, the other row holds only unsuppressed groups: 440606's five, not 440607's three.
            try await grant(app, f)
            let granted = try await answer(app, f, q + "&purpose=统计", token: try await app.token(Self.consumer))
            #expect(granted.rows[2].map(\.text) == ["其他", "5", String(Int((32..<37).map(Self.capital).reduce(0, +))), "3"])
            #expect(granted.suppressed == 1)
            #expect(granted.total == 37)
        }
    }

    /// SQLite numbers rows in SQL, PostgreSQL has `percentile_cont`: both give percentile_cont's answer.
    @Test func medianAndP90AgreeWithPercentileCont() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            try await load(app, f)
            let a = try await answer(
                app, f, "group=region_code&measures=median(registered_capital),p90(registered_capital)", token: try await app.token(f.steward))
            for (code, _) in Self.districts {
                let values = (0..<40).filter { Self.district($0) == code }.map(Self.capital).sorted()
                let cells = try #require(a.byKey[code])
                #expect(abs((Double(cells[0]) ?? -1) - Self.percentileCont(values, 0.5)) < 1e-9, "\(code) median")
                #expect(abs((Double(cells[1]) ?? -1) - Self.percentileCont(values, 0.9)) < 1e-9, "\(code) p90")
            }
            let all = try await answer(app, f, "measures=median(registered_capital),p90(registered_capital)", token: try await app.token(f.steward))
            let values = (0..<40).map(Self.capital)
            #expect(abs((Double(all.rows[0][0].text) ?? -1) - Self.percentileCont(values, 0.5)) < 1e-9)
            #expect(abs((Double(all.rows[0][1].text) ?? -1) - Self.percentileCont(values, 0.9)) < 1e-9)
        }
    }

    static func percentileCont(_ sorted: [Double], _ p: Double) -> Double {
        let h = p * Double(sorted.count - 1)
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    // MARK: Bad input

    @Test func badInputIsAClear4xx() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            try await load(app, f, rows: 0..<3)
            let provider = try await app.token(f.steward)
            let cases: [(String, String, String)] = [
                ("group=nope", "unknown_item", "group"),
                ("measures=sum(nope)", "unknown_item", "measures"),
                ("measures=sum(region_code)", "measure_not_numeric", "measures"),
                ("group=region_code:month", "invalid_bucket", "group"),
                ("group=establish_date:fortnight", "invalid_bucket", "group"),
                ("measures=sum(registered_capital", "invalid_measure", "measures"),
                ("measures=total(registered_capital)", "invalid_measure", "measures"),
                ("group=region_code&sort=-nope", "invalid_sort", "sort"),
                ("group=region_code&top=0", "invalid_top", "top"),
                ("group=region_code&nope__eq=1", "unknown_filter", "nope__eq"),
                ("group=region_code&format=xml", "invalid_format", "format")
            ]
            for (query, code, field) in cases {
                let res = try await aggregate(app, f, query, token: provider)
                #expect(res.status == .badRequest, "\(query): \(res.status)")
                let error = try res.errorBody()
                #expect(error.code == code, "\(query)")
                #expect(error.details.first?.field == field, "\(query)")
            }
        }
    }

    @Test func tooManyGroupsAreRefusedWithTheirNumber() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let n = AggregateRequest.maxResultGroups + 2
            try await load(app, f, rows: 0..<n)
            let res = try await aggregate(app, f, "group=\(f.keyColumn.name)", token: try await app.token(f.steward))
            #expect(res.status == .unprocessableEntity)
            let error = try res.errorBody()
            #expect(error.code == "too_many_groups")
            #expect(error.details.first?.field == "group")
            #expect(error.message.contains("\(n)"))
        }
    }
}
