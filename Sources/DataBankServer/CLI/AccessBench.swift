import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `databank bench access`: governed sharing's scenarios over HTTP against `databank serve` —
/// one verification call and a batch of 100,000 inputs against a 10,000,000-row resource, and
/// the cost of grant enforcement and masking beside the provider's own reads of the same rows.
struct AccessBench {
    let app: Application
    let console: any Console
    let rows: Int
    let requests: Int
    let batchSize: Int
    var table: [(String, String, String)] = []

    static let code = BusBench.resourceCode

    mutating func row(_ name: String, _ value: String, _ target: String) {
        table.append((name, value, target)); console.print("\(name): \(value) (target \(target))")
    }

    mutating func run() async throws {
        let (dbURL, _) = try await BusBench.freshStore(app, bench: "access")
        guard let provider = try await User.query(on: app.db).filter(\.$username == "scj_steward").first(),
            let consumer = try await User.query(on: app.db).filter(\.$username == "jtj_steward").first()
        else { throw CLIError("demo users missing") }
        // The store: the bus bench's generated files (shared with it), loaded with `databank load`.
        let first = min(rows, 1_000_000)
        _ = try BusBench.runChild(["load", Self.code, try BusBench.generatedFile(to: first), "--mode", "append", "--database-url", dbURL])
        if rows > first {
            _ = try BusBench.runChild(["load", Self.code, try BusBench.generatedFile(from: first, to: rows), "--mode", "append", "--database-url", dbURL])
        }
        console.print("store: \(rows) rows")

        // The consumer's grants: the whole table with the default masks of its personal items, and the service.
        let service = VerificationServiceRow()
        service.code = "bench-registered"; service.name = "参保核验"; service.resourceCode = Self.code; service.providerCode = provider.departmentCode
        service.spec = JSONText.encode(
            VerificationSpec(
                parameters: [.init(name: "id_number", type: .C)],
                predicate: .exists(where: [.init(column: "id_number", op: .eq, operand: .parameter("id_number"))])))
        try await service.create(on: app.db)
        let masks: [String: MaskRule] = ["id_number": .mask(.residentID), "name": .mask(.name), "employer": .clear]
        try await Self.grant(
            consumer, provider: provider.departmentCode, kind: "resource", service: nil,
            scope: GrantScope(items: BusBench.layout.columns.map(\.name), masks: masks), on: app.db)
        try await Self.grant(
            consumer, provider: provider.departmentCode, kind: "service", service: service.code, scope: GrantScope(items: []), on: app.db)

        let server = try BusBench.startServer(dbURL)
        defer { server.terminate(); server.waitUntilExit() }
        let providerToken = try await BusBench.token(for: "scj_steward", dbURL: dbURL)
        let consumerToken = try await BusBench.token(for: "jtj_steward", dbURL: dbURL)
        let client = app.client
        try await BusBench.waitForServer(client)
        let base = "http://127.0.0.1:18480/api/v1"

        // One verification call: half the subjects exist.
        var rng = SplitMix(seed: 11)
        var verify = Samples()
        for i in 0..<requests {
            let id = BusBench.idNumber(Int(rng.next() % UInt64(rows * 2)))
            verify.add(
                try await timedPost(
                    client, "\(base)/verify/bench-registered?purpose=bench", token: consumerToken,
                    json: "{\"params\":{\"id_number\":\"\(id)\"}}", expect: i == 0 ? "answer" : nil))
        }
        row("verification call over HTTP, \(rows) rows, p50 / p99", "\(ms(verify.p(0.5))) / \(ms(verify.p(0.99)))", "p99 < 5 ms")

        // A batch of inputs as CSV, one answer per line.
        var csv = "id_number\n"
        for _ in 0..<batchSize { csv += BusBench.idNumber(Int(rng.next() % UInt64(rows * 2))) + "\n" }
        let batchStart = ContinuousClock.now
        let response = try await client.post(
            URI(string: "\(base)/verify/bench-registered/batch?purpose=bench"),
            headers: ["Authorization": "Bearer \(consumerToken)", "Content-Type": "text/csv"]
        ) { $0.body = ByteBuffer(string: csv) }
        let batchSeconds = (ContinuousClock.now - batchStart).seconds
        let answered = response.body.map { String(buffer: $0).split(separator: "\n").count } ?? 0
        guard response.status == .ok, answered == batchSize else { throw CLIError("batch answered \(response.status.code) with \(answered) lines") }
        row("verification batch of \(batchSize) inputs, \(rows) rows", String(format: "%.2f s", batchSeconds), "< 5 s")

        // Enforcement and masking beside the provider's own read: 100-row pages, then a 1,000,000-row CSV export.
        var own = Samples(), granted = Samples()
        for i in 0..<requests {
            let region = BusBench.regions[i % BusBench.regions.count]
            let path = "\(base)/resources/\(Self.code)/records?region=\(region)&limit=100&purpose=bench"
            own.add(try await BusBench.timedGet(client, path, token: providerToken))
            granted.add(try await BusBench.timedGet(client, path, token: consumerToken))
        }
        row(
            "100-row record query, provider / consumer with grant and masks, p50",
            "\(ms(own.p(0.5))) / \(ms(granted.p(0.5))) (\(percent(granted.p(0.5), own.p(0.5))))", "< +10 %")
        // `months` is row % 240, so `months__lt=N` selects N/240 of the rows: about 1,000,000 of them.
        let months = max(1, min(240, 240 * 1_000_000 / rows))
        let exportRows = rows * months / 240
        let exportPath = "\(base)/resources/\(Self.code)/records?format=csv&limit=all&months__lt=\(months)&purpose=bench"
        // Alternating, best of three each, so neither side profits from a warmer cache.
        var ownExport = Double.infinity, grantedExport = Double.infinity
        for _ in 0..<3 {
            ownExport = min(ownExport, try await BusBench.timedGet(client, exportPath, token: providerToken))
            grantedExport = min(grantedExport, try await BusBench.timedGet(client, exportPath, token: consumerToken))
        }
        row(
            "\(exportRows)-row CSV export, provider / consumer with grant and masks",
            String(format: "%.2f s / %.2f s (%@)", ownExport, grantedExport, percent(grantedExport, ownExport)), "< +10 %")
    }

