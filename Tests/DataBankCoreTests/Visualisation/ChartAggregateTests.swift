import Foundation
import Testing
@testable import DataBankCore

@Suite("Chart data from an aggregate")
struct ChartAggregateTests {
    /// One grouping, two measures: categories in row order, a series per measure, "<5" hidden,
    /// null missing, the labels taken from the columns.
    @Test func oneGroupingManyMeasures() throws {
        let json = """
            {"columns":[{"name":"district","label":"区","kind":"group","type":"string"},
                        {"name":"count","label":"户数","kind":"measure","type":"integer"},
                        {"name":"sum_amount","label":"金额","kind":"measure","type":"number"}],
             "rows":[["禅城区",120,30500.5],["三水区","<5",null],["其他",7,"812.25"]],
             "total":3,"suppressed":1}
            """
        let data = try ChartData(aggregateJSON: Data(json.utf8), unit: "户")
        #expect(data.categories == ["禅城区", "三水区", "其他"])
        #expect(data.series.map(\.name) == ["户数", "金额"])
        #expect(data.series[0].values == [.number(120), .suppressed, .number(7)])
        #expect(data.series[1].values == [.number(30500.5), .missing, .number(812.25)])
        #expect(data.categoryLabel == "区" && data.valueLabel == "户数" && data.unit == "户")
        #expect(data.suppressedLabel == "<5")
        #expect(data.dates == nil)
    }

    /// Two groupings: the first gives the categories, the second the series, of the first measure;
    /// pairs without a row are missing.
    @Test func twoGroupingsPivot() throws {
        let aggregate = ChartAggregate(
            columns: [.init(name: "district", kind: "group"), .init(name: "type", kind: "group"), .init(name: "count", kind: "measure")],
            rows: [
                [.string("南海区"), .string("有限公司"), .number(10)], [.string("南海区"), .string("个体"), .number(20)],
                [.string("顺德区"), .string("个体"), .string("<5")]
            ])
        let data = ChartData(aggregate: aggregate)
        #expect(data.categories == ["南海区", "顺德区"])
        #expect(data.series.map(\.name) == ["有限公司", "个体"])
        #expect(data.series[0].values == [.number(10), .missing])
        #expect(data.series[1].values == [.number(20), .suppressed])
    }

    /// A date grouping becomes a date axis in its bucket; nulls in a grouping have a label.
    @Test func dateGroupingBecomesADateAxis() throws {
        let aggregate = ChartAggregate(
            columns: [.init(name: "registered_on", label: "登记月份", kind: "group", type: "date", bucket: "month"), .init(name: "count", kind: "measure")],
            rows: [[.string("2026-01-01"), .number(3)], [.string("2026-02"), .number(4)], [.string("2026-Q2"), .number(5)]])
        let data = ChartData(aggregate: aggregate, language: .en)
        #expect(data.dateUnit == .month)
        let labels = data.dates!.map { ChartDateAxis.label($0, unit: .month, language: .en) }
        #expect(labels == ["Jan 2026", "Feb 2026", "Apr 2026"])
        #expect(data.categories == labels)
        let blank = ChartData(
            aggregate: ChartAggregate(columns: [.init(name: "g", kind: "group"), .init(name: "c", kind: "measure")], rows: [[.null, .number(1)]]), language: .en
        )
        #expect(blank.categories == ["(blank)"])
    }

    /// No grouping: one category holding each measure (a key figure).
    @Test func noGrouping() {
        let data = ChartData(aggregate: ChartAggregate(columns: [.init(name: "count", label: "总数", kind: "measure")], rows: [[.number(42)]]))
        #expect(data.categories == [""] && data.series[0].values == [.number(42)])
        #expect(ChartRenderer.svg(data, ChartSpec(type: .number, title: "t")).contains(">42"))
    }

    /// An aggregate with no rows draws the empty state; one with only hidden groups the suppressed state.
    @Test func emptyAndHiddenAggregates() throws {
        let empty = try ChartData(
            aggregateJSON: Data(#"{"columns":[{"name":"d","kind":"group"},{"name":"c","kind":"measure"}],"rows":[],"total":0,"suppressed":0}"#.utf8))
        #expect(empty.isEmpty)
        let hidden = try ChartData(
            aggregateJSON: Data(
                #"{"columns":[{"name":"d","kind":"group"},{"name":"c","kind":"measure"}],"rows":[["a","<5"],["b","<5"]],"total":2,"suppressed":2}"#.utf8))
        #expect(hidden.isAllSuppressed && !hidden.isEmpty)
    }
}
