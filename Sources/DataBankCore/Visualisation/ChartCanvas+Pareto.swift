import Foundation

extension ChartCanvas {
    /// A Pareto chart: the first series as bars, largest first, and the cumulative share of the
    /// total as a line on a 0–100 % axis at the right, with a dashed line at 80 %. The bars up to
    /// the one whose cumulative share reaches 80 % (the "vital few") are drawn solid, the rest pale.
    /// Categories too narrow for a label (hundreds of resources) keep their names in tooltips.
    mutating func drawPareto() {
        let values = data.categories.indices.map { data.value(0, $0).number ?? 0 }
        let order = values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
        let total = values.reduce(0) { $0 + max(0, $1) }
        var running = 0.0
        let cumulative = order.map { i -> Double in
            running += max(0, values[i])
            return total > 0 ? running / total : 0
        }
        let vital = (cumulative.firstIndex { $0 >= 0.8 - 1e-12 } ?? (order.count - 1)) + 1
        let shareName = l.t("累计占比", "Cumulative share")
        legend([(data.series.first?.name ?? "", colour(0), nil), (shareName, colour(1), ChartPalette.dashes[0])])
        let scale = AxisTicks.scale(min: 0, max: values.max() ?? 0, includeZero: true)
        let tickLabels = ChartNumberFormat.tickLabels(scale, language: l)
        let axisWidth = spec.compact ? 0 : (tickLabels.map { TextWidth.width($0, fontSize: smallFont) }.max() ?? 0) + 8
        let shareWidth = spec.compact ? 0 : TextWidth.width("100%", fontSize: smallFont) + 8
        let x0 = left + axisWidth, x1 = right - shareWidth
        let slot = (x1 - x0) / Double(max(1, order.count))
        var sorted = data
        sorted.categories = order.map { data.categories[$0] }
        sorted.dates = nil
        let labels = CategoryLabels(sorted, slot: slot, font: smallFont, maxRotated: min(140, (bottom - top) * 0.35), language: l)
        let labelled = !spec.compact && slot >= smallFont
        let y1 = labelled ? bottom - labels.height : bottom - (spec.compact ? 0 : 4)
        let y0 = top + 4
        func y(_ v: Double) -> Double { y1 - (y1 - y0) * scale.fraction(v) }
        func yShare(_ f: Double) -> Double { y1 - (y1 - y0) * f }
        if !spec.compact {
            valueAxis(scale, tickLabels, x0: x0, x1: x1, y: y)
            w.open("g", [("class", "axis axis-share"), ("font-size", n(smallFont)), ("fill", ChartPalette.mutedText)])
            for f in stride(from: 0.0, through: 1.0, by: 0.2) {
                w.element("text", [("x", n(x1 + 4)), ("y", n(yShare(f) + 4))], text: "\(Int((f * 100).rounded()))%")
            }
            w.close("g")
        }
        w.open("g", [("class", "chart-body")])
        let bar = max(0.5, slot * (slot >= 4 ? 0.8 : 1))
        for (k, i) in order.enumerated() {
            let v = values[i], x = x0 + slot * Double(k) + (slot - bar) / 2
            let name = data.categories[i]
            let tip = tip(name, nil, .number(v)) + l.t("；累计 ", "; cumulative ") + "\(Int((cumulative[k] * 100).rounded()))%"
            w.element(
                "rect",
                [
                    ("class", k < vital ? "bar vital" : "bar"), ("x", n(x)), ("y", n(y(v))), ("width", n(bar)), ("height", n(max(0, y(0) - y(v)))),
                    ("fill", colour(0)), ("fill-opacity", k < vital ? "1" : "0.4")
                ], title: tip)
        }
        let points = cumulative.enumerated().map { k, f in "\(n(x0 + slot * (Double(k) + 0.5))),\(n(yShare(f)))" }.joined(separator: " ")
        w.element(
            "polyline",
            [
                ("class", "line cumulative"), ("points", points), ("fill", "none"), ("stroke", colour(1)), ("stroke-width", "2"),
                ("stroke-dasharray", ChartPalette.dashes[0]), ("stroke-linejoin", "round")
            ], title: shareName)
        w.element(
            "line",
            [
                ("class", "threshold"), ("x1", n(x0)), ("x2", n(x1)), ("y1", n(yShare(0.8))), ("y2", n(yShare(0.8))), ("stroke", ChartPalette.mutedText),
                ("stroke-dasharray", "4 3")
            ], title: "80%")
        if vital < order.count {
            let xv = x0 + slot * Double(vital)
            w.element(
                "line",
                [
                    ("class", "vital-edge"), ("x1", n(xv)), ("x2", n(xv)), ("y1", n(y0)), ("y2", n(y1)), ("stroke", ChartPalette.axis),
                    ("stroke-dasharray", "2 3")
                ])
        }
        w.close("g")
        if !spec.compact {
            w.element("line", [("class", "baseline"), ("x1", n(x0)), ("x2", n(x1)), ("y1", n(y(0))), ("y2", n(y(0))), ("stroke", ChartPalette.axis)])
            if labelled { categoryAxis(labels, x0: x0, slot: slot, y: y1) }
        }
    }
}
