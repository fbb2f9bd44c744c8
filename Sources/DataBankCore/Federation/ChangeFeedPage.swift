/// One page of a peer's change feed (`{"node":…,"resource":…,"items":[{"seq":…,"op":…,"key":[…],"data":{…},
/// "at":…},…],"cursor":…,"more":…}`), read without building a value per change: each change is its
/// operation and where its key and its data lie in the page's bytes, so a relay hands the data to the
/// ingest as it came (an NDJSON line) and compares keys byte for byte. The page's own fields are read
/// whole; unknown fields are skipped.
public struct ChangeFeedPage: Sendable {
    public enum Op: Sendable, Equatable {
        /// A record written (inserted or updated): its data is the whole record.
        case upsert
        case delete
        /// The store was replaced at the owner: every change before it is moot.
        case reset
    }

    public struct Change: Sendable {
        public var op: Op
        /// The key's JSON array in ``ChangeFeedPage/bytes`` (`null`: empty).
        public var key: Range<Int>
        /// The record's JSON object in ``ChangeFeedPage/bytes``; nil for `null` or none.
        public var data: Range<Int>?
    }

    public let bytes: [UInt8]
    public var node = ""
    public var resource = ""
    public var cursor: String?
    public var more = false
    public var changes: [Change] = []

    /// Reads a page; a page that is not a feed page throws ``JSONStreamError`` (where it went wrong).
    public init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        var p = FlatJSONParser(bytes: bytes, base: 0, record: 1)
        try p.expect(UInt8(ascii: "{"), "{")
        try p.members { p, name in
            switch name {
            case "node": node = String(decoding: try p.string(), as: UTF8.self)
            case "resource": resource = String(decoding: try p.string(), as: UTF8.self)
            case "cursor": cursor = String(decoding: try p.string(), as: UTF8.self)
            case "more": more = p.at("true"); try p.skipValue()
            case "items": try readItems(&p)
            default: try p.skipValue()
            }
        }
    }

    private mutating func readItems(_ p: inout FlatJSONParser) throws {
        try p.expect(UInt8(ascii: "["), "[")
        p.skipSpace()
        if p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "]") { p.i += 1; return }
        changes.reserveCapacity(max(16, p.bytes.count / 256))
        while true {
            p.skipSpace()
            try p.expect(UInt8(ascii: "{"), "{")
            var change = Change(op: .upsert, key: p.i..<p.i, data: nil)
            try p.members { p, name in
                let start = p.i
                switch name {
                case "op":
                    if p.at("\"delete\"") {
                        change.op = .delete
                    } else if p.at("\"reset\"") {
                        change.op = .reset
                    }
                    try p.skipValue()
                case "key":
                    try p.skipValue()
                    change.key = start..<p.i
                case "data":
                    let null = p.at("null")
                    try p.skipValue()
                    change.data = null ? nil : start..<p.i
                default: try p.skipValue()
                }
            }
            changes.append(change)
            p.skipSpace()
            guard p.i < p.bytes.count else { throw p.fail("unexpected end", "意外结束") }
            if p.bytes[p.i] == UInt8(ascii: ",") { p.i += 1; continue }
            if p.bytes[p.i] == UInt8(ascii: "]") { p.i += 1; return }
            throw p.fail("expected , or ]", "应为 , 或 ]")
        }
    }
}

extension FlatJSONParser {
    /// An object's members after its `{`, up to and past its `}`: `body` reads (or skips) each value.
    /// Member names are compared as written (the feed's names hold no escapes).
    mutating func members(_ body: (inout FlatJSONParser, String) throws -> Void) throws {
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == 0x22 else { throw fail("expected a string", "应为字符串") }
            let start = i + 1
            var end = start
            while end < bytes.count, bytes[end] != 0x22 { end += 1 }
            guard end < bytes.count else { throw fail("unterminated string", "字符串未结束") }
            // Names are short ASCII: a small String is held inline, not allocated.
            let name = String(decoding: bytes[start..<end], as: UTF8.self)
            i = end + 1
            try expect(UInt8(ascii: ":"), ":")
            skipSpace()
            try body(&self, name)
            skipSpace()
            guard i < bytes.count else { throw fail("unexpected end", "意外结束") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return }
            throw fail("expected , or }", "应为 , 或 }")
        }
    }

    /// Moves past one value of any kind without keeping it.
    mutating func skipValue() throws {
        guard i < bytes.count else { throw fail("missing value", "缺少值") }
        switch bytes[i] {
        case 0x22:
            i += 1
            while i < bytes.count {
                let b = bytes[i]
                i += 1
                if b == 0x5C { i += 1 } else if b == 0x22 { return }
            }
            throw fail("unterminated string", "字符串未结束")
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipNested()
        default:
            let start = i
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: break
                default: i += 1; continue
                }
                break
            }
            guard i > start else { throw fail("invalid value", "无效值") }
        }
    }
}
