import Testing
@testable import DataBankCore

/// "企业登记" in GB18030.
let gbBytes: [UInt8] = [0xC6, 0xF3, 0xD2, 0xB5, 0xB5, 0xC7, 0xBC, 0xC7]

func transcode(_ bytes: [UInt8], _ encoding: TextEncoding, chunk: Int) throws -> (String, [Int]) {
    let t = try TextTranscoder(encoding)
    var out: [UInt8] = []
    for start in stride(from: 0, to: bytes.count, by: chunk) {
        let end = min(start + chunk, bytes.count)
        bytes[start..<end].withUnsafeBufferPointer { t.convert($0, final: end == bytes.count, into: &out) }
    }
    return (String(decoding: out, as: UTF8.self), t.invalid.map(\.source))
}

@Suite("Encodings and JSON records")
struct TranscoderAndJSONTests {
    /// GB18030 is detected when the bytes are not UTF-8; a UTF-8 BOM is recognised and measured.
    @Test func detection() {
        #expect(gbBytes.withUnsafeBufferPointer { TextEncoding.detect($0) } == (.gb18030, 0))
        #expect(Array("企业".utf8).withUnsafeBufferPointer { TextEncoding.detect($0) } == (.utf8, 0))
        #expect(([0xEF, 0xBB, 0xBF] + Array("a".utf8)).withUnsafeBufferPointer { TextEncoding.detect($0) } == (.utf8, 3))
        // A sample that cuts a UTF-8 character in half is still UTF-8.
        #expect(Array(Array("企业".utf8).dropLast()).withUnsafeBufferPointer { TextEncoding.detect($0) } == (.utf8, 0))
    }

    /// GB18030 converts to UTF-8 even when a character is split across chunks.
    @Test(arguments: [1, 3, 8])
    func gb18030Chunked(_ chunk: Int) throws {
        let (text, invalid) = try transcode(gbBytes, .gb18030, chunk: chunk)
        #expect(text == "企业登记")
        #expect(invalid.isEmpty)
    }

    /// Undecodable bytes are replaced and reported with their source offset.
    @Test func invalidUTF8IsReported() throws {
        let (text, invalid) = try transcode(Array("ab".utf8) + [0xFF] + Array("企".utf8), .utf8, chunk: 2)
        #expect(text == "ab\u{FFFD}企")
        #expect(invalid == [2])
    }

    /// A JSON array's objects come out one by one, numbers kept exactly as written.
    @Test func jsonArray() throws {
        var reader = JSONRecordReader(mode: .array)
        var records: [JSONRecord] = []
        let text = #"[{"id": 1, "amount": 12.30, "name": "张\"三\u4e00", "ok": true, "x": null}, {"id": 2}]"#
        for chunk in Array(text.utf8).chunked(5) {
            try chunk.withUnsafeBufferPointer { try reader.feed($0) { records.append(try $0.get()) } }
        }
        try reader.finish()
        #expect(records.count == 2)
        #expect(records[0].fields.map(\.key) == ["id", "amount", "name", "ok", "x"])
        #expect(records[0].fields[1].value == .literal(Array("12.30".utf8)))
        #expect(records[0].fields[2].value == .string(Array("张\"三一".utf8)))
        #expect(records[0].fields[4].value == .null)
    }

    /// In NDJSON a bad line is reported with its number and the lines after it still load.
    @Test func ndjsonBadLine() throws {
        var reader = JSONRecordReader(mode: .lines)
        var good: [Int] = [], bad: [Int] = []
        let text = "{\"id\":1}\n{\"id\":2,}\nnot json\n{\"id\":4}\n"
        try Array(text.utf8).withUnsafeBufferPointer {
            try reader.feed($0) { r in
                switch r {
                case .success(let rec): good.append(rec.number);
                case .failure(let e): bad.append(e.record)
                }
            }
        }
        try reader.finish()
        #expect(good == [1, 4])
        #expect(bad == [2, 3])
    }

    /// Values read on the fast paths (numbers as JSON writes them, literals, strings without escapes) are
    /// what the slower checks read: `Double`'s other spellings still pass, broken ones still fail.
    @Test func valuesAndLiterals() throws {
        var reader = JSONRecordReader(mode: .lines)
        var values: [[JSONFieldValue]] = [], bad: [Int] = []
        let lines = [
            #"{"a": -12.5e+3, "b": 0, "c": true, "d": false, "e": null, "f": "纯文本", "g": "a\\b"}"#,
            #"{"a": 1.}"#, #"{"a": 1e}"#, #"{"a": tru}"#, #"{"a": nul}"#, #"{"a": -}"#
        ]
        try Array(lines.joined(separator: "\n").utf8).withUnsafeBufferPointer {
            try reader.feed($0) { r in
                switch r {
                case .success(let rec): values.append(rec.fields.map(\.value));
                case .failure(let e): bad.append(e.record)
                }
            }
        }
        try reader.finish()
        #expect(
            values.first == [
                .literal(Array("-12.5e+3".utf8)), .literal([0x30]), .literal(Array("true".utf8)), .literal(Array("false".utf8)), .null,
                .string(Array("纯文本".utf8)), .string(Array("a\\b".utf8))
            ])
        #expect(values.count == 2 && values.last == [.literal(Array("1.".utf8))])  // `Double` reads "1."
        #expect(bad == [3, 4, 5, 6])
    }

    /// A JSON array cut off in the middle is an error naming where.
    @Test func truncatedArray() throws {
        var reader = JSONRecordReader(mode: .array)
        try Array(#"[{"id":1},{"id":"#.utf8).withUnsafeBufferPointer { try reader.feed($0) { _ in } }
        #expect(throws: JSONStreamError.self) { try reader.finish() }
    }
}

extension Array {
    func chunked(_ n: Int) -> [[Element]] { stride(from: 0, to: count, by: n).map { Array(self[$0..<Swift.min($0 + n, count)]) } }
}

extension TranscoderAndJSONTests {
    /// A UTF-8 file with one stray GB18030 character is still read as UTF-8 (its bad row is reported), not misread whole.
    @Test func mostlyUTF8StaysUTF8() {
        let text = Array("企业登记信息表，社保缴费记录，住房公积金".utf8) + gbBytes.prefix(2)
        #expect(text.withUnsafeBufferPointer { TextEncoding.detect($0) } == (.utf8, 0))
        #expect((gbBytes + gbBytes).withUnsafeBufferPointer { TextEncoding.detect($0) } == (.gb18030, 0))
    }
}
