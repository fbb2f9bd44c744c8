/// Reads the canonical values back out of one object the row encoder wrote
/// (`{"col":value,…}`, every layout column in layout order), as the text rules check:
/// strings unescaped, numbers and booleans as written, `null` as nil.
///
/// The encoder's output is trusted (it is never user JSON), so this is a scan, not a parser:
/// each value starts after its column's known `"name":` prefix.
public enum CanonicalRow {
    /// Fills `values[i]` for every column with `wanted[i]` (others stay nil).
    public static func read(_ object: UnsafeBufferPointer<UInt8>, layout: RecordLayout, wanted: [Bool], into values: inout [String?]) {
        var p = 1  // after "{"
        for (c, column) in layout.columns.enumerated() {
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
                guard wanted[c] else { continue }
                let body = UnsafeBufferPointer(rebasing: object[(start + 1)..<(p - 1)])
                values[c] = escaped ? unescape(body) : String(decoding: body, as: UTF8.self)
            } else {
                while object[p] != comma && object[p] != closeBrace { p += 1 }
                guard wanted[c] else { continue }
                let text = UnsafeBufferPointer(rebasing: object[start..<p])
                values[c] = text.elementsEqual(nullBytes) ? nil : String(decoding: text, as: UTF8.self)
            }
        }
    }

    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), comma = UInt8(ascii: ","), closeBrace = UInt8(ascii: "}")
    static let nullBytes = Array("null".utf8)

    static func unescape(_ body: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var i = 0
        var pendingHigh: UInt32?
        while i < body.count {
            let b = body[i]
            guard b == backslash else { out.append(b); i += 1; continue }
            let e = body[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                var code: UInt32 = 0
                for k in 0..<4 { code = code << 4 | UInt32(hexValue(body[i + k])) }
                i += 4
                if (0xD800..<0xDC00).contains(code) { pendingHigh = code; continue }
                if let high = pendingHigh, (0xDC00..<0xE000).contains(code) {
                    code = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                }
                pendingHigh = nil
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8))
            default: out.append(e)  // \" \\ \/
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ b: UInt8) -> UInt8 {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        default: b - UInt8(ascii: "A") + 10
        }
    }
}
