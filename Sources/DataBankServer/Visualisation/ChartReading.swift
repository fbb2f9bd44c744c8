import Fluent
import Foundation
import SQLKit
import Vapor
import DataBankCore

/// A saved chart's data, always read as its viewer: the one read decision (``StoreReading``) is
/// taken for whoever looks, so a department with a grant sees small groups suppressed and masked
/// items refused, the open portal reads under the default masks, and a viewer who may not read the
/// resource is refused (403 `chart_not_readable`, or a tile that says so). Audited as the aggregate API.
enum ChartReading {
    /// Who the chart is read as.
    enum Viewer: Sendable {
        /// The request's own user, app or nobody (the API, the internal pages).
        case request
        /// The open portal's reader, whoever asks (the portal's dashboards, embedded charts).
        case openPortal
    }

    /// What a chart shows: its data for the renderer, the aggregate behind it (nil for live
    /// positions), and the reader's decision.
    struct Answer: Sendable {
        var data: ChartData
        var result: AggregateResult?
        var read: StoreRead
    }

    /// The chart's answer for its viewer.
    static func answer(_ chart: ChartRow, _ req: Request, as viewer: Viewer) async throws -> Answer {
        let read = try await readable(chart.resourceCode, req, as: viewer)
        return try await compute(
            resource: chart.resourceCode, source: chart.chartSource, type: chart.type, query: chart.chartQuery, unit: chart.unit,
            purpose: read.purpose ?? "图表：\(chart.title)（chart \(chart.id?.uuidString ?? "")）", read: read, req)
    }

    /// The read decision for a chart's viewer; a refusal (hidden, no grant, not signed in) becomes
    /// 403 `chart_not_readable` naming the resource, since the chart itself already names it.
    static func readable(_ code: String, _ req: Request, as viewer: Viewer) async throws -> StoreRead {
        do {
            switch viewer {
            case .request: return try await StoreReading.read(req, code: code, purposeRequired: false)
            case .openPortal: return try await StoreReading.readAsPublic(req, code: code)
            }
        } catch let e as AppError where ["not_found", "no_grant", "unauthenticated", "apply_required"].contains(e.code) {
            throw notReadable(code)
        }
    }

    static func notReadable(_ code: String) -> AppError {
        AppError.field(
            .forbidden, "chart_not_readable", "resource", zh: "你无权读取此图表所用的数据（资源 \(code)）",
            en: "You may not read the data this chart uses (resource \(code))")
    }

    /// **The one place a saved chart's numbers are computed** (saving, previews, pages, the API, the
    /// portal): the aggregate through ``AggregateAPI/evaluate(_:read:params:purpose:hash:)``, or a
    /// stream's newest positions. A rollup answers here when one exists.
    static func compute(
        resource: String, source: ChartSource, type: ChartType, query: ChartQuery, unit: String, purpose: String?, read: StoreRead, _ req: Request
    ) async throws -> Answer {
        let language = ChartLanguage(page: req.language)
        switch source {
        case .aggregate:
            let result = try await AggregateAPI.evaluate(req, read: read, params: query.pairs, purpose: purpose, hash: RecordsAPI.requestHash(req))
            var data = try ChartData(aggregateJSON: Data(result.json.utf8), language: language, unit: unit)
            // A map shades regions by code; every other type shows coded values by their labels.
            if type != .map {
                let groups = query.group.split(separator: ",").map { String($0.split(separator: ":")[0]) }
                let bucketed = query.group.split(separator: ",").map { $0.contains(":") }
                var labels: [[String: String]] = []
                for (i, name) in groups.enumerated() {
                    labels.append(bucketed[i] ? [:] : try await codeLabels(name, resource: read.resource, language: language, on: req.db))
                }
                data = data.relabelled(categories: labels.first ?? [:], series: groups.count > 1 ? labels[1] : [:])
            }
            return Answer(data: data, result: result, read: read)
        case .latest:
            return Answer(data: try await latestPositions(read, purpose: purpose, req), result: nil, read: read)
        }
    }

    /// A real-time stream's newest report per entity as map points (the live bus positions). Only
    /// items the reader sees in clear are used, and a grant limited to some rows is refused (the
    /// newest view knows no row scope).
    static func latestPositions(_ read: StoreRead, purpose: String?, _ req: Request) async throws -> ChartData {
        let layout = read.store.recordLayout
        guard let lon = layout.columns.first(where: { ["longitude", "lon", "lng"].contains($0.name) }),
            let lat = layout.columns.first(where: { ["latitude", "lat"].contains($0.name) }),
            let entity = StreamStores.entityColumns(layout).first, StreamStores.timeColumn(layout) != nil
        else {
            throw AppError.field(
                .unprocessableEntity, "not_a_stream", "source", zh: "实时位置只适用于带经纬度的实时数据流",
                en: "Live positions need a real-time stream with longitude and latitude items")
        }
        if let view = read.view {
            for c in [lon, lat, entity] { try view.requireClear(c.name, parameter: "source") }
            guard view.conditions.isEmpty else { throw notReadable(read.store.resourceCode) }
        }
        let rows = try await StreamStores.latest(read.store, limit: 5_000, on: req.readSQL)
        try await RecordsAPI.audit(
            req, read.store, "latest", fields: [entity.name, lon.name, lat.name], count: rows.count, purpose: purpose,
            hash: RecordsAPI.requestHash(req))
        var points: [ChartPoint] = []
        for row in rows {
            guard let object = try? JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any],
                let x = StreamMapPage.number(object[lon.name]), let y = StreamMapPage.number(object[lat.name])
            else { continue }
            points.append(ChartPoint(longitude: x, latitude: y, label: String(describing: object[entity.name] ?? "")))
        }
        let zh = req.language == "zh"
        return ChartData(categories: [], series: [], points: points, categoryLabel: zh ? entity.itemName : entity.name)
    }

    /// How an item's values read: its standard's code list (`1` → 有限责任公司), or a Foshan district's
    /// name for a region code. Empty when the item has neither.
    static func codeLabels(_ column: String, resource: ResourceRow, language: ChartLanguage, on db: any Database) async throws -> [String: String] {
        guard let item = resource.catalogSnapshot?.items.first(where: { $0.column == column }),
            let standard = try await StandardRow.query(on: db).filter(\.$code == item.standardCode).first()
        else { return [:] }
        var labels: [String: String] = [:]
        for entry in JSONText.decode([CodeListEntry].self, standard.codeList) ?? [] { labels[entry.code] = entry.label }
        // The city's districts by their names in the reader's language (code lists are written in Chinese).
        if standard.semanticKind == SemanticKind.regionCode.rawValue {
            for r in FoshanMap.baseMap.regions { labels[r.code] = language == .zh ? r.name : r.nameEn }
        }
        return labels
    }

    /// How the chart is drawn for a page or a file.
    static func spec(_ chart: ChartRow, _ req: Request, width: Double = 640, height: Double = 360, showsTitle: Bool = true) -> ChartSpec {
        ChartSpec(
            type: chart.type, title: chart.title, description: chart.description, colours: chart.colourList, width: width, height: height,
            language: ChartLanguage(page: req.language), showsTitle: showsTitle, idPrefix: "c" + String((chart.id?.uuidString ?? "x").prefix(8)).lowercased())
    }
}
