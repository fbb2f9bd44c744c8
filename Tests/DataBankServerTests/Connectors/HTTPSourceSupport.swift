import DataBankCore
@testable import DataBankServer
import Foundation
import Testing
import Vapor
import VaporTesting

/// A department's HTTP API for the tests, served by the test's own app on a loopback port under
/// `/test-api/…`: the fixture's rows (`seq` and the `src_` columns) in every paging style and format,
/// behind bearer and basic auth, and the bad answers (HTML, an object for the records, a 500, a big page).
actor FakeAPI {
    var rows: [(seq: Int, values: [(String, String)])] = []
    var queries: [String] = []
    /// Offset paging answers 500 from this offset on (a source that fails part-way through a run).
    var failingFrom: Int?
    static let pageSize = 4

    func fail(from offset: Int?) { failingFrom = offset }

    func put(_ rows: [(seq: Int, values: [(String, String)])]) {
        for row in rows {
            self.rows.removeAll { $0.values.first?.1 == row.values.first?.1 }
            self.rows.append(row)
        }
        self.rows.sort { $0.seq < $1.seq }
    }

    func seen(_ query: String?) { queries.append(query ?? "") }

    /// Rows past `since`, in seq order.
    func after(_ since: Int?) -> [(seq: Int, values: [(String, String)])] { rows.filter { since == nil || $0.seq > since! } }

    static func json(_ row: (seq: Int, values: [(String, String)])) -> DataBankCore.JSONValue {
        .object([(key: "seq", value: .number(String(row.seq)))] + row.values.map { (key: $0.0, value: DataBankCore.JSONValue.string($0.1)) })
    }

    static func array(_ rows: ArraySlice<(seq: Int, values: [(String, String)])>) -> String {
        "[" + rows.map { json($0).compact }.joined(separator: ",") + "]"
    }
}

extension ConnectorFixture {
    /// Rows `rows` as the fake API serves them (seq = row + 1 unless given).
    func apiRows(_ rows: Range<Int>, variant: Int = 0, seq: ((Int) -> Int)? = nil) -> [(seq: Int, values: [(String, String)])] {
        rows.map { r in (seq: seq?(r) ?? r + 1, values: store.layout.columns.map { ("src_" + $0.name, store.value($0, row: r, variant: variant)) }) }
    }

    /// A connector body reading the fake API at `path`.
    func httpBody(
        _ base: String, path: String, code: String = "scj-api", format: String? = nil, records: String? = nil, paging: HTTPPaging? = nil,
        auth: String? = nil, user: String? = nil, secret: String? = nil, mode: String = "incremental", watermarkParam: String? = "since"
    ) -> ConnectorBody {
        var b = body(code: code, kind: "http", path: nil, table: nil, mode: mode, watermarkColumn: mode == "incremental" ? "seq" : nil)
        b.source = .init(
            kind: "http", user: user, password: secret, format: format, url: base + path, records: records, paging: paging, auth: auth,
            watermarkParam: mode == "incremental" ? watermarkParam : nil)
        return b
    }
}

/// A connector bank and, beside it, the department's API: a tiny Vapor app of its own on a loopback
/// port (so its bearer tokens are its own, not DataBank's); `body` gets the API's base URL.
func withFakeAPI(adjust: @escaping (inout Settings) -> Void = { _ in }, _ body: (Application, String, FakeAPI) async throws -> Void) async throws {
    try await withConnectorBank(adjust: adjust) { app in
        let api = FakeAPI()
        let server = try await Application.make(.testing)
        server.logger.logLevel = .error
        FakeAPI.routes(server, api)
        let port = try await serveAPIOnLoopback(server)
        do { try await body(app, "http://127.0.0.1:\(port)", api) } catch {
            await server.server.shutdown(); try? await server.asyncShutdown(); throw error
        }
        await server.server.shutdown()
        try await server.asyncShutdown()
    }
}

