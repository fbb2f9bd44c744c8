/// A strict JSON reader (RFC 8259) that says where a document stops being JSON: line and column,
/// and what was expected. Foundation's parsers answer little more than "not valid JSON".
public struct JSONReader {
    private let bytes: [UInt8]
    private var i = 0
    private var depth = 0
    static let maxDepth = 128

    /// Parses one complete document; trailing text other than white space is an error.
    public static func parse(_ bytes: [UInt8]) throws(TableSchemaError) -> JSONValue {
        var reader = JSONReader(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.i = 3 }   // a UTF-8 byte-order mark is tolerated
        let validPrefix = Self.validUTF8Prefix(bytes)
        guard validPrefix == bytes.count else {
            throw reader.fail("invalid_encoding", zh: "不是有效的 UTF-8 文本", en: "not valid UTF-8 text", at: validPrefix)
        }
        reader.skipSpace()
        let value = try reader.value()
        reader.skipSpace()
        if reader.i < bytes.count { throw reader.fail("invalid_json", zh: "文档结束后还有多余内容", en: "unexpected text after the document") }
        return value
    }

    public static func parse(_ text: String) throws(TableSchemaError) -> JSONValue { try parse(Array(text.utf8)) }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    // MARK: Values

    private mutating func value() throws(TableSchemaError) -> JSONValue {
        guard i < bytes.count else { throw fail("invalid_json", zh: "文档意外结束，缺少值", en: "unexpected end of the document; a value was expected") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("invalid_json", zh: "此处应为值（对象、数组、字符串、数字、true、false 或 null）",
                            en: "a value (object, array, string, number, true, false or null) was expected")
        }
    }

    private mutating func object() throws(TableSchemaError) -> JSONValue {
        try enter()
        i += 1
        var members: [(key: String, value: JSONValue)] = []
        skipSpace()
        if peek(UInt8(ascii: "}")) { i += 1; depth -= 1; return .object(members) }
        while true {
            skipSpace()
            guard peek(UInt8(ascii: "\"")) else {
                throw fail("invalid_json", zh: "此处应为带双引号的键名", en: "a key in double quotes was expected")
            }
            let key = try string()
            skipSpace()
            guard peek(UInt8(ascii: ":")) else { throw fail("invalid_json", zh: "键名后应为冒号", en: "':' was expected after the key") }
            i += 1
            skipSpace()
            members.append((key, try value()))
            skipSpace()
            if peek(UInt8(ascii: ",")) { i += 1; continue }
            if peek(UInt8(ascii: "}")) { i += 1; depth -= 1; return .object(members) }
            throw fail("invalid_json", zh: "此处应为逗号或右花括号", en: "',' or '}' was expected")
        }
    }

    private mutating func array() throws(TableSchemaError) -> JSONValue {
        try enter()
        i += 1
        var items: [JSONValue] = []
        skipSpace()
        if peek(UInt8(ascii: "]")) { i += 1; depth -= 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            if peek(UInt8(ascii: ",")) { i += 1; continue }
            if peek(UInt8(ascii: "]")) { i += 1; depth -= 1; return .array(items) }
            throw fail("invalid_json", zh: "此处应为逗号或右方括号", en: "',' or ']' was expected")
        }
    }

    private mutating func enter() throws(TableSchemaError) {
        depth += 1
        if depth > Self.maxDepth { throw fail("too_deep", zh: "嵌套超过 \(Self.maxDepth) 层", en: "nesting deeper than \(Self.maxDepth) levels") }
    }

    private mutating func literal(_ word: String) throws(TableSchemaError) {
        let w = Array(word.utf8)
        guard bytes.count - i >= w.count, Array(bytes[i..<i + w.count]) == w else {
            throw fail("invalid_json", zh: "无法识别的字面量（应为 true、false 或 null）", en: "unknown literal (true, false or null was expected)")
        }
        i += w.count
    }

