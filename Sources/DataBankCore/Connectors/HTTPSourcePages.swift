import Foundation

/// The parts of reading an HTTP API source that need no network: finding the records in a JSON
/// answer, the next page's link, a record's watermark, and the record as a line named by the
/// store's items.
public enum HTTPSourcePages {
    /// The value at `path` in `document`: a JSON pointer (`/data/items`, RFC 6901 with `~0` `~1`) or a
    /// dotted path (`data.items`); an array index may be a path segment. Empty or `/`: the document.
    public static func locate(_ path: String?, in document: JSONValue) -> JSONValue? {
        let trimmed = (path ?? "").trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed == "/" || trimmed == "$" { return document }
        let segments: [String]
        if trimmed.hasPrefix("/") {
            segments = trimmed.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") }
        } else {
            segments = (trimmed.hasPrefix("$.") ? String(trimmed.dropFirst(2)) : trimmed).split(separator: ".").map(String.init)
        }
        var current = document
        for segment in segments {
            switch current {
            case .object(let members):
                guard let next = members.first(where: { $0.key == segment })?.value else { return nil }
                current = next
            case .array(let items):
                guard let i = Int(segment), items.indices.contains(i) else { return nil }
                current = items[i]
            default: return nil
            }
        }
        return current
    }

    /// The `rel="next"` target of `Link` header values (RFC 8288), as written (maybe relative).
    public static func nextLink(_ headers: [String]) -> String? {
        for header in headers {
            var rest = Substring(header)
            while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
                let target = String(rest[rest.index(after: open)..<close])
                // The link's parameters run to the next comma outside quotes.
                var params = ""
                var index = rest.index(after: close)
                var quoted = false
                while index < rest.endIndex {
                    let c = rest[index]
                    if c == "\"" { quoted.toggle() }
                    if c == "," && !quoted { break }
                    params.append(c)
                    index = rest.index(after: index)
                }
                for param in params.split(separator: ";") {
                    let kv = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard kv.count == 2, kv[0].lowercased() == "rel" else { continue }
                    let rels = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased().split(separator: " ")
                    if rels.contains("next") { return target }
                }
                rest = index < rest.endIndex ? rest[rest.index(after: index)...] : ""
            }
        }
        return nil
    }

    /// A record field's value as a watermark: numbers (`integer`, `real`) and texts; nil for null,
    /// booleans, arrays and objects, which never pass a watermark.
    public static func watermark(_ value: JSONValue?) -> Watermark? {
        switch value {
        case .number(let n)?: return Watermark(value: n, type: Int(n) != nil ? "integer" : "real")
        case .string(let s)?: return Watermark(value: s, type: "text")
        default: return nil
        }
    }

    /// Whether `value` comes after `previous`: numerically when both are numbers, else as texts (ISO
    /// 8601 times of one format sort as texts).
    public static func isAfter(_ value: Watermark, _ previous: Watermark) -> Bool {
        if let a = Double(value.value), let b = Double(previous.value), value.type != "text" || previous.type != "text" {
            return a > b
        }
        return value.value > previous.value
    }

    /// The record as one NDJSON line: `{item: value}` for each mapped field present.
    public static func line(_ record: [(key: String, value: JSONValue)], mapping: ConnectorMapping) -> String {
        var out = "{"
        var first = true
        for pair in mapping.pairs {
            guard let value = record.first(where: { $0.key == pair.source })?.value else { continue }
            if !first { out += "," }
            first = false
            JSONValue.quote(pair.item, to: &out)
            out += ":"
            value.writeCompact(to: &out)
        }
        return out + "}"
    }
}

extension JSONValue {
    /// The value as JSON text on one line.
    public var compact: String {
        var out = ""
        writeCompact(to: &out)
        return out
    }

    func writeCompact(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .string(let s): Self.quote(s, to: &out)
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                v.writeCompact(to: &out)
            }
            out += "]"
        case .object(let o):
            out += "{"
            for (i, (k, v)) in o.enumerated() {
                if i > 0 { out += "," }
                Self.quote(k, to: &out); out += ":"; v.writeCompact(to: &out)
            }
            out += "}"
        }
    }
}
