import Fluent
import Vapor
import DataBankCore

extension HeatBench {
    /// A port of its own (other benches may run beside it).
    static let cockpitPort = 18487

    /// The cockpit at the bench's volume: computing its figures once (what a refresh costs, in the
    /// background once the page is served), then `GET /cockpit` as the admin through a real server —
    /// the first request (which computes the figures) and p50 / p99 of 100 sequential requests after it.
    mutating func cockpitScenario() async throws {
        let admin = try await User.query(on: app.db).filter(\.$username == "admin").first()
        var clock = ContinuousClock.now
        let now = Date()
        let figures = try await CockpitFigures.compute(actor: admin?.actor, now: now, today: GrantAccess.today(now), on: app.db)
        row(
            "cockpit figures computed once (\(figures.network.count) department pairs, \(figures.heat.count) department × theme cells)",
            String(format: "%.3f s", (ContinuousClock.now - clock).seconds), "- (a background refresh every 60 s)")
        let dbURL: String
        switch app.settings.database {
        case .sqliteFile(let path): dbURL = "sqlite://\(path)"
        case .postgres(let url): dbURL = url
        case .sqliteMemory: throw CLIError("bench heat needs a database file or PostgreSQL (--database-url)")
        }
        let server = Process()
        server.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        server.arguments = ["serve", "--port", String(Self.cockpitPort), "--database-url", dbURL, "--log", "warning"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        let token = try await BusBench.token(for: "admin", dbURL: dbURL)
        let client = app.client
        let base = "http://127.0.0.1:\(Self.cockpitPort)"
        var up = false
        for _ in 0..<300 where !up {
            if let r = try? await client.get(URI(string: base + "/healthz")), r.status == .ok {
                up = true
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        guard up else { throw CLIError("databank serve did not start on port \(Self.cockpitPort)") }
        clock = ContinuousClock.now
        let first = try await client.get(URI(string: base + "/cockpit"), headers: ["Authorization": "Bearer \(token)"])
        let firstSeconds = (ContinuousClock.now - clock).seconds
        let html = first.body.map { String(buffer: $0) } ?? ""
        guard first.status == .ok, html.contains("data-testid=\"cockpit-network-chart\"") else {
            throw CLIError("GET /cockpit answered \(first.status.code)")
        }
        var samples = Samples()
        for _ in 0..<100 { samples.add(try await BusBench.timedGet(client, base + "/cockpit", token: token)) }
        row(
            "cockpit page GET /cockpit as admin: p50 / p99 of 100 (first request, computing the figures: \(String(format: "%.2f s", firstSeconds)))",
            String(format: "%.1f ms / %.1f ms", samples.p(0.5) * 1000, samples.p(0.99) * 1000), "p99 < 200 ms")
    }
}
