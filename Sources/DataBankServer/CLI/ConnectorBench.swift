import Fluent
import Foundation
import NIOCore
import PostgresNIO
import SQLKit
import Vapor
import DataBankCore

/// `databank bench connectors`: issue 15's connector targets, each beside its reference in the same run
/// (on a shared machine only ratios from one run are stable).
///
/// 1. **Full pull**: `rows` rows from a PostgreSQL source table into a store by a `replace` connector,
///    beside `databank load --mode replace` of the same rows from the CSV file they were copied from into
///    another store of the same database. Target: the pull ≥ 80 % of the load's rate.
/// 2. **Incremental pull**: `changed` changed rows from a `sourceRows`-row source, by an indexed `bigint`
///    column. Target: < 2 s for the run. The store and the watermark are seeded by the connector's own
///    first run (incremental from no watermark: every row), printed but not the figure; past
///    `seedByRunUpTo` source rows the watermark is set directly and the store starts empty.
/// 3. **Relay across two nodes** (``RelayBench``): `changes` changes from one `databank serve` node to
///    another through a relay connector, end to end. Target: ≥ 50,000 changes/s; the lag printed.
///
/// Each is run on a SQLite store and on a PostgreSQL store (the relay: two SQLite nodes, two PostgreSQL nodes). The load and the connector runs are `databank`
/// child processes on the store's database (`load`, `connectors run`): the commands a user runs, whose CPU
/// time (and the local PostgreSQL server's) is read around each.
///
/// The source tables are in the schema `databank_bench` of the PostgreSQL database `--database-url`
/// names, or else `DATABANK_TEST_DATABASE_URL`'s, kept between runs (a table is rebuilt only when its
/// size changes). That database is also the PostgreSQL store (emptied first, as the other benches do);
/// the SQLite store is `--database-url`'s file, or a file in the temp folder.
struct ConnectorBench {
    let app: Application
    let console: any Console
    let rows: Int
    let changed: Int
    let sourceRows: Int
    /// Changes the relay carries (scenario 3).
    var changes = 1_000_000
    /// `relay`, `relay-sqlite`, `relay-postgresql`: scenario 3 only (on both, or on one dialect).
    var only: String?
    var table: [(String, String, String)] = []
    /// The PostgreSQL server whose CPU is counted beside the child's (``BenchCPU``): the source's, which is the PostgreSQL store's too.
    var postmaster: Int?

    static let schema = "databank_bench"
    /// The load's store, the full pull's, the incremental pull's: the bus bench's layout in each.
    static let loadCode = BusBench.resourceCode
    static let pullCode = "109001-00002"
    static let incrementalCode = "109001-00003"
    /// Source sizes up to this are seeded by the connector's own first run; larger ones directly.
    static let seedByRunUpTo = 1_000_000

    mutating func row(_ name: String, _ value: String, _ target: String) {
        table.append((name, value, target)); console.print("\(name): \(value) (target \(target))")
    }

