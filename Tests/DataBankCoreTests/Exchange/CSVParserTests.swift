import Testing
@testable import DataBankCore

/// Parses `text` fed in chunks of `chunk` bytes; returns each record's fields, line and problem code.
func parseCSV(_ text: String, chunk: Int = 7, delimiter: UInt8 = UInt8(ascii: ",")) -> [([String], Int, String?)] {
    var parser = CSVParser(delimiter: delimiter)
    var out: [([String], Int, String?)] = []
    let bytes = Array(text.utf8)
    let collect: (CSVRecord) -> Void = { r in out.append(((0..<r.count).map { r.string($0) }, r.line, r.problem?.code)) }
    for start in stride(from: 0, to: bytes.count, by: chunk) {
        bytes[start..<min(start + chunk, bytes.count)].withUnsafeBufferPointer { parser.feed($0, collect) }
    }
    parser.finish(collect)
    return out
}

@Suite("CSV parser")
struct CSVParserTests {
    /// Quoted fields keep embedded commas, doubled quotes and line breaks, whatever the chunking.
    @Test(arguments: [1, 3, 7, 4096])
    func quotedFields(_ chunk: Int) {
        let text = "id,name,note\n1,\"Zhang, San\",\"said \"\"hi\"\"\"\n2,李四,\"two\nlines\"\n"
        let records = parseCSV(text, chunk: chunk)
        #expect(records.map(\.0) == [["id", "name", "note"], ["1", "Zhang, San", "said \"hi\""], ["2", "李四", "two\nlines"]])
        #expect(records.map(\.1) == [1, 2, 3])
    }

    /// CRLF, LF and lone CR all end records; blank lines are skipped; a missing final newline is fine.
    @Test func lineEndings() {
        #expect(parseCSV("a,b\r\n1,2\r\n\r\n3,4\r5,6").map(\.0) == [["a", "b"], ["1", "2"], ["3", "4"], ["5", "6"]])
    }

    /// Empty fields, including a trailing one, are kept as empty.
    @Test func emptyFields() {
        #expect(parseCSV("a,,c,\n,,,\n").map(\.0) == [["a", "", "c", ""], ["", "", "", ""]])
    }

    /// An unclosed quote is reported on the record where it opened, naming the line.
    @Test func unclosedQuote() {
        let records = parseCSV("a,b\n1,\"open\n2,3\n")
        #expect(records.count == 2)
        #expect(records[1].2 == "unclosed_quote")
        #expect(records[1].1 == 2)
    }

    /// Text after a closing quote is a problem for that record only; the next record parses cleanly.
    @Test func strayQuote() {
        let records = parseCSV("1,\"ab\"c,3\n4,5,6\n")
        #expect(records[0].2 == "stray_quote")
        #expect(records[1].0 == ["4", "5", "6"])
        #expect(records[1].2 == nil)
    }

    /// Tabs separate TSV; a quote inside an unquoted field is ordinary text.
    @Test func tabsAndInnerQuotes() {
        #expect(parseCSV("a\tb\n5\" screen\tx\n", delimiter: 0x09).map(\.0) == [["a", "b"], ["5\" screen", "x"]])
    }
}
