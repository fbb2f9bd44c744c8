/// A value of a flat JSON record, as raw text: numbers keep their digits exactly.
public enum JSONFieldValue: Hashable, Sendable {
    case null
    case string([UInt8])
    /// Number, `true`/`false`, or a nested array/object, as written.
    case literal([UInt8])
}

/// One record of a JSON array or NDJSON stream.
public struct JSONRecord: Sendable {
    public var fields: [(key: String, value: JSONFieldValue)]
    /// 1-based position of the record in the stream (element or line number).
    public var number: Int
    public var byteOffset: Int
}

/// Why a JSON stream cannot be read on, with where.
public struct JSONStreamError: Error, Hashable, Sendable {
    public var byteOffset: Int
    public var record: Int
    public var problem: FieldProblem
}

/// Reads records from a JSON array (`[{…},{…}]`) or NDJSON (one object per line), fed in
/// chunks of any size; memory is one record.
///
/// In NDJSON a malformed line is reported as that line's problem and reading goes on; in a
/// JSON array a syntax error ends the stream (nothing after it can be trusted).
public struct JSONRecordReader {
    public enum Mode: Sendable { case array, lines }
    public let mode: Mode
    var buffer: [UInt8] = []
    var depth = 0
    var inString = false
    var escaped = false
    var started = false
    var ended = false
    var offset = 0
    var recordStart = 0
    var count = 0
    var skippingLine = false

    public init(mode: Mode) { self.mode = mode }

    /// Feeds bytes; `onRecord` receives each record, or a line's problem in NDJSON.
    public mutating func feed(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ onRecord: (Result<JSONRecord, JSONStreamError>) throws -> Void
    ) throws {
        for b in bytes {
            defer { offset += 1 }
            if skippingLine { if b == 0x0A { skippingLine = false }; continue }
            if depth == 0 {
                if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { continue }
                if mode == .array {
                    if !started {
                        guard b == UInt8(ascii: "[") else { throw error("expected_array", "应为 JSON 数组", "Expected a JSON array") }; started = true; continue
                    }
                    if ended { throw error("trailing_data", "数组结束后还有内容", "Data after the end of the array") }
                    if b == UInt8(ascii: ",") && count > 0 { continue }
                    if b == UInt8(ascii: "]") { ended = true; continue }
                } else if b == 0xEF || b == 0xBB || b == 0xBF {
                    continue
                }  // a BOM before the first line
                guard b == UInt8(ascii: "{") else {
                    let e = error("expected_object", "第 \(count + 1) 条记录应为 JSON 对象", "Record \(count + 1) is not a JSON object")
                    if mode == .array { throw e }
                    count += 1; skippingLine = true
                    try onRecord(.failure(e))
                    continue
                }
                recordStart = offset
                buffer.removeAll(keepingCapacity: true)
            }
            buffer.append(b)
            if inString {
                if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 { inString = false }
                continue
            }
            switch b {
            case 0x22: inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    count += 1
                    do { try onRecord(.success(try parseObject())) } catch let e as JSONStreamError {
                        if mode == .array { throw e }
                        try onRecord(.failure(e))
                    }
                }
            case 0x0A where mode == .lines:
                let e = error("unterminated_line", "第 \(count + 1) 行的 JSON 对象未结束", "Line \(count + 1): the JSON object is not closed")
                count += 1; depth = 0; inString = false
                try onRecord(.failure(e))
            default: break
            }
        }
    }

    /// Ends the stream; an unfinished record or array is an error.
    public func finish() throws {
        if depth > 0 {
            throw JSONStreamError(
                byteOffset: recordStart, record: count + 1,
                problem: FieldProblem("unterminated", zh: "第 \(count + 1) 条记录未结束", en: "Record \(count + 1) is cut off"))
        }
        if mode == .array && started && !ended {
            throw JSONStreamError(
                byteOffset: offset, record: count,
                problem: FieldProblem("unterminated", zh: "JSON 数组未结束", en: "The JSON array is not closed"))
        }
        if mode == .array && !started {
            throw JSONStreamError(byteOffset: 0, record: 0, problem: FieldProblem("expected_array", zh: "应为 JSON 数组", en: "Expected a JSON array"))
        }
    }

    func error(_ code: String, _ zh: String, _ en: String) -> JSONStreamError {
        JSONStreamError(byteOffset: offset, record: count + 1, problem: FieldProblem(code, zh: "\(zh)（字节 \(offset)）", en: "\(en) (byte \(offset))"))
    }

    /// Parses the buffered object: string keys, values kept as raw text.
    func parseObject() throws -> JSONRecord {
        var p = FlatJSONParser(bytes: buffer, base: recordStart, record: count)
        return JSONRecord(fields: try p.object(), number: count, byteOffset: recordStart)
    }
}

struct FlatJSONParser {
    static let trueBytes = Array("true".utf8), falseBytes = Array("false".utf8)
    let bytes: [UInt8]
    let base: Int
    let record: Int
    var i = 0

    init(bytes: [UInt8], base: Int, record: Int) { self.bytes = bytes; self.base = base; self.record = record }

    func fail(_ en: String, _ zh: String) -> JSONStreamError {
        JSONStreamError(
            byteOffset: base + i, record: record,
            problem: FieldProblem(
                "malformed_json", zh: "第 \(record) 条记录 JSON 格式错误：\(zh)（字节 \(base + i)）",
                en: "Record \(record): malformed JSON, \(en) (byte \(base + i))"))
    }

    mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    /// Whether the bytes at `i` are `word` (no array made: this runs for every literal of every record).
    func at(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        let w = word.utf8Start
        for k in 0..<n where bytes[i + k] != w[k] { return false }
        return true
    }

    /// Whether `bytes[start..<end]` is a number as JSON writes it (`-?int(.digits)?([eE][+-]?digits)?`).
    func isJSONNumber(_ start: Int, _ end: Int) -> Bool {
        var k = start
        func digits() -> Bool {
            let from = k
            while k < end, bytes[k] >= 0x30, bytes[k] <= 0x39 { k += 1 }
            return k > from
        }
        if k < end, bytes[k] == UInt8(ascii: "-") { k += 1 }
        guard digits() else { return false }
        if k < end, bytes[k] == UInt8(ascii: ".") { k += 1; guard digits() else { return false } }
        if k < end, bytes[k] == UInt8(ascii: "e") || bytes[k] == UInt8(ascii: "E") {
            k += 1
            if k < end, bytes[k] == UInt8(ascii: "+") || bytes[k] == UInt8(ascii: "-") { k += 1 }
            guard digits() else { return false }
        }
        return k == end
    }

    mutating func expect(_ c: UInt8, _ what: String) throws {
        skipSpace()
        guard i < bytes.count, bytes[i] == c else { throw fail("expected \(what)", "应为 \(what)") }
        i += 1
    }

    mutating func object() throws -> [(key: String, value: JSONFieldValue)] {
        try expect(UInt8(ascii: "{"), "{")
        var fields: [(key: String, value: JSONFieldValue)] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return fields }
        while true {
            skipSpace()
            let key = String(decoding: try string(), as: UTF8.self)
            try expect(UInt8(ascii: ":"), ":")
            skipSpace()
            fields.append((key, try value()))
            skipSpace()
            guard i < bytes.count else { throw fail("unexpected end", "意外结束") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; break }
            throw fail("expected , or }", "应为 , 或 }")
        }
        skipSpace()
        guard i == bytes.count else { throw fail("trailing characters", "多余字符") }
        return fields
    }

    mutating func value() throws -> JSONFieldValue {
        guard i < bytes.count else { throw fail("missing value", "缺少值") }
        switch bytes[i] {
        case 0x22: return .string(try string())
        case UInt8(ascii: "n"):
            guard at("null") else { throw fail("invalid literal", "无效字面量") }
            i += 4; return .null
        case UInt8(ascii: "t"):
            guard at("true") else { throw fail("invalid literal", "无效字面量") }
            i += 4; return .literal(Self.trueBytes)
        case UInt8(ascii: "f"):
            guard at("false") else { throw fail("invalid literal", "无效字面量") }
            i += 5; return .literal(Self.falseBytes)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let start = i
            try skipNested()
            return .literal(Array(bytes[start..<i]))
        default:
            let start = i
            try number()
            return .literal(Array(bytes[start..<i]))
        }
    }

    /// Moves past a number (what `Double` reads, as JSON writes it or not), or throws.
    mutating func number() throws {
        let start = i
        scan: while i < bytes.count {
            switch bytes[i] {
            case 0x30...0x39, UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): i += 1
            default: break scan
            }
        }
        // A number as JSON writes it needs no further check; anything else is what `Double` reads.
        guard i > start, isJSONNumber(start, i) || Double(String(decoding: bytes[start..<i], as: UTF8.self)) != nil else {
            throw fail("invalid value", "无效值")
        }
    }

    mutating func skipNested() throws {
        var depth = 0
        var inString = false, escaped = false
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if inString {
                if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 { inString = false }
                continue
            }
            if b == 0x22 {
                inString = true
            } else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                depth += 1
            } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                depth -= 1; if depth == 0 { return }
            }
        }
        throw fail("unterminated value", "值未结束")
    }

    /// A string literal's content, unescaped, as UTF-8.
    mutating func string() throws -> [UInt8] {
        guard i < bytes.count, bytes[i] == 0x22 else { throw fail("expected a string", "应为字符串") }
        i += 1
        // Most strings have no escape: copied whole up to the closing quote.
        let start = i
        while i < bytes.count, bytes[i] != 0x22, bytes[i] != 0x5C { i += 1 }
        if i < bytes.count, bytes[i] == 0x22 {
            i += 1
            return Array(bytes[start..<(i - 1)])
        }
        var out = Array(bytes[start..<i])
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if b == 0x22 { return out }
            if b != 0x5C { out.append(b); continue }
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard let code = hex4() else { throw fail("invalid \\u escape", "无效的 \\u 转义") }
                var scalarValue = code
                if (0xD800..<0xDC00).contains(code), i + 1 < bytes.count, bytes[i] == 0x5C, bytes[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { throw fail("invalid surrogate pair", "无效的代理对") }
                    scalarValue = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(scalarValue) else { throw fail("invalid \\u escape", "无效的 \\u 转义") }
                out.append(contentsOf: String(Character(scalar)).utf8)
            default: out.append(e)
            }
        }
        throw fail("unterminated string", "字符串未结束")
    }

    mutating func hex4() -> UInt32? {
        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else { return nil }
        i += 4
        return v
    }
}
