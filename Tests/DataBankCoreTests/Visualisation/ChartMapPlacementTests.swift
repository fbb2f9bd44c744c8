import Foundation
import Testing

@testable import DataBankCore

/// Which base map a choropleth is drawn on, and the codes it lists under the map instead of
/// dropping them.
@Suite("Chart map placement")
struct ChartMapPlacementTests {
    static let districts = ChartRendererTests.map
    /// A finer map of the same frame (two "towns" of 440604), for choosing between maps.
    static let towns = ChartBaseMap(
        width: 100, height: 100, west: 112, east: 114, south: 22, north: 24, xScale: 50, yScale: 50,
        regions: [
            .init(code: "440604011", name: "石湾镇街道", nameEn: "Shiwanzhen", labelX: 10, labelY: 10, path: "M0 0L25 0L25 25Z"),
            .init(code: "440604100", name: "南庄镇", nameEn: "Nanzhuang", labelX: 30, labelY: 30, path: "M25 25L50 25L50 50Z")
        ])

    static func data(_ categories: [String]) -> ChartData {
        ChartData(
            categories: categories, series: [ChartSeries(name: "企业数", values: categories.indices.map { .number(Double($0 + 1) * 10) })],
            unit: "户")
    }

    /// Codes, 12-digit statistical codes of a district, and names are placed; a town's 12-digit
    /// code, an unknown code, "其他" and a second category for the same region are not, in data order.
    @Test func placesCodesNamesAndStatisticalCodes() {
        let p = ChartMapPlacement(
            categories: ["440604000000", "Nanhai", "440604011000", "440699", "其他", "440604"], maps: [Self.districts])
        #expect(p.placed == ["440604": 0, "440605": 1])
        #expect(p.unplaced == [2, 3, 4, 5])
        #expect(ChartMapPlacement.countyCode("440605000000") == "440605")
        #expect(ChartMapPlacement.countyCode("440605011000") == nil)
        #expect(ChartMapPlacement.countyCode("44060500000x") == nil)
    }

    /// The map that places most categories wins; on a tie, the first listed (the coarser).
    @Test func picksTheMapThatPlacesMost() {
        #expect(ChartMapPlacement(categories: ["440604", "440605"], maps: [Self.districts, Self.towns]).map == Self.districts)
        #expect(ChartMapPlacement(categories: ["440604011", "440604100", "440605"], maps: [Self.districts, Self.towns]).map == Self.towns)
        #expect(ChartMapPlacement(categories: ["440699"], maps: [Self.districts, Self.towns]).map == Self.districts)
        let svg = ChartRenderer.svg(Self.data(["440604011", "440604100"]), ChartSpec(type: .map, title: "t"), baseMaps: [Self.districts, Self.towns])
        #expect(svg.contains("data-code=\"440604011\"") && !svg.contains("data-code=\"440605\""))
    }

    /// Codes not on the map are written under it with their values, in both languages, the whole
    /// list in a `<title>`; the regions still shade.
    @Test func unplacedCodesAreListedUnderTheMap() {
        let data = Self.data(["440604", "440699", "440604011000"])
        let zh = ChartRenderer.svg(data, ChartSpec(type: .map, title: "t"), baseMap: Self.districts)
        #expect(zh.contains("data-testid=\"map-unplaced\""))
        #expect(zh.contains(">未在地图上：440699 20 户、440604011000 30 户</text>"))
        #expect(zh.contains("data-code=\"440604\" d=\"M0 0L50 0L50 50Z\" fill=\"\(ChartPalette.sequential(0.5))\""))
        let en = ChartRenderer.svg(data, ChartSpec(type: .map, title: "t", language: .en), baseMap: Self.districts)
        #expect(en.contains(">Not on the map: 440699 20 户, 440604011000 30 户</text>"))
        let all = ChartRenderer.svg(Self.data(["440604", "440605"]), ChartSpec(type: .map, title: "t"), baseMap: Self.districts)
        #expect(!all.contains("map-unplaced"))
    }

    /// A long list is cut to three lines ending "等 N 项" / "and N more"; the title keeps every code.
    @Test func longListsAreCutWithACount() {
        let codes = (1...60).map { String(format: "4406%02d", $0 + 10) }
        let svg = ChartRenderer.svg(Self.data(codes), ChartSpec(type: .map, title: "t", width: 360, language: .en), baseMap: Self.districts)
        let start = svg.range(of: "data-testid=\"map-unplaced\"")!.lowerBound
        let note = String(svg[start..<svg[start...].range(of: "</g>")!.lowerBound])
        #expect(note.components(separatedBy: "<text").count - 1 == 3)
        #expect(note.contains(" more</text>"))
        #expect(note.contains("440670 600"))  // the last code, in the title
    }

    /// The same data draws the same bytes, whichever order the maps' dictionaries iterate in.
    @Test func deterministic() {
        let data = Self.data(["440605", "440699", "440604", "其他"])
        let spec = ChartSpec(type: .map, title: "t")
        let first = ChartRenderer.svg(data, spec, baseMaps: [Self.districts, Self.towns])
        for _ in 0..<5 { #expect(ChartRenderer.svg(data, spec, baseMaps: [Self.districts, Self.towns]) == first) }
    }

    /// A grouping marked as a region code by the aggregate API suggests a map; dates a line; else bars.
    @Test func regionCodedGroupingSuggestsAMap() throws {
        let json = """
            {"columns":[{"name":"region_code","label":"行政区划代码","kind":"group","type":"text","semantic":"regionCode"},
            {"name":"count","label":"记录数","kind":"measure","type":"integer"}],"rows":[["440604",3]],"total":3,"suppressed":0}
            """
        let aggregate = try JSONDecoder().decode(ChartAggregate.self, from: Data(json.utf8))
        #expect(aggregate.groupsByRegion)
        #expect(ChartType.suggested(for: aggregate) == .map)
        var plain = aggregate
        plain.columns[0].semantic = nil
        #expect(ChartType.suggested(for: plain) == .bar)
        plain.columns[0].bucket = "month"
        #expect(ChartType.suggested(for: plain) == .line)
    }
}
