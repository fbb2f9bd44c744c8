import Foundation

/// One chart being drawn: the writer, the frame (title, legend, the plot rectangle left for
/// the chart's body) and the pieces every type shares — states, legends, value axes.
struct ChartCanvas {
    let data: ChartData
    let spec: ChartSpec
    var w = ChartSVGWriter()
    let id: String
    /// The rectangle left for the chart's body, shrunk as the title and legend are drawn.
    var top = 0.0, left = 0.0, right = 0.0, bottom = 0.0
    let font = 12.0, smallFont = 11.0

    init(data: ChartData, spec: ChartSpec) {
        self.data = data
        self.spec = spec
        self.id = ChartRenderer.idPrefix(data, spec)
        right = spec.width
        bottom = spec.height
    }

    var l: ChartLanguage { spec.language }
    var width: Double { spec.width }
    var height: Double { spec.height }

    func colour(_ i: Int) -> String { ChartPalette.colour(i, custom: spec.colours) }

    /// The root element, `<title>`, `<desc>`, background and the visible title.
    mutating func begin() {
        let state = data.isEmpty ? "empty" : data.isAllSuppressed ? "suppressed" : ""
        w.open(
            "svg",
            [
                ("xmlns", "http://www.w3.org/2000/svg"), ("class", "chart chart-\(spec.type.rawValue) \(spec.cssClass)".trimmingCharacters(in: .whitespaces)),
                ("data-testid", spec.testID ?? ""), ("data-chart-type", spec.type.rawValue), ("data-state", state),
                ("width", n(width)), ("height", n(height)), ("viewBox", "0 0 \(n(width)) \(n(height))"), ("role", "img"),
                ("aria-labelledby", "\(id)-title \(id)-desc"), ("font-family", ChartRenderer.fontFamily), ("font-size", n(font)),
                ("fill", ChartPalette.text)
            ])
        w.element("title", [("id", "\(id)-title")], text: spec.title.isEmpty ? ChartRenderer.typeName(spec.type, l) : spec.title)
        let desc = [spec.description, ChartRenderer.summary(data, spec)].filter { !$0.isEmpty }.joined(separator: " ")
        w.element("desc", [("id", "\(id)-desc")], text: desc)
        w.element("rect", [("class", "chart-background"), ("width", n(width)), ("height", n(height)), ("fill", ChartPalette.background)])
        let pad = spec.compact ? 2.0 : 12.0
        top = pad
        left = pad
        right = width - pad
        bottom = height - pad
        if !spec.compact, spec.showsTitle, !spec.title.isEmpty {
            let shown = TextWidth.truncate(spec.title, maxWidth: right - left, fontSize: 15)
            w.element(
                "text", [("class", "chart-title"), ("x", n(left)), ("y", n(top + 15)), ("font-size", "15"), ("font-weight", "600")],
                text: shown, title: shown == spec.title ? nil : spec.title)
            top += 26
        }
    }

    /// The empty and all-suppressed states: a dashed panel with one centred sentence.
    mutating func state(_ message: String, kind: String) {
        let h = max(24, bottom - top)
        w.open("g", [("class", "chart-state chart-\(kind)"), ("data-testid", "chart-\(kind)")])
        w.element(
            "rect",
            [
                ("x", n(left)), ("y", n(top)), ("width", n(right - left)), ("height", n(h)), ("rx", "6"), ("fill", ChartPalette.missing),
                ("stroke", ChartPalette.axis), ("stroke-dasharray", "4 4")
            ])
        let size = min(16, max(9, (right - left) / max(1, TextWidth.ems(message) + 2)))
        w.element(
            "text",
            [
                ("x", n((left + right) / 2)), ("y", n(top + h / 2 + size * 0.35)), ("text-anchor", "middle"), ("font-size", n(size)),
                ("fill", ChartPalette.mutedText)
            ],
            text: message)
        w.close("g")
    }

