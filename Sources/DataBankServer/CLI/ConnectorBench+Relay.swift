import AsyncHTTPClient
import Fluent
import Foundation
import NIOCore
import NIOPosix
import PostgresNIO
import SQLKit
import Vapor
import DataBankCore

// MARK: Scenario 3 — relay across two nodes

/// Issue 15's relay target: `changes` changes relayed from one node to another end to end ≥ 50,000 changes/s,
/// the lag printed. Two `databank serve` child processes on loopback, each on its own database (two SQLite
/// files, or two databases created in the bench's PostgreSQL cluster), set up as `scripts/federation-test`
/// sets them up: `databank node init`, `node add-peer` both ways as `peer`, `user token`, then over the API
/// the consumer's bureau applies at the owner for every item in clear, the owner's bureau approves, the
/// consumer learns the grant and creates the relay connector. The owner's store is filled untimed by
/// `databank load --mode upsert` (its change log then holds `changes` changes).
///
/// Timed: the consumer's `POST /api/v1/connectors/bench-relay/run` (the run relays every change and
/// answers when the last page is committed): changes/s is the changes read over the call's seconds; the
/// CPU of each node's process (and of the PostgreSQL server) over the run is printed per change. The
/// **lag** is then measured on the caught-up relay: one record written at the owner through its API, and
/// as soon as that write has answered (committed) a run is started at the consumer; the lag is the time
/// from the write's answer to the run's answer, when the record is in the consumer's store (checked).
/// It is what a change waits beyond the connector's schedule.
struct RelayBench {
    let app: Application
    let console: any Console
    let changes: Int
    let dialect: String
    let pg: PostgresTarget
    var postmaster: Int?
    var rows: [(String, String, String)] = []

    static let code = "109001-00004"
    static let connector = "bench-relay"

    /// One node: its code, its database and its own files (audit key, checkpoints, connector root), its
    /// `databank serve` process once started.
    struct Node {
        var code: String
        var name: String
        var region: String
        var location: DatabaseLocation
        var url: String
        var dir: String
        var port = 0
        var key = ""
        var token = ""
        var process: Process?
        var base: String { "http://127.0.0.1:\(port)" }
        var env: [String: String] {
            [
                "DATABANK_CONNECTOR_ROOT": dir + "/connectors", "DATABANK_AUDIT_KEY_FILE": dir + "/audit.key",
                "DATABANK_AUDIT_CHECKPOINT_FILE": dir + "/audit-checkpoints.log", "DATABANK_FEDERATION_ALLOW": "127.0.0.1"
            ]
        }
    }

    mutating func run() async throws {
        var owner = try await node("owner", name: "禅城区（基准）", region: "440604")
        var consumer = try await node("consumer", name: "广东省（基准）", region: "440000")
        let client = HTTPClient(
            eventLoopGroupProvider: .shared(app.eventLoopGroup),
            configuration: .init(timeout: .init(connect: .seconds(10), read: .seconds(3600))))
        do {
            try await setUp(&owner, &consumer)
            let fillStart = ContinuousClock.now
            let load = try Self.child(
                ["load", Self.code, BusBench.generatedFile(to: changes), "--mode", "upsert", "--json", "--database-url", owner.url], owner)
            let lastSeq = try await Self.lastSeq(owner.location)
            console.print(
                String(
                    format: "relay, %@: the owner's store filled by databank load --mode upsert in %.1f s; its change log holds %d changes", dialect,
                    (ContinuousClock.now - fillStart).seconds, lastSeq))
            guard lastSeq >= changes else { throw CLIError("the owner's change log holds \(lastSeq) changes, not \(changes): \(load.suffix(300))") }
            try await start(&owner)
            try await start(&consumer)
            let http = Calls(client: client)
            try await grant(http, owner: owner, consumer: consumer)
            try await measure(http, owner: owner, consumer: consumer, lastSeq: lastSeq)
        } catch {
            for n in [owner, consumer] {
                console.print("\(n.code) log: " + ((try? String(contentsOfFile: n.dir + "/serve.log", encoding: .utf8)) ?? "").suffix(600))
            }
            Self.stop(owner, consumer)
            try? await client.shutdown()
            throw error
        }
        Self.stop(owner, consumer)
        try await client.shutdown()
        try await dropDatabases()
    }

