import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `databank bench bus`: the data bus's scenarios — ingest of a generated CSV through the
/// full path (as `databank load`, in a child process so its peak memory is its own), point
/// reads and filtered pages over HTTP against `databank serve`, and the change feed pulled
/// over HTTP with audit on. Peers (`sqlite-utils`, `datasette`) run beside it when installed.
struct BusBench {
    let app: Application
    let console: any Console
    let rows: Int
    /// Rows the store is grown to before the read scenarios (the issue names 10,000,000).
    let readRows: Int
    let requests: Int
    var table: [(String, String, String)] = []

    static let resourceCode = "109001-00001"

    /// 10 typed columns, as an exchange table of a real department would have.
    static let layout = RecordLayout(columns: [
        .init(name: "id_number", itemName: "公民身份号码", type: .C, length: 18, required: true, primaryKey: true),
        .init(name: "name", itemName: "姓名", type: .C, length: 50, required: true),
        .init(name: "employer", itemName: "工作单位", type: .C, length: 100),
        .init(name: "credit_code", itemName: "统一社会信用代码", type: .C, length: 18, queryField: true),
        .init(name: "region", itemName: "行政区划代码", type: .C, length: 6, queryField: true),
        .init(name: "amount", itemName: "缴费金额", type: .N, length: 12, precision: 2),
        .init(name: "months", itemName: "缴费月数", type: .I),
        .init(name: "paid_on", itemName: "缴费日期", type: .D),
        .init(name: "updated_at", itemName: "更新时间", type: .T),
        .init(name: "active", itemName: "是否在保", type: .L)
    ])

    mutating func row(_ name: String, _ value: String, _ target: String) {
        table.append((name, value, target)); console.print("\(name): \(value) (target \(target))")
    }

    /// Starts a bench database afresh: the small demo city (for its users) and the bench's empty
    /// store, owned by the market regulation bureau. Answers the URL child processes (`databank
    /// load`, `serve`) use, and the SQLite file if that is the database.
    /// `codes`: the stores to make (each with its own catalog entry), the bus bench's one by default.
    static func freshStore(_ app: Application, bench: String, codes: [String] = [resourceCode]) async throws -> (url: String, sqlitePath: String?) {
        let location: (url: String, sqlitePath: String?)
        switch app.settings.database {
        case .sqliteFile(let path): location = ("sqlite://\(path)", path)
        case .postgres(let url): location = (url, nil)
        case .sqliteMemory: throw CLIError("bench \(bench) needs a database file or PostgreSQL (--database-url)")
        }
        try await app.autoRevert()
        try await app.autoMigrate()
        _ = try await DemoLoader.load(DemoCity.generate(scale: .small), on: app.db, withStores: false)
        guard let steward = try await User.query(on: app.db).filter(\.$username == "scj_steward").first() else { throw CLIError("demo users missing") }
        // A store belongs to a published catalog entry (the read decision starts from it): the bench's
        // entry is a copy of one of the bureau's, closed to the public, so other departments read by grant.
        guard
            let template = try await ResourceRow.query(on: app.db).filter(\.$departmentCode == steward.departmentCode)
                .filter(\.$publishedRevision != nil).filter(\.$classified == false).first(),
            var snapshot = template.catalogSnapshot
        else { throw CLIError("demo catalog missing") }
        snapshot.name = "参保人员信息（基准测试）"; snapshot.nameEn = "Insured persons (bench)"
        snapshot.open.type = .closed
        snapshot.items = []  // the store's layout is the bench's own: no derived rules from the template's items
        for code in codes {
            snapshot.code = code
            let entry = ResourceRow()
            entry.apply(snapshot)
            entry.searchText = snapshot.name.lowercased(); entry.status = LifecycleState.published.rawValue
            entry.publishedRevision = 1; entry.workingRevision = 1; entry.version = 1
            try await entry.create(on: app.db)
            try await RecordStores.create(code: code, department: steward.departmentCode, revision: 1, layout: layout, on: app.db)
        }
        return location
    }

