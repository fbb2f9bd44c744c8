@testable import DataBankCore
import Testing

@Suite("Open data: pure parts")
struct OpenCoreTests {
    /// CRC-32 of the standard check string.
    @Test func crc32CheckValue() {
        var crc = CRC32()
        crc.update(Array("123456789".utf8))
        #expect(crc.value == 0xCBF4_3926)
    }

    /// A stored archive: local header, bytes, descriptor; the directory names every entry at its offset.
    @Test func zipStreamLaysOutEntries() throws {
        var zip = ZipStreamWriter()
        var bytes = zip.beginEntry("a.txt")
        bytes += try zip.write(Array("hello".utf8))
        bytes += try zip.endEntry()
        let directoryStart = bytes.count
        bytes += try zip.finish()
        #expect(Array(bytes.prefix(4)) == [0x50, 0x4B, 0x03, 0x04])
        #expect(Array(bytes[directoryStart..<directoryStart + 4]) == [0x50, 0x4B, 0x01, 0x02])
        #expect(Array(bytes.suffix(22).prefix(4)) == [0x50, 0x4B, 0x05, 0x06])
        #expect(throws: ZipStreamWriter.Failure.noOpenEntry) { _ = try zip.endEntry() }
    }

    @Test func spreadsheetColumnLetters() {
        #expect(XLSXStream.columnLetters(0) == "A")
        #expect(XLSXStream.columnLetters(25) == "Z")
        #expect(XLSXStream.columnLetters(26) == "AA")
        #expect(XLSXStream.columnLetters(701) == "ZZ")
    }

    /// Text that XML cannot hold is dropped, markup is escaped.
    @Test func xmlTextEscapes() {
        #expect(XMLText.escape("a<b>&\"c\u{1}") == "a&lt;b&gt;&amp;&quot;c")
    }

    /// Close spellings come from runs inside names (Chinese) and from words (Latin).
    @Test func closeSpellings() {
        let names = ["企业登记信息表", "停车场空余泊位", "Free spaces in car parks", "Enterprise registration"]
        #expect(OpenSuggestions.closeSpellings("企业等记", in: names).first == "企业登记")
        #expect(OpenSuggestions.closeSpellings("prks", in: names).contains("parks"))
        #expect(OpenSuggestions.closeSpellings("企业登记", in: names).allSatisfy { $0 != "企业登记" })
        #expect(OpenSuggestions.closeSpellings("x", in: names).isEmpty)
    }

    @Test func downloadFileNames() {
        #expect(OpenDownloadFormat(fileName: "data.xlsx") == .xlsx)
        #expect(OpenDownloadFormat(fileName: "data.exe") == nil)
        #expect(OpenDownloadFormat(fileName: "csv") == nil)
    }
}
