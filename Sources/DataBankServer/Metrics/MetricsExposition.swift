import Fluent
import SQLKit
import Vapor

/// `GET /metrics`: Prometheus text exposition format 0.0.4.
///
/// Requests by route and status and their latency come from ``RequestMetrics`` (this instance);
/// records in and out, loads, quality runs and the webhook backlog are read from the database at
/// scrape time (the whole platform, every instance), so the request path writes nothing extra.
/// Readable by the platform admin (token or session) or from this machine (a loopback peer
/// sending no forwarding header, so a local reverse proxy does not open it to the world).
enum MetricsExposition {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func register(on app: Application) {
        // The handler decides (admin or loopback): `.open` lets the loopback scraper through unsigned.
        app.gated(.open).get("metrics") { req in try await serve(req) }
    }

    static func serve(_ req: Request) async throws -> Response {
        guard req.actor?.role == .platformAdmin || isLoopback(req) else {
            if req.user == nil && req.app == nil {
                throw AppError(.unauthorized, "unauthenticated", "Sign in as the platform admin, or scrape from this machine")
            }
            throw AppError(.forbidden, "forbidden", "Only the platform admin reads the metrics")
        }
        var text = ""
        requests(req.application.requestMetrics, into: &text)
        try await platform(req.db, into: &text)
        let res = Response(status: .ok, body: .init(string: text))
        res.headers.replaceOrAdd(name: .contentType, value: contentType)
        res.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return res
    }

    static func isLoopback(_ req: Request) -> Bool {
        guard let peer = req.remoteAddress?.ipAddress else { return false }
        guard req.headers[.xForwardedFor].isEmpty, req.headers["Forwarded"].isEmpty else { return false }
        return peer == "::1" || peer.hasPrefix("127.") || peer == "::ffff:127.0.0.1"
    }

    static func requests(_ metrics: RequestMetrics, into out: inout String) {
        let all = metrics.all
        out += "# HELP databank_http_requests_total HTTP requests answered, by route pattern and status.\n"
        out += "# TYPE databank_http_requests_total counter\n"
        for m in all {
            for (status, n) in m.statusCounts {
                out += "databank_http_requests_total{method=\"\(label(m.method))\",route=\"\(label(m.route))\",status=\"\(status)\"} \(n)\n"
            }
        }
        out += "# HELP databank_http_request_duration_seconds Time to answer a request (until the response head), by route pattern.\n"
        out += "# TYPE databank_http_request_duration_seconds histogram\n"
        for m in all {
            let counts = m.buckets.map { $0.load(ordering: .relaxed) }
            let total = counts.reduce(0, +)
            guard total > 0 else { continue }
            let labels = "method=\"\(label(m.method))\",route=\"\(label(m.route))\""
            var cumulative: UInt64 = 0
            for (i, bound) in RouteMetrics.bounds.enumerated() {
                cumulative += counts[i]
                out += "databank_http_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "databank_http_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(total)\n"
            out += "databank_http_request_duration_seconds_sum{\(labels)} \(Double(m.sumNanos.load(ordering: .relaxed)) / 1e9)\n"
            out += "databank_http_request_duration_seconds_count{\(labels)} \(total)\n"
        }
    }

    static func platform(_ db: any Database, into out: inout String) async throws {
        let sql = db.sql
        struct Totals: Decodable { var records_in: Int64?; var records_out: Int64? }
        let totals = try await sql.raw(
            "SELECT CAST(COALESCE(SUM(records_in), 0) AS BIGINT) AS records_in, CAST(COALESCE(SUM(records_out), 0) AS BIGINT) AS records_out FROM exchange_stats"
        ).first(decoding: Totals.self)
        metric(&out, "databank_records_in_total", "counter", "Records written to record stores (loads and deletes).", [("", totals?.records_in ?? 0)])
        metric(&out, "databank_records_out_total", "counter", "Records read out of record stores (queries, exports, feeds).", [("", totals?.records_out ?? 0)])

        struct ByStatus: Decodable { var status: String; var n: Int64 }
        let loads = try await sql.raw("SELECT status, COUNT(*) AS n FROM loads GROUP BY status ORDER BY status").all(decoding: ByStatus.self)
        metric(&out, "databank_loads_total", "counter", "Record loads, by status.", loads.map { ("status=\"\(label($0.status))\"", $0.n) })

        struct Count: Decodable { var n: Int64 }
        let runs = try await sql.raw("SELECT COUNT(*) AS n FROM quality_runs").first(decoding: Count.self)?.n ?? 0
        metric(&out, "databank_quality_runs_total", "counter", "Full quality checks run.", [("", runs)])

        let subscriptions = try await sql.raw("SELECT status, COUNT(*) AS n FROM subscriptions GROUP BY status ORDER BY status").all(decoding: ByStatus.self)
        metric(
            &out, "databank_webhook_subscriptions", "gauge", "Webhook subscriptions, by status.", subscriptions.map { ("status=\"\(label($0.status))\"", $0.n) }
        )
        let backlog =
            try await sql.raw(
                """
                SELECT CAST(COALESCE(SUM(CASE WHEN r.last_seq > s.cursor THEN r.last_seq - s.cursor ELSE 0 END), 0) AS BIGINT) AS n
                FROM subscriptions s JOIN record_stores r ON r.resource_code = s.resource_code
                WHERE s.status <> 'deleted'
                """
            ).first(decoding: Count.self)?.n ?? 0
        metric(&out, "databank_webhook_backlog", "gauge", "Changes not yet delivered to webhook subscribers.", [("", backlog)])
    }

    static func metric(_ out: inout String, _ name: String, _ type: String, _ help: String, _ samples: [(String, Int64)]) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        for (labels, value) in samples { out += name + (labels.isEmpty ? "" : "{\(labels)}") + " \(value)\n" }
    }

    /// A label value: backslash, double quote and line feed escaped, as the format requires.
    static func label(_ v: String) -> String {
        v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