    static func stop(_ nodes: Node...) {
        for p in nodes.compactMap(\.process) where p.isRunning { p.terminate(); p.waitUntilExit() }
    }

    // MARK: Setup

    /// A node's database, made fresh with the demo city and the bench's store (the bus bench's layout).
    func node(_ role: String, name: String, region: String) async throws -> Node {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("databank-bench-relay-\(role)").path
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir + "/connectors", withIntermediateDirectories: true)
        let location: DatabaseLocation
        if dialect == "SQLite" {
            location = .sqliteFile(dir + "/databank.sqlite")
        } else {
            let database = "databank_bench_relay_\(role)"
            try await pg.withConnection(app) { c in
                try await c.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(database) WITH (FORCE)"), logger: app.logger)
                try await c.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(database)"), logger: app.logger)
            }
            var parts = URLComponents(string: pg.url)!
            parts.path = "/" + database
            location = .postgres(parts.string!)
        }
        var url = ""
        try await ConnectorBench.withStoreApp(location) { store in
            url = try await BusBench.freshStore(store, bench: "connectors", codes: [Self.code]).url
            // Shared on conditions: a peer's department reads it only under a grant.
            let entry = try await ResourceRow.query(on: store.db).filter(\.$code == Self.code).first()
            entry?.sharingType = SharingType.conditional.rawValue
            try await entry?.save(on: store.db)
        }
        return Node(code: "bench\(role)", name: name, region: region, location: location, url: url, dir: dir)
    }

    /// `databank node init`, `node show`, `user token`, `node add-peer` both ways, as federation-test does.
    func setUp(_ owner: inout Node, _ consumer: inout Node) async throws {
        for i in [0, 1] {
            var n = i == 0 ? owner : consumer
            n.port = try Self.freePort()
            _ = try Self.child(["node", "init", "--code", n.code, "--name", n.name, "--region", n.region, "--database-url", n.url], n)
            let shown = try Self.child(["node", "show", "--database-url", n.url], n)
            n.key = shown.split(separator: "\n").first { $0.hasPrefix("public_key\t") }.map { String($0.dropFirst("public_key\t".count)) } ?? ""
            n.token = try Self.child(["user", "token", "scj_steward", "--database-url", n.url], n).split(separator: "\n").last.map(String.init) ?? ""
            if i == 0 { owner = n } else { consumer = n }
        }
        for (a, b) in [(owner, consumer), (consumer, owner)] {
            _ = try Self.child(
                [
                    "node", "add-peer", b.code, "--relation", "peer", "--name", b.name, "--region", b.region, "--url", b.base, "--key", b.key, "--database-url",
                    a.url
                ], a)
        }
    }

    /// `databank serve` on the node's port, answering /healthz.
    func start(_ n: inout Node) async throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        p.arguments = ["serve", "--hostname", "127.0.0.1", "--port", String(n.port), "--database-url", n.url]
        p.environment = ProcessInfo.processInfo.environment.merging(n.env) { _, new in new }
        FileManager.default.createFile(atPath: n.dir + "/serve.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: n.dir + "/serve.log"))
        p.standardOutput = log; p.standardError = log
        try p.run()
        n.process = p
        for _ in 0..<240 {
            if let answer = try? await app.client.get(URI(string: n.base + "/healthz")), answer.status == .ok { return }
            guard p.isRunning else { throw CLIError("databank serve for \(n.code) exited at start") }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw CLIError("databank serve for \(n.code) did not answer /healthz in 60 s")
    }

    /// The consumer's bureau applies at the owner for every item in clear; the owner's bureau approves;
    /// the consumer learns the grant and makes the relay connector (identity mapping, the largest page).
    func grant(_ http: Calls, owner: Node, consumer: Node) async throws {
        let items = BusBench.layout.columns.map(\.name)
        let format = DateFormatter()
        format.dateFormat = "yyyy-MM-dd"; format.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        let until = format.string(from: Date().addingTimeInterval(300 * 86_400))
        let applied = try await http.json(
            .POST, consumer.base + "/api/v1/federation/applications", token: consumer.token,
            [
                "node": owner.code, "resource": Self.code, "purpose": "bench connectors: relay across two nodes", "legalBasis": "《政务数据共享管理办法》",
                "items": items, "masks": Dictionary(uniqueKeysWithValues: items.map { ($0, "clear") }), "unmaskReason": "基准测试须核对原值",
                "validUntil": until
            ])
        guard let id = applied["id"] as? String, let remote = applied["remoteID"] as? String else {
            throw CLIError("the application was not filed: \(applied)")
        }
        if applied["status"] as? String == "pending" {
            _ = try await http.json(.POST, owner.base + "/api/v1/applications/\(remote)/decision", token: owner.token, ["decision": "approve"])
        }
        let synced = try await http.json(.POST, consumer.base + "/api/v1/federation/applications/\(id)/sync", token: consumer.token, nil)
        guard synced["grantState"] as? String == "active" else { throw CLIError("the owner's grant is not active: \(synced)") }
        _ = try await http.json(
            .POST, consumer.base + "/api/v1/connectors", token: consumer.token,
            [
                "code": Self.connector, "name": "基准测试转接", "resource": Self.code,
                "source": ["kind": "databank", "node": owner.code, "resource": Self.code], "schedule": "every 60 minutes", "mode": "incremental"
            ])
    }

    // MARK: The figures

    mutating func measure(_ http: Calls, owner: Node, consumer: Node, lastSeq: Int) async throws {
        let ownerPID = owner.process!.processIdentifier, consumerPID = consumer.process!.processIdentifier
        let before = (Self.cpuSeconds(ownerPID), Self.cpuSeconds(consumerPID), BenchCPU.now(postmaster: postmaster))
        let load = ConnectorBench.loadAverage()
        let started = ContinuousClock.now
        let run = try await http.json(.POST, consumer.base + "/api/v1/connectors/\(Self.connector)/run", token: consumer.token, nil)
        let seconds = (ContinuousClock.now - started).seconds
        let cpu = (
            Self.cpuSeconds(ownerPID) - before.0, Self.cpuSeconds(consumerPID) - before.1,
            BenchCPU.now(postmaster: postmaster).since(before.2).postgres
        )
        let read = run["rowsRead"] as? Int ?? 0
        guard run["status"] as? String == "succeeded", read >= changes, (run["refused"] as? Int ?? 0) == 0 else {
            throw CLIError("the relay run did not relay every change: \(run)")
        }
        let held = try await Self.count(consumer.location)
        guard held == changes else { throw CLIError("the consumer's store holds \(held) records, not \(changes)") }
        let perChange = { (s: Double) in String(format: "%.1f µs", s * 1_000_000 / Double(max(read, 1))) }
        let cpuText =
            "owner \(perChange(cpu.0)) + consumer \(perChange(cpu.1))" + (cpu.2.map { " + PostgreSQL \(perChange($0))" } ?? "") + " CPU per change"
        row(
            "relay across two nodes, \(read) changes end to end, \(dialect) nodes",
            String(format: "%.0f changes/s (%.2f s; %@; load avg %@)", Double(read) / max(seconds, 0.000_001), seconds, cpuText, load),
            "≥ 50,000 changes/s")

        // The lag: one record written at the owner, a run started the moment the write answered.
        let record = Self.oneRecord()
        _ = try await http.send(
            .POST, owner.base + "/api/v1/resources/\(Self.code)/records?mode=upsert", token: owner.token, body: Array(record.line.utf8),
            contentType: "application/x-ndjson")
        let written = ContinuousClock.now
        let caught = try await http.json(.POST, consumer.base + "/api/v1/connectors/\(Self.connector)/run", token: consumer.token, nil)
        let lag = (ContinuousClock.now - written).seconds
        let arrived = try await http.send(.GET, consumer.base + "/api/v1/resources/\(Self.code)/records/\(record.key)?purpose=bench", token: consumer.token)
        guard caught["status"] as? String == "succeeded", arrived.status == 200, arrived.body.contains("relay-lag") else {
            throw CLIError("the record written for the lag did not arrive: \(caught) \(arrived.status)")
        }
        row(
            "lag, \(dialect) nodes: a record written at the owner → in the consumer's store (a run started as the write answered)",
            String(format: "%.3f s (load avg %@)", lag, ConnectorBench.loadAverage()), "-")
    }

    mutating func row(_ name: String, _ value: String, _ target: String) {
        rows.append((name, value, target)); console.print("\(name): \(value) (target \(target))")
    }

    /// A record of the bench's layout with a key outside the generated ones.
    static func oneRecord() -> (key: String, line: String) {
        let key = "LAG" + String(Int(Date().timeIntervalSince1970 * 1000) % 1_000_000_000_000_000)
        return (
            key,
            #"{"id_number":"\#(key)","name":"relay-lag","employer":null,"credit_code":null,"region":"440604","amount":"1.00","months":1,"#
                + #""paid_on":"2024-01-01","updated_at":"2024-01-01 00:00:00","active":true}"#
        )
    }

    // MARK: Helpers

    static func lastSeq(_ location: DatabaseLocation) async throws -> Int {
        var seq = 0
        try await ConnectorBench.withStoreApp(location) { app in
            seq =
                try await app.db.sql.raw("SELECT last_seq FROM record_stores WHERE resource_code = \(bind: code)").first()?.decode(
                    column: "last_seq", as: Int.self) ?? 0
        }
        return seq
    }

    static func count(_ location: DatabaseLocation) async throws -> Int {
        var n = 0
        try await ConnectorBench.withStoreApp(location) { app in
            let store = try await RecordStores.find(code, on: app.db)
            n = try await app.db.sql.raw("SELECT count(*) AS n FROM \(ident: store.tables.records)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
        return n
    }

    /// The nodes' folders (and SQLite files) removed, their PostgreSQL databases dropped.
    func dropDatabases() async throws {
        for role in ["owner", "consumer"] {
            try? FileManager.default.removeItem(atPath: FileManager.default.temporaryDirectory.appendingPathComponent("databank-bench-relay-\(role)").path)
        }
        guard dialect != "SQLite" else { return }
        try await pg.withConnection(app) { c in
            for role in ["owner", "consumer"] {
                try await c.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS databank_bench_relay_\(role) WITH (FORCE)"), logger: app.logger)
            }
        }
    }

    /// A `databank` command run for a node (its own files in the environment); its standard output.
    static func child(_ args: [String], _ n: Node) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(n.env) { _, new in new }
        let pipe = Pipe(), errors = Pipe()
        p.standardOutput = pipe; p.standardError = errors
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        let error = errors.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw CLIError("databank \(args.prefix(3).joined(separator: " ")) failed: \(String(decoding: error, as: UTF8.self).suffix(400))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A port nothing listens on now (the kernel's pick).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw CLIError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A process's user + system seconds so far (its threads included), from /proc.
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(close, offsetBy: 2)...].split(separator: " ")
        guard fields.count > 12 else { return 0 }
        return ((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The API calls the setup and the figures make (bearer token, JSON).
    struct Calls {
        let client: HTTPClient

        func send(_ method: HTTPMethod, _ url: String, token: String, body: [UInt8]? = nil, contentType: String = "application/json") async throws -> (
            status: UInt, body: String
        ) {
            var request = HTTPClientRequest(url: url)
            request.method = method
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            if let body {
                request.headers.add(name: "Content-Type", value: contentType)
                request.body = .bytes(ByteBuffer(bytes: body))
            }
            let response = try await client.execute(request, timeout: .seconds(3600))
            let text = String(buffer: try await response.body.collect(upTo: 64 << 20))
            return (response.status.code, text)
        }

        /// A call whose answer must be 2xx JSON (an object).
        func json(_ method: HTTPMethod, _ url: String, token: String, _ body: [String: Any]?) async throws -> [String: Any] {
            let bytes = try body.map { Array(try JSONSerialization.data(withJSONObject: $0)) }
            let answer = try await send(method, url, token: token, body: bytes)
            guard (200..<300).contains(answer.status) else { throw CLIError("\(method) \(url) answered \(answer.status): \(answer.body.prefix(400))") }
            return (try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]) ?? [:]
        }
    }
}
