import Foundation

extension ChartCanvas {
    /// Two groupings: the categories across, the series down, each cell shaded on the sequential
    /// ramp (hidden cells hatched, missing ones pale) with its value written when it fits.
    mutating func drawHeatGrid() {
        let numbers = data.numbers
        let lo = numbers.min() ?? 0, hi = numbers.max() ?? 0
        let all = data.series.flatMap(\.values)
        hatchPattern()
        scaleLegend(min: lo, max: hi, hasSuppressed: all.contains(.suppressed), hasMissing: all.contains(.missing))
        let rowNames = data.series.map(\.name)
        let labelRoom = min((right - left) * 0.3, rowNames.map { TextWidth.width($0, fontSize: smallFont) }.max() ?? 0)
        let x0 = left + labelRoom + 8
        let slot = (right - x0) / Double(max(1, data.categories.count))
        let labels = CategoryLabels(data, slot: slot, font: smallFont, maxRotated: min(120, (bottom - top) * 0.3), language: l)
        let y1 = bottom - labels.height
        let rowHeight = (y1 - top) / Double(max(1, rowNames.count))
        w.open("g", [("class", "chart-body")])
        for (s, name) in rowNames.enumerated() {
            let y = top + rowHeight * Double(s)
            let shown = TextWidth.truncate(name, maxWidth: labelRoom, fontSize: smallFont)
            w.element(
                "text", [("class", "category"), ("x", n(x0 - 6)), ("y", n(y + rowHeight / 2 + 4)), ("text-anchor", "end"), ("font-size", n(smallFont))],
                text: shown,
                title: shown == name ? nil : name)
            for (c, category) in data.categories.enumerated() {
                let value = data.value(s, c)
                let fill: String
                switch value {
                case .number(let v): fill = ChartPalette.sequential(hi > lo ? (v - lo) / (hi - lo) : 0.5)
                case .suppressed: fill = "url(#\(id)-hatch)"
                case .missing: fill = ChartPalette.missing
                }
                let x = x0 + slot * Double(c)
                w.element(
                    "rect",
                    [
                        ("class", "cell"), ("x", n(x)), ("y", n(y)), ("width", n(slot)), ("height", n(rowHeight)), ("fill", fill),
                        ("stroke", ChartPalette.background)
                    ],
                    title: tip(category, name, value))
                let text = value == .suppressed ? data.suppressedLabel : value.number.map { ChartNumberFormat.abbreviated($0, language: l) } ?? ""
                if !text.isEmpty, TextWidth.width(text, fontSize: smallFont - 1) <= slot - 4, rowHeight >= smallFont + 2 {
                    let ink = value.number == nil ? ChartPalette.text : ChartPalette.textOn(fill)
                    w.element(
                        "text",
                        [
                            ("class", "cell-value"), ("x", n(x + slot / 2)), ("y", n(y + rowHeight / 2 + 4)), ("text-anchor", "middle"),
                            ("font-size", n(smallFont - 1)), ("fill", ink)
                        ],
                        text: text)
                }
            }
        }
        w.close("g")
        categoryAxis(labels, x0: x0, slot: slot, y: y1)
    }

    /// The base map's regions shaded by the values of their codes (the categories), the points
    /// inside its frame as dots (sized by value when they have one), and under the map the
    /// categories it has no region for ("未在地图上 / Not on the map"), so none is lost silently.
    mutating func drawMap(_ placement: ChartMapPlacement) {
        let map = placement.map
        var byCode: [String: ChartValue] = [:]
        for (code, i) in placement.placed { byCode[code] = data.value(0, i) }
        let numbers = byCode.values.compactMap(\.number)
        let lo = numbers.min() ?? 0, hi = numbers.max() ?? 0
        hatchPattern()
        if !numbers.isEmpty || byCode.values.contains(.suppressed) {
            scaleLegend(
                min: lo, max: hi, hasSuppressed: byCode.values.contains(.suppressed),
                hasMissing: map.regions.contains { byCode[$0.code] == nil || byCode[$0.code] == .missing })
        }
        if !placement.unplaced.isEmpty { unplacedNote(placement.unplaced) }
        let k = min((right - left) / map.width, (bottom - top) / map.height)
        let tx = left + (right - left - map.width * k) / 2, ty = top
        let choropleth = !data.categories.isEmpty
        w.open(
            "g",
            [
                ("class", "chart-body map-regions"), ("data-testid", "map-districts"),
                ("transform", "translate(\(n(tx)) \(n(ty))) scale(\(String(format: "%.4f", k)))")
            ])
        for region in map.regions {
            let value = byCode[region.code] ?? .missing
            let fill: String
            switch value {
            case .number(let v): fill = ChartPalette.sequential(hi > lo ? (v - lo) / (hi - lo) : 0.5)
            case .suppressed: fill = "url(#\(id)-hatch)"
            case .missing: fill = choropleth ? ChartPalette.missing : "#F2F5F7"
            }
            let name = l == .zh ? region.name : region.nameEn
            w.element(
                "path",
                [
                    ("class", "district region"), ("data-code", region.code), ("d", region.path), ("fill", fill), ("stroke", "#9AA5AF"),
                    ("stroke-width", String(format: "%.2f", 1 / k)), ("stroke-linejoin", "round")
                ], title: choropleth ? tip(name, nil, value) : "\(region.name) \(region.nameEn)")
        }
        w.close("g")
        // Points: only those inside the map's frame.
        let inside = data.points.filter { map.contains(longitude: $0.longitude, latitude: $0.latitude) }
        let sizes = inside.compactMap(\.value.number)
        let largest = max(sizes.map(abs).max() ?? 0, 1e-9)
        w.open("g", [("class", "map-points"), ("data-testid", "map-points")])
        for p in inside {
            let r = p.value.number.map { 3 + 6 * sqrt(abs($0) / largest) } ?? 4
            w.element(
                "circle",
                [
                    ("class", "point"), ("cx", n(tx + map.x(p.longitude) * k)), ("cy", n(ty + map.y(p.latitude) * k)), ("r", n(r)), ("fill", colour(0)),
                    ("fill-opacity", "0.8"), ("stroke", ChartPalette.background)
                ],
                title: p.value == .missing ? p.label : tip(p.label, nil, p.value))
        }
        w.close("g")
        w.open("g", [("class", "map-labels"), ("font-size", n(smallFont)), ("text-anchor", "middle")])
        for region in map.regions {
            let value = byCode[region.code]
            var label = l == .zh ? region.name : region.nameEn
            if let value, value != .missing {
                label += " " + (value == .suppressed ? data.suppressedLabel : ChartNumberFormat.abbreviated(value.number ?? 0, language: l))
            }
            // Dark text on a white halo reads on every fill and over the points.
            w.element(
                "text",
                [
                    ("x", n(tx + region.labelX * k)), ("y", n(ty + region.labelY * k)), ("fill", ChartPalette.text), ("font-weight", "600"),
                    ("stroke", ChartPalette.background), ("stroke-width", "3"), ("stroke-linejoin", "round"), ("paint-order", "stroke")
                ], text: label)
        }
        w.close("g")
    }

