import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `databank bench catalog`: the catalog's benchmark scenarios, printed as a table.
///
/// Run it on a release build (`swift run -c release databank bench catalog`). Each scenario
/// builds its own throw-away database (SQLite files under a temp folder, or the database
/// named by `--database-url` for PostgreSQL, which is emptied first).
struct BenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "scenario", help: "catalog, bus, access, quality, profile, lookup, open, viz, heat, connectors, services, warnings or my")
        var scenario: String
        @Option(name: "resources", help: "catalog, open: size of the synthetic catalog (default 50000)")
        var resources: Int?
        @Option(name: "queries", help: "Requests per scenario (default 400 searches; 2000 reads for bus; 1000 for open)")
        var queries: Int?
        @Option(
            name: "rows",
            help:
                "bus, quality: rows in the generated CSV (default 1000000); connectors: rows of the full pull (default 1000000); lookup: names in the register (default 1000000); profile: rows in the store (default 10000000); open: rows of the CSV download (default 1000000); viz: rows in the store (default 10000000); services: rows in each of the four stores (default 10000000); warnings: rows appended (default 1000000); my: rows of the store read (default 1000000)"
        )
        var rows: Int?
        @Option(name: "read-rows", help: "bus, access, open: rows in the store for the read scenarios (default 10000000)")
        var readRows: Int?
        @Option(name: "lookup-records", help: "open: disclosure records behind the name look-up (default 35000000)")
        var lookupRecords: Int?
        @Option(name: "ingest-rows", help: "viz: rows loaded with and without a registered rollup, for its ingest overhead (default 1000000)")
        var ingestRows: Int?
        @Option(name: "days", help: "heat: days of daily statistics (default 365)")
        var days: Int?
        @Option(name: "units", help: "heat: units (departments) consuming; the catalog has 9 resources per unit (default 116)")
        var units: Int?
        @Option(name: "audit-entries", help: "heat: raw audit entries to roll up; my: audit entries touching residents (default 10000000)")
        var auditEntries: Int?
        @Option(name: "changed", help: "connectors: changed rows the incremental pull reads (default 10000)")
        var changed: Int?
        @Option(name: "source-rows", help: "connectors: rows of the incremental pull's source (default 1000 × changed)")
        var sourceRows: Int?
        @Option(name: "changes", help: "connectors: changes the relay across two nodes carries (default 1000000)")
        var changes: Int?
        @Option(name: "applicants", help: "services: applicants in the joint-check batch (default 100000)")
        var applicants: Int?
        @Option(name: "only", help: "open: run only this part (package_search); connectors: relay, relay-sqlite or relay-postgresql (scenario 3 only)")
        var only: String?
        init() {}
    }

    var help: String {
        "Runs benchmark scenarios (catalog, bus, access, quality, profile, lookup, open, viz, heat, connectors, services, warnings, my) and prints a table of figures; use a release build."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application, console = context.console
        // A count of nothing would run a scenario on nothing and print figures of nothing.
        let counts: [(name: String, value: Int?)] = [
            ("resources", signature.resources), ("queries", signature.queries), ("rows", signature.rows), ("read-rows", signature.readRows),
            ("lookup-records", signature.lookupRecords), ("ingest-rows", signature.ingestRows), ("days", signature.days), ("units", signature.units),
            ("audit-entries", signature.auditEntries), ("changed", signature.changed), ("source-rows", signature.sourceRows),
            ("changes", signature.changes), ("applicants", signature.applicants)
        ]
        if let bad = counts.first(where: { ($0.value ?? 1) < 1 }) { throw CLIError("--\(bad.name) must be at least 1") }
        let scenario: (any BenchScenario)? =
            switch signature.scenario {
            case "bus":
                BusBench(
                    app: app, console: console, rows: signature.rows ?? 1_000_000, readRows: signature.readRows ?? 10_000_000,
                    requests: signature.queries ?? 2_000)
            case "profile": ProfileBench(app: app, console: console, rows: signature.rows ?? 10_000_000)
            case "access":
                AccessBench(app: app, console: console, rows: signature.readRows ?? 10_000_000, requests: signature.queries ?? 2_000, batchSize: 100_000)
            case "lookup": LookupBench(app: app, console: console, rows: signature.rows ?? 1_000_000, requests: signature.queries ?? 400)
            case "open":
                OpenBench(
                    app: app, console: console, resources: signature.resources ?? 50_000, readRows: signature.readRows ?? 10_000_000,
                    downloadRows: signature.rows ?? 1_000_000, lookupRecords: signature.lookupRecords ?? 35_000_000,
                    requests: signature.queries ?? 1_000, onlySearch: signature.only == "package_search")
            case "quality": QualityBench(console: console, rows: signature.rows ?? 1_000_000)
            case "viz": VizBench(app: app, console: console, rows: signature.rows ?? 10_000_000, ingestRows: signature.ingestRows ?? 1_000_000)
            case "heat":
                HeatBench(
                    app: app, console: console, days: signature.days ?? 365, units: signature.units ?? 116,
                    auditEntries: signature.auditEntries ?? 10_000_000)
            case "connectors":
                ConnectorBench(
                    app: app, console: console, rows: signature.rows ?? 1_000_000, changed: signature.changed ?? 10_000,
                    sourceRows: signature.sourceRows ?? 1_000 * (signature.changed ?? 10_000), changes: signature.changes ?? 1_000_000,
                    only: signature.only)
            case "warnings": WarningsBench(app: app, console: console, rows: signature.rows ?? 1_000_000)
            case "my":
                MyDataBench(
                    app: app, console: console, rows: signature.rows ?? 1_000_000, auditEntries: signature.auditEntries ?? 10_000_000,
                    requests: signature.queries ?? 400)
            case "services":
                ServicesBench(
                    app: app, console: console, rows: signature.rows ?? 10_000_000, requests: signature.queries ?? 400,
                    applicants: signature.applicants ?? 100_000)
            default: nil
            }
        if let only = signature.only, !(signature.scenario == "open" && only == "package_search"),
            !(signature.scenario == "connectors" && ["relay", "relay-sqlite", "relay-postgresql"].contains(only))
        {
            throw CLIError("--only runs one part alone: package_search (bench open), relay, relay-sqlite or relay-postgresql (bench connectors)")
        }
        if var scenario {
            try await scenario.run()
            Self.printTable(scenario.table, context: context)
            return
        }
        guard signature.scenario == "catalog" else {
            throw CLIError(
                "Unknown scenario \(signature.scenario); available: catalog, bus, access, quality, profile, lookup, open, viz, heat, connectors, services, warnings, my"
            )
        }
        let queries = signature.queries ?? 400
        var rows: [(String, String, String)] = []
        func row(_ name: String, _ value: String, _ target: String) {
            rows.append((name, value, target)); context.console.print("\(name): \(value) (target \(target))")
        }

        try await app.autoRevert()
        try await app.autoMigrate()
        let genStart = ContinuousClock.now
        let seed = DemoCity.generate(scale: .seed)
        _ = try await DemoLoader.load(seed, on: app.db)
        let genSeconds = (ContinuousClock.now - genStart).seconds
        row("seed-scale demo generation (57 depts, 512 resources, 6,361 items)", String(format: "%.2f s", genSeconds), "< 10 s")

        let seedTimes = try await searchTimes(app, count: queries)
        row("search+facets, seed scale, p50", ms(seedTimes.p(0.5)), "-")
        row("search+facets, seed scale, p99", ms(seedTimes.p(0.99)), "< 20 ms")
        // The open portal's search: the same engine and mix in the portal's scope, plus its "most downloaded" sort.
        let portalTimes = try await searchTimes(app, count: queries, portal: true)
        row("open portal search+facets, seed scale, p50", ms(portalTimes.p(0.5)), "-")
        row("open portal search+facets, seed scale, p99", ms(portalTimes.p(0.99)), "< 20 ms")

        let rss = try await idleRSS(app)
        row("server idle RSS (serve, seed-scale catalog)", rss.map { String(format: "%.1f MB", $0) } ?? "n/a", "< 100 MB")

        let n = signature.resources ?? 50_000
        try await app.autoRevert()
        try await app.autoMigrate()
        let synStart = ContinuousClock.now
        _ = try await DemoLoader.load(DemoCity.synthetic(resourceCount: n), on: app.db, withEdition: false, withStores: false)
        row("synthetic catalog load (\(n) resources)", String(format: "%.1f s", (ContinuousClock.now - synStart).seconds), "-")
        let bigTimes = try await searchTimes(app, count: queries)
        row("search+facets, \(n) resources, p50", ms(bigTimes.p(0.5)), "-")
        row("search+facets, \(n) resources, p99", ms(bigTimes.p(0.99)), "< 100 ms")

        Self.printTable(rows, context: context)
    }

    static func printTable(_ rows: [(String, String, String)], context: CommandContext) {
        context.console.print("")
        context.console.print("| scenario | result | target |")
        context.console.print("|---|---|---|")
        for (a, b, c) in rows { context.console.print("| \(a) | \(b) | \(c) |") }
        context.console.print("database: \(context.application.settings.database.redacted)")
    }

    /// The queries a catalog user makes: Chinese words, two-character words, English, facets, paging.
    static let mix: [ResourceQuery] = [
        ResourceQuery(q: "企业登记"), ResourceQuery(q: "社保"), ResourceQuery(q: "公积金", limit: 20),
        ResourceQuery(q: "enterprise"), ResourceQuery(q: "信息", sharing: "conditional"),
        ResourceQuery(department: nil, theme: "transport"), ResourceQuery(q: "登记", cycle: "daily", offset: 20),
        ResourceQuery(), ResourceQuery(classification: "1", sort: "name"), ResourceQuery(q: "人口", open: "unconditional"),
        ResourceQuery(q: "车"), ResourceQuery(q: "统一社会信用代码")
    ]

    func searchTimes(_ app: Application, count: Int, portal: Bool = false) async throws -> Samples {
        let names = try await Directory.departmentNames(on: app.db, language: "zh")
        let search = CatalogSearch(sql: app.db.sql, actor: nil, portal: portal)
        let mix = portal ? Self.mix + [ResourceQuery(sort: "-downloads"), ResourceQuery(q: "停车", sort: "-downloads")] : Self.mix
        for q in mix { _ = try await search.run(q, departmentNames: names, language: "zh") }  // warm up
        var samples = Samples()
        var perQuery = [Samples](repeating: Samples(), count: mix.count)
        for i in 0..<count {
            let start = ContinuousClock.now
            _ = try await search.run(mix[i % mix.count], departmentNames: names, language: "zh")
            let seconds = (ContinuousClock.now - start).seconds
            samples.add(seconds)
            perQuery[i % mix.count].add(seconds)
        }
        // The slowest queries of the mix, to see where a p99 comes from.
        let slowest = perQuery.indices.sorted { perQuery[$0].p(0.99) > perQuery[$1].p(0.99) }.prefix(3)
        for i in slowest {
            let q = mix[i]
            let label = [
                q.q.map { "q=\($0)" }, q.sharing.map { "sharing=\($0)" }, q.theme.map { "theme=\($0)" }, q.cycle.map { "cycle=\($0)" },
                q.classification.map { "classification=\($0)" }, q.open.map { "open=\($0)" }, q.sort.map { "sort=\($0)" },
                q.offset.map { "offset=\($0)" }
            ].compactMap { $0 }.joined(separator: "&")
            print("  slowest: \(label.isEmpty ? "(no filter)" : label) p50 \(ms(perQuery[i].p(0.5))) p99 \(ms(perQuery[i].p(0.99)))")
        }
        return samples
    }

    /// Starts `databank serve` on the same database, waits until it answers, reads its RSS.
    func idleRSS(_ app: Application) async throws -> Double? {
        guard case .sqliteFile(let path) = app.settings.database else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["serve", "--port", "18479", "--database-url", "sqlite://\(path)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        let client = app.client
        for _ in 0..<100 {
            try await Task.sleep(for: .milliseconds(100))
            if let r = try? await client.get("http://127.0.0.1:18479/api/v1/resources?q=社保"), r.status == .ok { break }
        }
        try await Task.sleep(for: .seconds(2))
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kb / 1024
    }

    func ms(_ s: Double) -> String { String(format: "%.2f ms", s * 1000) }
}

struct Samples {
    var values: [Double] = []
    mutating func add(_ v: Double) { values.append(v) }
    func p(_ q: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1)]
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// A `databank bench` scenario other than catalog: runs, then holds its table of figures.
protocol BenchScenario {
    var table: [(String, String, String)] { get }
    mutating func run() async throws
}

extension BusBench: BenchScenario {}
extension ProfileBench: BenchScenario {}
extension WarningsBench: BenchScenario {}
extension ServicesBench: BenchScenario {}
extension MyDataBench: BenchScenario {}
extension AccessBench: BenchScenario {}
extension LookupBench: BenchScenario {}
extension OpenBench: BenchScenario {}
extension QualityBench: BenchScenario {}
extension HeatBench: BenchScenario {}
extension VizBench: BenchScenario {}
extension ConnectorBench: BenchScenario {}
