import NIOConcurrencyHelpers
import Vapor

/// The platform's request metrics: one ``RouteMetrics`` per registered route, labelled by the
/// route's path pattern (`/api/v1/resources/:code/records`), never the raw URL, so the number of
/// series is bounded by the routes. Requests no route answers share one `unmatched` series.
final class RequestMetrics: Sendable {
    let unmatched = RouteMetrics(method: "", route: "unmatched")
    /// Routes added after boot (tests) share one series; normal serving never lands here.
    let late = RouteMetrics(method: "", route: "other")
    private let routes = NIOLockedValueBox<[RouteMetrics]>([])

    /// Gives every route its counters; runs when the app boots, before the first request, so
    /// requests only read `userInfo`.
    func attach(to routes: [Route]) {
        var all: [RouteMetrics] = []
        for r in routes {
            if let m = r.metrics { all.append(m); continue }
            let m = RouteMetrics(method: r.method.rawValue, route: "/" + r.path.string)
            r.userInfo[Route.metricsKey] = m
            all.append(m)
        }
        self.routes.withLockedValue { $0 = all }
    }

    var all: [RouteMetrics] { routes.withLockedValue { $0 } + [unmatched, late] }

    func record(_ req: Request, status: UInt, nanos: UInt64) {
        let m = req.route.map { $0.metrics ?? late } ?? unmatched
        m.record(status: status, nanos: nanos)
    }

    struct Lifecycle: LifecycleHandler {
        func willBootAsync(_ app: Application) async throws { app.requestMetrics.attach(to: app.routes.all) }
    }
}

struct RequestMetricsKey: StorageKey { typealias Value = RequestMetrics }

extension Application {
    var requestMetrics: RequestMetrics {
        if let m = storage[RequestMetricsKey.self] { return m }
        let m = RequestMetrics()
        storage[RequestMetricsKey.self] = m
        return m
    }
}

/// Times every request and counts its answer against its route. Installed first, so it sees the
/// status the error middleware renders; a thrown error that escapes is counted as 500.
struct RequestMetricsMiddleware: AsyncMiddleware {
    let metrics: RequestMetrics

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let response = try await next.respond(to: req)
            metrics.record(req, status: response.status.code, nanos: DispatchTime.now().uptimeNanoseconds &- start)
            return response
        } catch {
            metrics.record(req, status: (error as? any AbortError)?.status.code ?? 500, nanos: DispatchTime.now().uptimeNanoseconds &- start)
            throw error
        }
    }
}
