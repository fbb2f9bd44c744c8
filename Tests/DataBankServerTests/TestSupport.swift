import DataBankCore
@testable import DataBankServer
import Fluent
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Runs `body` against a fresh DataBank holding the small demo city.
///
/// SQLite (default): a new in-memory database per test. PostgreSQL (when
/// `DATABANK_TEST_DATABASE_URL` is set, as `scripts/test` does): a new database per test,
/// cloned from a template that is migrated and seeded once per run.
/// - Parameter profileAfterLoads: queue a profile after each load, as `serve` does (profiling tests).
/// - Parameter adjust: changes to the settings before `configure` (e.g. `secureCookies`, webhook timeouts).
func withDataBank(
    profileAfterLoads: Bool = false, adjust: (inout Settings) -> Void = { _ in },
    _ body: (Application) async throws -> Void
) async throws {
    let location: DatabaseLocation
    if let url = try await TestDatabases.shared.freshPostgresURL() { location = .postgres(url) } else { location = .sqliteMemory }
    // On PostgreSQL every test holds connections of its own: at most `TestSlots.limit` run at once,
    // so hundreds of tests never exhaust the server's connection slots.
    if location.isPostgres { await TestSlots.shared.acquire() }
    defer { if location.isPostgres { Task { await TestSlots.shared.release() } } }
    try await withApp { app in
        var settings = Settings(database: location, maxBodySize: "256kb")
        settings.profileAfterLoads = profileAfterLoads
        // Test webhooks go to listeners on this machine: allowed here explicitly, refused by default.
        settings.webhookAllow = WebhookAllowList("127.0.0.1, ::1")
        settings.auditKeyFile = nil  // the fixed in-memory key, no checkpoints: the template's chain verifies in every clone
        settings.auditCheckpointFile = nil
        // Every in-process request comes from one address ("local"): the open data API's anonymous
        // limit is left to the tests about it (Open/DeveloperKeyTests), not to every test's call count.
        settings.anonymousCallsPerMinute = 1_000_000
        // Hundreds of apps share two cores: a wait for this app's one SQLite connection is slowness, not a deadlock.
        settings.connectionPoolTimeout = 60
        adjust(&settings)
        try await configure(app, settings: settings)
        if !location.isPostgres {
            try await app.autoMigrate()
            _ = try await DemoLoader.load(DemoCity.generate(scale: .small), on: app.db)
        }
        try await body(app)
    }
}

/// A counting semaphore for tests that need a scarce resource (PostgreSQL connections).
actor TestSlots {
    static let shared = TestSlots()
    static let limit = 24
    private var inUse = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if inUse < Self.limit { inUse += 1; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { inUse -= 1 } else { waiters.removeFirst().resume() }  // the slot passes on
    }
}

/// Hands out PostgreSQL databases cloned from one seeded template.
actor TestDatabases {
    static let shared = TestDatabases()
    /// Created once; a stored task so concurrent tests wait for the same setup (actor re-entrancy).
    private var setup: Task<Application, any Error>?

    func freshPostgresURL() async throws -> String? {
        guard let base = Environment.get("DATABANK_TEST_DATABASE_URL") else { return nil }
        if setup == nil {
            setup = Task {
                let admin = try await Application.make(.testing)
                // Every test clones the template through this pool, and PostgreSQL copies templates one at
                // a time: with 170 tests starting together the last ones wait well past the 10 s default.
                admin.databases.use(try .postgres(url: base, maxConnectionsPerEventLoop: 2, connectionPoolTimeout: .seconds(600)), as: .psql)
                try await Self.buildTemplate(base: base, admin: admin)
                return admin
            }
        }
        let admin = try await setup!.value
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await admin.db.sql.raw("CREATE DATABASE \(ident: name) TEMPLATE databank_template").run()
        return Self.url(base, database: name)
    }

    private static func buildTemplate(base: String, admin: Application) async throws {
        let sql = admin.db.sql
        try await sql.raw("DROP DATABASE IF EXISTS databank_template").run()
        try await sql.raw("CREATE DATABASE databank_template").run()
        let app = try await Application.make(.testing)
        do {
            var settings = Settings(database: .postgres(url(base, database: "databank_template")))
            settings.auditKeyFile = nil
            settings.auditCheckpointFile = nil
            try await configure(app, settings: settings)
            try await app.autoMigrate()
            _ = try await DemoLoader.load(DemoCity.generate(scale: .small), on: app.db)
        } catch {
            try? await app.asyncShutdown(); throw error
        }
        try await app.asyncShutdown()
    }

    static func url(_ base: String, database: String) -> String {
        var c = URLComponents(string: base)!
        c.path = "/" + database
        return c.string!
    }
}

