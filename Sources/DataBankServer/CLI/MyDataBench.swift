import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `databank bench my`: 我的数据 at the issue's volume, over HTTP against `databank serve`.
///
/// 1. "Who looked at my data": `auditEntries` audit entries (10,000,000 by default), each touching one
///    of `subjects` residents (so each was looked at `auditEntries / subjects` times), written into
///    `audit_log` and `audit_subjects` inside the database (recursive CTEs; the residents' keyed hashes
///    computed here under the server's audit key). Timed: `GET /api/v1/my/accesses` with each
///    resident's ID token (an ES256 key of the bench's own, published to the server as a key-set file:
///    the production verification path), p50 / p99.
/// 2. What recording subjects costs a read: `GET …/records?limit=100` on a store of `rows` records
///    (the bus bench's), with the store subject-visible (each read hashes its 100 keys and queues them in
///    the audit's transaction) and not, in alternating blocks of the same run; p50 of each and the ratio.
struct MyDataBench {
    let app: Application
    let console: any Console
    let rows: Int
    let auditEntries: Int
    let requests: Int
    var subjects = 100_000
    var table: [(String, String, String)] = []

    mutating func row(_ name: String, _ value: String, _ target: String) {
        table.append((name, value, target)); console.print("\(name): \(value) (target \(target))")
    }

