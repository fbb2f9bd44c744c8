import Foundation

extension ChartCanvas {
    /// Pie or donut of the first series: slices clockwise from twelve o'clock, the legend beside
    /// (below on narrow charts) with each share; hidden and negative values are named, not drawn.
    mutating func drawPie(donut: Bool) {
        let values = data.categories.indices.map { data.value(0, $0) }
        let slices = values.enumerated().compactMap { i, v in v.number.flatMap { $0 > 0 ? (i, $0) : nil } }
        let total = slices.reduce(0) { $0 + $1.1 }
        let narrow = width < 440
        let legendWidth = narrow ? 0 : min(240, (right - left) * 0.45)
        let hidden = values.filter { $0 == .suppressed }.count
        let negative = values.filter { ($0.number ?? 0) < 0 }.count
        let noteCount = (hidden > 0 ? 1 : 0) + (negative > 0 ? 1 : 0)
        let legendLines = narrow ? min(slices.count, 6) + noteCount : 0
        let areaBottom = bottom - Double(legendLines) * 18
        let r = max(10, min((right - left - legendWidth) / 2 - 8, (areaBottom - top) / 2))
        let cx = narrow ? (left + right) / 2 : left + r + 4, cy = top + (areaBottom - top) / 2
        let inner = donut ? r * 0.58 : 0
        func point(_ angle: Double, _ radius: Double) -> (Double, Double) {
            (cx + radius * sin(angle), cy - radius * cos(angle))
        }
        w.open("g", [("class", "chart-body")])
        var angle = 0.0
        for (k, (i, v)) in slices.enumerated() {
            let sweep = total > 0 ? v / total * 2 * .pi : 0
            let title = tip(data.categories[i], nil, .number(v)) + " (\(percent(v / total)))"
            let fill = colour(k)
            if sweep >= 2 * .pi - 1e-9 {
                w.element("circle", [("class", "slice"), ("cx", n(cx)), ("cy", n(cy)), ("r", n(r)), ("fill", fill)], title: title)
            } else {
                let (ax, ay) = point(angle, r), (bx, by) = point(angle + sweep, r)
                let large = sweep > .pi ? 1 : 0
                var d =
                    "M\(n(donut ? point(angle, inner).0 : cx)) \(n(donut ? point(angle, inner).1 : cy))L\(n(ax)) \(n(ay))A\(n(r)) \(n(r)) 0 \(large) 1 \(n(bx)) \(n(by))"
                if donut {
                    let (ix, iy) = point(angle + sweep, inner)
                    d += "L\(n(ix)) \(n(iy))A\(n(inner)) \(n(inner)) 0 \(large) 0 \(n(point(angle, inner).0)) \(n(point(angle, inner).1))"
                }
                d += "Z"
                w.element("path", [("class", "slice"), ("d", d), ("fill", fill), ("stroke", ChartPalette.background), ("stroke-width", "1")], title: title)
            }
            if sweep > 0.35 {  // a share big enough to write on
                let (lx, ly) = point(angle + sweep / 2, donut ? (r + inner) / 2 : r * 0.62)
                w.element(
                    "text",
                    [
                        ("class", "slice-label"), ("x", n(lx)), ("y", n(ly + 4)), ("text-anchor", "middle"), ("font-size", n(smallFont)),
                        ("fill", ChartPalette.textOn(fill))
                    ],
                    text: percent(v / total))
            }
            angle += sweep
        }
        if donut {
            let text = ChartNumberFormat.abbreviated(total, language: l)
            let size = min(22, inner * 1.6 / max(1, TextWidth.ems(text)))
            w.element(
                "text",
                [("class", "donut-total"), ("x", n(cx)), ("y", n(cy + size * 0.35)), ("text-anchor", "middle"), ("font-size", n(size)), ("font-weight", "600")],
                text: text)
        }
        w.close("g")
        // The legend: name, value, share.
        w.open("g", [("class", "chart-legend"), ("data-testid", "chart-legend")])
        var entries = slices.enumerated().map { k, s in
            (text: "\(data.categories[s.0])  \(ChartNumberFormat.value(s.1)) · \(percent(s.1 / total))", full: data.categories[s.0], colour: colour(k))
        }
        var notes: [String] = []
        if hidden > 0 { notes.append(l.t("\(hidden) 项记录过少（\(data.suppressedLabel)），未画出", "\(hidden) hidden (\(data.suppressedLabel)), not drawn")) }
        if negative > 0 { notes.append(l.t("\(negative) 项为负值，未画出", "\(negative) negative, not drawn")) }
        let lx = narrow ? left : cx + r + 24, maxWidth = narrow ? right - left - 16 : right - lx - 16
        let rows = narrow ? legendLines - notes.count : Int((bottom - top) / 18) - notes.count
        if entries.count > rows, rows > 0 {
            let rest = entries.count - rows + 1
            entries = Array(entries.prefix(rows - 1)) + [(l.t("其他 \(rest) 项", "\(rest) more"), "", ChartPalette.axis)]
        }
        let lines = Double(entries.count + notes.count)
        var y = narrow ? areaBottom + 14 : max(top + 10, cy - lines * 9 + 9)
        for e in entries {
            let shown = TextWidth.truncate(e.text, maxWidth: maxWidth, fontSize: smallFont)
            w.element("rect", [("x", n(lx)), ("y", n(y - 5)), ("width", "10"), ("height", "10"), ("rx", "2"), ("fill", e.colour)])
            w.element("text", [("x", n(lx + 16)), ("y", n(y + 4)), ("font-size", n(smallFont))], text: shown, title: shown == e.text ? nil : e.full)
            y += 18
        }
        for note in notes {
            w.element(
                "text", [("class", "suppressed"), ("x", n(lx)), ("y", n(y + 4)), ("font-size", n(smallFont)), ("fill", ChartPalette.mutedText)], text: note)
            y += 18
        }
        w.close("g")
    }

