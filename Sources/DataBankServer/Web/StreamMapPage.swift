import Fluent
import Plot
import SQLKit
import Vapor
import DataBankCore

/// `GET /catalog/resources/:code/map`: where every vehicle (entity) of a real-time stream is
/// now — an SVG drawn on the server from the latest view, then kept current by the page's
/// script following the Server-Sent Events feed.
enum StreamMapPage {
    static let width = 900.0, height = 600.0

    static func show(req: Request) async throws -> Response {
        let code = try req.parameters.require("code")
        let s = req.strings
        // The one read decision first (404 for a hidden resource, 401/403 as the API answers) …
        let read = try await StoreReading.read(req, code: code, purposeRequired: false)
        let resource = read.resource, store = read.store
        // … and the live map is the provider's own view: every position, in clear.
        guard read.access == .full, req.user?.departmentCode == store.departmentCode else {
            throw AppError(.forbidden, "forbidden", "The live map is for the provider department; others read the records with a purpose")
        }
        let layout = store.recordLayout
        guard let lon = layout.columns.first(where: { ["longitude", "lon", "lng"].contains($0.name) }),
            let lat = layout.columns.first(where: { ["latitude", "lat"].contains($0.name) }),
            let entity = StreamStores.entityColumns(layout).first
        else {
            throw AppError(.conflict, "not_a_map", "Resource \(code) has no entity key with longitude and latitude items")
        }
        let rows = try await StreamStores.latest(store, limit: 5000, on: req.db.sql)
        try await AuditLog.append(
            .of(req), resource: code, operation: "latest", fields: layout.columns.map(\.name), count: rows.count,
            purpose: nil, requestID: req.id, requestHash: RecordsAPI.requestHash(req), on: req.db,
            trail: req.application.auditTrail)
        var points: [(id: String, x: Double, y: Double)] = []
        for row in rows {
            guard let object = try? JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any],
                let x = number(object[lon.name]), let y = number(object[lat.name])
            else { continue }
            points.append((String(describing: object[entity.name] ?? ""), x, y))
        }
        // The frame: the city's extent, or the points' own when they fall outside it.
        var box = (minX: 112.35, maxX: 113.45, minY: 22.55, maxY: 23.60)
        if let minX = points.map(\.x).min(), let maxX = points.map(\.x).max(), let minY = points.map(\.y).min(), let maxY = points.map(\.y).max(),
            minX < box.minX || maxX > box.maxX || minY < box.minY || maxY > box.maxY
        {
            box = (minX - 0.01, maxX + 0.01, minY - 0.01, maxY + 0.01)
        }
        func px(_ x: Double) -> String { String(format: "%.1f", (x - box.minX) / (box.maxX - box.minX) * width) }
        func py(_ y: Double) -> String { String(format: "%.1f", (box.maxY - y) / (box.maxY - box.minY) * height) }
        // Foshan's districts under the positions: the chart renderer's base map, moved into this frame.
        let transform = ChartMapLayers.transform(
            FoshanMap.baseMap, width: width, height: height, west: box.minX, east: box.maxX, south: box.minY, north: box.maxY)
        let ground =
            "<g class=\"districts\" data-testid=\"map-districts\" transform=\"\(transform)\">"
            + ChartMapLayers.regions(
                FoshanMap.baseMap, className: { _ in "district" }, title: { s.isEnglish ? $0.nameEn : $0.name },
                style: [("fill", "#F2F5F7"), ("stroke", "#9AA5AF"), ("vector-effect", "non-scaling-stroke")]) + "</g>"
        let circles = points.map { p in
            "<circle r=\"4\" cx=\"\(px(p.x))\" cy=\"\(py(p.y))\" data-id=\"\(Escape.attribute(p.id))\"><title>\(Escape.text(p.id))</title></circle>"
        }.joined()
        let svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" class="stream-map" data-testid="stream-map" \
            data-feed="/api/v1/resources/\(Escape.attribute(code))/changes/stream?after=\(store.lastSeq)" data-lon="\(lon.name)" data-lat="\(lat.name)" \
            data-entity="\(entity.name)" data-box="\(box.minX),\(box.maxX),\(box.minY),\(box.maxY)">\
            <rect width="100%" height="100%" class="map-ground"/>\(ground)\(circles)</svg>
            """
        let content: [Body] = [
            .div(
                .cls("page-head"),
                .p(
                    .cls("crumbs"), .link(SiteURL.catalog.path, s.t("目录", "Catalog")), .text(" › "),
                    .link(SiteURL.resource(code).path, resource.name)),
                .h1(.testid("page-title"), .esc(s.t("实时位置：\(resource.name)", "Live positions: \(resource.nameEn ?? resource.name)"))),
                .p(
                    .cls("hint"), .testid("map-count"),
                    .esc(s.t("\(points.count) 个对象的最新位置；随实时数据更新。", "Latest position of \(points.count) entities; updated as reports arrive.")))),
            .section(.cls("card"), .raw(svg))
        ]
        return Layout.render(req, title: s.t("实时位置", "Live positions"), path: SiteURL.resource(code, .map).path, content)
    }

    static func number(_ v: Any?) -> Double? {
        if let n = v as? NSNumber { return n.doubleValue }
        if let s = v as? String { return Double(s) }
        return nil
    }
}
