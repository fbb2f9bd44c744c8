import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Vapor

/// Configures DataBank on `app`: database, migrations, sessions, middleware, routes.
///
/// Migrations are registered, not run: `databank migrate`, `serve --auto-migrate` or the demo run them.
public func configure(_ app: Application, settings: Settings) async throws {
    app.settings = settings
    let poolTimeout = TimeAmount.milliseconds(Int64(settings.connectionPoolTimeout * 1000))
    switch settings.database {
    case .sqliteMemory:
        let threads = SQLiteThreads.shared.lease()
        app.lifecycle.use(SQLiteThreads.Lease(threads: threads))
        let memory = SQLiteMemoryFile(identifier: UUID().uuidString)
        let storage = SQLiteConfiguration(storage: .memory(identifier: memory.identifier))
        app.databases.use(
            SQLiteThreads.database(.sqlite(storage, connectionPoolTimeout: poolTimeout, sqlLogLevel: .trace), on: threads), as: .sqlite)
        app.lifecycle.use(memory)
    case .sqliteFile(let path):
        let threads = SQLiteThreads.shared.lease()
        app.lifecycle.use(SQLiteThreads.Lease(threads: threads))
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        app.databases.use(
            SQLiteThreads.database(.sqlite(.file(path), connectionPoolTimeout: poolTimeout, sqlLogLevel: .trace), on: threads), as: .sqlite)
        if settings.sqliteReadConnections > 0 {
            let direct = SQLiteDirectReads(
                path: path, settings: settings, threadPool: threads, keepIdle: settings.sqliteReadConnections * System.coreCount)
            app.sqliteDirectReads = direct
            app.lifecycle.use(SQLiteDirectReads.Lifecycle())
            app.sqliteReadPool = SQLiteReadPool(
                path: path, settings: settings, perEventLoop: settings.sqliteReadConnections, group: app.eventLoopGroup, timeout: poolTimeout,
                direct: direct)
            app.lifecycle.use(SQLiteReadPool.Lifecycle())
        }
    case .postgres(let url):
        app.databases.use(
            try .postgres(url: url, maxConnectionsPerEventLoop: settings.postgresConnections, connectionPoolTimeout: poolTimeout, sqlLogLevel: .trace),
            as: .psql)
    }
    Migrations.register(on: app)
    // Each migration's "Starting/Finished prepare" is detail: a new demo printed sixty such lines.
    app.fluent.migrationLogLevel = .debug
    app.auditTrail = try AuditTrail.make(settings)
    app.lifecycle.use(AuditTrail.Lifecycle())
    app.lifecycle.use(SQLiteTuning())
    let gate = WorkerGate()
    if !settings.holdWorkers { gate.open() }
    app.storage[WorkerGateKey.self] = gate
    app.lifecycle.use(ExchangeWorker())
    app.lifecycle.use(ProfileScheduler.Lifecycle())
    app.lifecycle.use(RequestMetrics.Lifecycle())
    app.lifecycle.use(UsageFlusher())
    _ = app.totalCache  // made before requests run, so they never race to make it
    _ = app.rateLimiter
    _ = app.usageMeter
    _ = app.pseudonymKeyCache
    _ = app.readCaches
    _ = app.verificationServices
    _ = app.profileScheduler

    app.routes.defaultMaxBodySize = settings.maxBodySize
    // Compressed bodies are inflated by the load itself (BodyInflater), bounded and answered with a
    // 4xx: NIO's decompressor would close the connection with no answer on a bad or oversized body.
    app.http.server.configuration.requestDecompression = .disabled
    app.sessions.use(.fluent)
    app.sessions.configuration.cookieName = "databank_session"
    let secure = settings.secureCookies
    app.sessions.configuration.cookieFactory = { id in
        .init(string: id.string, maxAge: 8 * 3600, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }

    app.middleware = Middlewares()
    // In two chains around Vapor's future-based sessions middleware, so a request runs in three
    // tasks rather than one per layer (``MiddlewareChain``). The order is the order of the layers.
    app.middleware.use(
        MiddlewareChain(
            // First, so it times the whole answer and counts the status the error middleware renders.
            RequestMetricsMiddleware(metrics: app.requestMetrics),
            SecurityHeadersMiddleware(),
            RequestIDHeaderMiddleware(),
            CallLimitHeaders(),
            ErrorRenderingMiddleware(),
            RequestLimitsMiddleware(),
            BodyLimitMiddleware(limit: settings.maxBodySize.value),
            PublicFilesMiddleware(publicDirectory: publicDirectory())))
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(MiddlewareChain(UserAuthenticator(), OpenAPIMeter(), RouteGateMiddleware(), CSRFMiddleware()))

    try routes(app)
}

func routes(_ app: Application) throws {
    app.gated(.open).get("healthz") { req async throws -> [String: String] in
        _ = try await Department.query(on: req.db).count()
        return ["status": "ok"]
    }
    let api = app.grouped("api", "v1")
    try api.register(collection: ResourceAPI())
    try api.register(collection: DirectoryAPI())
    try api.register(collection: EditionAPI())
    try api.register(collection: AccountAPI())
    try api.register(collection: RecordsAPI())
    try api.register(collection: FeedAPI())
    try api.register(collection: QuarantineAPI())
    try api.register(collection: QualityRulesAPI())
    try api.register(collection: QualityAPI())
    try api.register(collection: TableSchemaAPI())
    try api.register(collection: ObjectionsAPI())
    try api.register(collection: DemandsAPI())
    try api.register(collection: ProfileAPI())
    try api.register(collection: SharingAPI())
    try api.register(collection: VerifyAPI())
    try api.register(collection: JointChecksAPI())
    try api.register(collection: WarningRulesAPI())
    try api.register(collection: WarningsAPI())
    try api.register(collection: WarningHooksAPI())
    try api.register(collection: AggregateAPI())
    try api.register(collection: RollupsAPI())
    try api.register(collection: ConnectorsAPI())
    try api.register(collection: FederationAPI())
    try api.register(collection: ChartsAPI())
    try api.register(collection: DashboardsAPI())
    try api.register(collection: HeatAPI())
    try api.register(collection: EvaluationAPI())
    try api.register(collection: SubjectViewsAPI())
    try api.register(collection: MyDataAPI())
    try WebRoutes.register(on: app)
    try OpenRoutes.register(on: app)
    MetricsExposition.register(on: app)
    try CreditRoutes.register(on: app)
    ChartGalleryPage.register(on: app)
    ChartPages.register(on: app)
    DashboardPages.register(on: app)
    HeatPage.register(on: app)
    CockpitPage.register(on: app)
    EvaluationPages.register(on: app)
    MyDataPages.register(on: app)
}

/// The bundled CSS and JavaScript.
func publicDirectory() -> String {
    (Bundle.module.resourceURL ?? URL(fileURLWithPath: ".")).appendingPathComponent("Public").path + "/"
}

/// Echoes the request id (also on every log line of the request) as `X-Request-Id`.
struct RequestIDHeaderMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: req)
        response.headers.replaceOrAdd(name: "X-Request-Id", value: req.id)
        return response
    }
}

/// Refuses bodies over the configured limit up front, whether announced by Content-Length
/// or already buffered, with the API's error shape (413 `payload_too_large`).
struct BodyLimitMiddleware: AsyncMiddleware {
    let limit: Int

    static func isRecordLoad(_ req: Request) -> Bool {
        req.method == .POST && (req.url.path.hasPrefix("/api/v1/resources/") || req.url.path.hasPrefix("/catalog/resources/"))
            && req.url.path.hasSuffix("/records")
    }
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // Routes that stream their body (loads, file validation, verification batches) bound it themselves.
        if req.route?.streamsBodyDeclared == true { return try await next.respond(to: req) }
        let announced = req.headers.first(name: .contentLength).flatMap(Int.init) ?? 0
        if announced > limit || (req.body.data?.readableBytes ?? 0) > limit {
            throw AppError(.payloadTooLarge, "payload_too_large", "The request body is over the \(limit / 1024) KiB limit")
        }
        return try await next.respond(to: req)
    }
}
