import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// `/metrics`: Prometheus text format, requests by route pattern (never the raw URL) and status,
/// latency histograms, platform counters; only the platform admin or a loopback scraper reads it.
@Suite("Metrics")
struct MetricsTests {
    func metrics(_ app: Application) async throws -> String {
        let res = try await app.send(.GET, "/metrics", token: try await app.token("admin"))
        #expect(res.status == .ok)
        #expect(res.headers.first(name: .contentType) == "text/plain; version=0.0.4; charset=utf-8")
        return res.body.string
    }

    @Test func requestsAreCountedByRoutePatternAndStatus() async throws {
        try await withDataBank { app in
            _ = try await app.send(.GET, "/api/v1/resources/999999-00001/records")
            _ = try await app.send(.GET, "/api/v1/resources/999999-00002/records")
            _ = try await app.send(.GET, "/no/such/page/12345")
            let text = try await metrics(app)
            #expect(text.contains(#"databank_http_requests_total{method="GET",route="/api/v1/resources/:code/records",status="404"} 2"#))
            #expect(!text.contains("999999-0000"))
            #expect(!text.contains("12345"))
            #expect(text.contains(#"databank_http_requests_total{method="",route="unmatched",status="404"} 1"#))
        }
    }

    @Test func latencyIsAHistogramPerRoute() async throws {
        try await withDataBank { app in
            _ = try await app.send(.GET, "/healthz")
            let text = try await metrics(app)
            #expect(text.contains("# TYPE databank_http_request_duration_seconds histogram"))
            #expect(text.contains(#"databank_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"} 1"#))
            #expect(text.contains(#"databank_http_request_duration_seconds_count{method="GET",route="/healthz"} 1"#))
        }
    }

    func value(_ text: String, _ sample: String) -> Int? {
        text.split(separator: "\n").first { $0.hasPrefix(sample + " ") }.flatMap { Int($0.split(separator: " ").last!) }
    }

    @Test func platformCountersComeFromTheDatabase() async throws {
        try await withDataBank { app in
            let before = try await metrics(app)
            let f = try await StoreFixture.enterprise(app)
            let load = try await app.loadCSV(f, f.csv(rows: 0..<5), token: try await app.token(f.steward))
            #expect(load.status == .ok, "\(load.body.string)")
            let text = try await metrics(app)
            #expect(value(text, "databank_records_in_total") == (value(before, "databank_records_in_total") ?? -1) + 5)
            #expect(value(text, #"databank_loads_total{status="committed"}"#).map { $0 >= 1 } == true, "\(text)")
            for name in [
                "databank_records_in_total", "databank_records_out_total", "databank_loads_total", "databank_quality_runs_total", "databank_webhook_backlog"
            ] {
                #expect(text.contains("# TYPE \(name) "), "\(name)")
            }
        }
    }

    @Test func onlyThePlatformAdminOrLoopbackReadsIt() async throws {
        try await withDataBank { app in
            #expect(try await app.send(.GET, "/metrics").status == .unauthorized)
            let steward = try #require(try await User.query(on: app.db).filter(\.$roleName == Role.steward.rawValue).first())
            #expect(try await app.send(.GET, "/metrics", token: try await app.token(steward.username)).status == .forbidden)
        }
    }

    @Test func aLoopbackScraperReadsItUnlessForwardedByAProxy() async throws {
        try await withDataBank { app in
            let live = try app.testing(method: .running(hostname: "127.0.0.1", port: 0))
            try await live.test(.GET, "/metrics") { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("# TYPE databank_http_requests_total counter"))
            }
            try await live.test(.GET, "/metrics", headers: ["X-Forwarded-For": "203.0.113.9"]) { res in
                #expect(res.status == .unauthorized)
            }
        }
    }

    /// Concurrent requests on one route are all counted (relaxed atomics lose none). The time per
    /// record is printed for PERFORMANCE.md, not asserted: the suite runs hundreds of tests at once.
    @Test func concurrentRecordsAreAllCountedAndTimed() async throws {
        let m = RouteMetrics(method: "GET", route: "/api/v1/resources/:code/records")
        let perTask = 200_000
        let clock = ContinuousClock()
        let took = await clock.measure {
            await withTaskGroup(of: Void.self) { group in
                for t in 0..<2 {
                    group.addTask {
                        for i in 0..<perTask { m.record(status: i % 7 == 0 ? 404 : 200, nanos: UInt64(1_000 + (i * 7919 + t) % 5_000_000)) }
                    }
                }
            }
        }
        let nanos = Double(took.components.seconds) * 1e9 + Double(took.components.attoseconds) / 1e9
        let perRecord = nanos / Double(2 * perTask)
        print("metrics: \(String(format: "%.1f", perRecord)) ns per recorded request (2 tasks, one route)")
        #expect(m.buckets.map { $0.load(ordering: .relaxed) }.reduce(0, +) == UInt64(2 * perTask))
        #expect(m.statusCounts.map(\.1).reduce(0, +) == UInt64(2 * perTask))
    }
}
