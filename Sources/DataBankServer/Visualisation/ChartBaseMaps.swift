import DataBankCore

extension FoshanMap {
    /// The five districts as the chart renderer's base map: the same outlines and projection as
    /// the live page, so a choropleth and the live positions share one map.
    static let baseMap = ChartBaseMap(
        width: width, height: height, west: west, east: east, south: south, north: north, xScale: xScale, yScale: yScale,
        regions: districts.map { d in
            ChartBaseMap.Region(code: d.code, name: d.name, nameEn: d.nameEn, labelX: d.labelX, labelY: d.labelY, path: d.path)
        })
}

extension ChartLanguage {
    /// The chart language of a page language (`zh`, `en`).
    init(page lang: String) { self = lang == "en" ? .en : .zh }
}