/// Starts `app` on a free loopback port (tests run in parallel: another may just have taken one); the port.
func serveAPIOnLoopback(_ app: Application) async throws -> Int {
    var port = 0
    for attempt in 1...20 {
        port = Int.random(in: 20_000..<40_000)
        do { try await app.server.start(address: .hostname("127.0.0.1", port: port)); break } catch  where attempt < 20 { continue }
    }
    return port
}

extension FakeAPI {
    nonisolated static func routes(_ server: Application, _ api: FakeAPI) {
        let r = server.grouped("test-api")
        @Sendable func since(_ req: Request) -> Int? { req.query[Int.self, at: "since"] }
        r.get("offset") { req async -> Response in
            await api.seen(req.url.query)
            let rows = await api.after(since(req))
            let offset = req.query[Int.self, at: "offset"] ?? 0, limit = req.query[Int.self, at: "limit"] ?? 100
            if let failing = await api.failingFrom, offset >= failing { return Response(status: .internalServerError) }
            let page = rows.dropFirst(offset).prefix(limit)
            return jsonResponse("{\"data\":{\"items\":\(FakeAPI.array(page))},\"total\":\(rows.count)}")
        }
        r.get("cursor") { req async -> Response in
            await api.seen(req.url.query)
            let rows = await api.after(since(req))
            let start = req.query[String.self, at: "cursor"].flatMap { Int($0.dropFirst()) } ?? 0
            let end = min(rows.count, start + FakeAPI.pageSize)
            let next = end < rows.count ? "\"c\(end)\"" : "null"
            return jsonResponse("{\"items\":\(FakeAPI.array(rows[start..<end])),\"paging\":{\"next\":\(next)}}")
        }
        r.get("link") { req async -> Response in
            await api.seen(req.url.query)
            let rows = await api.after(since(req))
            let page = req.query[Int.self, at: "page"] ?? 0
            let slice = rows.dropFirst(page * FakeAPI.pageSize).prefix(FakeAPI.pageSize)
            let res = jsonResponse(FakeAPI.array(slice))
            if (page + 1) * FakeAPI.pageSize < rows.count {
                res.headers.add(name: "Link", value: "</test-api/link?page=0>; rel=\"first\", </test-api/link?page=\(page + 1)>; rel=\"next\"")
            }
            return res
        }
        r.get("csv") { req async -> Response in
            let rows = await api.rows
            guard let first = rows.first else { return Response(status: .ok, body: .init(string: "seq\n")) }
            var text = "seq," + first.values.map(\.0).joined(separator: ",") + "\r\n"
            for row in rows {
                text += "\(row.seq)," + row.values.map { "\"" + $0.1.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",") + "\r\n"
            }
            return Response(status: .ok, headers: ["Content-Type": "text/csv"], body: .init(string: text))
        }
        r.get("ndjson") { req async -> Response in
            let rows = await api.rows
            return Response(status: .ok, body: .init(string: rows.map { FakeAPI.json($0).compact }.joined(separator: "\n") + "\n"))
        }
        r.get("bearer") { req async -> Response in
            guard req.headers.bearerAuthorization?.token == "good-token" else {
                return Response(status: .unauthorized, body: .init(string: "{\"error\":\"invalid token\"}"))
            }
            return jsonResponse(FakeAPI.array(await api.rows[...]))
        }
        r.get("basic") { req async -> Response in
            guard let b = req.headers.basicAuthorization, b.username == "dept", b.password == "pa:ss" else { return Response(status: .forbidden) }
            return jsonResponse(FakeAPI.array(await api.rows[...]))
        }
        r.get("html") { _ in
            Response(status: .ok, headers: ["Content-Type": "text/html"], body: .init(string: "<html><body>Service maintenance</body></html>"))
        }
        r.get("object") { _ in jsonResponse("{\"data\":{\"items\":{\"seq\":1}}}") }
        r.get("fail") { _ in Response(status: .internalServerError, body: .init(string: "database is down\nretry later")) }
        r.get("big") { _ in jsonResponse("[" + String(repeating: "{\"seq\":1},", count: 400) + "{\"seq\":2}]") }
    }
}

private func jsonResponse(_ text: String) -> Response {
    Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(string: text))
}
