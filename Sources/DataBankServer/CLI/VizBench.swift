import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `databank bench viz`: the aggregate engine beside the databases' own shells. The bus bench's
/// generated store (region, amount …) of `rows` records; the ad-hoc aggregate (group by region,
/// count + sum of the amount) over HTTP against `databank serve`, and the same `GROUP BY` run by
/// the `sqlite3` shell on the same file (or `psql` on PostgreSQL), best of three each, alternating;
/// DuckDB (PyPI, in a venv under `.build/`) on the same rows as the analytic reference. Then the
/// saved chart's path: a dashboard of eight saved charts (``dashboardScenario(client:token:)``), the
/// same aggregate registered as a rollup and answered from it, and what maintaining it adds to
/// ingest (``rollupScenarios(client:url:token:direct:directSeconds:dbURL:)``).
struct VizBench {
    let app: Application
    let console: any Console
    let rows: Int
    /// Rows of the file loaded with and without a rollup (the maintenance overhead).
    var ingestRows = 1_000_000
    var table: [(String, String, String)] = []

    static let code = BusBench.resourceCode

    mutating func row(_ name: String, _ value: String, _ target: String) {
        table.append((name, value, target)); console.print("\(name): \(value) (target \(target))")
    }

    mutating func run() async throws {
        let (dbURL, dbPath) = try await BusBench.freshStore(app, bench: "viz")
        // The store, from the bus bench's generated files (shared with it), loaded with `databank load`.
        var files: [String] = []
        var first = 0
        while first < rows {
            let last = min(rows, first + 5_000_000)
            files.append(try BusBench.generatedFile(from: first, to: last))
            _ = try BusBench.runChild(["load", Self.code, files.last!, "--mode", "append", "--database-url", dbURL, "--no-profile"])
            first = last
        }
        console.print("store: \(rows) rows")
        let store = try await RecordStores.find(Self.code, on: app.db)
        let statement = "SELECT region, COUNT(*), SUM(amount) FROM \"\(store.tables.records)\" GROUP BY region"

        let server = try startServer(dbURL)
        defer { server.terminate(); server.waitUntilExit() }
        let token = try await BusBench.token(for: "scj_steward", dbURL: dbURL)
        let client = app.client
        try await waitForServer(client)
        let url = "http://127.0.0.1:\(Self.port)/api/v1/resources/\(Self.code)/aggregate?group=region&measures=count,sum(amount)"
        // Once to check the answer (five districts, every row counted) and to warm the caches.
        let check = try await client.get(URI(string: url), headers: ["Authorization": "Bearer \(token)"])
        let body = check.body.map { String(buffer: $0) } ?? ""
        guard check.status == .ok, body.contains("\"total\":\(rows)") else { throw CLIError("aggregate answered \(check.status.code): \(body.prefix(300))") }

        let shell: (name: String, args: [String])
        if let dbPath {
            shell = ("sqlite3", ["sqlite3", dbPath, statement])
        } else {
            shell = ("psql", ["psql", dbURL, "-X", "-q", "-A", "-t", "-c", statement])
        }
        _ = try? BusBench.runChild(shell.args, executable: "/usr/bin/env")  // warm the page cache alike
        var api = Double.infinity, direct = Double.infinity
        for _ in 0..<3 {
            api = min(api, try await BusBench.timedGet(client, url, token: token))
            direct = min(direct, try BusBench.runChild(shell.args, executable: "/usr/bin/env").seconds)
        }
        row(
            "group by region, count + sum(amount), \(rows) rows: HTTP API / \(shell.name) shell (best of 3)",
            String(format: "%.3f s / %.3f s (%.2f×)", api, direct, api / direct), "≤ 1.5×")

        // A date bucket and a percentile, for scale (no peer: the shells have no median on SQLite).
        var bucket = Double.infinity, median = Double.infinity
        for _ in 0..<3 {
            bucket = min(bucket, try await BusBench.timedGet(client, url.replacingOccurrences(of: "group=region", with: "group=paid_on:month"), token: token))
            median = min(median, try await BusBench.timedGet(client, url + ",median(amount)", token: token))
        }
        row("group by paid_on:month, count + sum(amount), HTTP API", String(format: "%.3f s", bucket), "-")
        row("group by region, count + sum + median(amount), HTTP API", String(format: "%.3f s", median), "-")

        try await dashboardScenario(client: client, token: token)
        try await rollupScenarios(client: client, url: url, token: token, direct: body, directSeconds: api, dbURL: dbURL)

        if let duck = try? duckDB(files) {
            row(
                "DuckDB \(duck.version) (PyPI), same rows in memory, same GROUP BY (analytic reference)",
                String(format: "%.3f s (API %.1f× of it)", duck.seconds, api / duck.seconds), "-")
        } else {
            row("DuckDB (PyPI)", "not available (python3 -m venv .build/bench-venv && .build/bench-venv/bin/pip install duckdb)", "-")
        }
    }

