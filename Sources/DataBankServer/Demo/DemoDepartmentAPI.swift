import Foundation
import Vapor
import DataBankCore

/// The demo's simulated department API (the transport bureau's own business system), served by the demo
/// server itself under `/demo-sources/{department}/records` — registered only by `databank demo` — so the
/// third demo connector, `jtj-records-api`, has an HTTP API to pull from: cursor-paged JSON
/// (`{"data": {"records": […]}, "paging": {"next_cursor": …}}`), behind basic authentication (the
/// demo server's bearer tokens are its own users' API tokens), incremental by
/// `updated_seq` sent back as `since`. While the demo serves, every minute brings three new records and
/// one changed one. The system's state is a small JSON file beside the other simulated systems'
/// (`connectors/<department>/records-api.json`), so a restarted demo carries on where it was.
actor DemoDepartmentAPI {
    static let user = "jtj-system"
    static let password = "demo-jtj-api-secret"
    static let pageLimit = 50

    let plan: DemoConnectors.Plan
    let file: String
    /// (updated_seq, generator row, donor row for the changed item or -1), by seq.
    private var rows: [[Int]] = []

    init(plan: DemoConnectors.Plan, file: String, initial: Int = 60) {
        self.plan = plan
        self.file = file
        if let data = FileManager.default.contents(atPath: file), let saved = try? JSONDecoder().decode([[Int]].self, from: data) {
            rows = saved
        } else {
            rows = (0..<initial).map { [$0 + 1, $0, -1] }
            try? Self.save(rows, to: file)
        }
    }

    private static func save(_ rows: [[Int]], to file: String) throws {
        try JSONEncoder().encode(rows).write(to: URL(fileURLWithPath: file), options: .atomic)
    }

    /// A minute of the bureau's work: `added` new records and `changed` earlier ones edited.
    func work(added: Int = 3, changed: Int = 1) throws {
        var seq = (rows.last?[0] ?? 0)
        let count = Set(rows.map { $0[1] }).count
        for i in 0..<added {
            seq += 1
            rows.append([seq, count + i, -1])
        }
        for _ in 0..<changed where count > 1 {
            let victim = Int.random(in: 0..<count)
            seq += 1
            rows.removeAll { $0[1] == victim }
            rows.append([seq, victim, Int.random(in: 0..<(count + 1_000))])
        }
        try Self.save(rows, to: file)
    }

    /// The item a change edits: the first optional text, date or number item (as the approval system's).
    var editable: Int? {
        let layout = plan.store.recordLayout
        return layout.columns.firstIndex { !$0.primaryKey && !$0.required && [.C, .D, .I, .N].contains($0.type) }
    }

    /// One page: records with `updated_seq` past `since`, from `cursor` (an offset into them).
    func page(since: Int?, cursor: Int, limit: Int) -> String {
        let layout = plan.store.recordLayout
        let past = rows.filter { since == nil || $0[0] > since! }
        let slice = past.dropFirst(cursor).prefix(limit)
        let k = editable
        let records = slice.map { entry -> String in
            var values = plan.generator.row(entry[1])
            if entry[2] >= 0, let k { values[k] = plan.generator.row(entry[2])[k] }
            let members: [(key: String, value: JSONValue)] =
                [(key: "updated_seq", value: .number(String(entry[0])))]
                + zip(layout.columns, values).map { (key: $0.name, value: $1.isEmpty ? JSONValue.null : .string($1)) }
            return JSONValue.object(members).compact
        }
        let end = cursor + slice.count
        let next = end < past.count ? "\"\(end)\"" : "null"
        return "{\"data\":{\"records\":[\(records.joined(separator: ","))]},\"paging\":{\"next_cursor\":\(next)},\"total\":\(past.count)}"
    }

    /// Registers the API's route on the demo server.
    nonisolated func register(on app: Application) {
        app.get("demo-sources", PathComponent(stringLiteral: plan.department), "records") { req async throws -> Response in
            guard let basic = req.headers.basicAuthorization, basic.username == Self.user, basic.password == Self.password else {
                return Response(status: .unauthorized, body: .init(string: "{\"error\":\"the system's user and password are required\"}"))
            }
            let limit = min(max(req.query[Int.self, at: "limit"] ?? Self.pageLimit, 1), 200)
            let body = await self.page(
                since: req.query[Int.self, at: "since"], cursor: req.query[String.self, at: "cursor"].flatMap(Int.init) ?? 0, limit: limit)
            return Response(status: .ok, headers: ["Content-Type": "application/json; charset=utf-8"], body: .init(string: body))
        }.gate(.open)
    }
}
