import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `databank bench open`: the open side's scenarios, every request anonymous over HTTP against
/// `databank serve` (middleware, rate limits lifted by settings, the read decision and the audit
/// all in the path): CKAN `package_search` at seed scale and on a synthetic catalog opened to the
/// public, `datastore_search` on a large open store, a name-prefix look-up on a large disclosure
/// store, a 1,000,000-row CSV download (bytes/s and the server's memory), and the portal's JSON
/// rows and CSV export beside datasette's on the same table under 16 clients.
struct OpenBench {
    let app: Application
    let console: any Console
    /// Synthetic catalog size for the large `package_search` (the issue names 50,000).
    let resources: Int
    /// Rows of the store `datastore_search` reads (10,000,000).
    let readRows: Int
    /// Rows of the dataset downloaded as CSV (1,000,000).
    let downloadRows: Int
    /// Disclosure records behind the name look-up (35,000,000).
    let lookupRecords: Int
    let requests: Int
    /// `--only package_search`: the two catalog phases, not the stores, downloads and look-ups.
    var onlySearch = false
    var table: [(String, String, String)] = []

    static let rowsCode = "109001-00002"
    static let downloadCode = "109001-00003"
    static let sideCode = "109001-00004"
    static let lookupCode = "109001-00005"
    static let lookupService = "bench-names"
    /// The side-by-side table: small enough that a whole CSV export is one request of wrk's.
    static let sideRows = 20_000
    static let port = 18482
    static let datasettePort = 18483
    var base: String { "http://127.0.0.1:\(Self.port)" }

    mutating func row(_ name: String, _ value: String, _ target: String) {
        table.append((name, value, target)); console.print("\(name): \(value) (target \(target))")
    }

