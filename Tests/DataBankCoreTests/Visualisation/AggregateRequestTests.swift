import Testing
@testable import DataBankCore

@Suite("Aggregate requests and the small-cell rule")
struct AggregateRequestTests {
    static let layout = RecordLayout(columns: [
        .init(name: "id", itemName: "编号", type: .C, length: 10, required: true, primaryKey: true),
        .init(name: "district", itemName: "所属区", type: .C, length: 6),
        .init(name: "amount", itemName: "金额", type: .Y, length: 12, precision: 2),
        .init(name: "people", itemName: "人数", type: .I),
        .init(name: "approved_on", itemName: "批准日期", type: .D)
    ])

    func parse(group: String? = nil, measures: String? = nil, sort: String? = nil, top: String? = nil) -> Result<AggregateRequest, FieldError> {
        AggregateRequest.parse(group: group, measures: measures, sort: sort, top: top, layout: Self.layout)
    }

    func error(_ r: Result<AggregateRequest, FieldError>) -> FieldError? {
        if case .failure(let e) = r { return e }
        return nil
    }

    @Test func groupsMeasuresSortAndTopParse() throws {
        let r = try parse(group: "district,approved_on:month", measures: "count,sum(amount),median(people)", sort: "-sum(amount)", top: "3").get()
        #expect(r.groups.map(\.name) == ["district", "approved_on:month"])
        #expect(r.groups[1].bucket == .month)
        #expect(r.measures.map(\.name) == ["count", "sum(amount)", "median(people)"])
        #expect(r.sort == AggregateSort(key: .measure(1), descending: true))
        #expect(r.top == 3)
        #expect(r.items == ["district", "approved_on", "amount", "people"])
    }

    @Test func measuresDefaultToCountAndTopSortsByTheFirstMeasure() throws {
        let r = try parse(group: "district", top: "2").get()
        #expect(r.measures.map(\.name) == ["count"])
        #expect(r.effectiveSort == AggregateSort(key: .measure(0), descending: true))
        #expect(try parse(group: "district").get().effectiveSort == nil)
    }

    @Test func badInputNamesItsParameterAndCode() {
        #expect(error(parse(group: "nope"))?.code == "unknown_item")
        #expect(error(parse(group: "nope"))?.field == "group")
        #expect(error(parse(measures: "sum(nope)"))?.code == "unknown_item")
        #expect(error(parse(measures: "sum(district)"))?.code == "measure_not_numeric")
        #expect(error(parse(measures: "avg(approved_on)"))?.field == "measures")
        #expect(error(parse(measures: "total(amount)"))?.code == "invalid_measure")
        #expect(error(parse(measures: "sum(amount"))?.code == "invalid_measure")
        #expect(error(parse(measures: "sum()"))?.code == "invalid_measure")
        #expect(error(parse(measures: ""))?.code == "invalid_measure")
        #expect(error(parse(measures: "count,count"))?.code == "invalid_measure")
        #expect(error(parse(group: "approved_on:fortnight"))?.code == "invalid_bucket")
        #expect(error(parse(group: "district:month"))?.code == "invalid_bucket")
        #expect(error(parse(group: "district,people,approved_on"))?.code == "invalid_group")
        #expect(error(parse(group: "district", sort: "amount"))?.code == "invalid_sort")
        #expect(error(parse(group: "district", top: "0"))?.code == "invalid_top")
        #expect(error(parse(group: "district", top: "x"))?.field == "top")
    }

    @Test func countDistinctTakesAnyItem() throws {
        #expect(try parse(measures: "count_distinct(district)").get().measures[0].valueType == "integer")
    }

    static func row(_ key: String, _ n: Int) -> AggregateGroupRow { AggregateGroupRow(keys: [key], count: n, measures: [String(n)]) }

    @Test func smallGroupsAreSuppressedAndLeftOutOfTheTotal() {
        let rows = [Self.row("a", 20), Self.row("b", 12), Self.row("c", 5), Self.row("d", 3)]
        let plan = AggregateSuppression(rows, k: 5, top: nil)
        #expect(plan.shownSuppressed == [false, false, false, true])
        #expect(plan.suppressed == 1)
        #expect(plan.total == 37)
        let full = AggregateSuppression(rows, k: nil, top: nil)
        #expect(full.suppressed == 0 && full.total == 40)
    }

    /// The other row folds only unsuppressed groups: a suppressed group after the first N is dropped.
    @Test func theOtherRowNeverHoldsASuppressedGroup() {
        let rows = [Self.row("a", 20), Self.row("b", 12), Self.row("c", 5), Self.row("d", 3), Self.row("e", 1)]
        let plan = AggregateSuppression(rows, k: 5, top: 2)
        #expect(plan.shown.map(\.keys) == [["a"], ["b"]])
        #expect(plan.folded.map(\.keys) == [["c"]])
        #expect(plan.dropped.map(\.keys) == [["d"], ["e"]])
        #expect(plan.suppressed == 2)
        #expect(plan.total == 37)
        #expect(!AggregateSuppression.isSuppressed(0, k: 5))
    }

    @Test func answersAsJSONAndCSV() throws {
        let request = try parse(group: "district", measures: "count,avg(amount)", top: "1").get()
        let rows = [
            AggregateGroupRow(keys: ["440604"], count: 7, measures: ["7", "12.5"]),
            AggregateGroupRow(keys: ["440605"], count: 6, measures: ["6", "3.0000000000000004"]),
            AggregateGroupRow(keys: ["440606"], count: 2, measures: ["2", "1"])
        ]
        let plan = AggregateSuppression(rows, k: 5, top: 1)
        let result = AggregateResult(request: request, plan: plan, otherMeasures: ["6", "3"], k: 5, language: "en")
        #expect(
            result.json
                == #"{"columns":[{"name":"district","label":"district","kind":"group","type":"text"},{"name":"count","label":"Records","kind":"measure","type":"integer"},{"name":"avg(amount)","label":"Average amount","kind":"measure","type":"number"}],"rows":[["440604",7,12.5],["other",6,3]],"total":13,"suppressed":1,"other":true,"minGroupSize":5}"#
        )
        #expect(result.csv == "district,count,avg(amount)\r\n440604,7,12.5\r\nother,6,3\r\n")
        let zh = AggregateResult(request: request, plan: AggregateSuppression(rows, k: 5, top: nil), otherMeasures: nil, k: 5, language: "zh")
        #expect(zh.columns.map(\.label) == ["所属区", "记录数", "金额平均值"])
        #expect(zh.rows[2] == [.text("440606"), .suppressed("<5"), .suppressed("<5")])
        #expect(zh.rows[1][2] == .number("3"))
    }

    @Test func numbersAgreeAcrossDatabases() {
        #expect(AggregateNumber.format("3400.50", integer: false) == "3400.5")
        #expect(AggregateNumber.format("3400.5000000000000000", integer: false) == "3400.5")
        #expect(AggregateNumber.format("0.30000000000000004", integer: false) == "0.3")
        #expect(AggregateNumber.format("42", integer: true) == "42")
        #expect(AggregateNumber.format("42.0", integer: true) == "42")
        #expect(AggregateNumber.format("x", integer: false) == nil)
    }
}
