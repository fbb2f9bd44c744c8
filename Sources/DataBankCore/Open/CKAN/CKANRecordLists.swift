/// CKAN's `records_format=lists`: a flat JSON object (a record as the database renders it) re-emitted
/// as a JSON array of its values in the fields' order, values copied byte for byte (no re-parsing of
/// numbers, so decimals keep every digit). A missing field is `null`.
public enum CKANRecordLists {
    public static func array(fromObject text: String, order: [String]) -> String {
        let bytes = Array(text.utf8)
        var values: [String: ArraySlice<UInt8>] = [:]
        var i = 0
        func skipSpace() { while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 } }
        /// The end (exclusive) of the string starting at `start` (its opening quote).
        func stringEnd(_ start: Int) -> Int {
            var j = start + 1
            while j < bytes.count {
                if bytes[j] == UInt8(ascii: "\\") { j += 2; continue }
                if bytes[j] == UInt8(ascii: "\"") { return j + 1 }
                j += 1
            }
            return bytes.count
        }
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return "[]" }
        i += 1
        while i < bytes.count {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { break }
            let keyEnd = stringEnd(i)
            let key = String(decoding: bytes[(i + 1)..<(keyEnd - 1)], as: UTF8.self)
            i = keyEnd
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { break }
            i += 1
            skipSpace()
            let start = i
            if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
                i = stringEnd(i)
            } else {
                var depth = 0
                while i < bytes.count {
                    let b = bytes[i]
                    if b == UInt8(ascii: "\"") { i = stringEnd(i); continue }
                    if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") { depth += 1 }
                    if b == UInt8(ascii: "]") || b == UInt8(ascii: "}") {
                        if depth == 0 { break }
                        depth -= 1
                    }
                    if b == UInt8(ascii: ","), depth == 0 { break }
                    i += 1
                }
            }
            var end = i
            while end > start, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[end - 1]) { end -= 1 }
            values[key] = bytes[start..<end]
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: ",") { i += 1 } else { break }
        }
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (n, name) in order.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            if let v = values[name] { out.append(contentsOf: v) } else { out.append(contentsOf: "null".utf8) }
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }
}
