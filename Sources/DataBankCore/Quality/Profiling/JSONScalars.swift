import Foundation

/// Reads the scalars out of one line of JSON the database wrote (a row as an array, or a
/// change-log object), without building any JSON values: strings come out as their bytes
/// (unescaped only when they hold an escape), numbers and `true`/`false` as their text, `null`
/// as nil. Nested arrays are read through, so a row built as several arrays (PostgreSQL builds
/// at most 100 arguments at a time) reads as one.
enum JSONScalars {
    /// Calls `body` with each scalar of an array line, in order. Returns false if the line is not well formed.
    @discardableResult
    static func forEachArrayValue(
        _ line: UnsafeBufferPointer<UInt8>, scratch: inout [UInt8],
        _ body: (UnsafeBufferPointer<UInt8>?) -> Void
    ) -> Bool {
        var i = 0
        let n = line.count
        while i < n {
            let b = line[i]
            switch b {
            case UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ","), 0x20, 0x09, 0x0D:
                i += 1
            default:
                guard let end = scalar(line, at: i, scratch: &scratch, body) else { return false }
                i = end
            }
        }
        return true
    }

    /// Calls `body` with each member of an object line: the key's bytes and the value (nil: null).
    @discardableResult
    static func forEachObjectMember(
        _ line: UnsafeBufferPointer<UInt8>, scratch: inout [UInt8],
        _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>?) -> Void
    ) -> Bool {
        readObjectMembers(line, scratch: &scratch) { key, value in
            body(key, value)
            return true
        }
    }

    /// As ``forEachObjectMember(_:scratch:_:)``, stopping after the member for which `body` answers false
    /// (the rest of the line is then not read, nor checked).
    @discardableResult
    static func readObjectMembers(
        _ line: UnsafeBufferPointer<UInt8>, scratch: inout [UInt8],
        _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>?) -> Bool
    ) -> Bool {
        var i = 0
        let n = line.count
        var keyScratch: [UInt8] = []
        var going = true
        while i < n && going {
            let b = line[i]
            switch b {
            case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ","), 0x20, 0x09, 0x0D:
                i += 1
            case UInt8(ascii: "\""):
                var key: (start: Int, end: Int, escaped: Bool) = (0, 0, false)
                guard let keyEnd = stringBounds(line, at: i, &key) else { return false }
                i = keyEnd
                while i < n && (line[i] == 0x20 || line[i] == UInt8(ascii: ":")) { i += 1 }
                guard i < n else { return false }
                var ok = true
                withKey(line, key, scratch: &keyScratch) { keyBytes in
                    if let end = scalar(line, at: i, scratch: &scratch, { going = body(keyBytes, $0) }) { i = end } else { ok = false }
                }
                if !ok { return false }
            default:
                return false
            }
        }
        return true
    }

    static func withKey(
        _ line: UnsafeBufferPointer<UInt8>, _ key: (start: Int, end: Int, escaped: Bool), scratch: inout [UInt8],
        _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        if !key.escaped { body(UnsafeBufferPointer(rebasing: line[key.start..<key.end])); return }
        unescape(UnsafeBufferPointer(rebasing: line[key.start..<key.end]), into: &scratch)
        scratch.withUnsafeBufferPointer { body($0) }
    }

    /// Reads the scalar at `i`, calls `body` with it, and answers where it ends (nil: malformed).
    static func scalar(
        _ line: UnsafeBufferPointer<UInt8>, at i: Int, scratch: inout [UInt8],
        _ body: (UnsafeBufferPointer<UInt8>?) -> Void
    ) -> Int? {
        let n = line.count
        if line[i] == UInt8(ascii: "\"") {
            var s: (start: Int, end: Int, escaped: Bool) = (0, 0, false)
            guard let end = stringBounds(line, at: i, &s) else { return nil }
            if s.escaped {
                unescape(UnsafeBufferPointer(rebasing: line[s.start..<s.end]), into: &scratch)
                scratch.withUnsafeBufferPointer { body($0) }
            } else {
                body(UnsafeBufferPointer(rebasing: line[s.start..<s.end]))
            }
            return end
        }
        var j = i
        while j < n {
            let c = line[j]
            if c == UInt8(ascii: ",") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") || c == 0x20 { break }
            j += 1
        }
        guard j > i else { return nil }
        let token = UnsafeBufferPointer(rebasing: line[i..<j])
        if token.count == 4 && token[0] == UInt8(ascii: "n") { body(nil) } else { body(token) }
        return j
    }

    /// The bounds of the string starting at the quote at `i`; answers the index after its closing quote.
    @inline(__always)
    static func stringBounds(_ line: UnsafeBufferPointer<UInt8>, at i: Int, _ out: inout (start: Int, end: Int, escaped: Bool)) -> Int? {
        var j = i + 1
        var escaped = false
        let n = line.count
        while j < n {
            let c = line[j]
            if c == UInt8(ascii: "\"") { out = (i + 1, j, escaped); return j + 1 }
            if c == UInt8(ascii: "\\") { escaped = true; j += 2; continue }
            j += 1
        }
        return nil
    }

    /// JSON string escapes (`\"`, `\\`, `\n`, `\uXXXX` with surrogate pairs …) to UTF-8.
    static func unescape(_ s: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        var i = 0
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= s.count else { return nil }
            var v: UInt32 = 0
            for k in at..<(at + 4) {
                let c = s[k]
                let d: UInt8
                switch c {
                case 0x30...0x39: d = c - 0x30
                case 0x41...0x46: d = c - 0x41 + 10
                case 0x61...0x66: d = c - 0x61 + 10
                default: return nil
                }
                v = v << 4 | UInt32(d)
            }
            return v
        }
        while i < s.count {
            let c = s[i]
            guard c == UInt8(ascii: "\\"), i + 1 < s.count else { out.append(c); i += 1; continue }
            let e = s[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard var v = hex4(i) else { continue }
                i += 4
                if (0xD800...0xDBFF).contains(v), i + 6 <= s.count, s[i] == UInt8(ascii: "\\"), s[i + 1] == UInt8(ascii: "u"),
                    let low = hex4(i + 2), (0xDC00...0xDFFF).contains(low)
                {
                    v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                out.append(contentsOf: String(Unicode.Scalar(v) ?? "\u{FFFD}").utf8)
            default: out.append(e)  // \" \\ \/
            }
        }
    }
}

