import Foundation

/// Category labels under a horizontal axis: straight when they fit their slot, wrapped on two
/// lines when that makes them fit, otherwise turned 40° and cut at a length the chart can spare.
struct CategoryLabels {
    enum Mode { case straight, wrapped, rotated }
    var mode: Mode
    var lines: [[String]]
    /// The indexes that get a label (all, or every k-th on a crowded date axis).
    var shown: [Int]
    var height: Double

    static let angle = 40.0

    init(_ data: ChartData, slot: Double, font: Double, maxRotated: Double, language: ChartLanguage) {
        var labels = data.categories
        var shown = Array(labels.indices)
        var room = slot
        if let dates = data.dates, let unit = data.dateUnit, dates.count == labels.count {
            labels = dates.map { ChartDateAxis.label($0, unit: unit, language: language) }
            let widest = labels.map { TextWidth.width($0, fontSize: font) }.max() ?? 0
            let fit = max(1, Int(slot * Double(labels.count) / (widest + 10)))
            shown = ChartDateAxis.labelled(count: labels.count, unit: unit, maxLabels: min(fit, 12))
            room = slot * Double(shown.count > 1 ? shown[1] - shown[0] : 1)
        }
        let widths = shown.map { TextWidth.width(labels[$0], fontSize: font) }
        if (widths.max() ?? 0) <= room - 4 {
            mode = .straight
            lines = labels.map { [$0] }
            height = font + 8
        } else if room >= font * 3, shown.allSatisfy({ Self.wordsFit(labels[$0], room - 4, font) }),
            shown.allSatisfy({ TextWidth.wrap(labels[$0], maxWidth: room - 4, fontSize: font).count <= 2 })
        {
            mode = .wrapped
            lines = labels.map { TextWidth.wrap($0, maxWidth: room - 4, fontSize: font) }
            height = font * 2 + 12
        } else {
            mode = .rotated
            let cut = labels.map { [TextWidth.truncate($0, maxWidth: maxRotated, fontSize: font)] }
            lines = cut
            let longest = shown.map { TextWidth.width(cut[$0][0], fontSize: font) }.max() ?? 0
            height = longest * sin(Self.angle * .pi / 180) + font + 8
        }
        self.shown = shown
        self.full = labels
    }

    var full: [String]

    /// Whether each Latin word of a label fits a line, so wrapping never cuts one in two ("Econo / my"):
    /// a label with a longer word is turned instead. Han text may break between any two characters.
    static func wordsFit(_ label: String, _ width: Double, _ font: Double) -> Bool {
        label.split(separator: " ").allSatisfy { word in
            word.unicodeScalars.contains { TextWidth.ems($0) == 1.0 } || TextWidth.width(String(word), fontSize: font) <= width
        }
    }
}

