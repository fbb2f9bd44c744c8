import Vapor

/// Where DataBank keeps its data, parsed from `DATABASE_URL` or `--database-url`.
///
/// - `sqlite://data/databank.sqlite` (relative to the working directory),
///   `sqlite:///var/lib/databank.sqlite` (absolute), `sqlite::memory:` (tests).
/// - `postgres://user:password@host:5432/database` (`postgresql://` too).
public enum DatabaseLocation: Equatable, Sendable {
    case sqliteFile(String)
    case sqliteMemory
    case postgres(String)

    /// The default for `serve`: a file under `./data/`.
    public static let defaultServe = DatabaseLocation.sqliteFile("data/databank.sqlite")
    /// The default for `demo`.
    public static let defaultDemo = DatabaseLocation.sqliteFile("data/demo.sqlite")

    public init(url: String) throws {
        if url == "sqlite::memory:" || url == "sqlite://:memory:" { self = .sqliteMemory; return }
        if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw DatabaseLocationError(url: url) }
            self = .sqliteFile(path); return
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") { self = .postgres(url); return }
        throw DatabaseLocationError(url: url)
    }

    public var isPostgres: Bool { if case .postgres = self { true } else { false } }

    /// A description safe to print: no password.
    public var redacted: String {
        switch self {
        case .sqliteFile(let p): return "sqlite://\(p)"
        case .sqliteMemory: return "sqlite::memory:"
        case .postgres(let url):
            guard var c = URLComponents(string: url) else { return "postgres://…" }
            if c.password != nil { c.password = "***" }
            return c.string ?? "postgres://…"
        }
    }
}

public struct DatabaseLocationError: Error, CustomStringConvertible {
    public var url: String
    public var description: String {
        "DATABASE_URL must be sqlite://PATH, sqlite::memory: or postgres://USER:PASSWORD@HOST:PORT/DB (got \(url))"
    }
}