    mutating func run() async throws {
        guard let pg = try PostgresTarget.find(app.settings.database) else {
            throw CLIError(
                "bench connectors needs a PostgreSQL server for its source tables: give --database-url postgres://… or set DATABANK_TEST_DATABASE_URL (scripts/pg-throwaway starts one)",
                zh: "bench connectors 需要 PostgreSQL 存放源表：请用 --database-url postgres://… 或设置 DATABANK_TEST_DATABASE_URL（scripts/pg-throwaway 可启动一个）")
        }
        // The connectors' children reach the source on this machine: allowed for them explicitly.
        let allow = [ProcessInfo.processInfo.environment["DATABANK_CONNECTOR_ALLOW"], pg.host].compactMap { $0 }.joined(separator: ", ")
        setenv("DATABANK_CONNECTOR_ALLOW", allow, 1)

        if let only, only.hasPrefix("relay") {
            let backend = try await pg.withConnection(app) { c in
                try await c.query("SELECT pg_backend_pid()", logger: app.logger).collect().first?.decode(Int32.self)
            }
            postmaster = backend.flatMap { BenchCPU.postmaster(ofBackend: Int($0)) }
            try await relayAcrossTwoNodes(
                pg: pg, dialects: only == "relay-sqlite" ? ["SQLite"] : only == "relay-postgresql" ? ["PostgreSQL"] : ["SQLite", "PostgreSQL"])
            return
        }
        let csv = try BusBench.generatedFile(to: rows)
        let sourceStart = ContinuousClock.now
        let (full, incremental, backend) = try await pg.withConnection(app) { c in
            (
                try await Self.fullSource(c, rows: rows, csv: csv, logger: app.logger),
                try await Self.incrementalSource(c, rows: sourceRows, logger: app.logger),
                try await c.query("SELECT pg_backend_pid()", logger: app.logger).collect().first?.decode(Int32.self)
            )
        }
        postmaster = backend.flatMap { BenchCPU.postmaster(ofBackend: Int($0)) }
        console.print(
            String(
                format: "source tables %@ (%d rows), %@ (%d rows) ready in %.1f s", full, rows, incremental, sourceRows,
                (ContinuousClock.now - sourceStart).seconds))

        var stores: [(String, DatabaseLocation)] = []
        switch app.settings.database {
        case .sqliteFile(let path): stores.append(("SQLite", .sqliteFile(path)))
        default:
            stores.append(("SQLite", .sqliteFile(FileManager.default.temporaryDirectory.appendingPathComponent("databank-bench-connectors.sqlite").path)))
        }
        stores.append(("PostgreSQL", .postgres(pg.url)))
        for (dialect, location) in stores {
            try await Self.withStoreApp(location) { store in
                try await storeScenarios(dialect, store: store, pg: pg, csv: csv, full: full, incremental: incremental)
            }
        }
        try await relayAcrossTwoNodes(pg: pg, dialects: ["SQLite", "PostgreSQL"])
    }

    // MARK: Scenario 3 — relay across two nodes

    /// Two `databank serve` nodes per dialect, `changes` changes relayed from one to the other (``RelayBench``).
    private mutating func relayAcrossTwoNodes(pg: PostgresTarget, dialects: [String]) async throws {
        for dialect in dialects {
            var relay = RelayBench(app: app, console: console, changes: changes, dialect: dialect, pg: pg, postmaster: dialect == "SQLite" ? nil : postmaster)
            try await relay.run()
            table += relay.rows
        }
    }

    // MARK: Per store

