import Foundation
import Testing
@testable import DataBankCore

@Suite("Chart renderer")
struct ChartRendererTests {
    static let districts = ["禅城区", "南海区", "顺德区", "三水区", "高明区"]
    static let counts: [ChartValue] = [.number(48_213), .number(126_540), .number(131_877), .suppressed, .number(18_932)]

    static func data(series: Int = 1) -> ChartData {
        ChartData(
            categories: districts,
            series: (0..<series).map { s in ChartSeries(name: "系列\(s + 1)", values: counts.map { v in v.number.map { .number($0 / Double(s + 1)) } ?? v }) },
            categoryLabel: "区", valueLabel: "企业数", unit: "户")
    }

    static func count(_ needle: String, in svg: String) -> Int { svg.components(separatedBy: needle).count - 1 }

    /// The root is an image named by its title and description; both are there with their ids.
    @Test func accessibleRoot() {
        let svg = ChartRenderer.svg(Self.data(), ChartSpec(type: .bar, title: "各区企业数", description: "2026 年末。", idPrefix: "c1"))
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("aria-labelledby=\"c1-title c1-desc\""))
        #expect(svg.contains("<title id=\"c1-title\">各区企业数</title>"))
        #expect(svg.contains("<desc id=\"c1-desc\">2026 年末。 柱状图"))
        #expect(svg.contains("最高 顺德区 131,877 户"))
        #expect(svg.hasSuffix("</svg>"))
    }

    /// Labels cannot inject markup: `<script>` and `&` come out escaped in text and attributes.
    @Test func labelsAreEscaped() {
        let data = ChartData(
            categories: ["<script>alert(1)</script>", "R&D \"x\""], series: [ChartSeries(name: "a<b", values: [.number(1), .number(2)])])
        for type in ChartType.allCases {
            let svg = ChartRenderer.svg(data, ChartSpec(type: type, title: "<script>&", description: "\"quoted\" 'x'"), baseMap: Self.map)
            #expect(!svg.contains("<script>"), "\(type)")
            #expect(!svg.contains("R&D"), "\(type)")
            #expect(svg.contains("&lt;script&gt;&amp;"), "\(type)")
        }
    }

    /// The same input gives the same bytes (ids included), and different charts get different ids.
    @Test func deterministicOutput() {
        for type in ChartType.allCases {
            let a = ChartRenderer.svg(Self.data(series: 2), ChartSpec(type: type, title: "t"), baseMap: Self.map)
            let b = ChartRenderer.svg(Self.data(series: 2), ChartSpec(type: type, title: "t"), baseMap: Self.map)
            #expect(a == b, "\(type)")
        }
        #expect(
            ChartRenderer.idPrefix(Self.data(), ChartSpec(type: .bar, title: "a")) != ChartRenderer.idPrefix(Self.data(), ChartSpec(type: .bar, title: "b")))
    }

    /// No categories, or nothing but missing values: the "No data" state, drawn as SVG.
    @Test func emptyState() {
        let svg = ChartRenderer.svg(ChartData(categories: [], series: []), ChartSpec(type: .line, title: "空", language: .en))
        #expect(svg.contains("data-state=\"empty\"") && svg.contains("data-testid=\"chart-empty\""))
        #expect(svg.contains(">No data</text>"))
        let missing = ChartData(categories: ["a"], series: [ChartSeries(name: "s", values: [.missing])])
        #expect(ChartRenderer.svg(missing, ChartSpec(type: .pie, title: "x")).contains(">无数据</text>"))
    }

    /// Every value hidden: "Too few records to show", not an empty axis.
    @Test func allSuppressedState() {
        let data = ChartData(categories: Self.districts, series: [ChartSeries(name: "s", values: Array(repeating: .suppressed, count: 5))])
        for type in ChartType.allCases {
            let svg = ChartRenderer.svg(data, ChartSpec(type: type, title: "x"), baseMap: Self.map)
            #expect(svg.contains("data-testid=\"chart-suppressed\"") && svg.contains("数据过少，已隐藏"), "\(type)")
            #expect(!svg.contains("class=\"bar\""))
        }
    }

    /// Bars: one rect per value, hidden values marked "<5" with a tooltip, a zero-based axis in 万.
    @Test func barChart() {
        let svg = ChartRenderer.svg(Self.data(), ChartSpec(type: .bar, title: "t"))
        #expect(Self.count("class=\"bar\"", in: svg) == 4)
        #expect(svg.contains(">&lt;5</text>") && svg.contains("&lt;5（记录过少，已隐藏）"))
        #expect(svg.contains(">15万</text>") && svg.contains(">0</text>"))
        #expect(svg.contains("<title>顺德区: 131,877 户</title>"))
        #expect(!svg.contains("chart-legend"))  // one series: no legend
    }

    /// Several series: grouped bars and a legend entry per series.
    @Test func groupedBarsHaveALegend() {
        let svg = ChartRenderer.svg(Self.data(series: 3), ChartSpec(type: .bar, title: "t"))
        #expect(Self.count("class=\"legend-item\"", in: svg) == 3)
        #expect(Self.count("class=\"bar\"", in: svg) == 12)
    }

    /// Horizontal bars: long names cut with "…", the full name in a tooltip, the margin sized to the labels.
    @Test func horizontalBarsCutLongLabels() {
        let long = "佛山市禅城区祖庙街道社区居民委员会第一网格服务站"
        let data = ChartData(categories: [long, "南海区"], series: [ChartSeries(name: "s", values: [.number(5), .number(9)])])
        let svg = ChartRenderer.svg(data, ChartSpec(type: .horizontalBar, title: "t", width: 400, height: 200))
        #expect(svg.contains("…</text>") && svg.contains("<title>\(long)</title>"))
        #expect(svg.contains(">南海区</text>"))
        #expect(Self.count("class=\"bar\"", in: svg) == 2)
    }

    /// Crowded category labels are turned; labels that fit stay straight.
    @Test func crowdedLabelsRotate() {
        let many = (1...24).map { "第\($0)号街道办事处" }
        let data = ChartData(categories: many, series: [ChartSeries(name: "s", values: many.indices.map { .number(Double($0)) })])
        #expect(ChartRenderer.svg(data, ChartSpec(type: .bar, title: "t")).contains("rotate(-40"))
        #expect(!ChartRenderer.svg(Self.data(), ChartSpec(type: .bar, title: "t")).contains("rotate(-40"))
    }

    /// English labels too long for their column are turned rather than wrapped through a word ("Econo / my").
    @Test func labelsNeverWrapThroughAWord() {
        let names = ["Economy", "Enterprise services", "Education", "Transport", "Affordable housing", "Culture and leisure"]
        let data = ChartData(categories: names, series: [ChartSeries(name: "s", values: names.indices.map { .number(Double($0 + 1)) })])
        let svg = ChartRenderer.svg(data, ChartSpec(type: .bar, title: "t", width: 360, height: 240))
        #expect(svg.contains("rotate(-40"))
        #expect(!svg.contains(">Econo</"))
        #expect(CategoryLabels.wordsFit("城市道路停车泊位信息", 20, 11))
        #expect(!CategoryLabels.wordsFit("Economy", 20, 11) && CategoryLabels.wordsFit("Tax and finance", 60, 11))
    }

    /// Stacked bars: a segment per value, negatives below the baseline.
    @Test func stackedBars() {
        let data = ChartData(
            categories: ["a", "b"],
            series: [ChartSeries(name: "x", values: [.number(3), .number(-2)]), ChartSeries(name: "y", values: [.number(4), .number(5)])])
        let svg = ChartRenderer.svg(data, ChartSpec(type: .stackedBar, title: "t"))
        #expect(Self.count("class=\"bar segment\"", in: svg) == 4)
        #expect(svg.contains("chart-legend"))
    }

    /// Lines: a polyline per run of values, broken where a value is hidden; a point per value;
    /// series told apart by dash as well as colour. Areas add a filled polygon.
    @Test func lineAndArea() {
        let line = ChartRenderer.svg(Self.data(series: 2), ChartSpec(type: .line, title: "t"))
        #expect(Self.count("<polyline", in: line) == 4)  // two runs per series, around the hidden 4th value
        #expect(Self.count("class=\"point\"", in: line) == 8)
        #expect(line.contains("stroke-dasharray=\"6 3\""))
        let area = ChartRenderer.svg(Self.data(), ChartSpec(type: .area, title: "t"))
        #expect(Self.count("class=\"area\"", in: area) == 1)
    }

    /// A date axis labels its buckets in the chart's language.
    @Test func dateAxisLabels() {
        let months = (1...12).map { ChartDateAxis.calendar.date(from: DateComponents(year: 2026, month: $0, day: 1))! }
        let data = ChartData(
            categories: months.map { "\($0)" }, dates: months, dateUnit: .month,
            series: [ChartSeries(name: "s", values: months.indices.map { .number(Double($0)) })])
        let zh = ChartRenderer.svg(data, ChartSpec(type: .line, title: "t"))
        #expect(zh.contains(">2026年1月</text>"))
        let en = ChartRenderer.svg(data, ChartSpec(type: .line, title: "t", language: .en))
        #expect(en.contains(">Jan 2026</text>"))
    }

    /// Pie and donut: a slice per positive value, the hidden one named in the legend; a single
    /// value is a full circle.
    @Test func pieAndDonut() {
        let pie = ChartRenderer.svg(Self.data(), ChartSpec(type: .pie, title: "t"))
        #expect(Self.count("class=\"slice\"", in: pie) == 4)
        #expect(pie.contains("1 项记录过少（&lt;5），未画出"))
        let donut = ChartRenderer.svg(Self.data(), ChartSpec(type: .donut, title: "t"))
        #expect(donut.contains("class=\"donut-total\"") && donut.contains(">32.6万</text>"))
        let one = ChartData(categories: ["a"], series: [ChartSeries(name: "s", values: [.number(3)])])
        #expect(ChartRenderer.svg(one, ChartSpec(type: .pie, title: "t")).contains("<circle class=\"slice\""))
    }

    /// A key figure: the latest value large, its change on the period before with arrow and share.
    @Test func numberWithChange() {
        let data = ChartData(categories: ["10月", "11月"], series: [ChartSeries(name: "s", values: [.number(4_410), .number(4_680)])], unit: "户")
        let svg = ChartRenderer.svg(data, ChartSpec(type: .number, title: "t"))
        #expect(svg.contains("data-testid=\"chart-number\"") && svg.contains("4,680"))
        #expect(svg.contains("▲ +6.1% (+270) 较10月"))
        let down = ChartData(categories: ["a", "b"], series: [ChartSeries(name: "s", values: [.number(10), .number(5)])])
        #expect(ChartRenderer.svg(down, ChartSpec(type: .number, title: "t", language: .en)).contains("▼ -50.0% (-5) vs a"))
    }

    /// The table type: a header and a row per category; rows past the height are counted.
    @Test func tableType() {
        let svg = ChartRenderer.svg(Self.data(series: 2), ChartSpec(type: .table, title: "t"))
        #expect(svg.contains(">区</text>") && svg.contains(">131,877 户</text>") && svg.contains(">&lt;5</text>"))
        let many = ChartData(categories: (1...50).map { "r\($0)" }, series: [ChartSeries(name: "s", values: (1...50).map { .number(Double($0)) })])
        #expect(ChartRenderer.svg(many, ChartSpec(type: .table, title: "t", height: 200)).contains("另有"))
    }

    /// Scatter: a point per category with both values, axes named after the two series.
    @Test func scatter() {
        let svg = ChartRenderer.svg(Self.data(series: 2), ChartSpec(type: .scatter, title: "t"))
        #expect(Self.count("class=\"point\"", in: svg) == 4)
        #expect(svg.contains("1 项未画出"))
    }

    /// Heat grid: a cell per pair, hidden cells hatched, a sequential scale legend.
    @Test func heatGrid() {
        let svg = ChartRenderer.svg(Self.data(series: 3), ChartSpec(type: .heatGrid, title: "t", idPrefix: "h"))
        #expect(Self.count("class=\"cell\"", in: svg) == 15)
        #expect(Self.count("fill=\"url(#h-hatch)\"", in: svg) >= 3)
        #expect(svg.contains("data-testid=\"chart-scale\""))
    }

    static let map = ChartBaseMap(
        width: 100, height: 100, west: 112, east: 114, south: 22, north: 24, xScale: 50, yScale: 50,
        regions: [
            .init(code: "440604", name: "禅城区", nameEn: "Chancheng", labelX: 20, labelY: 20, path: "M0 0L50 0L50 50Z"),
            .init(code: "440605", name: "南海区", nameEn: "Nanhai", labelX: 70, labelY: 70, path: "M50 50L100 50L100 100Z")
        ])

    /// The map: regions shaded by their code's value, unknown regions pale, points inside the
    /// frame drawn and points outside left out.
    @Test func choroplethAndPoints() {
        let data = ChartData(
            categories: ["440604", "南海区"], series: [ChartSeries(name: "s", values: [.number(10), .number(30)])],
            points: [ChartPoint(longitude: 113, latitude: 23, label: "站"), ChartPoint(longitude: 116.4, latitude: 39.9, label: "北京")])
        let svg = ChartRenderer.svg(data, ChartSpec(type: .map, title: "t", language: .en), baseMap: Self.map)
        #expect(Self.count("class=\"district region\"", in: svg) == 2)
        #expect(svg.contains("data-code=\"440605\" d=\"M50 50L100 50L100 100Z\" fill=\"\(ChartPalette.sequential(1))\""))
        #expect(Self.count("class=\"point\"", in: svg) == 1)
        #expect(svg.contains(">Nanhai 30</text>"))
        #expect(ChartRenderer.svg(data, ChartSpec(type: .map, title: "t")).contains("chart-empty"))  // no base map
    }

    /// A spec's colours replace the palette; anything but #rrggbb is ignored.
    @Test func customColours() {
        let svg = ChartRenderer.svg(Self.data(), ChartSpec(type: .bar, title: "t", colours: ["#123456", "javascript:x"]))
        #expect(svg.contains("fill=\"#123456\"") && !svg.contains("javascript"))
    }
}

