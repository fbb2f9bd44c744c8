import DataBankCore
import Foundation

/// Foshan's five districts as a server-drawn SVG ground for the live page, and the projection that
/// places a longitude/latitude on it (the page's script uses the same numbers, from `data-frame`).
/// The outlines are generated (``districts``, by scripts/foshan-map) from openly licensed boundary
/// data: Public/foshan-districts-LICENCE.txt names the source, the licence and the changes.
enum FoshanMap {
    struct District: Sendable {
        var code: String, name: String, nameEn: String
        /// Where the district's name is written.
        var labelX: Double, labelY: Double
        var path: String
    }

    static func x(_ lon: Double) -> Double { (lon - west) * xScale }
    static func y(_ lat: Double) -> Double { (north - lat) * yScale }

    static func inFrame(lon: Double, lat: Double) -> Bool { (west...east).contains(lon) && (south...north).contains(lat) }

    /// `west,north,xScale,yScale`: what the script needs to place a report.
    static var frame: String { "\(west),\(north),\(xScale),\(yScale)" }

    /// Two decimals are a tenth of a pixel and more: enough, and short.
    static func number(_ v: Double) -> String { String(format: "%.1f", v) }

    /// The districts, filled and outlined (drawn by the chart renderer's map layers).
    static var ground: String {
        let shapes = ChartMapLayers.regions(baseMap, className: { "district d\($0.code)" }, title: { "\($0.name) \($0.nameEn)" })
        return "<g class=\"districts\" data-testid=\"map-districts\">\(shapes)</g>"
    }

    /// The districts' names (in the page's language), drawn over the markers so they stay readable.
    static func labels(english: Bool) -> String {
        "<g class=\"district-labels\">\(ChartMapLayers.labels(baseMap, language: english ? .en : .zh, className: "district-label"))</g>"
    }
}
