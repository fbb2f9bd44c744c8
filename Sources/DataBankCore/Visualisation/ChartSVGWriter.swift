/// Builds SVG text: every attribute value and text node escaped here, every number written
/// with at most one decimal and never as "-0", so the same chart gives the same bytes.
struct ChartSVGWriter {
    private(set) var out = ""

    init() { out.reserveCapacity(4096) }

    /// `<name a="v" …>`; `close` ends it.
    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        out += "<" + name
        for (key, value) in attributes where !value.isEmpty || key == "d" {
            out += " " + key + "=\"" + Self.attribute(value) + "\""
        }
        out += ">"
    }

    mutating func close(_ name: String) { out += "</" + name + ">" }

    /// An element with optional text content and an optional `<title>` (the tooltip, and the
    /// full text of a label that was cut).
    mutating func element(_ name: String, _ attributes: [(String, String)], text: String? = nil, title: String? = nil) {
        if text == nil, title == nil {
            out += "<" + name
            for (key, value) in attributes where !value.isEmpty {
                out += " " + key + "=\"" + Self.attribute(value) + "\""
            }
            out += "/>"
            return
        }
        open(name, attributes)
        if let title { out += "<title>" + Self.text(title) + "</title>" }
        if let text { out += Self.text(text) }
        close(name)
    }

    mutating func raw(_ s: String) { out += s }

    static func text(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}": continue  // not allowed in XML
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func attribute(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}": continue
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

/// A coordinate as SVG text: one decimal, trailing ".0" dropped.
func n(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    let r = (v * 10).rounded() / 10
    if r == r.rounded(), abs(r) < 1e15 { return String(Int(r)) }
    return String(format: "%.1f", r)
}