    mutating func run() async throws {
        let (dbURL, _) = try await BusBench.freshStore(app, bench: "my", codes: [BusBench.resourceCode])
        let file = try BusBench.generatedFile(to: rows)
        _ = try BusBench.runChild(["load", BusBench.resourceCode, file, "--mode", "append", "--database-url", dbURL])
        console.print("store \(BusBench.resourceCode): \(rows) rows")
        let sql = app.db.sql
        let trail = app.auditTrail
        let clock = ContinuousClock.now

        // The residents' hashes (ids 0… of the bus bench), then the entries, each touching resident (i × 7919) mod subjects.
        let blob = RecordTables.Dialect(sql) == .postgres ? "BYTEA" : "BLOB"
        try await sql.raw("CREATE TABLE bench_subjects (n INTEGER PRIMARY KEY, hash \(unsafeRaw: blob) NOT NULL)").run()
        for start in stride(from: 0, to: subjects, by: 5_000) {
            let insert = sql.insert(into: "bench_subjects").columns("n", "hash")
            for n in start..<min(start + 5_000, subjects) {
                insert.values(n, AuditSubjects.bytes(AuditSubjects.hash(BusBench.idNumber(n), trail: trail)))
            }
            try await insert.run()
        }
        let head = try await sql.raw("SELECT seq FROM audit_head WHERE id = 1").first()?.decode(column: "seq", as: Int.self) ?? 0
        var written = head
        while written < head + auditEntries {
            let n = min(1_000_000, head + auditEntries - written)
            let series: SQLQueryString =
                "WITH RECURSIVE s(i) AS (SELECT CAST(\(literal: written + 1) AS BIGINT) UNION ALL SELECT i + 1 FROM s WHERE i < \(literal: written + n))"
            try await sql.raw(
                """
                \(series)
                INSERT INTO audit_log (seq, at, actor_kind, actor_id, actor_name, department_code, resource_code, operation, fields, record_count,
                                       purpose, request_id, request_hash, prev_hash, hash)
                SELECT s.i, '2026-11-01T10:00:00.000Z', 'token', NULL, 'bench', '440600005', \(bind: BusBench.resourceCode),
                       CASE WHEN s.i % 4 = 0 THEN 'export.csv' WHEN s.i % 8 = 1 THEN 'verify.bench' ELSE 'query' END, '', 1,
                       '社会保险待遇核定', NULL, NULL, '', ''
                FROM s WHERE true
                """
            ).run()
            try await sql.raw(
                """
                \(series)
                INSERT INTO audit_subjects (subject_hash, seq)
                SELECT b.hash, s.i FROM s JOIN bench_subjects AS b ON b.n = (s.i * 7919) % \(literal: subjects)
                WHERE true
                """
            ).run()
            written += n
        }
        try await sql.raw("UPDATE audit_head SET seq = \(literal: written) WHERE id = 1").run()
        try await sql.raw("DROP TABLE bench_subjects").run()
        try await sql.raw("ANALYZE").run()
        row(
            "audit_log + audit_subjects: entries, \(subjects) residents (\(auditEntries / max(subjects, 1)) each)",
            "\(auditEntries) written in \(String(format: "%.1f s", (ContinuousClock.now - clock).seconds))", "-")

        // The bench's identity provider: its key set in a file the server reads, as a pinned production key set.
        let provider = try await DemoIdentityProvider.make()
        let jwks = FileManager.default.temporaryDirectory.appendingPathComponent("databank-bench-jwks-\(UUID().uuidString.prefix(8)).json").path
        FileManager.default.createFile(atPath: jwks, contents: Data(provider.jwksJSON.utf8))
        defer { try? FileManager.default.removeItem(atPath: jwks) }
        let server = try Self.startServer(
            dbURL,
            environment: [
                "DATABANK_OIDC_ISSUER": DemoIdentityProvider.issuer, "DATABANK_OIDC_AUDIENCE": DemoIdentityProvider.audience,
                "DATABANK_OIDC_JWKS_FILE": jwks
            ])
        defer { server.terminate(); server.waitUntilExit() }
        let client = app.client
        try await BusBench.waitForServer(client)
        let base = "http://127.0.0.1:18480/api/v1"

        // 1. Who looked at my data.
        var rng = SplitMix(seed: 37)
        var looked = Samples()
        var found = 0
        for i in 0..<(requests + 20) {
            let resident = BusBench.idNumber(Int(rng.next() % UInt64(subjects)))
            let token = try await provider.sign(.init(kind: .resident, key: resident, name: "bench"), nonce: nil)
            let start = ContinuousClock.now
            let response = try await client.get(URI(string: "\(base)/my/accesses"), headers: ["Authorization": "Bearer \(token)"])
            let seconds = (ContinuousClock.now - start).seconds
            guard response.status == .ok else { throw CLIError("GET /my/accesses answered \(response.status.code)") }
            if i >= 20 {
                looked.add(seconds)
                found += try response.content.get([AuditSubjects.Access].self, at: "accesses").count
            }
        }
        row(
            "who looked at my data (GET /my/accesses, ID token verified), \(auditEntries) entries, p50 / p99",
            "\(ms(looked.p(0.5))) / \(ms(looked.p(0.99))) (\(found / max(requests, 1)) accesses each)", "p99 < 50 ms")

        // 2. A 100-row read with and without recording its subjects, alternating blocks.
        let admin = try await BusBench.token(for: "admin", dbURL: dbURL)
        guard let store = try await RecordStoreRow.query(on: app.db).filter(\.$resourceCode == BusBench.resourceCode).first() else {
            throw CLIError("bench store missing")
        }
        try await SubjectViews.set(
            SubjectView(subjectColumn: "id_number", kind: .resident, masks: ["id_number": .clear, "amount": .clear]), store: store, by: "bench",
            on: app.db)
        let url = "\(base)/resources/\(BusBench.resourceCode)/records?limit=100&purpose=bench"
        var with = Samples(), without = Samples()
        for _ in 0..<20 { _ = try await BusBench.timedGet(client, url, token: admin) }
        let blocks = 10, perBlock = max(10, requests / blocks)
        for b in 0..<(2 * blocks) {
            let recording = b % 2 == 0
            // Moves the access epoch: the server reads the store row (and its subject column) afresh.
            try await SubjectViews.markStore(BusBench.resourceCode, column: recording ? "id_number" : nil, on: app.db)
            _ = try await BusBench.timedGet(client, url, token: admin)
            for _ in 0..<perBlock {
                let seconds = try await BusBench.timedGet(client, url, token: admin)
                if recording { with.add(seconds) } else { without.add(seconds) }
            }
        }
        // What the server's worker has not yet moved from the queue, moved here, so every recorded subject counts.
        try await AuditSubjects.indexQueued(on: app.db)
        let recorded =
            try await sql.raw("SELECT COUNT(*) AS n FROM audit_subjects WHERE seq > \(literal: written)").first()?.decode(column: "n", as: Int.self) ?? 0
        row("100-row read (GET …/records?limit=100), not recording subjects, p50 / p99", "\(ms(without.p(0.5))) / \(ms(without.p(0.99)))", "-")
        row(
            "  the same read recording its 100 subjects, p50 / p99", "\(ms(with.p(0.5))) / \(ms(with.p(0.99))) (\(recorded) subject rows written)",
            "-")
        row("  recording subjects adds (p50)", String(format: "%+.1f %%", (with.p(0.5) / without.p(0.5) - 1) * 100), "< 10 %")
    }

    /// `databank serve` on the bench port with extra environment (the identity provider's settings).
    static func startServer(_ dbURL: String, environment: [String: String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        p.arguments = ["serve", "--port", "18480", "--database-url", dbURL, "--log", "warning"]
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    func ms(_ s: Double) -> String { String(format: "%.2f ms", s * 1000) }
}
