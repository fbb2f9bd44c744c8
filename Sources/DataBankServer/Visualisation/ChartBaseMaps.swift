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

/// Every base map a choropleth may be drawn on, coarsest first: the chart picks the one that
/// places most of its region codes (``ChartMapPlacement``) and lists the codes it cannot place.
/// Foshan's towns and streets (镇街) have no base map yet: no openly licensed outlines of them
/// could be found (docs/VISUALISATION.md, "Base maps", says what was searched), so a town code is listed
/// under the district map rather than drawn on invented shapes.
enum ChartBaseMaps {
    static let all: [ChartBaseMap] = [FoshanMap.baseMap]
}

extension ChartLanguage {
    /// The chart language of a page language (`zh`, `en`).
    init(page lang: String) { self = lang == "en" ? .en : .zh }
}