extension ChartCanvas {
    /// Bars (grouped when there are several series), stacked bars, lines and areas: categories
    /// along the bottom, values up the left, zero-based for bars.
    mutating func drawColumns() {
        let type = spec.type
        let lines = type == .line || type == .area
        if data.series.count > 1 || type == .stackedBar {
            legend(
                data.series.enumerated().map { i, s in
                    (s.name, colour(i), lines ? ChartPalette.dashes[i % ChartPalette.dashes.count] : nil)
                })
        }
        // The value scale: stacked sums for stacked bars, else every value.
        var lo = 0.0, hi = 0.0
        if type == .stackedBar {
            for c in data.categories.indices {
                var up = 0.0, down = 0.0
                for s in data.series.indices {
                    if let v = data.value(s, c).number { if v >= 0 { up += v } else { down += v } }
                }
                hi = max(hi, up)
                lo = min(lo, down)
            }
        } else {
            lo = data.numbers.min() ?? 0
            hi = data.numbers.max() ?? 0
        }
        let zeroBased = !lines || type == .area || (lo >= 0 && lo <= hi * 0.5)
        let scale =
            spec.valueDomain.map { AxisTicks.scale(min: $0.lowerBound, max: $0.upperBound, includeZero: false) }
            ?? AxisTicks.scale(min: lo, max: hi, includeZero: zeroBased)
        let tickLabels = ChartNumberFormat.tickLabels(scale, language: l)
        let axisTitle = valueTitle
        if !spec.compact, !axisTitle.isEmpty {
            w.element(
                "text", [("class", "axis-title"), ("x", n(left)), ("y", n(top + 10)), ("font-size", n(smallFont)), ("fill", ChartPalette.mutedText)],
                text: TextWidth.truncate(axisTitle, maxWidth: right - left, fontSize: smallFont))
            top += 18
        }
        let axisWidth = spec.compact ? 0 : (tickLabels.map { TextWidth.width($0, fontSize: smallFont) }.max() ?? 0) + 8
        let x0 = left + axisWidth
        let n0 = max(1, data.categories.count)
        let slot = (right - x0) / Double(n0)
        let labels = CategoryLabels(data, slot: slot, font: smallFont, maxRotated: min(140, (bottom - top) * 0.35), language: l)
        // A compact chart keeps only its first and last category, small, under the bars.
        let y1 = spec.compact ? bottom - (data.categories.count > 1 ? 11 : 0) : bottom - labels.height
        let y0 = top + 4
        func y(_ v: Double) -> Double { y1 - (y1 - y0) * scale.fraction(v) }
        if !spec.compact { valueAxis(scale, tickLabels, x0: x0, x1: right, y: y) }
        let base = y(min(max(0, scale.lower), scale.upper))
        w.open("g", [("class", "chart-body")])
        switch type {
        case .line, .area: drawLines(x0: x0, slot: slot, y: y, base: base, area: type == .area)
        case .stackedBar: drawStacks(x0: x0, slot: slot, y: y)
        default: drawBars(x0: x0, slot: slot, y: y, base: base)
        }
        w.close("g")
        if spec.compact, data.categories.count > 1, let first = data.categories.first, let last = data.categories.last {
            w.element("text", [("class", "axis"), ("x", n(x0)), ("y", n(bottom)), ("font-size", "9"), ("fill", ChartPalette.mutedText)], text: first)
            w.element(
                "text", [("class", "axis"), ("x", n(right)), ("y", n(bottom)), ("font-size", "9"), ("text-anchor", "end"), ("fill", ChartPalette.mutedText)],
                text: last)
        }
        if !spec.compact {
            w.element("line", [("class", "baseline"), ("x1", n(x0)), ("x2", n(right)), ("y1", n(base)), ("y2", n(base)), ("stroke", ChartPalette.axis)])
            categoryAxis(labels, x0: x0, slot: slot, y: y1)
        }
    }

    /// Grid lines and their labels, left of the plot.
    mutating func valueAxis(_ scale: AxisScale, _ labels: [String], x0: Double, x1: Double, y: (Double) -> Double) {
        w.open("g", [("class", "axis axis-value"), ("font-size", n(smallFont)), ("fill", ChartPalette.mutedText)])
        for (t, label) in zip(scale.ticks, labels) {
            w.element("line", [("x1", n(x0)), ("x2", n(x1)), ("y1", n(y(t))), ("y2", n(y(t))), ("stroke", ChartPalette.grid)])
            w.element("text", [("x", n(x0 - 6)), ("y", n(y(t) + 4)), ("text-anchor", "end")], text: label)
        }
        w.close("g")
    }

    /// The categories' labels under the plot, as ``CategoryLabels`` laid them out.
    mutating func categoryAxis(_ labels: CategoryLabels, x0: Double, slot: Double, y: Double) {
        w.open("g", [("class", "axis axis-category"), ("font-size", n(smallFont)), ("fill", ChartPalette.mutedText)])
        for i in labels.shown where labels.lines.indices.contains(i) {
            let cx = x0 + slot * (Double(i) + 0.5)
            let cut =
                labels.lines[i].joined() != labels.full[i].replacingOccurrences(of: " ", with: "")
                && labels.lines[i].joined(separator: " ") != labels.full[i]
            let title = cut ? labels.full[i] : nil
            switch labels.mode {
            case .straight:
                w.element("text", [("x", n(cx)), ("y", n(y + smallFont + 4)), ("text-anchor", "middle")], text: labels.lines[i][0], title: title)
            case .wrapped:
                w.open("text", [("x", n(cx)), ("y", n(y + smallFont + 4)), ("text-anchor", "middle")])
                if let title { w.element("title", [], text: title) }
                for (k, line) in labels.lines[i].enumerated() {
                    w.element("tspan", [("x", n(cx)), ("dy", k == 0 ? "0" : n(smallFont + 2))], text: line)
                }
                w.close("text")
            case .rotated:
                let ty = y + smallFont
                w.element(
                    "text", [("x", n(cx)), ("y", n(ty)), ("text-anchor", "end"), ("transform", "rotate(-\(n(CategoryLabels.angle)) \(n(cx)) \(n(ty)))")],
                    text: labels.lines[i][0], title: title)
            }
        }
        w.close("g")
    }

