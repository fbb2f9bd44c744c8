import Testing
@testable import DataBankCore

@Suite("Flat JSON objects read into fields where they lie")
struct FlatObjectCellsTests {
    /// Every record reads as the NDJSON reader reads the same line: names in order, strings unescaped
    /// (quotes, backslashes, control characters, \u escapes and surrogate pairs, Chinese text), numbers,
    /// booleans and nested values as written, `null` absent but `""` an empty value.
    @Test func fieldsAreWhatTheNDJSONReaderGives() throws {
        let lines = [
            #"{"a":"企业 \"一\"","b":1.50,"c":true,"d":null,"e":""}"#,
            #"{"a":"line\nbreak\\tab\t","b":-2e3,"c":false,"d":"\u00e9\ud83d\ude00","e":[1,{"x":"}"}]}"#,
            #"{ "a" : "x" , "b" : 0 , "c" : {"n":null} , "d" : "d" , "e" : "é" }"#,
            #"{"e":"shape","a\u0062":"escaped name"}"#,
            #"{}"#
        ]
        let (bytes, ranges) = Self.buffer(lines)
        var expected: [JSONRecord] = []
        var reader = JSONRecordReader(mode: .lines)
        let ndjson = Array((lines.joined(separator: "\n") + "\n").utf8)
        try ndjson.withUnsafeBufferPointer { b in try reader.feed(b) { expected.append(try $0.get()) } }
        #expect(expected.count == lines.count)
        var cells = FlatObjectCells()
        for (n, range) in ranges.enumerated() {
            let changed = try cells.read(bytes, range, record: n + 1)
            #expect(changed == [0, 3, 4].contains(n), "record \(n + 1): names changed")
            #expect(cells.names == expected[n].fields.map(\.key))
            let got = bytes.withUnsafeBufferPointer { buffer in
                cells.unescaped.withUnsafeBufferPointer { unescaped in
                    (0..<cells.count).map { cells.field($0, buffer, unescaped).map { Array($0) } }
                }
            }
            let want = expected[n].fields.map { f -> [UInt8]? in
                switch f.value {
                case .null: return nil
                case .string(let b), .literal(let b): return b
                }
            }
            #expect(got == want, "record \(n + 1)")
        }
    }

    /// A malformed record throws what the NDJSON reader reports for it; the next one reads.
    @Test func aMalformedObjectThrowsAndTheNextReads() throws {
        let (bytes, ranges) = Self.buffer([#"{"a":tru}"#, #"{"a":1 "b":2}"#, #"{"a":01x}"#, #"{"a":"ok"}"#])
        var cells = FlatObjectCells()
        for n in 0..<3 {
            #expect(throws: JSONStreamError.self, "record \(n + 1)") { _ = try cells.read(bytes, ranges[n], record: n + 1) }
        }
        #expect(try cells.read(bytes, ranges[3], record: 4))
        #expect(cells.names == ["a"] && cells.count == 1)
    }

    /// UTF-8 is checked for the whole buffer (ASCII words skipped eight bytes at a time).
    @Test func invalidUTF8IsFound() {
        #expect(FlatObjects(bytes: Array(#"{"a":"企业 abcdefghijklmnop é"}"#.utf8)).isValidUTF8)
        for bad: [UInt8] in [[0x7B, 0xFF, 0x7D], [0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0xE4, 0xBC], [0xC0, 0x80], [0xED, 0xA0, 0x80]] {
            #expect(!FlatObjects(bytes: bad).isValidUTF8, "\(bad)")
        }
    }

    /// The objects as NDJSON lines (for a buffer that must be read as a file is).
    @Test func theObjectsAsNDJSON() {
        let (bytes, ranges) = Self.buffer([#"{"a":1}"#, #"{"b":"x"}"#])
        #expect(String(decoding: FlatObjects(bytes: bytes, ranges: ranges).ndjson, as: UTF8.self) == "{\"a\":1}\n{\"b\":\"x\"}\n")
    }

    /// The lines in one buffer, separated as a feed page separates its records, and where each lies.
    static func buffer(_ lines: [String]) -> ([UInt8], [Range<Int>]) {
        var bytes = Array(#"{"items":["#.utf8)
        var ranges: [Range<Int>] = []
        for line in lines {
            bytes += Array(#"{"data":"#.utf8)
            let start = bytes.count
            bytes += Array(line.utf8)
            ranges.append(start..<bytes.count)
            bytes += Array("},".utf8)
        }
        return (bytes + Array("]}".utf8), ranges)
    }
}
