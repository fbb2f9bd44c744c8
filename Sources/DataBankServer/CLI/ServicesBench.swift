import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `databank bench services`: a joint check of 16 verification services over HTTP against `databank
/// serve` — four stores of `rows` records each (the bus bench's generated rows), owned by four
/// departments, four services on each; the transport bureau holds a grant for every service. Measured:
/// one applicant checked by the joint check (p50 / p99, and the server's own ratio of the services'
/// summed times to the run's), the same 16 services asked one after another with `/verify` (what a
/// window does without joint checks), and a batch of 100,000 applicants.
struct ServicesBench {
    let app: Application
    let console: any Console
    let rows: Int
    let requests: Int
    let applicants: Int
    var table: [(String, String, String)] = []

    static let stores = ["109001-00001", "109001-00002", "109001-00003", "109001-00004"]
    /// The four providers: market regulation (the bench store's owner), human resources, the housing fund, the police.
    static let providers = ["440600002", "440600005", "440600006", "440600004"]
    /// Four checks per store, each a different predicate on the subject's record.
    static let checks: [(suffix: String, name: String, extra: [VerificationSpec.Comparison])] = [
        ("registered", "登记核验", []),
        ("active", "在保核验", [.init(column: "active", op: .eq, operand: .constant("true"))]),
        ("long-paid", "缴费满 12 个月核验", [.init(column: "months", op: .gte, operand: .constant("12"))]),
        ("recent", "近期缴费核验", [.init(column: "paid_on", op: .gte, operand: .constant("2024-06-01"))])
    ]

    mutating func row(_ name: String, _ value: String, _ target: String) {
        table.append((name, value, target)); console.print("\(name): \(value) (target \(target))")
    }

    static func serviceCode(_ store: Int, _ check: Int) -> String { "bench-s\(store + 1)-\(checks[check].suffix)" }

    mutating func run() async throws {
        let (dbURL, _) = try await BusBench.freshStore(app, bench: "services", codes: Self.stores)
        guard let consumer = try await User.query(on: app.db).filter(\.$username == "jtj_steward").first() else { throw CLIError("demo users missing") }
        let file = try BusBench.generatedFile(to: rows)
        for (s, code) in Self.stores.enumerated() {
            _ = try BusBench.runChild(["load", code, file, "--mode", "append", "--database-url", dbURL])
            // Each store is another department's: its catalog entry and store move to that provider.
            try await app.db.sql.raw("UPDATE resources SET department_code = \(bind: Self.providers[s]) WHERE code = \(bind: code)").run()
            try await app.db.sql.raw("UPDATE record_stores SET department_code = \(bind: Self.providers[s]) WHERE resource_code = \(bind: code)").run()
            console.print("store \(code): \(rows) rows")
        }
        var steps: [JointCheck.Step] = []
        for (s, code) in Self.stores.enumerated() {
            for (c, check) in Self.checks.enumerated() {
                let service = VerificationServiceRow()
                service.code = Self.serviceCode(s, c); service.name = check.name; service.resourceCode = code; service.providerCode = Self.providers[s]
                service.spec = JSONText.encode(
                    VerificationSpec(
                        parameters: [.init(name: "id_number", type: .C)],
                        predicate: .exists(where: [.init(column: "id_number", op: .eq, operand: .parameter("id_number"))] + check.extra)))
                try await service.create(on: app.db)
                try await AccessBench.grant(
                    consumer, provider: Self.providers[s], kind: "service", service: service.code, scope: GrantScope(items: []), resource: code, on: app.db)
                steps.append(.init(service: service.code, params: ["id_number": .field("id_number")]))
            }
        }
        let check = JointCheck(
            code: "bench-16", name: "十六部门联审（基准测试）", form: [.init(name: "id_number", label: "公民身份号码", kind: .residentID)], steps: steps,
            rule: .allPass)
        try await JointCheckRow(check, department: consumer.departmentCode, createdBy: consumer.username).create(on: app.db)

        let server = try BusBench.startServer(dbURL)
        defer { server.terminate(); server.waitUntilExit() }
        let token = try await BusBench.token(for: "jtj_steward", dbURL: dbURL)
        let client = app.client
        try await BusBench.waitForServer(client)
        let base = "http://127.0.0.1:18480/api/v1"
        var rng = SplitMix(seed: 16)
        func subject() -> String { BusBench.idNumber(Int(rng.next() % UInt64(rows * 2))) }  // half of them exist

        // One applicant, the 16 services at once.
        var joint = Samples(), speedups = Samples()
        for i in 0..<(requests + 20) {
            let start = ContinuousClock.now
            let response = try await post(
                client, "\(base)/joint-checks/bench-16", token: token, body: "{\"applicant\":{\"id_number\":\"\(subject())\"},\"purpose\":\"bench\"}")
            let seconds = (ContinuousClock.now - start).seconds
            let answer = try response.content.decode(JointCheckAnswer.self)
            guard answer.answers.count == 16, answer.answers.allSatisfy({ $0.answer != nil }) else {
                throw CLIError("the joint check did not answer every service")
            }
            if i >= 20 {  // the first calls warm the server's caches
                joint.add(seconds)
                speedups.add(answer.sequentialMs / max(answer.ms, 0.001))
            }
        }
        row("joint check of 16 services over HTTP, 4 × \(rows) rows, p50 / p99", "\(ms(joint.p(0.5))) / \(ms(joint.p(0.99)))", "p99 < 30 ms")
        row(
            "  its services' summed time / its own time (server), median", String(format: "%.1f×", speedups.p(0.5)),
            "> 1 (in parallel)")

        // The same 16 services one after another, as a window without joint checks asks them.
        var oneByOne = Samples()
        for _ in 0..<max(20, requests / 4) {
            let id = subject()
            let start = ContinuousClock.now
            for step in steps {
                _ = try await post(client, "\(base)/verify/\(step.service)", token: token, body: "{\"params\":{\"id_number\":\"\(id)\"},\"purpose\":\"bench\"}")
            }
            oneByOne.add((ContinuousClock.now - start).seconds)
        }
        row(
            "  the 16 services one after another (/verify × 16), p50 / p99", "\(ms(oneByOne.p(0.5))) / \(ms(oneByOne.p(0.99)))",
            String(format: "joint check %.1f× faster at p50", oneByOne.p(0.5) / joint.p(0.5)))

        // A batch of applicants, answers streamed.
        var csv = "id_number\n"
        for _ in 0..<applicants { csv += subject() + "\n" }
        let batchStart = ContinuousClock.now
        let response = try await client.post(
            URI(string: "\(base)/joint-checks/bench-16/batch?purpose=bench"), headers: ["Authorization": "Bearer \(token)", "Content-Type": "text/csv"]
        ) { $0.body = ByteBuffer(string: csv) }
        let batchSeconds = (ContinuousClock.now - batchStart).seconds
        let answered = response.body.map { String(buffer: $0).split(separator: "\n").count } ?? 0
        guard response.status == .ok, answered == applicants else { throw CLIError("the batch answered \(response.status.code) with \(answered) lines") }
        row(
            "joint-check batch of \(applicants) applicants × 16 services",
            String(format: "%.1f s (%.0f applicants/s)", batchSeconds, Double(applicants) / batchSeconds),
            "< 60 s")
    }

    func post(_ client: any Client, _ url: String, token: String, body: String) async throws -> ClientResponse {
        let response = try await client.post(URI(string: url), headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]) {
            $0.body = ByteBuffer(string: body)
        }
        guard response.status == .ok else { throw CLIError("POST \(url) answered \(response.status.code)") }
        return response
    }

    func ms(_ s: Double) -> String { String(format: "%.2f ms", s * 1000) }
}
