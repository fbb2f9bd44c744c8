/// The text an audit entry's MAC covers: a tag, then every field length-prefixed.
///
/// Each field is `|<UTF-8 byte count>:<bytes>`, or `|-` when absent. A reader always knows where a
/// field ends, so no field's content (a separator, a colon, a digit) can move a boundary: two
/// different field lists never give the same text, and an absent field differs from an empty one.
public enum AuditCanonicalText {
    public static func encode(tag: String, _ fields: [String?]) -> String {
        var out = tag
        for field in fields {
            if let field { out += "|\(field.utf8.count):\(field)" } else { out += "|-" }
        }
        return out
    }

    /// Reads a text back into its fields (the inverse of ``encode(tag:_:)``); nil when it is not one.
    public static func decode(tag: String, _ text: String) -> [String?]? {
        var bytes = Substring(text).utf8[...]
        guard bytes.starts(with: tag.utf8) else { return nil }
        bytes = bytes.dropFirst(tag.utf8.count)
        var fields: [String?] = []
        while let bar = bytes.first {
            guard bar == UInt8(ascii: "|") else { return nil }
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "-") { fields.append(nil); bytes = bytes.dropFirst(); continue }
            let digits = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            guard !digits.isEmpty, let count = Int(String(decoding: digits, as: UTF8.self)) else { return nil }
            bytes = bytes.dropFirst(digits.count)
            guard bytes.first == UInt8(ascii: ":") else { return nil }
            bytes = bytes.dropFirst()
            guard bytes.count >= count else { return nil }
            fields.append(String(decoding: bytes.prefix(count), as: UTF8.self))
            bytes = bytes.dropFirst(count)
        }
        return fields
    }
}
