import Foundation
import Plot
import DataBankCore

/// A chart on a page: the SVG (which screen readers announce by its title and description) and,
/// right after it, the same numbers as an HTML table that is visually hidden but read by
/// screen readers and kept when the page is printed without images.
enum ChartView {
    /// `<figure>` with the SVG and its data table. A chart wider than a phone is also drawn
    /// 360 wide, and CSS shows the one that suits the screen (a wide chart shrunk to a phone
    /// would have 6-pixel labels); the hidden one is `display: none`, so it is not read twice.
    static func figure(_ data: ChartData, _ spec: ChartSpec, testid: String? = nil) -> Body {
        var svg = ChartRenderer.svg(data, spec, baseMaps: ChartBaseMaps.all)
        if spec.width > narrowWidth + 60 {
            var narrow = spec
            narrow.width = narrowWidth
            narrow.height = max(spec.height, 300)
            narrow.idPrefix = (spec.idPrefix ?? ChartRenderer.idPrefix(data, spec)) + "-n"
            narrow.cssClass = (spec.cssClass + " chart-narrow").trimmingCharacters(in: .whitespaces)
            narrow.testID = nil
            var wide = spec
            wide.cssClass = (spec.cssClass + " chart-wide").trimmingCharacters(in: .whitespaces)
            svg = ChartRenderer.svg(data, wide, baseMaps: ChartBaseMaps.all) + ChartRenderer.svg(data, narrow, baseMaps: ChartBaseMaps.all)
        }
        return .element(
            named: "figure",
            nodes: [.cls("chart-figure"), testid.map { Body.testid($0) } ?? .empty, .raw(svg), dataTable(data, spec)])
    }

    static let narrowWidth = 360.0

    /// The chart's data as a table for screen readers (`visually-hidden`): a caption (the title),
    /// one row per category and one column per series; points as label, longitude, latitude, value.
    static func dataTable(_ data: ChartData, _ spec: ChartSpec, hidden: Bool = true) -> Body {
        let l = spec.language
        let caption = spec.title.isEmpty ? l == .zh ? "图表数据" : "Chart data" : spec.title
        var headers = [data.categoryLabel.isEmpty ? (l == .zh ? "类别" : "Category") : data.categoryLabel] + data.series.map(\.name)
        var rows: [[String]] = data.categories.indices.map { c in
            [data.categories[c]] + data.series.indices.map { s in ChartRenderer.text(data.value(s, c), data) }
        }
        if !data.points.isEmpty {
            // Positions get three more columns; a map's regions leave them blank, the points leave the series blank.
            if data.categories.isEmpty { headers = [l == .zh ? "位置" : "Point"] }
            let blanks = headers.count - 1
            headers += [l == .zh ? "经度" : "Longitude", l == .zh ? "纬度" : "Latitude", l == .zh ? "值" : "Value"]
            rows = rows.map { $0 + ["", "", ""] }
            rows += data.points.map { p in
                [p.label] + Array(repeating: "", count: blanks)
                    + [String(format: "%.5f", p.longitude), String(format: "%.5f", p.latitude), ChartRenderer.text(p.value, data)]
            }
        }
        if rows.isEmpty { rows = [[l == .zh ? "无数据" : "No data"] + Array(repeating: "", count: headers.count - 1)] }
        // Hidden through a wrapper: a table keeps its content's width whatever its own is.
        let table: Body = .table(
            .cls(hidden ? "chart-data" : "chart-data data compact"), .attr("data-testid", "chart-data"),
            .caption(.esc(caption)),
            .thead(.tr(.group(headers.map { Node<HTML.TableRowContext>.th(.attr("scope", "col"), .esc($0)) }))),
            .tbody(
                .group(
                    rows.map { cells in
                        .tr(
                            .group(
                                cells.enumerated().map { i, cell in
                                    i == 0 ? Node<HTML.TableRowContext>.th(.attr("scope", "row"), .esc(cell)) : .td(.esc(cell))
                                }))
                    })))
        return hidden ? .div(.cls("visually-hidden"), table) : table
    }
}