    mutating func run() async throws {
        let (dbURL, dbPath) = try Self.location(app)

        // CKAN package_search: the seed city, then the synthetic catalog with every resource open.
        try await app.autoRevert()
        try await app.autoMigrate()
        _ = try await DemoLoader.load(DemoCity.generate(scale: .seed), on: app.db)
        let seed = try await packageSearchTimes(dbURL)
        row("CKAN package_search (q + 4 facet fields), seed scale, p50 / p99", "\(ms(seed.warm.p(0.5))) / \(ms(seed.warm.p(0.99)))", "p99 < 20 ms")
        row("the same, first call of each word (no cached answer), p50 / max", "\(ms(seed.cold.p(0.5))) / \(ms(seed.cold.p(1)))", "-")

        try await app.autoRevert()
        try await app.autoMigrate()
        var city = DemoCity.synthetic(resourceCount: resources)
        for i in city.resources.indices { city.resources[i].snapshot.open = OpenAttributes(type: .unconditional) }
        let synStart = ContinuousClock.now
        _ = try await DemoLoader.load(city, on: app.db, withEdition: false, withStores: false)
        console.print(String(format: "synthetic open catalog (%d resources) loaded in %.1f s", resources, (ContinuousClock.now - synStart).seconds))
        let big = try await packageSearchTimes(dbURL)
        row(
            "CKAN package_search (q + 4 facet fields), \(resources) open resources, p50 / p99", "\(ms(big.warm.p(0.5))) / \(ms(big.warm.p(0.99)))",
            "p99 < 100 ms")
        row("the same, first call of each word (no cached answer), p50 / max", "\(ms(big.cold.p(0.5))) / \(ms(big.cold.p(1)))", "-")
        if onlySearch { return }

        // The open stores, each a published 无条件开放 dataset of the market regulation bureau.
        try await app.autoRevert()
        try await app.autoMigrate()
        _ = try await DemoLoader.load(DemoCity.generate(scale: .small), on: app.db, withStores: false)
        guard let steward = try await User.query(on: app.db).filter(\.$username == "scj_steward").first() else { throw CLIError("demo users missing") }
        let owner = steward.departmentCode
        try await Self.openStore(app, code: Self.rowsCode, name: "参保缴费公示（基准测试）", nameEn: "Contributions (bench)", layout: BusBench.layout, department: owner)
        try await Self.openStore(
            app, code: Self.downloadCode, name: "参保缴费下载（基准测试）", nameEn: "Contributions download (bench)", layout: BusBench.layout, department: owner)
        try await Self.openStore(
            app, code: Self.sideCode, name: "参保缴费对比（基准测试）", nameEn: "Contributions side by side (bench)", layout: BusBench.layout, department: owner)
        try await Self.openStore(
            app, code: Self.lookupCode, name: "企业公示信息（基准测试）", nameEn: "Enterprise disclosures (bench)", layout: Self.lookupLayout, department: owner)

        let first = min(readRows, 1_000_000)
        try Self.load(Self.rowsCode, BusBench.generatedFile(to: first), dbURL)
        if readRows > first { try Self.load(Self.rowsCode, BusBench.generatedFile(from: first, to: readRows), dbURL) }
        try Self.load(Self.downloadCode, BusBench.generatedFile(to: downloadRows), dbURL)
        try Self.load(Self.sideCode, BusBench.generatedFile(to: Self.sideRows), dbURL)
        console.print("stores: \(readRows) rows (datastore), \(downloadRows) rows (download), \(Self.sideRows) rows (side by side)")

        let genStart = ContinuousClock.now
        let lookupFile = try Self.lookupFile(records: lookupRecords)
        let genSeconds = (ContinuousClock.now - genStart).seconds
        let lookupLoad = try Self.load(Self.lookupCode, lookupFile, dbURL)
        let indexStart = ContinuousClock.now
        try await Self.defineLookup(app)
        let indexSeconds = (ContinuousClock.now - indexStart).seconds
        row(
            "disclosure records for the look-up: \(lookupRecords) generated / loaded / indexed",
            String(format: "%.0f s / %.0f s / %.0f s", genSeconds, lookupLoad, indexSeconds), "-")

        let server = try Self.startServer(dbURL)
        defer { server.terminate(); server.waitUntilExit() }
        try await waitForServer()

        // The download first, so the server's high-water mark before it is its start-up's.
        let hwmBefore = Self.procStatus(server.processIdentifier, "VmHWM")
        var best: (bytes: Double, seconds: Double) = (0, .infinity)
        var peakRSS = 0.0
        for _ in 0..<2 {
            let d = try await download("\(base)/api/v1/open/datasets/\(Self.downloadCode)/data.csv", serverPID: server.processIdentifier)
            if d.seconds < best.seconds { best = (d.bytes, d.seconds) }
            peakRSS = max(peakRSS, d.peakRSS)
        }
        let hwmAfter = Self.procStatus(server.processIdentifier, "VmHWM")
        row(
            "CSV download, \(downloadRows) rows (\(String(format: "%.0f MB", best.bytes / 1_000_000))), best of 2",
            String(format: "%.1f MB/s (%.2f s)", best.bytes / best.seconds / 1_000_000, best.seconds), "≥ 100 MB/s")
        row(
            "server memory during the download: VmHWM before / peak VmRSS sampled / VmHWM after",
            String(format: "%.0f / %.0f / %.0f MB", hwmBefore ?? 0, peakRSS, hwmAfter ?? 0), "flat")

        // datastore_search: 100 rows, filtered on a query field (indexed), offsets spread over the first 10,000 matches.
        var rng = SplitMix(seed: 5)
        func datastorePath(_ i: Int, offset: Int) -> String {
            let filters = Self.encode("{\"region\":\"\(BusBench.regions[i % BusBench.regions.count])\"}")
            return "/api/3/action/datastore_search?resource_id=\(Self.rowsCode)&limit=100&offset=\(offset)&filters=\(filters)"
        }
        for i in 0..<BusBench.regions.count { _ = try await timed(base + datastorePath(i, offset: 0)) }  // totals counted once per store version
        var datastore = Samples()
        var (near, far) = (Samples(), Samples())  // offsets below 5,000 and from 5,000: is the tail the offset's cost?
        for i in 0..<requests {
            let offset = Int(rng.next() % 100) * 100
            let s = try await timed(base + datastorePath(i, offset: offset))
            datastore.add(s)
            if offset < 5_000 { near.add(s) } else { far.add(s) }
        }
        row(
            "CKAN datastore_search, 100 rows, \(readRows) rows, filter on region, offsets 0–9,900, p50 / p99",
            "\(ms(datastore.p(0.5))) / \(ms(datastore.p(0.99)))", "p99 < 10 ms")
        row(
            "the same, offsets 0–4,900 / 5,000–9,900, p50 / p99",
            "\(ms(near.p(0.5))) / \(ms(near.p(0.99))); \(ms(far.p(0.5))) / \(ms(far.p(0.99)))", "-")

        // The name look-up: prefixes of 1 to 4 characters and whole names, of enterprises spread over the store.
        let enterprises = max(1, lookupRecords / Self.recordsPerEnterprise)
        var lookups = Samples()
        var hits = 0
        for i in 0..<(requests + 20) {
            let name = Self.enterpriseName(Int(rng.next() % UInt64(enterprises)))
            let length = [1, 2, 3, 4, name.count][i % 5]
            let path = "/api/v1/open/lookups/\(Self.lookupService)?q=\(Self.encode(String(name.prefix(length))))"
            let (seconds, body) = try await timedBody(base + path)
            if i >= 20 { lookups.add(seconds) }  // the first 20 warm the caches
            if body.contains("\"count\":0") == false { hits += 1 }
        }
        row(
            "look-up by company name prefix, \(lookupRecords) disclosure records, p50 / p99 (\(hits) of \(requests + 20) found)",
            "\(ms(lookups.p(0.5))) / \(ms(lookups.p(0.99)))", "p99 < 20 ms")

        // Side by side under 16 clients: the portal's JSON rows and CSV export, then datasette's, on the same table.
        let portalJSON = "/api/3/action/datastore_search?resource_id=\(Self.sideCode)&limit=100"
        let portalCSV = "/api/v1/open/datasets/\(Self.sideCode)/data.csv"
        guard BusBench.hasWrk else {
            row("side by side with datasette", "wrk not installed (apt-get install wrk)", "-")
            return
        }
        let ourJSON = try Self.wrk(base + portalJSON)
        row("portal JSON rows (datastore_search limit=100), wrk -t2 -c16", ourJSON.text, "-")
        let ourCSV = try Self.wrk(base + portalCSV)
        row("portal CSV export (\(Self.sideRows) rows), wrk -t2 -c16", ourCSV.text, "-")
        server.terminate(); server.waitUntilExit()

        guard let dbPath else {
            row("peer: datasette", "SQLite only", "-")
            return
        }
        guard let exe = Self.datasette(console) else {
            row("peer: datasette", "not installed", "-")
            return
        }
        let store = try await RecordStores.find(Self.sideCode, on: app.db)
        let datasette = try Self.startDatasette(exe, dbPath)
        // SIGKILL: uvicorn's graceful shutdown would wait for the clients' keep-alive connections.
        defer { kill(datasette.processIdentifier, SIGKILL); datasette.waitUntilExit() }
        let peer = "http://127.0.0.1:\(Self.datasettePort)"
        var ready = false
        for _ in 0..<150 where !ready {
            if let r = try? await app.client.get(URI(string: peer + "/-/versions.json")), r.status == .ok {
                ready = true
            } else {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        guard ready else {
            row("peer: datasette", "did not start", "-")
            return
        }
        let db = URL(fileURLWithPath: dbPath).deletingPathExtension().lastPathComponent
        let table = store.tables.records
        let theirJSON = try Self.wrk(peer + "/\(db)/\(table).json?_shape=objects")
        row("peer: datasette JSON (`.json?_shape=objects`, 100 rows), wrk -t2 -c16", theirJSON.text, "-")
        let theirCSV = try Self.wrk(peer + "/\(db)/\(table).csv?_stream=on")
        row("peer: datasette CSV export (`.csv?_stream=on`), wrk -t2 -c16", theirCSV.text, "-")
        row("portal / datasette, JSON rows, req/s", ratio(ourJSON.perSecond, theirJSON.perSecond), "-")
        // Bytes, not requests: a whole export may not finish many times in wrk's 10 s.
        row("portal / datasette, CSV export, bytes/s", ratio(ourCSV.bytesPerSecond, theirCSV.bytesPerSecond), "-")
    }

    func ratio(_ a: Double, _ b: Double) -> String { b > 0 ? String(format: "%.2f×", a / b) : "n/a" }
    func ms(_ s: Double) -> String { String(format: "%.2f ms", s * 1000) }

    // MARK: package_search

    static let searchWords = ["交通", "企业登记", "信息", "社保", "enterprise", "公积金", "车", "统一社会信用代码"]
    static let facetFields = "[\"organization\",\"groups\",\"tags\",\"license_id\"]"

    /// Starts a server on the database as it is, runs the search mix `requests` times after a warm-up, stops it.
    /// `cold`: the warm-up, each word's first call (the server's search cache holds nothing for it yet).
    func packageSearchTimes(_ dbURL: String) async throws -> (warm: Samples, cold: Samples) {
        let server = try Self.startServer(dbURL)
        defer { server.terminate(); server.waitUntilExit() }
        try await waitForServer()
        let paths = Self.searchWords.map { "\(base)/api/3/action/package_search?q=\(Self.encode($0))&facet.field=\(Self.encode(Self.facetFields))&rows=10" }
        var cold = Samples()
        for p in paths { cold.add(try await timed(p)) }
        var samples = Samples()
        var perWord = [Samples](repeating: Samples(), count: paths.count)
        for i in 0..<requests {
            let s = try await timed(paths[i % paths.count])
            samples.add(s)
            perWord[i % paths.count].add(s)
        }
        for i in perWord.indices.sorted(by: { perWord[$0].p(0.99) > perWord[$1].p(0.99) }).prefix(3) {
            console.print("  slowest: q=\(Self.searchWords[i]) p50 \(ms(perWord[i].p(0.5))) p99 \(ms(perWord[i].p(0.99)))")
        }
        for (i, p) in paths.indices.sorted(by: { cold.values[$0] > cold.values[$1] }).prefix(3).enumerated() {
            console.print("  slowest first call \(i + 1): q=\(Self.searchWords[p]) \(ms(cold.values[p]))")
        }
        return (samples, cold)
    }

    // MARK: HTTP

    func waitForServer() async throws {
        for _ in 0..<300 {
            if let r = try? await app.client.get(URI(string: "\(base)/healthz")), r.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIError("databank serve did not start")
    }

    /// An anonymous GET that must answer 200.
    func timed(_ url: String) async throws -> Double { try await timedBody(url).seconds }

    func timedBody(_ url: String) async throws -> (seconds: Double, body: String) {
        let start = ContinuousClock.now
        let response = try await app.client.get(URI(string: url))
        let seconds = (ContinuousClock.now - start).seconds
        let body = response.body.map { String(buffer: $0) } ?? ""
        guard response.status == .ok else { throw CLIError("GET \(url) answered \(response.status.code): \(body.prefix(300))") }
        return (seconds, body)
    }

    /// Downloads `url` with curl to nowhere while sampling the server's RSS every 20 ms.
    func download(_ url: String, serverPID: Int32) async throws -> (bytes: Double, seconds: Double, peakRSS: Double) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{time_total}", url]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        var peak = 0.0
        while p.isRunning {
            peak = max(peak, Self.procStatus(serverPID, "VmRSS") ?? 0)
            try await Task.sleep(for: .milliseconds(20))
        }
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: " ")
        guard p.terminationStatus == 0, out.count == 3, out[0] == "200", let bytes = Double(out[1]), let seconds = Double(out[2]) else {
            throw CLIError("download of \(url) failed: curl exit \(p.terminationStatus), \(out.joined(separator: " "))")
        }
        return (bytes, seconds, peak)
    }

    /// A field of /proc/PID/status in MB (VmRSS, VmHWM), nil where there is no /proc.
    static func procStatus(_ pid: Int32, _ field: String) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kb / 1024
    }

