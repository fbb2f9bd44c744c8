import Atomics
import Vapor

/// The platform's request metrics: one ``RouteMetrics`` per registered route, labelled by the
/// route's path pattern (`/api/v1/resources/:code/records`), never the raw URL, so the number of
/// series is bounded by the routes. Requests no route answers share one `unmatched` series.
final class RequestMetrics: Sendable {
    let unmatched = RouteMetrics(method: "", route: "unmatched")
    /// Routes added after boot (tests) share one series; normal serving never lands here.
    let late = RouteMetrics(method: "", route: "other")
    /// Every route's counters by the route's identity: set once at boot, then only read (lock-free).
    private let table = ManagedAtomicLazyReference<Table>()

    final class Table: Sendable {
        let byRoute: [ObjectIdentifier: RouteMetrics]
        let ordered: [RouteMetrics]
        init(_ routes: [Route]) {
            ordered = routes.map { RouteMetrics(method: $0.method.rawValue, route: "/" + $0.path.string) }
            byRoute = Dictionary(zip(routes.map(ObjectIdentifier.init), ordered), uniquingKeysWith: { a, _ in a })
        }
    }

    /// Gives every route its counters; runs when the app boots, before the first request.
    func attach(to routes: [Route]) { _ = table.storeIfNilThenLoad(Table(routes)) }

    var all: [RouteMetrics] { (table.load()?.ordered ?? []) + [unmatched, late] }

    func record(_ req: Request, status: UInt, nanos: UInt64) {
        let m = req.route.map { table.load()?.byRoute[ObjectIdentifier($0)] ?? late } ?? unmatched
        m.record(status: status, nanos: nanos)
    }

    struct Lifecycle: LifecycleHandler {
        func willBoot(_ app: Application) throws { app.requestMetrics.attach(to: app.routes.all) }
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