    func percent(_ share: Double) -> String {
        let p = share * 100
        return (p < 10 && p != p.rounded() ? ChartNumberFormat.grouped(p, decimals: 1) : ChartNumberFormat.grouped(p)) + "%"
    }

    /// A key figure: the latest value large, and its change against the value before it.
    mutating func drawNumber() {
        let values = data.series.first?.values ?? []
        let currentIndex = values.lastIndex { $0 != .missing } ?? 0
        let current = values.indices.contains(currentIndex) ? values[currentIndex] : .missing
        let previousIndex = values[..<min(currentIndex, values.count)].lastIndex { $0 != .missing }
        let cx = (left + right) / 2
        let text =
            current == .suppressed
            ? data.suppressedLabel
            : current.number.map { v in
                let full = ChartNumberFormat.value(v)
                return full.count > 10 ? ChartNumberFormat.abbreviated(v, language: l) : full
            } ?? "—"
        let size = min(56, (bottom - top) * 0.45, (right - left) * 0.8 / max(1, TextWidth.ems(text + data.unit) + 0.5))
        var y = top + (bottom - top) * 0.42
        if !data.valueLabel.isEmpty {
            w.element(
                "text",
                [("class", "number-label"), ("x", n(cx)), ("y", n(max(top + 14, y - size - 6))), ("text-anchor", "middle"), ("fill", ChartPalette.mutedText)],
                text: TextWidth.truncate(data.valueLabel, maxWidth: right - left, fontSize: font))
        }
        w.open(
            "text",
            [
                ("class", "number-value"), ("data-testid", "chart-number"), ("x", n(cx)), ("y", n(y)), ("text-anchor", "middle"), ("font-size", n(size)),
                ("font-weight", "700")
            ])
        w.element("title", [], text: tip(data.categories.indices.contains(currentIndex) ? data.categories[currentIndex] : "", nil, current))
        w.raw(XMLText.escape(text))
        if !data.unit.isEmpty, current.number != nil {
            w.element("tspan", [("font-size", n(size * 0.4)), ("font-weight", "400"), ("dx", "4")], text: data.unit)
        }
        w.close("text")
        y += size * 0.3 + 18
        guard let previousIndex, let now = current.number, let before = values[previousIndex].number else {
            if let previousIndex, values[previousIndex] == .suppressed || current == .suppressed {
                w.element(
                    "text", [("class", "number-change"), ("x", n(cx)), ("y", n(y)), ("text-anchor", "middle"), ("fill", ChartPalette.mutedText)],
                    text: l.t("变化：记录过少，不予计算", "Change: too few records to compare"))
            }
            return
        }
        let delta = now - before
        let arrow = delta > 0 ? "▲" : delta < 0 ? "▼" : "■"
        let share = before != 0 ? " " + (delta >= 0 ? "+" : "") + ChartNumberFormat.grouped(delta / abs(before) * 100, decimals: 1) + "%" : ""
        let period = data.categories.indices.contains(previousIndex) ? data.categories[previousIndex] : l.t("上期", "previous")
        let line = "\(arrow)\(share) (\(delta >= 0 ? "+" : "")\(ChartNumberFormat.value(delta))) " + l.t("较\(period)", "vs \(period)")
        w.element(
            "text",
            [
                ("class", "number-change"), ("data-testid", "chart-change"), ("x", n(cx)), ("y", n(y)), ("text-anchor", "middle"), ("font-size", "14"),
                ("fill", delta > 0 ? ChartPalette.positive : delta < 0 ? ChartPalette.negative : ChartPalette.mutedText)
            ],
            text: TextWidth.truncate(line, maxWidth: right - left, fontSize: 14))
    }

