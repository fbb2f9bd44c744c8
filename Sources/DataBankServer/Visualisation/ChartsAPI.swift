import Foundation
import Vapor
import DataBankCore

/// `/api/v1/charts`: saved charts (create, list, show, update, delete) and their renders —
/// `data` (the aggregate JSON), `data.csv`, `chart.svg`, `chart.png` — each read as the caller
/// (``ChartReading``). Public charts answer anonymous callers as the open portal reads them.
struct ChartsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let charts = routes.grouped("charts")
        charts.get(use: Self.list).gate(.open)
        charts.post(use: Self.create).gate(.action(.manageCharts))
        charts.get(":id", use: Self.show).gate(.open)
        charts.put(":id", use: Self.update).gate(.action(.manageCharts))
        charts.delete(":id", use: Self.delete).gate(.action(.manageCharts))
        for file in [SiteURL.ChartFile.data, .csv, .svg, .png] {
            charts.get(":id", .constant(file.rawValue)) { req in try await Self.render(req, file) }.gate(.open)
        }
    }

    struct Page: Content {
        var items: [SavedCharts.Output]
        var count: Int
    }

    static func list(req: Request) async throws -> Page {
        let rows = try await SavedCharts.visible(req, resource: req.queryValue("resource"))
        return Page(items: rows.map(SavedCharts.output), count: rows.count)
    }

    static func create(req: Request) async throws -> Response {
        let input = try req.content.decode(SavedCharts.Input.self)
        let row = try await SavedCharts.create(input, req)
        let response = try await SavedCharts.output(row).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: SiteURL.apiChart(try row.requireID()).path)
        return response
    }

    static func show(req: Request) async throws -> SavedCharts.Output {
        SavedCharts.output(try await SavedCharts.find(req.parameters.get("id"), req))
    }

    static func update(req: Request) async throws -> SavedCharts.Output {
        let row = try await SavedCharts.find(req.parameters.get("id"), req)
        let input = try req.content.decode(SavedCharts.Input.self)
        return SavedCharts.output(try await SavedCharts.update(row, input, req))
    }

    static func delete(req: Request) async throws -> HTTPStatus {
        let row = try await SavedCharts.find(req.parameters.get("id"), req)
        try await SavedCharts.delete(row, req)
        return .noContent
    }

    /// One render of the chart, read as the caller.
    static func render(_ req: Request, _ file: SiteURL.ChartFile) async throws -> Response {
        let row = try await SavedCharts.find(req.parameters.get("id"), req)
        let answer = try await ChartReading.answer(row, req, as: .request)
        let name = "chart-\(row.id?.uuidString.prefix(8) ?? "")"
        switch file {
        case .data:
            if let result = answer.result {
                return RecordsAPI.response(result.json, type: "application/json; charset=utf-8", hash: RecordsAPI.requestHash(req))
            }
            return try await Self.points(answer.data).encodeResponse(for: req)
        case .csv:
            let text = answer.result?.csv ?? pointsCSV(answer.data)
            let response = RecordsAPI.response("\u{FEFF}" + text, type: "text/csv; charset=utf-8", hash: RecordsAPI.requestHash(req))
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name).csv\"")
            return response
        case .svg:
            let svg = ChartRenderer.svg(answer.data, ChartReading.spec(row, req), baseMap: FoshanMap.baseMap)
            return Response(status: .ok, headers: ["Content-Type": "image/svg+xml; charset=utf-8", "Cache-Control": "no-store"], body: .init(string: svg))
        case .png:
            let svg = ChartRenderer.svg(answer.data, ChartReading.spec(row, req), baseMap: FoshanMap.baseMap)
            let png = try await ChartRaster.png(svg, scale: 2)
            return Response(status: .ok, headers: ["Content-Type": "image/png", "Cache-Control": "no-store"], body: .init(data: png))
        }
    }

    /// Live positions as JSON: `{"points": [{label, longitude, latitude}]}`.
    struct Points: Content {
        struct Point: Content { var label: String; var longitude: Double; var latitude: Double }
        var points: [Point]
    }

    static func points(_ data: ChartData) -> Points {
        Points(points: data.points.map { Points.Point(label: $0.label, longitude: $0.longitude, latitude: $0.latitude) })
    }

    static func pointsCSV(_ data: ChartData) -> String {
        AggregateResult.csvLine(["label", "longitude", "latitude"])
            + data.points.map { AggregateResult.csvLine([$0.label, String($0.longitude), String($0.latitude)]) }.joined()
    }
}