    private mutating func number() throws(TableSchemaError) -> String {
        let start = i
        func digits(_ reader: inout JSONReader) -> Int {
            let from = reader.i
            while reader.i < reader.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(reader.bytes[reader.i]) { reader.i += 1 }
            return reader.i - from
        }
        if peek(UInt8(ascii: "-")) { i += 1 }
        if peek(UInt8(ascii: "0")) {
            i += 1
        } else if digits(&self) == 0 {
            throw fail("invalid_json", zh: "数字格式错误：缺少数字", en: "malformed number: a digit was expected")
        }
        if peek(UInt8(ascii: ".")) {
            i += 1
            if digits(&self) == 0 { throw fail("invalid_json", zh: "数字格式错误：小数点后缺少数字", en: "malformed number: a digit was expected after '.'") }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            i += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { i += 1 }
            if digits(&self) == 0 { throw fail("invalid_json", zh: "数字格式错误：指数缺少数字", en: "malformed number: a digit was expected in the exponent") }
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private mutating func string() throws(TableSchemaError) -> String {
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\""):
                i += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                i += 1
                guard i < bytes.count else { break }
                switch bytes[i] {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {   // a surrogate pair
                        guard bytes.count - i >= 7, bytes[i + 1] == UInt8(ascii: "\\"), bytes[i + 2] == UInt8(ascii: "u") else {
                            throw fail("invalid_json", zh: "不成对的 UTF-16 代理项", en: "unpaired UTF-16 surrogate")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("invalid_json", zh: "不成对的 UTF-16 代理项", en: "unpaired UTF-16 surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let s = Unicode.Scalar(scalar) else { throw fail("invalid_json", zh: "无效的 Unicode 转义", en: "invalid Unicode escape") }
                    out.append(contentsOf: Array(String(Character(s)).utf8))
                default:
                    throw fail("invalid_json", zh: "无效的转义字符", en: "invalid escape sequence")
                }
                i += 1
            case 0..<0x20:
                throw fail("invalid_json", zh: "字符串中不能有未转义的控制字符（如换行）", en: "unescaped control character (such as a line break) in a string")
            default:
                out.append(b); i += 1
            }
        }
        throw fail("invalid_json", zh: "字符串缺少结束的双引号", en: "unterminated string")
    }

    /// Reads `uXXXX` (with `i` on the `u`), leaving `i` on the last hex digit.
    private mutating func hex4() throws(TableSchemaError) -> UInt32 {
        guard bytes.count - i >= 5 else { throw fail("invalid_json", zh: "\\u 后应为 4 位十六进制数", en: "four hex digits were expected after \\u") }
        var v: UInt32 = 0
        for k in 1...4 {
            guard let d = UInt32(String(UnicodeScalar(bytes[i + k])), radix: 16) else {
                i += k
                throw fail("invalid_json", zh: "\\u 后应为 4 位十六进制数", en: "four hex digits were expected after \\u")
            }
            v = v * 16 + d
        }
        i += 4
        return v
    }

    // MARK: Position

    private func peek(_ b: UInt8) -> Bool { i < bytes.count && bytes[i] == b }

    private mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
    }

    /// A problem at the reader's position (or `at`), as line and column counted in characters.
    private func fail(_ code: String, zh: String, en: String, at offset: Int? = nil) -> TableSchemaError {
        let end = min(offset ?? i, bytes.count)
        var line = 1, column = 1
        for b in bytes[0..<end] {
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }   // count characters, not bytes
        }
        let found = end < bytes.count ? "（此处为“\(Self.describe(bytes[end]))”）" : ""
        let foundEn = end < bytes.count ? " (found '\(Self.describe(bytes[end]))')" : ""
        return TableSchemaError([TableSchemaProblem(code: code, path: "", message: "不是有效的 JSON：\(zh)\(found)",
                                                    messageEn: "not valid JSON: \(en)\(foundEn)", line: line, column: column)])
    }

    private static func describe(_ b: UInt8) -> String {
        switch b {
        case 0x0A: "\\n"
        case 0x09: "\\t"
        case 0x20..<0x7F: String(UnicodeScalar(b))
        default: "0x" + String(b, radix: 16)
        }
    }

    /// How many leading bytes are valid UTF-8 (all of them for a valid text).
    private static func validUTF8Prefix(_ bytes: [UInt8]) -> Int {
        var offset = 0
        var parser = Unicode.UTF8.ForwardParser()
        var it = bytes.makeIterator()
        while true {
            switch parser.parseScalar(from: &it) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return offset
            case .error: return offset
            }
        }
    }
}
