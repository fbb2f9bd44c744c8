import Foundation
import Testing
@testable import DataBankCore

/// Seconds since 1970 of a time in the city (UTC+8).
func cityTime(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int) -> Int64 {
    var c = DateComponents()
    c.year = y; c.month = mo; c.day = d; c.hour = h; c.minute = mi
    c.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
    return Int64(Calendar(identifier: .gregorian).date(from: c)!.timeIntervalSince1970)
}

@Suite("Connector schedules")
struct ConnectorScheduleTests {
    func parse(_ text: String) throws -> ConnectorSchedule { try ConnectorSchedule.parse(text).get() }

    @Test func everyNMinutesIsAlignedOnTheCityClock() throws {
        let s = try parse("every 15 minutes")
        #expect(s.next(after: cityTime(2026, 3, 1, 9, 7)) == cityTime(2026, 3, 1, 9, 15))
        #expect(s.next(after: cityTime(2026, 3, 1, 9, 15)) == cityTime(2026, 3, 1, 9, 30))
    }

    @Test func cronRunsAtTheCityTimeItNames() throws {
        // 02:30 every day, Shanghai time: from 03:00 the next run is tomorrow 02:30.
        let s = try parse("30 2 * * *")
        #expect(s.next(after: cityTime(2026, 3, 1, 3, 0)) == cityTime(2026, 3, 2, 2, 30))
        #expect(s.next(after: cityTime(2026, 3, 1, 2, 29)) == cityTime(2026, 3, 1, 2, 30))
    }

    @Test func cronWeekdaysListsRangesAndSteps() throws {
        // 2026-03-06 is a Friday: the next weekday 09:00 after Friday 10:00 is Monday the 9th.
        let s = try parse("0 9 * * 1-5")
        #expect(s.next(after: cityTime(2026, 3, 6, 10, 0)) == cityTime(2026, 3, 9, 9, 0))
        let steps = try parse("*/20 8-9 1,15 * *")
        #expect(steps.next(after: cityTime(2026, 3, 1, 8, 41)) == cityTime(2026, 3, 1, 9, 0))
        #expect(steps.next(after: cityTime(2026, 3, 1, 9, 40)) == cityTime(2026, 3, 15, 8, 0))
        // Sunday may be 7.
        #expect(try parse("0 0 * * 7").next(after: cityTime(2026, 3, 6, 0, 0)) == cityTime(2026, 3, 8, 0, 0))
    }

    @Test func aScheduleThatDoesNotParseNamesItsField() {
        for bad in ["61 * * * *", "* * *", "every 0 minutes", "every ten minutes", "*/0 * * * *", "5-1 * * * *", ""] {
            guard case .failure(let e) = ConnectorSchedule.parse(bad) else { Issue.record("\(bad) parsed"); continue }
            #expect(e.field == "schedule")
            #expect(e.code == "invalid_schedule")
        }
    }

    @Test func anImpossibleDateNeverRuns() throws {
        #expect(try parse("0 0 31 2 *").next(after: cityTime(2026, 1, 1, 0, 0)) == nil)
    }
}

@Suite("Connector mappings, watermarks and read-only queries")
struct ConnectorMappingTests {
    let layout = RecordLayout(columns: [
        .init(name: "credit_code", itemName: "统一社会信用代码", type: .C, length: 18, required: true, primaryKey: true),
        .init(name: "name", itemName: "名称", type: .C, length: 100, required: true),
        .init(name: "capital", itemName: "注册资本", type: .Y)
    ])

    @Test func aMappingToAnUnknownItemNamesTheField() {
        let m = ConnectorMapping([.init(source: "tyshxydm", item: "credit_code"), .init(source: "mc", item: "name"), .init(source: "x", item: "no_such")])
        let problems = m.problems(for: layout)
        #expect(
            problems == [
                FieldError(field: "mapping[2].item", code: "unknown_item", message: "数据存储中没有信息项 no_such", messageEn: "The store has no item no_such")
            ])
    }

    @Test func requiredItemsMustBeMappedAndNoneTwice() {
        let m = ConnectorMapping([.init(source: "a", item: "credit_code"), .init(source: "b", item: "credit_code")])
        let problems = m.problems(for: layout)
        #expect(problems.contains { $0.field == "mapping[1].item" && $0.code == "duplicate_item" })
        #expect(problems.contains { $0.field == "mapping" && $0.code == "missing_item" && $0.messageEn.contains("name") })
        #expect(ConnectorMapping.identity(layout).problems(for: layout).isEmpty)
    }

    @Test func incrementalModeNeedsItsColumn() {
        #expect(ConnectorMode.parse("incremental", column: "updated_at") == .success(.incremental(column: "updated_at")))
        guard case .failure(let e) = ConnectorMode.parse("incremental", column: " ") else { Issue.record("accepted"); return }
        #expect(e.field == "watermarkColumn")
        guard case .failure(let m) = ConnectorMode.parse("append", column: nil) else { Issue.record("accepted"); return }
        #expect(m.field == "mode")
    }

    func w(_ v: String) -> Watermark { Watermark(value: v, type: "integer") }

    @Test func theWatermarkStopsBeforeATieThatMayContinue() {
        // A full page ending in value 7 (which the next page may continue) commits 6.
        #expect(Watermark.after(page: [w("5"), w("6"), w("7"), w("7")], lastPage: false, previous: w("4")) == w("6"))
        // A page of one value only keeps the previous watermark.
        #expect(Watermark.after(page: [w("7"), w("7")], lastPage: false, previous: w("4")) == w("4"))
        // The last page commits its last value; an empty one keeps what was.
        #expect(Watermark.after(page: [w("7"), w("8")], lastPage: true, previous: w("4")) == w("8"))
        #expect(Watermark.after(page: [], lastPage: true, previous: w("4")) == w("4"))
    }

    @Test func onlyOneReadingStatementPasses() {
        for ok in [
            "SELECT * FROM t", "select a, 'delete' AS d from t -- drop table t", "WITH x AS (SELECT 1) SELECT * FROM x;",
            "SELECT \"update\" FROM t", "SELECT replace(name, 'a', 'b') FROM t", "/* insert */ SELECT 1", "SELECT $$;drop$$"
        ] {
            #expect(ReadOnlyQuery.problem(ok) == nil, "\(ok)")
        }
        for bad in [
            "DELETE FROM t", "SELECT 1; DROP TABLE t", "WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", "SELECT * INTO t2 FROM t",
            "PRAGMA table_info(t)", "SELECT 'unclosed", "", "ATTACH 'x.db' AS x", "EXPLAIN ANALYZE SELECT 1"
        ] {
            let p = ReadOnlyQuery.problem(bad)
            #expect(p?.field == "query", "\(bad)")
            #expect(p?.code == "not_read_only", "\(bad)")
        }
    }

    @Test func gb18030EncodesWhatTheTranscoderDecodes() throws {
        let bytes = try #require(TextTranscoder.gb18030("企业登记"))
        #expect(bytes == [0xC6, 0xF3, 0xD2, 0xB5, 0xB5, 0xC7, 0xBC, 0xC7])
    }
}