    /// The generated CSV of rows `first..<rows`, kept in the temp folder and written only once.
    static func generatedFile(from first: Int = 0, to rows: Int) throws -> String {
        let name = first == 0 ? "databank-bench-\(rows).csv" : "databank-bench-\(first)-\(rows).csv"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        if !FileManager.default.fileExists(atPath: path) { try writeOnce(path) { try writeCSV(rows: rows, from: first, to: $0) } }
        return path
    }

    /// Writes a generated file under a name of this process's and renames it into place, so a run
    /// beside another one (or after one that was killed) never reads a file still being written.
    static func writeOnce(_ path: String, _ write: (String) throws -> Void) throws {
        let partial = path + ".\(ProcessInfo.processInfo.processIdentifier).part"
        try write(partial)
        guard rename(partial, path) == 0 else { throw CLIError("cannot move \(partial) to \(path)") }
    }

    mutating func run() async throws {
        let (dbURL, dbPath) = try await Self.freshStore(app, bench: "bus")
        let file = try Self.generatedFile(to: rows)
        let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        console.print(String(format: "input: %@ (%d rows, %.0f MB)", file, rows, Double(size) / 1_048_576))

        // Ingest: `databank load` as a child process on the same database.
        let dialect = dbPath == nil ? "PostgreSQL" : "SQLite"
        if rows > 0 {
            let load = try Self.runChild(["load", Self.resourceCode, file, "--mode", "append", "--database-url", dbURL])
            let loadedRows = load.output.firstMatch(of: /inserted (\d+)/).flatMap { Int($0.1) } ?? 0
            let seconds = load.output.firstMatch(of: /in ([\d.]+) s/).flatMap { Double($0.1) } ?? load.seconds
            row(
                "ingest \(rows) CSV rows, full path (parse, convert, check, store, change log), \(dialect)",
                String(format: "%.0f rows/s (%d rows in %.2f s)", Double(loadedRows) / seconds, loadedRows, seconds), "≥ 300,000 rows/s")
            row("ingest peak RSS (databank load)", load.peakRSS.map { String(format: "%.0f MB", $0) } ?? "n/a", "< 200 MB")
        }
        if rows > 0, dbPath != nil,
            let peer = try? Self.runChild(
                ["sqlite-utils", "insert", FileManager.default.temporaryDirectory.appendingPathComponent("peer.db").path, "records", file, "--csv"],
                executable: "/usr/bin/env", removing: FileManager.default.temporaryDirectory.appendingPathComponent("peer.db").path)
        {
            row("peer: sqlite-utils insert (same file)", String(format: "%.0f rows/s (%.2f s)", Double(rows) / peer.seconds, peer.seconds), "-")
        } else if rows > 0, dbPath != nil {
            row("peer: sqlite-utils insert", "not installed (pip install sqlite-utils)", "-")
        }

        // Grow the store for the read scenarios (not timed as ingest: the figure above is).
        if readRows > rows {
            let more = try Self.generatedFile(from: rows, to: readRows)
            let grow = try Self.runChild(["load", Self.resourceCode, more, "--mode", "append", "--database-url", dbURL])
            console.print(String(format: "grew the store to %d rows in %.0f s", readRows, grow.seconds))
        }
        let readCount = max(rows, readRows)

        // Reads over HTTP, against a server on the same database.
        let server = try Self.startServer(dbURL)
        defer { server.terminate(); server.waitUntilExit() }
        let token = try await Self.token(for: "scj_steward", dbURL: dbURL)
        let client = app.client
        let base = "http://127.0.0.1:18480/api/v1/resources/\(Self.resourceCode)"
        try await Self.waitForServer(client)
        var point = Samples(), filtered = Samples()
        var rng = SplitMix(seed: 7)
        for _ in 0..<requests {
            let key = Self.idNumber(Int(rng.next() % UInt64(readCount)))
            point.add(try await Self.timedGet(client, "\(base)/records/\(key)", token: token))
        }
        for i in 0..<requests {
            let region = Self.regions[i % Self.regions.count]
            filtered.add(try await Self.timedGet(client, "\(base)/records?region=\(region)&limit=100", token: token))
        }
        row("point read over HTTP, \(readCount) rows, p50 / p99", "\(ms(point.p(0.5))) / \(ms(point.p(0.99)))", "p99 < 5 ms")
        row("filtered page of 100 over HTTP, p50 / p99", "\(ms(filtered.p(0.5))) / \(ms(filtered.p(0.99)))", "p99 < 20 ms")

        // The change feed: every change, in pages of 10,000, each page audited.
        let feedStart = ContinuousClock.now
        var after = 0, pulled = 0
        while true {
            let response = try await client.get(
                URI(string: "\(base)/changes?after=\(after)&limit=10000"),
                headers: ["Authorization": "Bearer \(token)"])
            guard response.status == .ok, let body = response.body else { throw CLIError("changes answered \(response.status.code)") }
            let page = try JSONDecoder().decode(FeedCursor.self, from: body)
            pulled += page.count
            if page.count == 0 || pulled >= 1_000_000 { break }
            after = page.next
        }
        let feedSeconds = (ContinuousClock.now - feedStart).seconds
        row("change feed: pull the first \(pulled) changes in pages of 10,000 (audit on)", String(format: "%.2f s", feedSeconds), "< 5 s for 1,000,000")

        // Throughput under concurrency: wrk with random keys, every read audited (group commit).
        let keys = Self.keyFile(count: readCount)
        var audited: Double?
        if Self.hasWrk {
            for connections in [1, 4, 16] {
                let result = try Self.wrk(
                    "http://127.0.0.1:18480", pathsFile: keys, prefix: "/api/v1/resources/\(Self.resourceCode)/records/",
                    suffix: "", token: token, connections: connections)
                row("audited point reads, wrk -t2 -c\(connections), random keys", result.text, connections == 16 ? "≥ 2,000 req/s" : "-")
                if connections == 16 { audited = result.perSecond }
            }
        } else {
            row("audited point reads under concurrency", "wrk not installed (apt-get install wrk)", "≥ 2,000 req/s")
        }
        server.terminate(); server.waitUntilExit()

        // Peer: datasette's JSON API reading the same table — from the same file on SQLite; on
        // PostgreSQL from a SQLite file of the same rows (datasette reads only SQLite).
        let peerTable: (path: String, table: String)? =
            if let dbPath {
                (dbPath, "rec_109001_00001")
            } else {
                try? Self.peerFile(rows: readCount, sources: [file] + (readRows > rows ? [Self.generatedFile(from: rows, to: readRows)] : []))
            }
        if let peerTable, let datasette = try? Self.startDatasette(peerTable.path) {
            let table = peerTable.table
            // SIGKILL: uvicorn's graceful shutdown would wait for the client's keep-alive connections.
            defer { kill(datasette.processIdentifier, SIGKILL); datasette.waitUntilExit() }
            var peer = Samples()
            var ready = false
            for _ in 0..<100 where !ready {
                if let r = try? await client.get("http://127.0.0.1:18481/-/versions.json"), r.status == .ok {
                    ready = true
                } else {
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            let db = URL(fileURLWithPath: peerTable.path).deletingPathExtension().lastPathComponent
            var rng = SplitMix(seed: 7)
            for _ in 0..<(ready ? requests : 0) {
                let key = Self.idNumber(Int(rng.next() % UInt64(readCount)))
                peer.add(try await Self.timedGet(client, "http://127.0.0.1:18481/\(db)/\(table)/\(key).json", token: ""))
            }
            row("peer: datasette row JSON, same table, p50 / p99", ready ? "\(ms(peer.p(0.5))) / \(ms(peer.p(0.99)))" : "did not start", "-")
            if ready, Self.hasWrk {
                let result = try Self.wrk(
                    "http://127.0.0.1:18481", pathsFile: keys, prefix: "/\(db)/\(table)/", suffix: ".json",
                    token: nil, connections: 16)
                row("peer: datasette row JSON, wrk -t2 -c16, random keys", result.text, "-")
                if let audited, result.perSecond > 0 {
                    row("audited point reads / datasette, c=16, same run", String(format: "%.2f×", audited / result.perSecond), "≥ 3×")
                }
            }
        } else {
            row("peer: datasette", "not installed (pip install datasette; the PostgreSQL run also needs the sqlite3 shell)", "-")
        }
    }

    /// A SQLite file holding `sources`' rows in a table keyed as the store is, made with the `sqlite3`
    /// shell, for datasette beside a PostgreSQL run.
    static func peerFile(rows: Int, sources: [String]) throws -> (path: String, table: String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("databank-bench-peer-\(rows).db").path
        if !FileManager.default.fileExists(atPath: path) {
            try writeOnce(path) { partial in
                let columns = layout.columns.map { "\($0.name) TEXT\($0.primaryKey ? " PRIMARY KEY" : "")" }.joined(separator: ", ")
                var script = "CREATE TABLE records (\(columns));\n"
                for source in sources { script += ".import --csv --skip 1 '\(source)' records\n" }
                let scriptPath = partial + ".sql"
                FileManager.default.createFile(atPath: scriptPath, contents: Data(script.utf8))
                defer { try? FileManager.default.removeItem(atPath: scriptPath) }
                _ = try runChild(["sqlite3", partial, ".read '\(scriptPath)'"], executable: "/usr/bin/env")
            }
        }
        return (path, "records")
    }

    func ms(_ s: Double) -> String { String(format: "%.2f ms", s * 1000) }

    struct FeedCursor: Decodable {
        var next: Int
        var count: Int
        enum CodingKeys: String, CodingKey { case next, items }
        struct Skip: Decodable {}
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            next = try c.decode(Int.self, forKey: .next)
            count = try c.decode([Skip].self, forKey: .items).count
        }
    }

    // MARK: Data

    static let regions = ["440604", "440605", "440606", "440607", "440608"]
    static let surnames = Array("陈李黄张梁刘何林吴罗郭杨冯邓周谭苏麦叶区")
    static let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华")

    /// The i-th of up to 16,800,000 distinct, valid resident ID numbers (GB 11643 check digit).
    static func idNumber(_ i: Int) -> String {
        let d = i / 1000
        let body = "440604" + String(format: "%04d%02d%02d%03d", 1950 + d % 50, (d / 50) % 12 + 1, (d / 600) % 28 + 1, i % 1000)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }

    /// A deterministic CSV of `rows` records: Chinese text, IDs, decimals, dates.
    static func writeCSV(rows: Int, from first: Int = 0, to path: String) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? out.close() }
        var buffer = "id_number,name,employer,credit_code,region,amount,months,paid_on,updated_at,active\n"
        for i in first..<rows {
            let name = String(surnames[i % surnames.count]) + String(given[i % given.count]) + String(given[(i / 7) % given.count])
            let employer = "佛山市\(["南海", "禅城", "顺德", "高明", "三水"][i % 5])区第\(i % 997)号\(["制造", "贸易", "科技", "物流"][i % 4])有限公司"
            let credit = String(format: "91440600MA%07d%X", i % 10_000_000, i % 16)
            buffer += "\(idNumber(i)),\(name),\(employer),\(credit),\(regions[i % 5]),\(i % 100_000).\(i % 100),\(i % 240),"
            buffer += String(format: "2024-%02d-%02d,2024-%02d-%02d %02d:%02d:00,", i % 12 + 1, i % 28 + 1, i % 12 + 1, i % 28 + 1, i % 24, i % 60)
            buffer += i % 3 == 0 ? "false\n" : "true\n"
            if buffer.utf8.count > 1 << 20 { out.write(Data(buffer.utf8)); buffer = "" }
        }
        out.write(Data(buffer.utf8))
    }

    // MARK: Processes

    struct ChildResult { var output: String; var seconds: Double; var peakRSS: Double? }

    /// Runs a command to completion; `databank` subcommands report their own peak RSS.
    static func runChild(_ args: [String], executable: String? = nil, removing: String? = nil) throws -> ChildResult {
        if let removing { try? FileManager.default.removeItem(atPath: removing) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable ?? CommandLine.arguments[0])
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        let start = ContinuousClock.now
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        guard p.terminationStatus == 0 else { throw CLIError("\(args.joined(separator: " ")) failed: \(output.suffix(400))") }
        let peak = output.firstMatch(of: /peak RSS ([\d.]+) MB/).flatMap { Double($0.1) }
        return ChildResult(output: output, seconds: (ContinuousClock.now - start).seconds, peakRSS: peak)
    }

    static var hasWrk: Bool {
        ["/usr/bin/wrk", "/usr/local/bin/wrk"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// 10,000 random keys of the store, one a line, for wrk's script to pick from.
    static func keyFile(count: Int) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("databank-bench-keys-\(count).txt").path
        var rng = SplitMix(seed: 11)
        let text = (0..<10_000).map { _ in idNumber(Int(rng.next() % UInt64(max(count, 1)))) }.joined(separator: "\n") + "\n"
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    struct WrkResult { var perSecond: Double; var text: String }

    /// `wrk -t2 -c<connections> -d10s` over random keys (a Lua script picks one per request);
    /// answers other than 2xx are counted and shown, never silently included.
    static func wrk(_ base: String, pathsFile: String, prefix: String, suffix: String, token: String?, connections: Int) throws -> WrkResult {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("databank-bench-wrk.lua").path
        let lua = """
            local paths = {}
            for line in io.lines("\(pathsFile)") do paths[#paths + 1] = "\(prefix)" .. line .. "\(suffix)" end
            \(token.map { "wrk.headers[\"Authorization\"] = \"Bearer \($0)\"" } ?? "")
            math.randomseed(os.time())
            request = function() return wrk.format("GET", paths[math.random(#paths)]) end
            """
        FileManager.default.createFile(atPath: script, contents: Data(lua.utf8))
        let out = try runChild(["wrk", "-t\(min(2, connections))", "-c\(connections)", "-d10s", "--latency", "-s", script, base], executable: "/usr/bin/env")
        let perSecond = out.output.firstMatch(of: /Requests\/sec:\s+([\d.]+)/).flatMap { Double($0.1) } ?? 0
        let p99 = out.output.firstMatch(of: /99%\s+([\d.]+\w+)/).map { String($0.1) } ?? "?"
        let bad = out.output.firstMatch(of: /Non-2xx or 3xx responses: (\d+)/).map { ", \($0.1) non-2xx" } ?? ""
        let errors = out.output.firstMatch(of: /Socket errors: [^\n]+/).map { ", " + String($0.0) } ?? ""
        return WrkResult(perSecond: perSecond, text: String(format: "%.0f req/s, p99 %@%@%@", perSecond, p99, bad, errors))
    }

    static func startDatasette(_ dbPath: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["datasette", "serve", dbPath, "--port", "18481", "--setting", "sql_time_limit_ms", "5000"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    static func startServer(_ dbURL: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        p.arguments = ["serve", "--port", "18480", "--database-url", dbURL, "--log", "warning"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    static func waitForServer(_ client: any Client) async throws {
        for _ in 0..<200 {
            if let r = try? await client.get("http://127.0.0.1:18480/healthz"), r.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIError("databank serve did not start")
    }

    static func token(for username: String, dbURL: String) async throws -> String {
        let out = try runChild(["user", "token", username, "--database-url", dbURL])
        guard let token = out.output.split(whereSeparator: \.isNewline).last.map(String.init), !token.isEmpty else { throw CLIError("no token") }
        return token.trimmingCharacters(in: .whitespaces)
    }

    static func timedGet(_ client: any Client, _ url: String, token: String) async throws -> Double {
        let start = ContinuousClock.now
        let response = try await client.get(URI(string: url), headers: ["Authorization": "Bearer \(token)"])
        guard response.status == .ok else { throw CLIError("GET \(url) answered \(response.status.code)") }
        return (ContinuousClock.now - start).seconds
    }
}

/// A small deterministic random generator for reproducible benchmark keys.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