    /// The data as a drawn table (the chart type "table"); rows that do not fit are counted.
    mutating func drawTable() {
        let headers = [data.categoryLabel.isEmpty ? l.t("类别", "Category") : data.categoryLabel] + data.series.map(\.name)
        let rowHeight = 22.0
        let firstWidth = data.series.isEmpty ? right - left : (right - left) * (data.series.count > 3 ? 0.3 : 0.4)
        let otherWidth = data.series.isEmpty ? 0 : (right - left - firstWidth) / Double(data.series.count)
        let fit = max(1, Int((bottom - top) / rowHeight) - 1)
        let more = data.categories.count > fit ? data.categories.count - (fit - 1) : 0
        let rows = more > 0 ? fit - 1 : data.categories.count
        func cellX(_ col: Int) -> Double { col == 0 ? left + 6 : left + firstWidth + otherWidth * Double(col) - 6 }
        func cellWidth(_ col: Int) -> Double { (col == 0 ? firstWidth : otherWidth) - 12 }
        w.open("g", [("class", "chart-body chart-table")])
        w.element("rect", [("x", n(left)), ("y", n(top)), ("width", n(right - left)), ("height", n(rowHeight)), ("fill", ChartPalette.missing)])
        for (col, header) in headers.enumerated() {
            let shown = TextWidth.truncate(header, maxWidth: cellWidth(col), fontSize: font)
            w.element(
                "text", [("x", n(cellX(col))), ("y", n(top + 15)), ("font-weight", "600"), ("text-anchor", col == 0 ? "start" : "end")], text: shown,
                title: shown == header ? nil : header)
        }
        for r in 0..<rows {
            let y = top + rowHeight * Double(r + 1)
            w.element("line", [("x1", n(left)), ("x2", n(right)), ("y1", n(y)), ("y2", n(y)), ("stroke", ChartPalette.grid)])
            let cells = [data.categories[r]] + data.series.indices.map { s in ChartRenderer.text(data.value(s, r), data) }
            for (col, cell) in cells.enumerated() {
                let shown = TextWidth.truncate(cell, maxWidth: cellWidth(col), fontSize: font)
                let muted = col > 0 && data.value(col - 1, r).number == nil
                w.element(
                    "text",
                    [("x", n(cellX(col))), ("y", n(y + 15)), ("text-anchor", col == 0 ? "start" : "end"), ("fill", muted ? ChartPalette.mutedText : "")],
                    text: shown,
                    title: shown == cell ? nil : cell)
            }
        }
        if more > 0 {
            let y = top + rowHeight * Double(rows + 1)
            w.element(
                "text", [("class", "table-more"), ("x", n(left + 6)), ("y", n(y + 15)), ("fill", ChartPalette.mutedText)],
                text: l.t("……另有 \(more) 行", "… \(more) more rows"))
        }
        w.close("g")
    }

