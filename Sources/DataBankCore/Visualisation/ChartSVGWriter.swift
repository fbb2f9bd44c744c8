/// Builds SVG text: every attribute value and text node escaped here, every number written
/// with at most one decimal and never as "-0", so the same chart gives the same bytes.
struct ChartSVGWriter {
    private(set) var out = ""

    init() { out.reserveCapacity(4096) }

    /// `<name a="v" …>`; `close` ends it.
    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        out += "<" + name
        write(attributes, keepingEmpty: "d")
        out += ">"
    }

    mutating func close(_ name: String) { out += "</" + name + ">" }

    /// An element with optional text content and an optional `<title>` (the tooltip, and the
    /// full text of a label that was cut).
    mutating func element(_ name: String, _ attributes: [(String, String)], text: String? = nil, title: String? = nil) {
        if text == nil, title == nil {
            out += "<" + name
            write(attributes)
            out += "/>"
            return
        }
        open(name, attributes)
        if let title { out += "<title>" + XMLText.escape(title) + "</title>" }
        if let text { out += XMLText.escape(text) }
        close(name)
    }

    mutating func raw(_ s: String) { out += s }

    /// ` key="value"` for each attribute with a value (and `keepingEmpty`'s even when empty: a path's `d`).
    private mutating func write(_ attributes: [(String, String)], keepingEmpty: String? = nil) {
        for (key, value) in attributes where !value.isEmpty || key == keepingEmpty {
            out += " " + key + "=\"" + XMLText.escape(value) + "\""
        }
    }
}

/// A coordinate as SVG text: one decimal, trailing ".0" dropped.
func n(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    let r = (v * 10).rounded() / 10
    if r == r.rounded(), abs(r) < 1e15 { return String(Int(r)) }
    return String(format: "%.1f", r)
}