    private mutating func storeScenarios(
        _ dialect: String, store: Application, pg: PostgresTarget, csv: String, full: String, incremental: String
    ) async throws {
        let (url, _) = try await BusBench.freshStore(store, bench: "connectors", codes: [Self.loadCode, Self.pullCode, Self.incrementalCode])
        try await Self.addConnector("bench-full", resource: Self.pullCode, table: full, mode: "replace", pg: pg, app: store)
        try await Self.addConnector("bench-incremental", resource: Self.incrementalCode, table: incremental, mode: "incremental", pg: pg, app: store)

        // 1. Full pull beside `databank load` of the same rows. Both profile the store after the load (the
        // connector's run queues it), outside the seconds compared and inside the CPU printed.
        var cpu = BenchCPU.now(postmaster: postmaster)
        let load = try BusBench.runChild(["load", Self.loadCode, csv, "--mode", "replace", "--json", "--database-url", url])
        let loadCPU = BenchCPU.now(postmaster: postmaster).since(cpu)
        let summary = try JSONDecoder().decode(LoadFigures.self, from: Data(load.output.utf8))
        let loaded = summary.inserted, loadSeconds = summary.seconds
        let loadLoad = Self.loadAverage()
        cpu = BenchCPU.now(postmaster: postmaster)
        let pull = try await runConnector("bench-full", url: url, store: store)
        let pullCPU = BenchCPU.now(postmaster: postmaster).since(cpu)
        let pullLoad = Self.loadAverage()
        let loadRate = Double(loaded) / max(loadSeconds, 0.000_001), pullRate = Double(pull.inserted) / max(pull.seconds, 0.000_001)
        row(
            "full pull, \(rows) rows, PostgreSQL source → \(dialect) store (connector, replace)",
            String(format: "%.0f rows/s (%d rows in %.2f s; CPU %@; load avg %@)", pullRate, pull.inserted, pull.seconds, Self.cpu(pullCPU), pullLoad), "-")
        row(
            "reference: databank load --mode replace, the same rows from CSV, \(dialect) store",
            String(format: "%.0f rows/s (%d rows in %.2f s; CPU %@; load avg %@)", loadRate, loaded, loadSeconds, Self.cpu(loadCPU), loadLoad), "-")
        row("full pull / load rate, \(dialect), same run", String(format: "%.0f %%", 100 * pullRate / max(loadRate, 0.000_001)), "≥ 80 %")

        // 2. Incremental pull. Up to `seedByRunUpTo` source rows the connector's own first run seeds the store and
        // the watermark (not the figure); past that it would take minutes on a shared machine, so the watermark is
        // set directly to the source's largest `version` and the store starts empty (the timed run inserts).
        if sourceRows <= Self.seedByRunUpTo {
            let seed = try await runConnector("bench-incremental", url: url, store: store)
            console.print(
                String(
                    format: "incremental, %@: first run pulled all %d source rows in %.1f s (seeds the store and the watermark; not the figure)",
                    dialect, seed.read, seed.seconds))
        } else {
            let top = try await pg.withConnection(app) { c in
                try await c.query(PostgresQuery(unsafeSQL: "SELECT max(version) FROM \(incremental)"), logger: app.logger).collect().first?.decode(
                    Int.self) ?? 0
            }
            try await store.db.sql.raw(
                "UPDATE connectors SET watermark = \(bind: String(top)), watermark_type = 'bigint' WHERE code = 'bench-incremental'"
            ).run()
            console.print("incremental, \(dialect): watermark set directly to \(top), the store empty (a first pull of \(sourceRows) rows is not run)")
        }
        try await pg.withConnection(app) { c in try await Self.change(c, table: incremental, rows: sourceRows, changed: changed, logger: app.logger) }
        let pulled = try await runConnector("bench-incremental", url: url, store: store)
        row(
            "incremental pull of \(changed) changed rows from a \(sourceRows)-row source, \(dialect) store",
            String(
                format: "%.2f s (the run: %d read, %d updated, %d inserted; process %.2f s; load avg %@)", pulled.seconds, pulled.read,
                pulled.updated, pulled.inserted, pulled.process,
                Self.loadAverage()), "< 2 s")
    }

    /// What the bench reads of `databank load --json`.
    struct LoadFigures: Decodable { var inserted: Int; var seconds: Double }

    struct RunFigures { var seconds: Double; var read: Int; var inserted: Int; var updated: Int; var process: Double }

    /// `databank connectors run CODE` as a child; the figures from its history row (to the millisecond).
    func runConnector(_ code: String, url: String, store: Application) async throws -> RunFigures {
        let child = try BusBench.runChild(["connectors", "run", code, "--database-url", url])
        guard let run = try await ConnectorRunRow.query(on: store.db).filter(\.$connectorCode == code).sort(\.$startedAt, .descending).first(),
            run.status == "succeeded"
        else { throw CLIError("connector \(code) did not succeed: \(child.output.suffix(400))") }
        if run.refused > 0 { throw CLIError("connector \(code) refused \(run.refused) rows: \(run.error ?? "")") }
        return RunFigures(seconds: run.seconds ?? child.seconds, read: run.rowsRead, inserted: run.inserted, updated: run.updated, process: child.seconds)
    }

    static func cpu(_ c: BenchCPU) -> String {
        String(format: "%.1f s", c.children) + (c.postgres.map { String(format: " + PostgreSQL %.1f s", $0) } ?? "")
    }

