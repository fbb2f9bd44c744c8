import DataBankCore
@testable import DataBankServer
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
        #expect(res.headers.contentType?.description.hasPrefix("text/plain; version=0.0.4") == true)
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

    @Test func platformCountersComeFromTheDatabase() async throws {
        try await withDataBank { app in
            let text = try await metrics(app)
            for name in ["databank_records_in_total", "databank_records_out_total", "databank_loads_total", "databank_quality_runs_total", "databank_webhook_backlog"] {
                #expect(text.contains("# TYPE \(name) "), "\(name)")
            }
            let recordsIn = text.split(separator: "\n").first { $0.hasPrefix("databank_records_in_total ") }
            #expect(recordsIn.flatMap { Int($0.split(separator: " ")[1]) }.map { $0 > 0 } == true)
        }
    }

    @Test func onlyThePlatformAdminOrLoopbackReadsIt() async throws {
        try await withDataBank { app in
            #expect(try await app.send(.GET, "/metrics").status == .unauthorized)
            let steward = try #require(try await User.query(on: app.db).filter(\.$roleName == Role.steward.rawValue).first())
            #expect(try await app.send(.GET, "/metrics", token: try await app.token(steward.username)).status == .forbidden)
        }
    }
}
