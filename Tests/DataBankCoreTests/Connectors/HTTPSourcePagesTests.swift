import Foundation
import Testing
@testable import DataBankCore

@Suite("Connector schedules in words")
struct ConnectorScheduleWordsTests {
    @Test func commonSchedulesReadAsWords() {
        let cases: [(String, String, String)] = [
            ("every 5 minutes", "每 5 分钟", "every 5 minutes"), ("every 1 minute", "每分钟", "every minute"),
            ("*/10 * * * *", "每 10 分钟", "every 10 minutes"), ("15 * * * *", "每小时第 15 分", "hourly at :15"),
            ("30 2 * * *", "每天 02:30", "daily at 02:30"), ("0 8 * * 1", "每周一 08:00", "Mondays at 08:00"),
            ("0 8 * * 1-5", "工作日（周一至周五）08:00", "weekdays at 08:00"), ("0 6 1 * *", "每月 1 日 06:00", "monthly on day 1 at 06:00")
        ]
        for (text, zh, en) in cases {
            #expect(ConnectorScheduleWords.describe(text, lang: "zh") == zh)
            #expect(ConnectorScheduleWords.describe(text, lang: "en") == en)
        }
    }

    @Test func unusualExpressionsAreShownAsWritten() {
        #expect(ConnectorScheduleWords.describe("0 8 1,15 6 *", lang: "zh") == "0 8 1,15 6 *")
        #expect(ConnectorScheduleWords.describe("nonsense", lang: "en") == "nonsense")
    }
}

@Suite("HTTP source pages")
struct HTTPSourcePagesTests {
    let doc = try! JSONReader.parse(#"{"data":{"items":[{"id":1},{"id":2}],"a/b":{"~x":[7]}},"next":"c2"}"#)

    @Test func recordsAreFoundByPointerOrDottedPath() {
        #expect(HTTPSourcePages.locate("/data/items", in: doc)?.arrayValue?.count == 2)
        #expect(HTTPSourcePages.locate("data.items", in: doc)?.arrayValue?.count == 2)
        #expect(HTTPSourcePages.locate("$.data.items.1", in: doc)?.objectValue?.first?.value == .number("2"))
        #expect(HTTPSourcePages.locate("/data/a~1b/~0x/0", in: doc) == .number("7"))
        #expect(HTTPSourcePages.locate("", in: doc) == doc)
        #expect(HTTPSourcePages.locate("/data/none", in: doc) == nil)
    }

    @Test func theNextLinkIsTheRelNextOne() {
        let header = #"<https://api.example/x?page=1>; rel="first", <https://api.example/x?page=3>; rel="next last""#
        #expect(HTTPSourcePages.nextLink([header]) == "https://api.example/x?page=3")
        #expect(HTTPSourcePages.nextLink([#"</x?page=2>; title="a, b"; rel=next"#]) == "/x?page=2")
        #expect(HTTPSourcePages.nextLink([#"<https://api.example/x?page=1>; rel="prev""#]) == nil)
        #expect(HTTPSourcePages.nextLink([]) == nil)
    }

    @Test func watermarksCompareAsNumbersOrTexts() {
        let w = { (v: JSONValue) in HTTPSourcePages.watermark(v)! }
        #expect(HTTPSourcePages.isAfter(w(.number("10")), w(.number("9"))))
        #expect(!HTTPSourcePages.isAfter(w(.number("9.5")), w(.number("10"))))
        #expect(HTTPSourcePages.isAfter(w(.string("2026-12-06T10:00:00+08:00")), w(.string("2026-12-05T23:00:00+08:00"))))
        #expect(HTTPSourcePages.watermark(.null) == nil && HTTPSourcePages.watermark(.bool(true)) == nil)
    }

    @Test func aRecordBecomesOneLineNamedByItems() {
        let record: [(key: String, value: JSONValue)] = [("name", .string("a\"b\n")), ("n", .number("1.50")), ("x", .null)]
        let mapping = ConnectorMapping([.init(source: "name", item: "mc"), .init(source: "n", item: "sl"), .init(source: "gone", item: "z")])
        #expect(HTTPSourcePages.line(record, mapping: mapping) == #"{"mc":"a\"b\n","sl":1.50}"#)
    }
}