    /// The 1-minute load average, as `uptime` shows it.
    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).flatMap { $0.split(separator: " ").first.map(String.init) } ?? "?"
    }

    /// An app on a store's database, for the setup and the runs' history; shut down afterwards.
    static func withStoreApp(_ location: DatabaseLocation, _ body: (Application) async throws -> Void) async throws {
        let app = try await Application.make(Environment(name: "production", arguments: ["databank"]))
        do {
            try await configure(app, settings: Settings(database: location))
            try await body(app)
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// A connector reading `table` of the source with the store's items (identity mapping), its password sealed.
    static func addConnector(_ code: String, resource: String, table: String, mode: String, pg: PostgresTarget, app: Application) async throws {
        let store = try await RecordStores.find(resource, on: app.db)
        let row = ConnectorRow()
        row.code = code; row.name = code; row.resourceCode = resource; row.departmentCode = store.departmentCode; row.ownerName = "bench"
        let source = ConnectorSource(kind: "postgres", table: table, host: pg.host, port: pg.port, database: pg.database, user: pg.user)
        row.sourceKind = source.kind
        row.source = String(decoding: try JSONEncoder().encode(source), as: UTF8.self)
        if let password = pg.password { row.secret = ConnectorSecrets.seal(password, code: code, key: try await ConnectorSecrets.key(app: app, on: app.db)) }
        row.mapping = String(decoding: try JSONEncoder().encode(ConnectorMapping.identity(store.recordLayout).pairs), as: UTF8.self)
        row.schedule = "0 3 * * *"; row.mode = mode; row.watermarkColumn = mode == "incremental" ? "version" : nil
        row.status = "active"; row.failures = 0; row.maxFailures = 5
        row.nextRunAt = app.settings.now().addingTimeInterval(86_400)
        try await row.create(on: app.db)
    }

    // MARK: Source tables

    /// The rows of the bus bench's CSV in a table of their own types, copied in (COPY, text format).
    static func fullSource(_ c: PostgresConnection, rows: Int, csv: String, logger: Logger) async throws -> String {
        let name = "\(schema).people_\(rows)"
        if try await ready(c, name, rows: rows, logger: logger) { return name }
        try await c.query(
            PostgresQuery(
                unsafeSQL: """
                    CREATE TABLE \(name) (id_number text PRIMARY KEY, name text NOT NULL, employer text, credit_code text, region text,
                        amount numeric(12,2), months integer, paid_on date, updated_at timestamp, active boolean)
                    """), logger: logger)
        // COPY quotes the table's name whole: the schema is the search path's.
        try await c.query(PostgresQuery(unsafeSQL: "SET search_path TO \(schema)"), logger: logger)
        try await c.copyFrom(table: "people_\(rows)", logger: logger) { writer in
            let file = try FileHandle(forReadingFrom: URL(fileURLWithPath: csv))
            defer { try? file.close() }
            var header = true
            while let data = try file.read(upToCount: 1 << 20), !data.isEmpty {
                // The generated CSV quotes nothing and holds no tab: its commas become COPY's tabs.
                var bytes = [UInt8](data)
                var start = 0
                if header, let end = bytes.firstIndex(of: 0x0A) { start = end + 1; header = false }
                for i in start..<bytes.count where bytes[i] == 0x2C { bytes[i] = 0x09 }
                try await writer.write(ByteBuffer(bytes: bytes[start...]))
            }
        }
        try await finish(c, name, rows: rows, logger: logger)
        return name
    }

    /// `rows` rows made by the server (`generate_series`), with `version`, the monotonically increasing
    /// column the connector reads past, indexed.
    static func incrementalSource(_ c: PostgresConnection, rows: Int, logger: Logger) async throws -> String {
        let name = "\(schema).changes_\(rows)"
        if try await ready(c, name, rows: rows, logger: logger) { return name }
        for sql in [
            """
            CREATE TABLE \(name) (n bigint NOT NULL, id_number text NOT NULL, name text, employer text, credit_code text, region text,
                amount numeric(12,2), months integer, paid_on date, updated_at timestamp, active boolean, version bigint NOT NULL)
            """,
            """
            INSERT INTO \(name) SELECT i, lpad(i::text, 18, '0'), '姓名' || (i % 1000), '佛山市第' || (i % 997) || '号制造有限公司',
                '91440600MA' || lpad((i % 10000000)::text, 7, '0') || 'X', (440604 + i % 5)::text, (i % 100000) / 100.0, i % 240,
                date '2024-01-01' + (i % 365)::int, timestamp '2024-01-01' + make_interval(secs => i % 86400), i % 3 <> 0, i
            FROM generate_series(1, \(rows)) AS i
            """,
            "ALTER TABLE \(name) ADD PRIMARY KEY (n)",
            "CREATE INDEX ON \(name) (version)"
        ] {
            try await c.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
        try await finish(c, name, rows: rows, logger: logger)
        return name
    }

    /// `changed` rows spread over the table move past every watermark (and change a value).
    static func change(_ c: PostgresConnection, table: String, rows: Int, changed: Int, logger: Logger) async throws {
        let step = max(1, rows / max(changed, 1))
        try await c.query(
            PostgresQuery(
                unsafeSQL: """
                    UPDATE \(table) AS t SET version = m.v + t.n, months = t.months + 1 FROM (SELECT max(version) AS v FROM \(table)) AS m
                    WHERE t.n % \(step) = 0 AND t.n <= \(step * changed)
                    """), logger: logger)
    }

    /// Whether `name` holds `rows` rows already (a table of an earlier run); if not, it is dropped.
    private static func ready(_ c: PostgresConnection, _ name: String, rows: Int, logger: Logger) async throws -> Bool {
        try await c.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: logger)
        try await c.query(
            PostgresQuery(unsafeSQL: "CREATE TABLE IF NOT EXISTS \(schema).tables (name text PRIMARY KEY, row_count bigint NOT NULL)"), logger: logger)
        for try await count in try await c.query("SELECT row_count FROM databank_bench.tables WHERE name = \(name)", logger: logger).decode(Int.self)
        where count == rows {
            return true
        }
        try await c.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(name)"), logger: logger)
        try await c.query("DELETE FROM databank_bench.tables WHERE name = \(name)", logger: logger)
        return false
    }

    private static func finish(_ c: PostgresConnection, _ name: String, rows: Int, logger: Logger) async throws {
        try await c.query(PostgresQuery(unsafeSQL: "ANALYZE \(name)"), logger: logger)
        try await c.query("INSERT INTO databank_bench.tables (name, row_count) VALUES (\(name), \(rows))", logger: logger)
    }
}

/// The PostgreSQL server the bench's sources live on, from a `postgres://user:password@host:port/database` URL.
struct PostgresTarget: Sendable {
    var url: String
    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String

    /// The bench database when it is PostgreSQL, else `DATABANK_TEST_DATABASE_URL`; nil when neither.
    static func find(_ database: DatabaseLocation) throws -> PostgresTarget? {
        let url: String
        if case .postgres(let own) = database {
            url = own
        } else if let test = Environment.get("DATABANK_TEST_DATABASE_URL"), !test.isEmpty {
            url = test
        } else {
            return nil
        }
        guard let parts = URLComponents(string: url), let host = parts.host, let user = parts.user, parts.path.count > 1 else {
            throw CLIError("cannot read the PostgreSQL URL \(DatabaseLocation.postgres(url).redacted)")
        }
        return PostgresTarget(
            url: url, host: host, port: parts.port ?? 5432, user: user.removingPercentEncoding ?? user,
            password: parts.password.map { $0.removingPercentEncoding ?? $0 }, database: String(parts.path.dropFirst()))
    }

    func withConnection<T>(_ app: Application, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
        let connection = try await PostgresConnection.connect(on: app.eventLoopGroup.any(), configuration: configuration, id: 1, logger: app.logger).get()
        do {
            let answer = try await body(connection)
            try await connection.close()
            return answer
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