    mutating func drawBars(x0: Double, slot: Double, y: (Double) -> Double, base: Double) {
        let count = max(1, data.series.count)
        let group = slot * (count > 1 ? 0.8 : 0.7)
        let bar = group / Double(count)
        let labelValues = !spec.compact && count == 1
        for (c, category) in data.categories.enumerated() {
            for s in 0..<count {
                let x = x0 + slot * Double(c) + (slot - group) / 2 + bar * Double(s)
                let name = data.series.count > 1 ? data.series[s].name : nil
                switch data.value(s, c) {
                case .number(let v):
                    let top = min(y(v), base), h = max(abs(y(v) - base), v == 0 ? 0 : 1)
                    w.element(
                        "rect",
                        [("class", "bar"), ("x", n(x + 0.5)), ("y", n(top)), ("width", n(max(1, bar - 1))), ("height", n(h)), ("fill", colour(s))],
                        title: tip(category, name, .number(v)))
                    let text = ChartNumberFormat.abbreviated(v, language: l)
                    if labelValues, TextWidth.width(text, fontSize: smallFont - 1) <= bar + 6 {
                        let ty = v >= 0 ? top - 3 : top + h + smallFont
                        w.element(
                            "text", [("class", "bar-value"), ("x", n(x + bar / 2)), ("y", n(ty)), ("text-anchor", "middle"), ("font-size", n(smallFont - 1))],
                            text: text)
                    }
                case .suppressed:
                    suppressedMark(x: x + bar / 2, y: base - 4, title: tip(category, name, .suppressed))
                case .missing: break
                }
            }
        }
    }

    /// A hidden value where its bar would be: the aggregate's "<5" in grey, with a tooltip.
    mutating func suppressedMark(x: Double, y: Double, title: String, anchor: String = "middle") {
        w.element(
            "text",
            [("class", "suppressed"), ("x", n(x)), ("y", n(y)), ("text-anchor", anchor), ("font-size", n(smallFont - 1)), ("fill", ChartPalette.mutedText)],
            text: data.suppressedLabel, title: title)
    }

    mutating func drawStacks(x0: Double, slot: Double, y: (Double) -> Double) {
        let bar = slot * 0.7
        for (c, category) in data.categories.enumerated() {
            var up = 0.0, down = 0.0, hidden = 0
            let x = x0 + slot * Double(c) + (slot - bar) / 2
            for (s, series) in data.series.enumerated() {
                switch data.value(s, c) {
                case .number(let v):
                    let from = v >= 0 ? up : down, to = from + v
                    if v >= 0 { up = to } else { down = to }
                    w.element(
                        "rect",
                        [
                            ("class", "bar segment"), ("x", n(x)), ("y", n(min(y(from), y(to)))), ("width", n(bar)), ("height", n(abs(y(to) - y(from)))),
                            ("fill", colour(s)), ("stroke", ChartPalette.background), ("stroke-width", "0.5")
                        ], title: tip(category, series.name, .number(v)))
                case .suppressed: hidden += 1
                case .missing: break
                }
            }
            if hidden > 0 {
                suppressedMark(x: x + bar / 2, y: y(up) - 4, title: l.t("\(category)：\(hidden) 项记录过少，已隐藏", "\(category): \(hidden) hidden (too few records)"))
            }
        }
    }

    mutating func drawLines(x0: Double, slot: Double, y: (Double) -> Double, base: Double, area: Bool) {
        let dots = data.categories.count <= 60
        for (s, series) in data.series.enumerated() {
            let colour = colour(s)
            // Runs of consecutive values: a hidden or missing value breaks the line.
            var runs: [[(Double, Double)]] = [[]]
            for c in data.categories.indices {
                if let v = data.value(s, c).number {
                    runs[runs.count - 1].append((x0 + slot * (Double(c) + 0.5), y(v)))
                } else if !runs[runs.count - 1].isEmpty {
                    runs.append([])
                }
            }
            w.open("g", [("class", "series series-\(s)"), ("data-series", series.name)])
            for run in runs where !run.isEmpty {
                let points = run.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
                if area, run.count > 1 {
                    let poly = points + " \(n(run.last!.0)),\(n(base)) \(n(run[0].0)),\(n(base))"
                    w.element("polygon", [("class", "area"), ("points", poly), ("fill", colour), ("fill-opacity", "0.18")])
                }
                // A lone value's polyline draws nothing (its point shows it); every run is one polyline.
                w.element(
                    "polyline",
                    [
                        ("class", "line"), ("points", points), ("fill", "none"), ("stroke", colour), ("stroke-width", spec.compact ? "1.5" : "2"),
                        ("stroke-dasharray", ChartPalette.dashes[s % ChartPalette.dashes.count]), ("stroke-linejoin", "round")
                    ], title: series.name)
            }
            for (c, category) in data.categories.enumerated() {
                let value = data.value(s, c)
                let cx = x0 + slot * (Double(c) + 0.5)
                switch value {
                case .number(let v) where dots || runs.contains(where: { $0.count == 1 && $0[0].0 == cx }):
                    w.element(
                        "circle",
                        [
                            ("class", "point"), ("cx", n(cx)), ("cy", n(y(v))), ("r", spec.compact ? "2" : "3"), ("fill", colour),
                            ("stroke", ChartPalette.background)
                        ],
                        title: tip(category, data.series.count > 1 ? series.name : nil, value))
                case .suppressed where !spec.compact:
                    suppressedMark(x: cx, y: base - 4, title: tip(category, data.series.count > 1 ? series.name : nil, value))
                default: break
                }
            }
            w.close("g")
        }
    }