extension Application {
    /// A fresh API token for a demo user.
    func token(_ username: String) async throws -> String {
        let user = try #require(try await User.query(on: db).filter(\.$username == username).first())
        return try await Accounts.issueToken(for: user, name: "test", on: db).0
    }

    /// Sends a request and hands back the response.
    func send(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: (any Encodable & Sendable)? = nil,
        body: String? = nil
    ) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let token { headers.bearerAuthorization = .init(token: token) }
        var result: TestingHTTPResponse?
        try await testing().test(
            method, path, headers: headers,
            beforeRequest: { req in
                if let json { try req.content.encode(AnyEncodable(json), as: .json) }
                if let body { req.headers.contentType = .json; req.body = ByteBuffer(string: body) }
            }, afterResponse: { res in result = res })
        return try #require(result)
    }
}

struct AnyEncodable: Encodable, Sendable {
    let value: any Encodable & Sendable
    init(_ v: any Encodable & Sendable) { value = v }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

/// The parts of an error answer every client relies on.
struct ErrorEnvelope: Decodable {
    struct Inner: Decodable { var code: String; var message: String; var details: [FieldError] }
    var error: Inner
}

extension TestingHTTPResponse {
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try content.decode(type) }
    /// Asserts the one error shape and returns it.
    func errorBody() throws -> ErrorEnvelope.Inner { try content.decode(ErrorEnvelope.self).error }
}

/// A valid new resource for the market regulation bureau, bound to real standards.
func sampleResource(_ app: Application, code: String = "301001-09001", departmentCode: String? = nil) async throws -> ResourceSnapshot {
    let steward = try #require(try await User.query(on: app.db).filter(\.$username == "scj_steward").first())
    let standards = try await StandardRow.query(on: app.db).filter(\.$dataType == "C").sort(\.$code).limit(2).all()
    #expect(standards.count == 2)
    let items = standards.enumerated().map { i, s in
        InformationItem(
            name: s.name, column: "c\(i)", standardCode: s.code, dataType: .C, length: s.length,
            primaryKey: i == 0, required: i == 0, sensitivity: Sensitivity(rawValue: s.sensitivity)!)
    }
    return ResourceSnapshot(
        code: code, name: "市场主体年报信息测试表", nameEn: "Annual report test table",
        departmentCode: departmentCode ?? steward.departmentCode, classification: String(code.prefix(6)),
        catalogKind: .departmental, abstract: "测试用资源摘要", format: .table, items: items,
        sharing: SharingAttributes(type: .unconditional, method: .api),
        open: OpenAttributes(type: .unconditional), updateCycle: .monthly, themes: [.enterprise], tags: ["年报"])
}

/// An application on an in-memory SQLite database holding the seed city's catalog (no audit key or
/// checkpoint files): for the demo's stories that need the seed city's registers.
func withSeedCityInMemory(_ body: (Application) async throws -> Void) async throws {
    try await withApp { app in
        var settings = Settings(database: .sqliteMemory, maxBodySize: "256kb")
        settings.auditKeyFile = nil
        settings.auditCheckpointFile = nil
        try await configure(app, settings: settings)
        try await app.autoMigrate()
        _ = try await DemoLoader.load(DemoCity.generate(scale: .seed), on: app.db)
        try await body(app)
    }
}