    static func encode(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: CKANResponse.unreserved) ?? s }

    struct WrkResult { var perSecond: Double; var bytesPerSecond: Double; var text: String }

    /// `wrk -t2 -c16 -d10s` on one URL (a 30 s timeout: a whole export is one request).
    static func wrk(_ url: String) throws -> WrkResult {
        let out = try BusBench.runChild(["wrk", "-t2", "-c16", "-d10s", "--timeout", "30s", "--latency", url], executable: "/usr/bin/env")
        let perSecond = out.output.firstMatch(of: /Requests\/sec:\s+([\d.]+)/).flatMap { Double($0.1) } ?? 0
        let transfer = out.output.firstMatch(of: /Transfer\/sec:\s+([\d.]+\w+)/).map { String($0.1) } ?? "?"
        let transferred =
            out.output.firstMatch(of: /Transfer\/sec:\s+([\d.]+)(\w*)/).map { m in
                (Double(m.1) ?? 0) * (["KB": 1024.0, "MB": 1_048_576.0, "GB": 1_073_741_824.0][String(m.2)] ?? 1)
            } ?? 0
        let p99 = out.output.firstMatch(of: /99%\s+([\d.]+\w+)/).map { String($0.1) } ?? "?"
        let bad = out.output.firstMatch(of: /Non-2xx or 3xx responses: (\d+)/).map { ", \($0.1) non-2xx" } ?? ""
        let errors = out.output.firstMatch(of: /Socket errors: [^\n]+/).map { ", " + String($0.0) } ?? ""
        return WrkResult(
            perSecond: perSecond, bytesPerSecond: transferred, text: String(format: "%.1f req/s, %@/s, p99 %@%@%@", perSecond, transfer, p99, bad, errors))
    }

    // MARK: Processes

    static func location(_ app: Application) throws -> (url: String, sqlitePath: String?) {
        switch app.settings.database {
        case .sqliteFile(let path): return ("sqlite://\(path)", path)
        case .postgres(let url): return (url, nil)
        case .sqliteMemory: throw CLIError("bench open needs a database file or PostgreSQL (--database-url)")
        }
    }

    /// `databank serve` with the anonymous limits lifted: the bench measures the path, not the limiter's refusals.
    static func startServer(_ dbURL: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        p.arguments = ["serve", "--port", String(port), "--database-url", dbURL, "--log", "warning"]
        var env = ProcessInfo.processInfo.environment
        env["DATABANK_ANON_CALLS_PER_MINUTE"] = "1000000000"
        env["DATABANK_LOOKUPS_PER_MINUTE"] = "1000000000"
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// `databank load` of a file into a store, in a child process; answers its seconds.
    @discardableResult
    static func load(_ code: String, _ file: String, _ dbURL: String) throws -> Double {
        try BusBench.runChild(["load", code, file, "--mode", "append", "--database-url", dbURL]).seconds
    }

    /// datasette on PATH, else in `.build/pyenv-bench` (installed there from PyPI on first use); nil when that fails.
    static func datasette(_ console: any Console) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(dir)/datasette"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        let venv = FileManager.default.currentDirectoryPath + "/.build/pyenv-bench"
        let exe = venv + "/bin/datasette"
        if !FileManager.default.isExecutableFile(atPath: exe) {
            console.print("installing datasette into \(venv) …")
            _ = try? BusBench.runChild(["python3", "-m", "venv", venv], executable: "/usr/bin/env")
            _ = try? BusBench.runChild([venv + "/bin/pip", "install", "-q", "datasette"], executable: "/usr/bin/env")
        }
        return FileManager.default.isExecutableFile(atPath: exe) ? exe : nil
    }

    static func startDatasette(_ exe: String, _ dbPath: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["serve", dbPath, "--port", String(datasettePort), "--setting", "sql_time_limit_ms", "5000"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }
}