    /// Bars lying down: long category names get the left margin they need (up to 35 % of the
    /// width), values along the bottom.
    mutating func drawHorizontalBars() {
        let count = max(1, data.series.count)
        if count > 1 { legend(data.series.enumerated().map { i, s in (s.name, colour(i), nil) }) }
        let scale = AxisTicks.scale(min: data.numbers.min() ?? 0, max: data.numbers.max() ?? 0, includeZero: true)
        let tickLabels = ChartNumberFormat.tickLabels(scale, language: l)
        let labelRoom = min((right - left) * 0.35, (data.categories.map { TextWidth.width($0, fontSize: smallFont) }.max() ?? 0))
        let x0 = left + labelRoom + 8
        let x1 = right - 36  // room for the value after the longest bar
        let y0 = top, y1 = bottom - (spec.compact ? 0 : smallFont + 10)
        func x(_ v: Double) -> Double { x0 + (x1 - x0) * scale.fraction(v) }
        let slot = (y1 - y0) / Double(max(1, data.categories.count))
        let base = x(0)
        if !spec.compact {
            w.open("g", [("class", "axis axis-value"), ("font-size", n(smallFont)), ("fill", ChartPalette.mutedText)])
            for (t, label) in zip(scale.ticks, tickLabels) {
                w.element("line", [("x1", n(x(t))), ("x2", n(x(t))), ("y1", n(y0)), ("y2", n(y1)), ("stroke", ChartPalette.grid)])
                w.element("text", [("x", n(x(t))), ("y", n(y1 + smallFont + 4)), ("text-anchor", "middle")], text: label)
            }
            w.close("g")
        }
        let group = slot * (count > 1 ? 0.8 : 0.7), bar = group / Double(count)
        w.open("g", [("class", "chart-body")])
        for (c, category) in data.categories.enumerated() {
            let cy = y0 + slot * (Double(c) + 0.5)
            let shown = TextWidth.truncate(category, maxWidth: labelRoom, fontSize: smallFont)
            w.element(
                "text", [("class", "category"), ("x", n(x0 - 6)), ("y", n(cy + 4)), ("text-anchor", "end"), ("font-size", n(smallFont))], text: shown,
                title: shown == category ? nil : category)
            for s in 0..<count {
                let by = y0 + slot * Double(c) + (slot - group) / 2 + bar * Double(s)
                let name = data.series.count > 1 ? data.series[s].name : nil
                switch data.value(s, c) {
                case .number(let v):
                    w.element(
                        "rect",
                        [
                            ("class", "bar"), ("x", n(min(x(v), base))), ("y", n(by + 0.5)), ("width", n(max(abs(x(v) - base), v == 0 ? 0 : 1))),
                            ("height", n(max(1, bar - 1))), ("fill", colour(s))
                        ],
                        title: tip(category, name, .number(v)))
                    if count == 1, bar >= smallFont - 2 {
                        let tx = v >= 0 ? max(x(v), base) + 4 : min(x(v), base) - 4
                        w.element(
                            "text",
                            [
                                ("class", "bar-value"), ("x", n(tx)), ("y", n(by + bar / 2 + 4)), ("text-anchor", v >= 0 ? "start" : "end"),
                                ("font-size", n(smallFont - 1))
                            ],
                            text: ChartNumberFormat.abbreviated(v, language: l))
                    }
                case .suppressed: suppressedMark(x: base + 4, y: by + bar / 2 + 4, title: tip(category, name, .suppressed), anchor: "start")
                case .missing: break
                }
            }
        }
        w.element("line", [("class", "baseline"), ("x1", n(base)), ("x2", n(base)), ("y1", n(y0)), ("y2", n(y1)), ("stroke", ChartPalette.axis)])
        w.close("g")
    }
}