@Suite("Pareto chart")
struct ParetoChartTests {
    /// Bars largest first whatever the input order, the cumulative line ending at 100 %, the
    /// 80 % line, and the bars up to 80 % drawn solid ("vital").
    @Test func barsSortedWithCumulativeLine() {
        let data = ChartData(
            categories: ["c", "a", "b", "d"], series: [ChartSeries(name: "使用", values: [.number(100), .number(500), .number(300), .number(100)])])
        let svg = ChartRenderer.svg(data, ChartSpec(type: .pareto, title: "帕累托", width: 640, height: 360, idPrefix: "p"))
        #expect(svg.contains("data-chart-type=\"pareto\""))
        let a = svg.range(of: "<title>a: 500")!, b = svg.range(of: "<title>b: 300")!, c = svg.range(of: "<title>c: 100")!
        #expect(a.lowerBound < b.lowerBound && b.lowerBound < c.lowerBound)
        #expect(svg.contains("累计 100%"))
        #expect(ChartRendererTests.count("class=\"bar vital\"", in: svg) == 2)  // 500 + 300 = 80 % of 1,000
        #expect(ChartRendererTests.count("class=\"bar\"", in: svg) == 2)
        #expect(svg.contains("class=\"line cumulative\""))
        #expect(svg.contains("class=\"threshold\""))
        #expect(svg.contains(">累计占比</text>"))
        #expect(ChartRenderer.typeName(.pareto, .en) == "Pareto chart")
    }

    /// Hundreds of categories: no labels under bars too narrow for them, every name in a tooltip.
    @Test func manyCategoriesKeepTheirNamesInTooltips() {
        let data = ChartData(
            categories: (0..<400).map { "资源\($0)" }, series: [ChartSeries(name: "使用", values: (0..<400).map { .number(Double(400 - $0)) })])
        let svg = ChartRenderer.svg(data, ChartSpec(type: .pareto, title: "t", width: 880, height: 360, language: .en, idPrefix: "q"))
        #expect(!svg.contains("axis-category"))
        #expect(svg.contains("<title>资源399: 1; cumulative 100%</title>"))
    }
}