    /// The categories not on the map, at the bottom of the chart (at most three lines; the whole
    /// list in the `<title>` and in the data table), moving `bottom` above them.
    mutating func unplacedNote(_ indices: [Int]) {
        let items = indices.map { i -> String in
            let value = data.value(0, i)
            return value == .missing ? data.categories[i] : data.categories[i] + " " + ChartRenderer.text(value, data)
        }
        let head = l.t("未在地图上：", "Not on the map: "), separator = l.t("、", ", ")
        let full = head + items.joined(separator: separator)
        let size = smallFont, lineHeight = 15.0, maxLines = spec.compact ? 1 : 3
        var lines = [head]
        for (i, item) in items.enumerated() {
            let last = lines.count - 1
            let piece = (lines[last] == head || lines[last].isEmpty ? "" : separator) + item
            if TextWidth.width(lines[last] + piece, fontSize: size) <= right - left || lines[last].isEmpty || lines[last] == head {
                lines[last] += piece
            } else if lines.count < maxLines {
                lines.append(item)
            } else {
                let rest = l.t(" 等 \(items.count - i) 项", " and \(items.count - i) more")
                lines[last] = TextWidth.truncate(lines[last], maxWidth: right - left - TextWidth.width(rest, fontSize: size), fontSize: size) + rest
                break
            }
        }
        lines = lines.map { TextWidth.truncate($0, maxWidth: right - left, fontSize: size) }
        let y0 = bottom - Double(lines.count - 1) * lineHeight
        w.open("g", [("class", "map-unplaced"), ("data-testid", "map-unplaced")])
        w.element("title", [], text: full)
        for (i, line) in lines.enumerated() {
            w.element(
                "text", [("x", n(left)), ("y", n(y0 + Double(i) * lineHeight)), ("font-size", n(size)), ("fill", ChartPalette.mutedText)], text: line)
        }
        w.close("g")
        bottom = y0 - size - 8
    }
}

/// A base map's layers as SVG in the map's own coordinates, for pages that draw their own markers
/// over it (the open portal's live page, a stream's live positions): the same outlines and names
/// as the chart type `map`, so there is one map.
public enum ChartMapLayers {
    /// Every region as a `<path>` with `class`, `data-code` and a `<title>`; `style` gives extra attributes.
    public static func regions(
        _ map: ChartBaseMap, className: (ChartBaseMap.Region) -> String, title: (ChartBaseMap.Region) -> String,
        style: [(String, String)] = []
    ) -> String {
        var w = ChartSVGWriter()
        for region in map.regions {
            w.element("path", [("class", className(region)), ("data-code", region.code), ("d", region.path)] + style, title: title(region))
        }
        return w.out
    }

    /// The regions' names at their label points, in the reader's language.
    public static func labels(_ map: ChartBaseMap, language: ChartLanguage, className: String) -> String {
        var w = ChartSVGWriter()
        for region in map.regions {
            w.element("text", [("class", className), ("x", n(region.labelX)), ("y", n(region.labelY))], text: language == .zh ? region.name : region.nameEn)
        }
        return w.out
    }

    /// The transform that draws the map's coordinates into a frame of `width` × `height` showing
    /// longitudes `west...east` and latitudes `south...north`.
    public static func transform(_ map: ChartBaseMap, width: Double, height: Double, west: Double, east: Double, south: Double, north: Double) -> String {
        let sx = width / ((east - west) * map.xScale), sy = height / ((north - south) * map.yScale)
        let tx = (map.west - west) * width / (east - west), ty = (north - map.north) * height / (north - south)
        return "translate(\(n(tx)) \(n(ty))) scale(\(String(format: "%.5f", sx)) \(String(format: "%.5f", sy)))"
    }
}
