import Foundation
import Vapor
import DataBankCore

extension VizBench {
    /// The eight charts of the bench's dashboard: the chart types a department's dashboard mixes,
    /// over the bench store's region, date, amount and flag items (each kept by its rollup).
    static let dashboardCharts: [(type: String, group: String, measures: String, top: Int?)] = [
        ("bar", "region", "count", nil),
        ("line", "paid_on:month", "count,sum(amount)", nil),
        ("donut", "active", "count", nil),
        ("number", "", "count,sum(amount)", nil),
        ("table", "region", "avg(amount),max(amount)", nil),
        ("stacked_bar", "region,active", "count", nil),
        ("area", "paid_on:year", "sum(amount)", nil),
        ("hbar", "months", "count", 10)
    ]

    /// A dashboard of eight saved charts (each answered from the rollup saving it registered), served
    /// as the steward's page `GET /dashboards/{id}`: p50 / p99 of 100 sequential requests. The charts,
    /// the dashboard and the rollups are removed afterwards, so the ingest scenario that follows
    /// maintains only its own.
    mutating func dashboardScenario(client: any Client, token: String) async throws {
        let base = "http://127.0.0.1:\(Self.port)"
        let headers: HTTPHeaders = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
        var charts: [String] = []
        let saving = ContinuousClock.now
        for (n, c) in Self.dashboardCharts.enumerated() {
            var body: [String: Any] = [
                "resource": Self.code, "type": c.type, "group": c.group, "measures": c.measures, "title": "图表 \(n + 1)", "visibility": "department"
            ]
            if let top = c.top { body["top"] = top; body["sort"] = "-count" }
            charts.append(try await created(client, "\(base)/api/v1/charts", body, headers))
        }
        let savingSeconds = (ContinuousClock.now - saving).seconds
        let tiles = charts.map { ["chart": $0, "width": 1] }
        let dashboard = try await created(
            client, "\(base)/api/v1/dashboards", ["title": "基准看板", "visibility": "department", "refreshSeconds": 0, "tiles": tiles], headers)
        let page = "\(base)/dashboards/\(dashboard)"
        let check = try await client.get(URI(string: page), headers: headers)
        let html = check.body.map { String(buffer: $0) } ?? ""
        let drawn = html.components(separatedBy: "<svg").count - 1
        guard check.status == .ok, drawn >= charts.count - 1 else {
            throw CLIError("the dashboard page answered \(check.status.code) with \(drawn) charts drawn")
        }
        var samples = Samples()
        for _ in 0..<100 { samples.add(try await BusBench.timedGet(client, page, token: token)) }
        row(
            "dashboard of 8 saved charts (from their rollups), \(rows) rows: page p50 / p99 of 100",
            String(format: "%.1f ms / %.1f ms (saving the 8 charts %.1f s)", samples.p(0.5) * 1000, samples.p(0.99) * 1000, savingSeconds),
            "p99 < 100 ms")

        _ = try await client.delete(URI(string: "\(base)/api/v1/dashboards/\(dashboard)"), headers: headers)
        for id in charts { _ = try await client.delete(URI(string: "\(base)/api/v1/charts/\(id)"), headers: headers) }
        let rollups = "\(base)/api/v1/resources/\(Self.code)/aggregate/rollups"
        let list = try await client.get(URI(string: rollups), headers: headers)
        struct Listed: Decodable { struct Item: Decodable { var id: String }; var items: [Item] }
        for item in try list.content.decode(Listed.self).items {
            _ = try await client.delete(URI(string: "\(rollups)/\(item.id)"), headers: headers)
        }
    }

    /// POSTs `body` as JSON and answers the created object's `id`.
    func created(_ client: any Client, _ url: String, _ body: [String: Any], _ headers: HTTPHeaders) async throws -> String {
        let data = try JSONSerialization.data(withJSONObject: body)
        let response = try await client.post(URI(string: url), headers: headers) { $0.body = ByteBuffer(data: data) }
        let text = response.body.map { String(buffer: $0) } ?? ""
        guard response.status == .created || response.status == .ok,
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let id = object["id"] as? String
        else { throw CLIError("POST \(url) answered \(response.status.code): \(text.prefix(300))") }
        return id
    }
}