    /// The saved chart's aggregate (group by region, count + sum) registered as a rollup: the time to
    /// build it, then its answer over HTTP (p99 of 200 sequential requests, checked byte for byte against
    /// the direct answer); then the same `ingestRows` file appended to the emptied store without and
    /// with the rollup registered, three of each, alternating, compared on CPU time (``BenchCPU``).
    mutating func rollupScenarios(client: any Client, url: String, token: String, direct: String, directSeconds: Double, dbURL: String) async throws {
        let spec = "group=region&measures=count,sum(amount)"
        let build = try BusBench.runChild(["stores", "rollups", Self.code, "--add", spec, "--database-url", dbURL])
        let id = try rollupID(build.output)
        row("rollup build (group by region, count + sum(amount)), \(rows) rows", String(format: "%.3f s", build.seconds), "-")
        let first = try await client.get(URI(string: url), headers: ["Authorization": "Bearer \(token)"])
        guard first.body.map({ String(buffer: $0) }) == direct else { throw CLIError("the rollup's answer differs from the direct aggregate's") }
        var samples = Samples()
        for _ in 0..<200 { samples.add(try await BusBench.timedGet(client, url, token: token)) }
        row(
            "saved chart from its rollup (same aggregate), \(rows) rows: p50 / p99 of 200",
            String(format: "%.2f ms / %.2f ms (direct %.0f ms)", samples.p(0.5) * 1000, samples.p(0.99) * 1000, directSeconds * 1000), "p99 < 20 ms")
        _ = try BusBench.runChild(["stores", "rollups", Self.code, "--remove", id, "--database-url", dbURL])

        // Ingest with and without the rollup: the store emptied by a header-only replace, then the file appended.
        let file = try BusBench.generatedFile(to: ingestRows)
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("databank-bench-viz-empty.csv").path
        guard let handle = FileHandle(forReadingAtPath: file) else { throw CLIError("cannot read \(file)") }
        let header = String(decoding: handle.readData(ofLength: 4096), as: UTF8.self).prefix { $0 != "\n" }
        try handle.close()
        FileManager.default.createFile(atPath: empty, contents: Data((header + "\n").utf8))
        defer { try? FileManager.default.removeItem(atPath: empty) }
        // Alternating, three of each. Wall time here moves with whatever else the machine runs; the CPU
        // the load costs (the load process, and PostgreSQL's when it is local) moves far less, so the
        // overhead is read on the CPU, with the wall times beside it.
        var wall: [Bool: [Double]] = [false: [], true: []]
        var cpu: [Bool: [BenchCPU]] = [false: [], true: []]
        var registered: String?
        let postgres = RecordTables.Dialect(app.db.sql) == .postgres
        let tables = try await RecordStores.find(Self.code, on: app.db).tables
        // PostgreSQL: autovacuum kept off the store's tables during the trials (each trial vacuums
        // explicitly, untimed): a worker vacuuming the emptied rows — ten million after the big store —
        // landed inside a timed load at random and was charged to it (the postmaster's children count).
        if postgres { try await autovacuum(false, tables) }
        let postmaster = postgres ? await BenchCPU.postmaster(of: app.db.sql) : nil
        for trial in 0..<6 {
            let withRollup = trial % 2 == 1
            _ = try BusBench.runChild(["load", Self.code, empty, "--mode", "replace", "--database-url", dbURL, "--no-profile"])
            if withRollup {
                registered = try rollupID(try BusBench.runChild(["stores", "rollups", Self.code, "--add", spec, "--database-url", dbURL]).output)
            }
            // PostgreSQL: the emptied rows vacuumed and the previous load's dirty pages written now, not
            // charged to this load (CHECKPOINT needs superuser or pg_checkpoint; without, only noisier).
            if postgres {
                try await app.db.sql.raw("VACUUM ANALYZE \(ident: tables.records)").run()
                try await app.db.sql.raw("VACUUM ANALYZE \(ident: tables.changes)").run()
                try? await app.db.sql.raw("CHECKPOINT").run()
            }
            let before = BenchCPU.now(postmaster: postmaster)
            let seconds = try BusBench.runChild(["load", Self.code, file, "--mode", "append", "--database-url", dbURL, "--no-profile"]).seconds
            cpu[withRollup, default: []].append(BenchCPU.now(postmaster: postmaster).since(before))
            wall[withRollup, default: []].append(seconds)
            if withRollup, let id = registered {
                _ = try BusBench.runChild(["stores", "rollups", Self.code, "--remove", id, "--database-url", dbURL])
            }
        }
        if postgres { try await autovacuum(true, tables) }
        let plainWall = wall[false, default: []].min() ?? .nan, maintainedWall = wall[true, default: []].min() ?? .nan
        row(
            "rollup maintenance on ingest: append \(ingestRows) rows without / with a rollup, wall (best of 3)",
            String(format: "%.2f s / %.2f s (%+.1f %%)", plainWall, maintainedWall, (maintainedWall / plainWall - 1) * 100), "-")
        let median = { (runs: [BenchCPU]) in runs.map(\.total).sorted()[runs.count / 2] }
        let plain = median(cpu[false, default: []]), maintained = median(cpu[true, default: []])
        let whose = cpu[false, default: []].first?.postgres == nil ? "load process" : "load process + PostgreSQL"
        row(
            "rollup maintenance on ingest: CPU seconds (\(whose)), without / with a rollup (median of 3)",
            String(format: "%.2f s / %.2f s (%+.1f %%; each: ", plain, maintained, (maintained / plain - 1) * 100)
                + [false, true].map { cpu[$0, default: []].map { String(format: "%.1f", $0.total) }.joined(separator: ", ") }.joined(separator: " / ") + ")",
            "< 10 %")
    }

