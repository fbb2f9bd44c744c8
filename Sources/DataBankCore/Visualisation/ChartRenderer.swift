import Foundation

/// Draws a ``ChartData`` as an accessible SVG document, as a ``ChartSpec`` says: `role="img"`,
/// a `<title>` and a `<desc>` (the spec's description and a one-line summary of the data) named
/// by `aria-labelledby`, colours inline (so a rasteriser without the page's CSS draws the same),
/// every label estimated by ``TextWidth`` and cut with "…" where it would not fit (the full text
/// in a `<title>`). Pure: the same data and spec give the same bytes.
public enum ChartRenderer {
    public static let fontFamily = "'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei','PingFang SC','Microsoft YaHei',sans-serif"

    /// The chart as a complete `<svg>` element. A map needs `baseMap` (the region outlines);
    /// without one it is drawn as its empty state.
    public static func svg(_ data: ChartData, _ spec: ChartSpec, baseMap: ChartBaseMap? = nil) -> String {
        svg(data, spec, baseMaps: baseMap.map { [$0] } ?? [])
    }

    /// The chart as a complete `<svg>` element; a map is drawn on the base map among `baseMaps`
    /// that places most of its categories (``ChartMapPlacement``), the others listed under it.
    public static func svg(_ data: ChartData, _ spec: ChartSpec, baseMaps: [ChartBaseMap]) -> String {
        var c = ChartCanvas(data: data, spec: spec)
        c.begin()
        if data.isEmpty || (spec.type == .map && baseMaps.isEmpty) {
            c.state(spec.language.t("无数据", "No data"), kind: "empty")
        } else if data.isAllSuppressed {
            c.state(spec.language.t("数据过少，已隐藏", "Too few records to show"), kind: "suppressed")
        } else {
            switch spec.type {
            case .bar, .line, .area, .stackedBar: c.drawColumns()
            case .horizontalBar: c.drawHorizontalBars()
            case .pie, .donut: c.drawPie(donut: spec.type == .donut)
            case .number: c.drawNumber()
            case .table: c.drawTable()
            case .scatter: c.drawScatter()
            case .heatGrid: c.drawHeatGrid()
            case .pareto: c.drawPareto()
            case .network: c.drawNetwork(ChartNetwork(data))
            case .map: c.drawMap(ChartMapPlacement(categories: data.categories, maps: baseMaps))
            }
        }
        c.w.close("svg")
        return c.w.out
    }

    /// A stable id prefix for a chart: FNV-1a of what it shows.
    public static func idPrefix(_ data: ChartData, _ spec: ChartSpec) -> String {
        if let p = spec.idPrefix { return p }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let key = [spec.type.rawValue, spec.title, spec.description] + data.categories + data.series.map(\.name)
        for byte in key.joined(separator: "\u{1F}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return "chart-" + String(hash & 0xFFFF_FFFF, radix: 16)
    }

    /// The type in words, for the description.
    public static func typeName(_ type: ChartType, _ l: ChartLanguage) -> String {
        switch type {
        case .bar: l.t("柱状图", "Bar chart")
        case .horizontalBar: l.t("条形图", "Horizontal bar chart")
        case .stackedBar: l.t("堆积柱状图", "Stacked bar chart")
        case .line: l.t("折线图", "Line chart")
        case .area: l.t("面积图", "Area chart")
        case .pie: l.t("饼图", "Pie chart")
        case .donut: l.t("环形图", "Donut chart")
        case .number: l.t("指标卡", "Key figure")
        case .table: l.t("表格", "Table")
        case .scatter: l.t("散点图", "Scatter plot")
        case .heatGrid: l.t("热力格", "Heat grid")
        case .map: l.t("地图", "Map")
        case .pareto: l.t("帕累托图", "Pareto chart")
        case .network: l.t("关系网络图", "Network chart")
        }
    }

    /// One sentence on what the chart holds, for screen readers: type, size, series, extremes.
    static func summary(_ data: ChartData, _ spec: ChartSpec) -> String {
        let l = spec.language
        var parts = [typeName(spec.type, l)]
        if !data.categories.isEmpty {
            let what = data.categoryLabel.isEmpty ? "" : l.t("按\(data.categoryLabel)", "by \(data.categoryLabel)")
            parts.append(l.t("\(what)\(data.categories.count) 项", "\(data.categories.count) \(what.isEmpty ? "categories" : "items " + what)"))
        }
        if !data.points.isEmpty { parts.append(l.t("\(data.points.count) 个位置", "\(data.points.count) points")) }
        if data.series.count > 1 { parts.append(l.t("系列：", "series: ") + data.series.map(\.name).joined(separator: l.t("、", ", "))) }
        if let first = data.series.first {
            let numbered = first.values.enumerated().compactMap { i, v in v.number.map { (i, $0) } }
            if let hi = numbered.max(by: { $0.1 < $1.1 }), let lo = numbered.min(by: { $0.1 < $1.1 }), numbered.count > 1 {
                let name = { (i: Int) in data.categories.indices.contains(i) ? data.categories[i] : "" }
                parts.append(
                    l.t(
                        "最高 \(name(hi.0)) \(formatValue(hi.1, data))，最低 \(name(lo.0)) \(formatValue(lo.1, data))",
                        "highest \(name(hi.0)) \(formatValue(hi.1, data)), lowest \(name(lo.0)) \(formatValue(lo.1, data))"))
            }
            let hidden = data.series.flatMap(\.values).filter { $0 == .suppressed }.count
            if hidden > 0 { parts.append(l.t("\(hidden) 个值因记录过少已隐藏", "\(hidden) values hidden (too few records)")) }
        }
        return parts.joined(separator: l.t("；", "; ")) + l.t("。", ".")
    }

    /// A value with its unit, grouped: "12,345 户".
    static func formatValue(_ v: Double, _ data: ChartData) -> String {
        ChartNumberFormat.value(v) + (data.unit.isEmpty ? "" : " " + data.unit)
    }

    /// A cell as the data table and tooltips show it.
    public static func text(_ v: ChartValue, _ data: ChartData) -> String {
        switch v {
        case .number(let x): formatValue(x, data)
        case .suppressed: data.suppressedLabel
        case .missing: "—"
        }
    }
}

/// The region outlines a map is drawn on (``FoshanMap`` in the server gives Foshan's five
/// districts), with the equirectangular projection that placed them.
public struct ChartBaseMap: Sendable, Hashable {
    public struct Region: Sendable, Hashable {
        public var code: String, name: String, nameEn: String
        public var labelX: Double, labelY: Double
        public var path: String

        public init(code: String, name: String, nameEn: String, labelX: Double, labelY: Double, path: String) {
            self.code = code
            self.name = name
            self.nameEn = nameEn
            self.labelX = labelX
            self.labelY = labelY
            self.path = path
        }
    }

    public var width: Double, height: Double
    public var west: Double, east: Double, south: Double, north: Double
    public var xScale: Double, yScale: Double
    public var regions: [Region]

    public init(
        width: Double, height: Double, west: Double, east: Double, south: Double, north: Double, xScale: Double, yScale: Double,
        regions: [Region]
    ) {
        self.width = width
        self.height = height
        self.west = west
        self.east = east
        self.south = south
        self.north = north
        self.xScale = xScale
        self.yScale = yScale
        self.regions = regions
    }

    public func contains(longitude: Double, latitude: Double) -> Bool {
        (west...east).contains(longitude) && (south...north).contains(latitude)
    }

    public func x(_ longitude: Double) -> Double { (longitude - west) * xScale }
    public func y(_ latitude: Double) -> Double { (north - latitude) * yScale }
}