    /// Points by the first series (x) and the second (y), each labelled with its category.
    mutating func drawScatter() {
        let xs = data.categories.indices.map { data.value(0, $0) }, ys = data.categories.indices.map { data.value(1, $0) }
        let pairs = data.categories.indices.compactMap { i in xs[i].number.flatMap { x in ys[i].number.map { (i, x, $0) } } }
        guard !pairs.isEmpty else {
            state(l.t("数据过少，已隐藏", "Too few records to show"), kind: "suppressed")
            return
        }
        let xScale = AxisTicks.scale(min: pairs.map(\.1).min()!, max: pairs.map(\.1).max()!, includeZero: false)
        let yScale = AxisTicks.scale(min: pairs.map(\.2).min()!, max: pairs.map(\.2).max()!, includeZero: false)
        let yLabels = ChartNumberFormat.tickLabels(yScale, language: l), xLabels = ChartNumberFormat.tickLabels(xScale, language: l)
        let yName = data.series.count > 1 ? data.series[1].name : "", xName = data.series.first?.name ?? ""
        w.element(
            "text", [("class", "axis-title"), ("x", n(left)), ("y", n(top + 10)), ("font-size", n(smallFont)), ("fill", ChartPalette.mutedText)],
            text: TextWidth.truncate(yName, maxWidth: right - left, fontSize: smallFont))
        top += 18
        let x0 = left + (yLabels.map { TextWidth.width($0, fontSize: smallFont) }.max() ?? 0) + 8
        let y1 = bottom - smallFont * 2 - 14, y0 = top + 4
        func x(_ v: Double) -> Double { x0 + (right - 8 - x0) * xScale.fraction(v) }
        func y(_ v: Double) -> Double { y1 - (y1 - y0) * yScale.fraction(v) }
        valueAxis(yScale, yLabels, x0: x0, x1: right - 8, y: y)
        w.open("g", [("class", "axis axis-x"), ("font-size", n(smallFont)), ("fill", ChartPalette.mutedText)])
        for (t, label) in zip(xScale.ticks, xLabels) {
            w.element("line", [("x1", n(x(t))), ("x2", n(x(t))), ("y1", n(y0)), ("y2", n(y1)), ("stroke", ChartPalette.grid)])
            w.element("text", [("x", n(x(t))), ("y", n(y1 + smallFont + 4)), ("text-anchor", "middle")], text: label)
        }
        w.element(
            "text", [("class", "axis-title"), ("x", n(right - 8)), ("y", n(bottom - 2)), ("text-anchor", "end")],
            text: TextWidth.truncate(xName, maxWidth: right - left, fontSize: smallFont))
        w.close("g")
        w.open("g", [("class", "chart-body")])
        for (i, vx, vy) in pairs {
            w.element(
                "circle",
                [
                    ("class", "point"), ("cx", n(x(vx))), ("cy", n(y(vy))), ("r", "4.5"), ("fill", colour(0)), ("fill-opacity", "0.75"),
                    ("stroke", ChartPalette.background)
                ],
                title: "\(data.categories[i]): \(xName) \(ChartNumberFormat.value(vx)), \(yName) \(ChartNumberFormat.value(vy))")
        }
        w.close("g")
        let hidden = data.categories.count - pairs.count
        if hidden > 0 {
            w.element(
                "text", [("class", "suppressed"), ("x", n(x0)), ("y", n(bottom - 2)), ("font-size", n(smallFont)), ("fill", ChartPalette.mutedText)],
                text: l.t("\(hidden) 项未画出（记录过少或缺值）", "\(hidden) not drawn (too few records or missing)"))
        }
    }
}
