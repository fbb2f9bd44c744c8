/// Reads the canonical values back out of one object the row encoder wrote
/// (`{"col":value,…}`, every layout column in layout order), as the text rules check:
/// strings unescaped, numbers and booleans as written, `null` as nil.
///
/// The encoder's output is trusted (it is never user JSON), so this is a scan, not a parser:
/// each value starts after its column's known `"name":` prefix.
public enum CanonicalRow {
    /// Fills `values[i]` for every column with `wanted[i]` (others stay nil).
    public static func read(_ object: UnsafeBufferPointer<UInt8>, layout: RecordLayout, wanted: [Bool], into values: inout [String?]) {
        forEachValue(object, columns: layout.columns) { c, span in
            guard wanted[c] else { return }
            switch span {
            case .string(let body, let escaped): values[c] = escaped ? unescape(body) : String(decoding: body, as: UTF8.self)
            case .literal(let text): values[c] = text.elementsEqual(nullBytes) ? nil : String(decoding: text, as: UTF8.self)
            }
        }
    }

    /// One value as the encoder wrote it: a string's body between its quotes (and whether it holds
    /// an escape), or a number, boolean or `null` as written.
    public enum Span {
        case string(UnsafeBufferPointer<UInt8>, escaped: Bool)
        case literal(UnsafeBufferPointer<UInt8>)
    }

    /// Calls `body` with each column's value, in layout order: the one scan of the encoder's
    /// objects (rule checks and PostgreSQL's COPY text both read them through it).
    @inlinable
    public static func forEachValue(_ object: UnsafeBufferPointer<UInt8>, columns: [RecordLayout.Column], _ body: (Int, Span) -> Void) {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), comma = UInt8(ascii: ","), closeBrace = UInt8(ascii: "}")
        var p = 1  // after "{"
        for (c, column) in columns.enumerated() {
            if c > 0 { p += 1 }  // ","
            p += column.name.utf8.count + 3  // "name":
            let start = p
            if object[p] == quote {
                p += 1
                var escaped = false
                while object[p] != quote {
                    if object[p] == backslash { escaped = true; p += 1 }
                    p += 1
                }
                p += 1
                body(c, .string(UnsafeBufferPointer(rebasing: object[(start + 1)..<(p - 1)]), escaped: escaped))
            } else {
                while object[p] != comma && object[p] != closeBrace { p += 1 }
                body(c, .literal(UnsafeBufferPointer(rebasing: object[start..<p])))
            }
        }
    }

    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
    static let nullBytes = Array("null".utf8)

    /// A string body with escapes, as text (the profiler's unescaper: one for the canonical JSON).
    public static func unescape(_ body: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        JSONScalars.unescape(body, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// One canonical JSON value (as ``FieldConverter`` writes it) as text; nil for `null`.
    public static func value(ofJSON json: UnsafeBufferPointer<UInt8>) -> String? {
        if json.first == quote {
            let body = UnsafeBufferPointer(rebasing: json[1..<(json.count - 1)])
            return body.contains(backslash) ? unescape(body) : String(decoding: body, as: UTF8.self)
        }
        return json.elementsEqual(nullBytes) ? nil : String(decoding: json, as: UTF8.self)
    }
}