    /// Turns autovacuum on or off for the store's two tables (a per-table storage parameter).
    func autovacuum(_ on: Bool, _ tables: RecordTables) async throws {
        for table in [tables.records, tables.changes] {
            try await app.db.sql.raw("ALTER TABLE \(ident: table) SET (autovacuum_enabled = \(unsafeRaw: on ? "true" : "false"))").run()
        }
    }

    func rollupID(_ output: String) throws -> String {
        guard let line = output.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("added ") }),
            let id = line.split(separator: " ").dropFirst().first
        else { throw CLIError("stores rollups --add answered: \(output.prefix(300))") }
        return String(id.dropLast())
    }

    /// A port of its own (the bus bench's 18480 may be taken by another bench running beside it).
    static let port = 18486

    func startServer(_ dbURL: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        p.arguments = ["serve", "--port", String(Self.port), "--database-url", dbURL, "--log", "warning"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    func waitForServer(_ client: any Client) async throws {
        for _ in 0..<200 {
            if let r = try? await client.get("http://127.0.0.1:\(Self.port)/healthz"), r.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIError("databank serve did not start on port \(Self.port)")
    }

    /// DuckDB from PyPI in `.build/bench-venv` (created and installed when missing): the generated
    /// CSV's region and amount read into an in-memory table (not timed), then the GROUP BY, best of 3.
    func duckDB(_ files: [String]) throws -> (seconds: Double, version: String) {
        let venv = FileManager.default.currentDirectoryPath + "/.build/bench-venv"
        let python = venv + "/bin/python"
        if !FileManager.default.isExecutableFile(atPath: python) {
            _ = try BusBench.runChild(["python3", "-m", "venv", venv], executable: "/usr/bin/env")
        }
        if (try? BusBench.runChild([python, "-c", "import duckdb"], executable: "/usr/bin/env")) == nil {
            _ = try BusBench.runChild([venv + "/bin/pip", "install", "--quiet", "duckdb"], executable: "/usr/bin/env")
        }
        let script = """
            import duckdb, sys, time
            con = duckdb.connect()
            con.execute("CREATE TABLE r AS SELECT region, amount FROM read_csv(?, header=true, types={'region': 'VARCHAR', 'amount': 'DECIMAL(12,2)'})", [sys.argv[1:]])
            best = float('inf')
            for _ in range(3):
                t = time.perf_counter()
                con.execute("SELECT region, COUNT(*), SUM(amount) FROM r GROUP BY region").fetchall()
                best = min(best, time.perf_counter() - t)
            print(duckdb.__version__, best)
            """
        let out = try BusBench.runChild([python, "-c", script] + files, executable: "/usr/bin/env")
        let parts = out.output.split(whereSeparator: \.isWhitespace)
        guard parts.count >= 2, let seconds = Double(parts[parts.count - 1]) else { throw CLIError("duckdb: \(out.output)") }
        return (seconds, String(parts[parts.count - 2]))
    }
}