    /// An approved application and its grant, written directly (the bench's consumer holds it from 2020 to 2099).
    static func grant(
        _ consumer: User, provider: String, kind: String, service: String?, scope: GrantScope, resource: String = code, on db: any Database
    ) async throws {
        let application = ApplicationRow()
        application.kind = kind; application.resourceCode = resource; application.serviceCode = service
        application.providerCode = provider; application.consumerCode = consumer.departmentCode
        application.applicantID = try consumer.requireID(); application.applicantName = consumer.username
        application.sharingType = "conditional"; application.purpose = "bench"; application.legalBasis = "bench"
        application.scope = JSONText.encode(scope); application.validFrom = "2020-01-01"; application.validUntil = "2099-12-31"
        application.status = ApplicationStatus.approved.rawValue
        try await application.create(on: db)
        let g = GrantRow()
        g.applicationID = try application.requireID(); g.kind = kind; g.resourceCode = resource; g.serviceCode = service
        g.providerCode = provider; g.consumerCode = consumer.departmentCode; g.scope = JSONText.encode(scope)
        g.validFrom = "2020-01-01"; g.validUntil = "2099-12-31"
        try await g.create(on: db)
    }

    func timedPost(_ client: any Client, _ url: String, token: String, json: String, expect: String?) async throws -> Double {
        let start = ContinuousClock.now
        let response = try await client.post(URI(string: url), headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]) {
            $0.body = ByteBuffer(string: json)
        }
        let seconds = (ContinuousClock.now - start).seconds
        guard response.status == .ok else { throw CLIError("POST \(url) answered \(response.status.code)") }
        if let expect, !(response.body.map { String(buffer: $0) } ?? "").contains(expect) { throw CLIError("unexpected answer") }
        return seconds
    }

    func ms(_ s: Double) -> String { String(format: "%.2f ms", s * 1000) }
    func percent(_ a: Double, _ b: Double) -> String { String(format: "%+.1f %%", (a / b - 1) * 100) }
}