    /// A legend row (wrapping) under the title: a swatch and a name per entry. Returns nothing;
    /// moves `top` below it.
    mutating func legend(_ entries: [(name: String, colour: String, dash: String?)]) {
        guard !spec.compact, !entries.isEmpty else { return }
        var x = left, y = top + 10
        w.open("g", [("class", "chart-legend"), ("data-testid", "chart-legend")])
        for e in entries {
            let name = TextWidth.truncate(e.name, maxWidth: 150, fontSize: smallFont)
            let itemWidth = 18 + TextWidth.width(name, fontSize: smallFont) + 14
            if x + itemWidth > right, x > left {
                x = left
                y += 18
            }
            w.open("g", [("class", "legend-item")])
            if let dash = e.dash {
                w.element(
                    "line",
                    [("x1", n(x)), ("x2", n(x + 14)), ("y1", n(y)), ("y2", n(y)), ("stroke", e.colour), ("stroke-width", "2.5"), ("stroke-dasharray", dash)])
            } else {
                w.element("rect", [("x", n(x)), ("y", n(y - 5)), ("width", "10"), ("height", "10"), ("rx", "2"), ("fill", e.colour)])
            }
            w.element(
                "text", [("x", n(x + 18)), ("y", n(y + 4)), ("font-size", n(smallFont))], text: name, title: name == e.name ? nil : e.name)
            w.close("g")
            x += itemWidth
        }
        w.close("g")
        top = y + 14
    }

    /// The legend of a sequential scale: classes from low to high with the ends' values.
    mutating func scaleLegend(min lo: Double, max hi: Double, hasSuppressed: Bool, hasMissing: Bool) {
        guard !spec.compact else { return }
        let steps = 6, box = 18.0
        var x = left
        let y = top + 4
        w.open("g", [("class", "chart-legend chart-scale"), ("data-testid", "chart-scale")])
        let low = ChartNumberFormat.abbreviated(lo, language: l)
        w.element("text", [("x", n(x)), ("y", n(y + 10)), ("font-size", n(smallFont))], text: low)
        x += TextWidth.width(low, fontSize: smallFont) + 4
        for i in 0..<steps {
            w.element(
                "rect",
                [
                    ("x", n(x + Double(i) * box)), ("y", n(y)), ("width", n(box)), ("height", "12"),
                    ("fill", ChartPalette.sequential(Double(i) / Double(steps - 1) * 0.999, steps: steps))
                ])
        }
        x += Double(steps) * box + 4
        let high = ChartNumberFormat.abbreviated(hi, language: l)
        w.element("text", [("x", n(x)), ("y", n(y + 10)), ("font-size", n(smallFont))], text: high)
        x += TextWidth.width(high, fontSize: smallFont) + 16
        if hasSuppressed {
            w.element("rect", [("x", n(x)), ("y", n(y)), ("width", "12"), ("height", "12"), ("fill", "url(#\(id)-hatch)"), ("stroke", ChartPalette.axis)])
            let t = l.t("记录过少（\(data.suppressedLabel)）", "too few (\(data.suppressedLabel))")
            w.element("text", [("x", n(x + 16)), ("y", n(y + 10)), ("font-size", n(smallFont))], text: t)
            x += 16 + TextWidth.width(t, fontSize: smallFont) + 12
        }
        if hasMissing {
            w.element("rect", [("x", n(x)), ("y", n(y)), ("width", "12"), ("height", "12"), ("fill", ChartPalette.missing), ("stroke", ChartPalette.axis)])
            w.element("text", [("x", n(x + 16)), ("y", n(y + 10)), ("font-size", n(smallFont))], text: l.t("无数据", "no data"))
        }
        w.close("g")
        top = y + 22
    }

    /// The hatch that fills a hidden cell (heat grid, map).
    mutating func hatchPattern() {
        w.raw(
            "<defs><pattern id=\"\(id)-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
                + "<rect width=\"6\" height=\"6\" fill=\"\(ChartPalette.missing)\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"\(ChartPalette.suppressed)\" stroke-width=\"2\"/></pattern></defs>"
        )
    }

    /// The tooltip of one value: "南海区 · 企业数: 12,345 户".
    func tip(_ category: String, _ series: String?, _ value: ChartValue) -> String {
        let head = [category, series].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")
        let v =
            value == .suppressed
            ? l.t("\(data.suppressedLabel)（记录过少，已隐藏）", "\(data.suppressedLabel) (too few records, hidden)") : ChartRenderer.text(value, data)
        return head + ": " + v
    }

    /// The value axis label ("企业数（户）") above the plot.
    var valueTitle: String {
        let unit = data.unit.isEmpty ? "" : l.t("（\(data.unit)）", " (\(data.unit))")
        return data.valueLabel.isEmpty ? (data.unit.isEmpty ? "" : data.unit) : data.valueLabel + unit
    }
}
