import Foundation

/// A line chart of scores (0–100) over runs, drawn as SVG on the server: one polyline per series,
/// grid lines at 0/50/100, the first and last dates under the axis, and a `<title>` on every point
/// so a pointer shows the exact value. No script is needed to read it.
struct TrendChart {
    struct Series {
        var name: String
        var cssClass: String
        var values: [Double]
    }

    var dates: [Date]
    var series: [Series]
    var width = 640.0, height = 200.0

    static let pad = (left: 34.0, right: 10.0, top: 10.0, bottom: 24.0)

    var svg: String {
        let plotW = width - Self.pad.left - Self.pad.right, plotH = height - Self.pad.top - Self.pad.bottom
        func x(_ i: Int) -> Double { Self.pad.left + (dates.count <= 1 ? plotW / 2 : plotW * Double(i) / Double(dates.count - 1)) }
        func y(_ v: Double) -> Double { Self.pad.top + plotH * (1 - min(max(v, 0), 100) / 100) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var out = #"<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" data-testid="trend-chart" viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img">"#
        for level in [0.0, 50, 100] {
            out += #"<line class="grid" x1="\#(f(Self.pad.left))" x2="\#(f(width - Self.pad.right))" y1="\#(f(y(level)))" y2="\#(f(y(level)))"/>"#
            out += #"<text class="axis" x="\#(f(Self.pad.left - 4))" y="\#(f(y(level) + 4))" text-anchor="end">\#(Int(level))</text>"#
        }
        let day = DateFormatter()
        day.dateFormat = "yyyy-MM-dd"
        day.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        if let first = dates.first, let last = dates.last {
            out += #"<text class="axis" x="\#(f(Self.pad.left))" y="\#(f(height - 6))">\#(day.string(from: first))</text>"#
            if dates.count > 1 {
                out += #"<text class="axis" x="\#(f(width - Self.pad.right))" y="\#(f(height - 6))" text-anchor="end">\#(day.string(from: last))</text>"#
            }
        }
        for s in series where !s.values.isEmpty {
            let points = s.values.enumerated().map { "\(f(x($0.offset))),\(f(y($0.element)))" }.joined(separator: " ")
            out += #"<polyline class="series \#(s.cssClass)" fill="none" points="\#(points)"><title>\#(Escape.text(s.name))</title></polyline>"#
            for (i, v) in s.values.enumerated() {
                out += #"<circle class="point \#(s.cssClass)" cx="\#(f(x(i)))" cy="\#(f(y(v)))" r="3"><title>\#(Escape.text(s.name)) \#(day.string(from: dates[i])): \#(f(v))</title></circle>"#
            }
        }
        return out + "</svg>"
    }
}