/// A flat JSON object's members as text — strings unescaped, numbers and `true`/`false` as written,
/// `null` members absent — as rules read a record (a change log's `data`, a warning's record).
public enum FlatJSONText {
    /// Nil when the text is not a well-formed flat object. `only`: the member names to keep (nil: every
    /// one) — the others are passed over without making a `String` of them.
    public static func fields(_ text: String, only: Names? = nil) -> [String: String]? {
        var scratch: [UInt8] = []
        var text = text
        return text.withUTF8 { fields(utf8: $0, only: only, scratch: &scratch) }
    }

    /// As above, of the object's UTF-8 bytes (a line of a longer text); `scratch` is reused between calls.
    public static func fields(utf8 line: UnsafeBufferPointer<UInt8>, only: Names? = nil, scratch: inout [UInt8]) -> [String: String]? {
        var out: [String: String] = [:]
        out.reserveCapacity(only?.count ?? 16)
        let ok = JSONScalars.forEachObjectMember(line, scratch: &scratch) { key, value in
            guard let value else { return }
            if let only {
                guard let name = only.match(key) else { return }
                out[name] = String(decoding: value, as: UTF8.self)
            } else {
                out[String(decoding: key, as: UTF8.self)] = String(decoding: value, as: UTF8.self)
            }
        }
        return ok ? out : nil
    }

    /// Member names to keep, matched on their bytes.
    public struct Names: Sendable {
        let names: [(bytes: [UInt8], name: String)]
        public init(_ names: Set<String>) { self.names = names.sorted().map { (Array($0.utf8), $0) } }
        public var count: Int { names.count }
        /// The names in slot order (``slots(utf8:scratch:)``): sorted.
        public var all: [String] { names.map(\.name) }

        func match(_ key: UnsafeBufferPointer<UInt8>) -> String? { slot(of: key).map { names[$0].name } }

        func slot(of key: UnsafeBufferPointer<UInt8>) -> Int? {
            for (i, n) in names.enumerated()
            where n.bytes.count == key.count && n.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }) {
                return i
            }
            return nil
        }

        /// The object's values of these names by slot (``all``'s order; nil: absent or null), read until
        /// each name has been met — a change record read for a rule's few columns stops there (the database
        /// writes each member once). Nil when the part read is not well formed.
        public func slots(utf8 line: UnsafeBufferPointer<UInt8>, scratch: inout [UInt8]) -> [String?]? {
            var out = [String?](repeating: nil, count: names.count)
            var unmet = names.count
            guard unmet > 0 else { return out }
            let ok = JSONScalars.readObjectMembers(line, scratch: &scratch) { key, value in
                guard let slot = slot(of: key) else { return true }
                if let value { out[slot] = String(decoding: value, as: UTF8.self) }
                unmet -= 1
                return unmet > 0
            }
            return ok ? out : nil
        }
    }
}