/// Settings the application is configured with.
public struct Settings: Sendable {
    public var database: DatabaseLocation
    /// Largest request body accepted, e.g. "2mb".
    public var maxBodySize: ByteCount
    /// Public notice period (公示期) in days.
    public var noticeDays: Int
    /// SQLite page cache and memory-mapped window per connection, in MiB: large for serving
    /// searches, small for a bulk load whose pages are written once (its memory stays low).
    public var sqliteCacheMiB: Int
    public var sqliteMmapMiB: Int
    /// WAL pages before an automatic checkpoint (SQLite's default is 1,000). Fewer, larger checkpoints: a page
    /// rewritten by several of a load's batches is copied back once, and a server's small commits (an audit
    /// entry, a warning rule's cursor) no longer copy back what a load in another process wrote (the warning
    /// evaluator spent 7 % of its time checkpointing a load's pages, docs/PERFORMANCE.md).
    public var sqliteWalAutocheckpoint: Int = 16_384
    /// Read-only SQLite connections per event loop for the hot read path (`DATABANK_SQLITE_READ_CONNECTIONS`,
    /// 2; 0: reads share the one read-write connection per loop). See ``SQLiteReadPool``.
    public var sqliteReadConnections: Int = Environment.get("DATABANK_SQLITE_READ_CONNECTIONS").flatMap(Int.init).map { max(0, $0) } ?? 2
    /// Background work (webhook delivery, stream retention): on for `serve` and `demo`.
    public var runWorkers: Bool = false
    /// Background work waits until `app.workerGate` opens: `demo` opens it once its city is built.
    public var holdWorkers: Bool = false
    /// Profile a store after each load, off the request path. Tests leave it off unless they are
    /// about profiling: hundreds of parallel in-memory apps would otherwise queue runs that compete
    /// for one SQLite connection each.
    public var profileAfterLoads: Bool = true
    /// How far an uploaded .xlsx may expand (`DATABANK_XLSX_MAX_BYTES`: decompressed bytes, default 1 GiB).
    public var xlsxLimits: XLSXLimits = .standard
    /// How far a gzip/deflate load body may expand (`DATABANK_INFLATE_MAX_BYTES`, default 4 GiB; 100× past 10 MB).
    var inflateLimits = BodyInflater.Limits(maxBytes: Environment.get("DATABANK_INFLATE_MAX_BYTES").flatMap(Int.init) ?? 4 << 30)
    /// Webhooks: seconds to connect (`DATABANK_WEBHOOK_CONNECT_TIMEOUT`, 5) and to receive the answer
    /// (`DATABANK_WEBHOOK_RESPONSE_TIMEOUT`, 10), so a listener that never answers holds one delivery slot for that long.
    public var webhookConnectTimeout: Double = Settings.env("DATABANK_WEBHOOK_CONNECT_TIMEOUT", 5)
    public var webhookResponseTimeout: Double = Settings.env("DATABANK_WEBHOOK_RESPONSE_TIMEOUT", 10)
    /// Deliveries in flight at once per instance (`DATABANK_WEBHOOK_CONCURRENCY`, 8).
    public var webhookConcurrency: Int = Int(Settings.env("DATABANK_WEBHOOK_CONCURRENCY", 8))
    /// Open event streams (`/api/v1/open/streams/{code}/events`) one client address may hold at once
    /// (`DATABANK_OPEN_STREAMS_PER_CLIENT`, 4); one more is refused 429 `too_many_streams`.
    public var openStreamsPerClient: Int = Int(Settings.env("DATABANK_OPEN_STREAMS_PER_CLIENT", 4))
    /// Subscriptions a department may hold (`DATABANK_WEBHOOK_MAX_PER_DEPARTMENT`, 50).
    public var webhookMaxPerDepartment: Int = Int(Settings.env("DATABANK_WEBHOOK_MAX_PER_DEPARTMENT", 50))
    /// Private targets webhooks may reach (`DATABANK_WEBHOOK_ALLOW`, e.g. `127.0.0.1, 10.1.2.0/24, hooks.internal`);
    /// by default only public unicast addresses.
    var webhookAllow = WebhookAllowList(Environment.get("DATABANK_WEBHOOK_ALLOW"))
    /// Notification mail (`DATABANK_SMTP_URL`, `DATABANK_SMTP_FROM`); nil: in the app only.
    var smtp: SMTPSettings? = SMTPSettings(url: Environment.get("DATABANK_SMTP_URL"), from: Environment.get("DATABANK_SMTP_FROM"))
    /// Cookies marked `Secure` (`DATABANK_SECURE_COOKIES=1`, `--secure-cookies`): on whenever browsers reach
    /// DataBank over HTTPS, e.g. behind a TLS-terminating reverse proxy that forwards plain HTTP.
    /// Where residents and enterprises sign in (我的数据): the OpenID Connect provider (`DATABANK_OIDC_*`).
    var subjectIdentity: SubjectIdentitySettings? = SubjectIdentitySettings.fromEnvironment()
    public var secureCookies: Bool = Environment.get("DATABANK_SECURE_COOKIES") == "1"
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed (`DATABANK_TRUSTED_PROXIES`,
    /// `--trusted-proxies`, comma-separated). Empty: the client is the socket peer, whatever the headers say.
    public var trustedProxies: [String] = Settings.list(Environment.get("DATABANK_TRUSTED_PROXIES"))
    /// The portal's public address (`DATABANK_PUBLIC_URL`, e.g. `https://data.example.gov.cn`), as the
    /// open documents (DCAT-AP, OpenAPI) write it; unset: taken from the request's Host.
    public var publicURL: String? = PublicSite.normalise(Environment.get("DATABANK_PUBLIC_URL"))
    /// The open data API's limits (docs/SECURITY.md): anonymous callers per client address
    /// (`DATABANK_ANON_CALLS_PER_MINUTE`, 30), a new developer key's calls per minute
    /// (`DATABANK_KEY_CALLS_PER_MINUTE`, 120) and per day (`DATABANK_KEY_CALLS_PER_DAY`, 10,000).
    public var anonymousCallsPerMinute: Int = Int(Settings.env("DATABANK_ANON_CALLS_PER_MINUTE", 30))
    public var keyCallsPerMinute: Int = Int(Settings.env("DATABANK_KEY_CALLS_PER_MINUTE", 120))
    public var keyCallsPerDay: Int = Int(Settings.env("DATABANK_KEY_CALLS_PER_DAY", 10_000))
    /// Instances serving the API behind one balancer (`DATABANK_API_INSTANCES`, 1): each limits a
    /// caller to its share of the per-minute limit, so no extra database round trip is needed per call.
    public var apiInstances: Int = Int(Settings.env("DATABANK_API_INSTANCES", 1))
    /// How long a request waits for a database connection before it fails (10 s, PostgreSQL's
    /// and SQLite's pools alike); the test suite, hundreds of apps on two cores, waits longer.
    public var connectionPoolTimeout: Double = Settings.env("DATABANK_DB_POOL_TIMEOUT", 10)
    /// PostgreSQL connections per event loop (`DATABANK_PG_CONNECTIONS`, 4); an instance opens up to this × its
    /// cores. A 16-service joint check answered no faster with 8 or 16 on two cores (docs/PERFORMANCE.md).
    public var postgresConnections: Int = max(1, Int(Settings.env("DATABANK_PG_CONNECTIONS", 4)))
    /// Where connectors' SQLite files and watched folders live (`DATABANK_CONNECTOR_ROOT`; by default
    /// `connectors/` beside the database): a connector reads no file outside it. nil: file sources are off.
    public var connectorRoot: String?
    /// PostgreSQL hosts connectors may reach besides public addresses (`DATABANK_CONNECTOR_ALLOW`, the
    /// syntax of `DATABANK_WEBHOOK_ALLOW`: `10.1.0.0/16, db.internal`). Departments' databases sit on
    /// the government network, so it is usually set; unset, private addresses are refused.
    var connectorAllow = WebhookAllowList(Environment.get("DATABANK_CONNECTOR_ALLOW"))
    /// Peer nodes' hosts federation may reach besides public addresses (`DATABANK_FEDERATION_ALLOW`, the same
    /// syntax): nodes on the government network, or `127.0.0.1` for nodes on one machine (tests, the demo).
    var federationAllow = WebhookAllowList(Environment.get("DATABANK_FEDERATION_ALLOW"))
    /// Seconds between two pulls of a child's catalog (`DATABANK_FEDERATION_PULL_SECONDS`, 60).
    public var federationPullSeconds: Double = Settings.env("DATABANK_FEDERATION_PULL_SECONDS", 60)
    /// Connector runs one instance makes at once (`DATABANK_CONNECTOR_CONCURRENCY`, 2).
    public var connectorConcurrency: Int = Int(Settings.env("DATABANK_CONNECTOR_CONCURRENCY", 2))
    /// The largest answer (one page) an HTTP source may send, in bytes (`DATABANK_CONNECTOR_HTTP_PAGE_BYTES`, 32 MiB).
    public var connectorHTTPPageBytes: Int = Int(Settings.env("DATABANK_CONNECTOR_HTTP_PAGE_BYTES", 32 * 1024 * 1024))
    /// Seconds an HTTP source has to answer one page (`DATABANK_CONNECTOR_HTTP_TIMEOUT`, 60); connecting has 10.
    public var connectorHTTPTimeout: Double = Settings.env("DATABANK_CONNECTOR_HTTP_TIMEOUT", 60)
    /// Seconds between flushes of the counted calls to `api_usage` (`DATABANK_USAGE_FLUSH_SECONDS`, 2):
    /// how far behind another instance's calls the daily quota may be.
    public var usageFlushSeconds: Double = Settings.env("DATABANK_USAGE_FLUSH_SECONDS", 2)
    /// Backoff for wrong passwords and unknown tokens.
    public var signInThrottle = SignInThrottlePolicy()
    /// The platform's clock: time-bound decisions (grant validity, review deadlines, sign-in throttling)
    /// read it, through ``Application/today`` for dates; tests move it instead of writing dates that age.
    public var now: @Sendable () -> Date = { Date() }
    /// The audit key file (`DATABANK_AUDIT_KEY_FILE`): by default `audit.key` next to the SQLite
    /// file, `data/audit.key` for PostgreSQL; nil (a fixed, public key) for in-memory databases only.
    /// Every instance writing one database must use the same key.
    public var auditKeyFile: String?
    /// Make the key file when it is missing (not for `audit verify`, which needs the real one).
    public var createAuditKey = true
    /// The append-only checkpoint file (`DATABANK_AUDIT_CHECKPOINT_FILE`; empty: none): by default
    /// `audit-checkpoints.log` next to the key file.
    public var auditCheckpointFile: String?
    /// Whether this process adds checkpoints (not `audit verify`).
    public var writeAuditCheckpoints = true
    /// A checkpoint every so many entries (`DATABANK_AUDIT_CHECKPOINT_EVERY`) or seconds
    /// (`DATABANK_AUDIT_CHECKPOINT_SECONDS`), whichever comes first, and one at shutdown.
    public var auditCheckpointEvery = Environment.get("DATABANK_AUDIT_CHECKPOINT_EVERY").flatMap(Int.init) ?? 1000
    public var auditCheckpointInterval = Environment.get("DATABANK_AUDIT_CHECKPOINT_SECONDS").flatMap(TimeInterval.init) ?? 300

    public init(
        database: DatabaseLocation, maxBodySize: ByteCount = "2mb", noticeDays: Int = 7,
        sqliteCacheMiB: Int = 64, sqliteMmapMiB: Int = 256
    ) {
        self.database = database; self.maxBodySize = maxBodySize; self.noticeDays = noticeDays
        self.sqliteCacheMiB = sqliteCacheMiB; self.sqliteMmapMiB = sqliteMmapMiB
        let dataDirectory: String?
        switch database {
        case .sqliteFile(let path):
            let dir = (path as NSString).deletingLastPathComponent
            dataDirectory = dir.isEmpty ? "." : dir
        case .postgres: dataDirectory = "data"
        case .sqliteMemory: dataDirectory = nil
        }
        connectorRoot = Environment.get("DATABANK_CONNECTOR_ROOT") ?? dataDirectory.map { $0 + "/connectors" }
        if let dataDirectory {
            auditKeyFile = Environment.get("DATABANK_AUDIT_KEY_FILE") ?? dataDirectory + "/audit.key"
            let checkpoints = Environment.get("DATABANK_AUDIT_CHECKPOINT_FILE") ?? dataDirectory + "/audit-checkpoints.log"
            auditCheckpointFile = checkpoints.isEmpty ? nil : checkpoints
        }
    }
}

extension Settings {
    /// "a, b,c" → ["a", "b", "c"].
    static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A positive number from the environment, or the default.
    static func env(_ name: String, _ fallback: Double) -> Double {
        Environment.get(name).flatMap(Double.init).flatMap { $0 > 0 && $0.isFinite ? $0 : nil } ?? fallback
    }
}

struct SettingsKey: StorageKey { typealias Value = Settings }

extension Application {
    /// The settings `configure` was called with.
    public var settings: Settings {
        get { storage[SettingsKey.self] ?? Settings(database: .sqliteMemory) }
        set { storage[SettingsKey.self] = newValue }
    }
}
