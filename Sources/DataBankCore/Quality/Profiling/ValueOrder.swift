/// How a column's values compare for its minimum and maximum, by its data type: numbers by
/// value (`9` < `10`), everything else by its canonical text, which for dates and date-times
/// (`2024-03-05`, `2024-03-05T08:30:00`) is their order in time, and for logical values puts
/// `false` before `true`.
public enum ValueOrder {
    public static func isNumeric(_ type: DataType) -> Bool { [.I, .N, .Y, .F, .B].contains(type) }

    public static func less(_ a: String, _ b: String, type: DataType) -> Bool {
        if isNumeric(type), let x = Double(a), let y = Double(b), x != y { return x < y }
        return Array(a.utf8).lexicographicallyPrecedes(b.utf8)
    }

    /// A number's canonical text, as the ingest writes it: no trailing zeros after the point and
    /// no bare point (`12.30` → `12.3`, `12.0` → `12`, `-0` → `0`). Databases render stored
    /// numbers their own way (PostgreSQL keeps a NUMERIC's scale, SQLite writes a REAL's `.0`);
    /// the profile counts `12.30` and `12.3` as one value.
    public static func canonicalNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        guard let dot = bytes.firstIndex(of: UInt8(ascii: ".")), !bytes.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") })
        else { return 0..<bytes.count }
        var end = bytes.count
        while end > dot + 1 && bytes[end - 1] == UInt8(ascii: "0") { end -= 1 }
        if end == dot + 1 { end = dot }
        return 0..<end
    }

    public static func canonicalNumber(_ text: String) -> String {
        var text = text
        let out = text.withUTF8 { b in String(decoding: UnsafeBufferPointer(rebasing: b[canonicalNumber(b)]), as: UTF8.self) }
        return out == "-0" ? "0" : out
    }
}
