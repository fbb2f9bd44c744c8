/// Flat JSON objects lying at known places in one byte buffer (a peer's change feed page holds each
/// record's `data` object; ``ChangeFeedPage`` finds where): what the ingest reads member by member
/// without an NDJSON line, a `String` per member name or an array per value.
public struct FlatObjects: Sendable {
    public let bytes: [UInt8]
    /// Each object's range in `bytes`, `{` to `}`, in the order they are loaded.
    public var ranges: [Range<Int>]

    public init(bytes: [UInt8], ranges: [Range<Int>] = []) { self.bytes = bytes; self.ranges = ranges }

    /// Whether the whole buffer is valid UTF-8 (what a file's text decoding would leave unchanged).
    public var isValidUTF8: Bool { bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) } }

    /// The objects as NDJSON lines.
    public var ndjson: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ranges.reduce(0) { $0 + $1.count + 1 })
        for r in ranges {
            out.append(contentsOf: bytes[r])
            out.append(0x0A)
        }
        return out
    }
}

/// Reads flat JSON objects one at a time into fields as the NDJSON reader hands them to the ingest
/// (``JSONRecord``): a string unescaped, `null` absent (nil), a number, `true`/`false` or a nested value
/// as written — so a record loads exactly as the same record in a JSON file does. A value is where it
/// lies in the buffer (a string holding an escape is unescaped into a scratch buffer); member names
/// are compared with the previous object's bytes and decoded only when they change, so the objects
/// of one shape (a feed page's records) cost no name look-up after the first.
public struct FlatObjectCells {
    /// The member names of the object read last, in its order.
    public private(set) var names: [String] = []
    /// Those names' bytes as written, to compare the next object's with.
    private var written: [[UInt8]] = []
    /// The object being read: its names' ranges.
    private var nameRanges: [Range<Int>] = []
    /// Per member: the value's range (in the buffer, or in `unescaped` when `inScratch`); nil for `null`.
    private var spans: [Range<Int>?] = []
    private var inScratch: [Bool] = []
    /// The unescaped text of the strings that held an escape.
    public private(set) var unescaped: [UInt8] = []

    public init() {}

    /// How many members the object read last has.
    public var count: Int { spans.count }

    /// Reads the object at `range` of `bytes` (its `{` to its `}`). Returns whether its member names
    /// differ from the previous object's (``names`` then holds the new ones). A malformed object
    /// throws the ``JSONStreamError`` the NDJSON reader reports for it, as record `record`.
    public mutating func read(_ bytes: [UInt8], _ range: Range<Int>, record: Int) throws -> Bool {
        var p = FlatJSONParser(bytes: bytes, base: 0, record: record)
        p.i = range.lowerBound
        unescaped.removeAll(keepingCapacity: true)
        nameRanges.removeAll(keepingCapacity: true)
        spans.removeAll(keepingCapacity: true)
        inScratch.removeAll(keepingCapacity: true)
        try p.expect(UInt8(ascii: "{"), "{")
        p.skipSpace()
        if p.i < range.upperBound, bytes[p.i] == UInt8(ascii: "}") {
            p.i += 1
        } else {
            while true {
                p.skipSpace()
                nameRanges.append(try p.nameRange())
                try p.expect(UInt8(ascii: ":"), ":")
                p.skipSpace()
                try value(&p)
                p.skipSpace()
                guard p.i < range.upperBound else { throw p.fail("unexpected end", "意外结束") }
                if bytes[p.i] == UInt8(ascii: ",") { p.i += 1; continue }
                if bytes[p.i] == UInt8(ascii: "}") { p.i += 1; break }
                throw p.fail("expected , or }", "应为 , 或 }")
            }
        }
        p.skipSpace()
        guard p.i == range.upperBound else { throw p.fail("trailing characters", "多余字符") }
        if nameRanges.count == written.count && zip(nameRanges, written).allSatisfy({ bytes[$0].elementsEqual($1) }) { return false }
        // A new shape: its names decoded as the NDJSON reader decodes them (escapes included).
        written = nameRanges.map { Array(bytes[$0]) }
        names = try nameRanges.map { r in
            var q = FlatJSONParser(bytes: bytes, base: 0, record: record)
            q.i = r.lowerBound - 1
            return String(decoding: try q.string(), as: UTF8.self)
        }
        return true
    }

    /// Member `i`'s value: its bytes in `buffer` (the objects' bytes) or in `unescaped`; nil for `null`.
    public func field(_ i: Int, _ buffer: UnsafeBufferPointer<UInt8>, _ unescaped: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard let span = spans[i] else { return nil }
        return UnsafeBufferPointer(rebasing: (inScratch[i] ? unescaped : buffer)[span])
    }

    /// One value, read as ``FlatJSONParser/value()`` reads it, kept where it lies instead of copied.
    private mutating func value(_ p: inout FlatJSONParser) throws {
        guard p.i < p.bytes.count else { throw p.fail("missing value", "缺少值") }
        let start = p.i
        var scratch = false
        switch p.bytes[p.i] {
        case 0x22:
            var k = start + 1
            while k < p.bytes.count, p.bytes[k] != 0x22, p.bytes[k] != 0x5C { k += 1 }
            if k < p.bytes.count, p.bytes[k] == 0x22 {
                // No escape (most strings): the text between the quotes.
                p.i = k + 1
                spans.append(start + 1..<k)
            } else {
                let from = unescaped.count
                unescaped.append(contentsOf: try p.string())
                spans.append(from..<unescaped.count)
                scratch = true
            }
        case UInt8(ascii: "n"):
            guard p.at("null") else { throw p.fail("invalid literal", "无效字面量") }
            p.i += 4
            spans.append(nil)
        case UInt8(ascii: "t"):
            guard p.at("true") else { throw p.fail("invalid literal", "无效字面量") }
            p.i += 4
            spans.append(start..<p.i)
        case UInt8(ascii: "f"):
            guard p.at("false") else { throw p.fail("invalid literal", "无效字面量") }
            p.i += 5
            spans.append(start..<p.i)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try p.skipNested()
            spans.append(start..<p.i)
        default:
            try p.number()
            spans.append(start..<p.i)
        }
        inScratch.append(scratch)
    }
}

extension FlatJSONParser {
    /// A member name's bytes as written, between its quotes (escapes left in); moves past its closing quote.
    mutating func nameRange() throws -> Range<Int> {
        guard i < bytes.count, bytes[i] == 0x22 else { throw fail("expected a string", "应为字符串") }
        let start = i + 1
        i = start
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if b == 0x5C { i += 1 } else if b == 0x22 { return start..<i - 1 }
        }
        throw fail("unterminated string", "字符串未结束")
    }
}

extension UTF8Validation {
    /// Whether `b` is valid UTF-8 throughout: ASCII skipped eight bytes at a time, each other sequence
    /// checked as ``firstInvalid(_:from:allowTruncatedEnd:)`` checks it.
    static func isValid(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let n = b.count
        var i = 0
        while i < n {
            if i + 8 <= n, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2
            guard i + len <= n, firstInvalid(UnsafeBufferPointer(rebasing: b[i..<i + len]), allowTruncatedEnd: false) == nil else { return false }
            i += len
        }
        return true
    }
}
