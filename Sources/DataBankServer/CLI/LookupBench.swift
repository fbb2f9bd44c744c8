import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `databank bench lookup`: partial (infix) name look-ups over HTTP against `databank serve` — the
/// demo register filled with `rows` generated enterprise names (佛山市 + district + a two-character
/// trade name + an industry word + 有限公司), the n-gram index built once, then look-ups of
/// infixes (a trade name, trade name + industry, an industry word alone) and of prefixes.
/// The child server gets high `DATABANK_LOOKUPS_PER_MINUTE` and `DATABANK_ANON_CALLS_PER_MINUTE`, so the per-address limits do not count.
struct LookupBench {
    let app: Application
    let console: any Console
    let rows: Int
    let requests: Int
    var table: [(String, String, String)] = []

    static let districts = ["禅城区", "南海区", "顺德区", "高明区", "三水区"]
    static let tradeChars = Array("美华盛泰恒信达鸿宏兴隆源鑫德嘉裕丰瑞祥和安康利通顺海天金银宝富佳创新科星辰光明润联众合博远志诚")
    static let words = [
        "电器", "陶瓷", "家具", "五金", "纺织", "服装", "食品", "物流", "建材", "机械", "信息科技", "科技", "贸易", "餐饮管理", "物业服务",
        "装饰工程", "化工", "印刷", "照明", "塑料制品"
    ]

    mutating func row(_ name: String, _ value: String, _ target: String) {
        table.append((name, value, target)); console.print("\(name): \(value) (target \(target))")
    }

    static func name(_ n: Int) -> (trade: String, word: String, full: String) {
        var rng = SplitMix(seed: UInt64(n) &+ 77)
        let d = districts[Int(rng.next() % UInt64(districts.count))]
        let trade = String(tradeChars[Int(rng.next() % UInt64(tradeChars.count))]) + String(tradeChars[Int(rng.next() % UInt64(tradeChars.count))])
        let word = words[Int(rng.next() % UInt64(words.count))]
        return (trade, word, "佛山市" + d + trade + word + (rng.next() % 6 == 0 ? "股份有限公司" : "有限公司"))
    }

    /// A valid-looking, unique 18-character code for record `n` (the key; not checked here).
    static func code(_ n: Int) -> String { "914406" + String(format: "%012d", n) }

    mutating func run() async throws {
        guard case .sqliteFile(let path) = app.settings.database else { throw CLIError("bench lookup runs on a SQLite file (--database-url sqlite://…)") }
        let dbURL = "sqlite://\(path)"
        try await app.autoRevert()
        try await app.autoMigrate()
        _ = try await DemoLoader.load(DemoCity.generate(scale: .small), on: app.db)
        guard let resource = try await ResourceRow.query(on: app.db).filter(\.$name == "企业登记信息表").first() else { throw CLIError("no register") }
        let store = try await RecordStores.find(resource.code, on: app.db)
        let sql = app.db.sql
        let fill = ContinuousClock.now
        let rows = self.rows, records = store.tables.records
        for start in stride(from: 0, to: rows, by: 50_000) {
            try await app.db.transaction { tx in
                for chunk in stride(from: start, to: min(start + 50_000, rows), by: 400) {
                    let values = (chunk..<min(chunk + 400, rows)).map { n -> SQLQueryString in "(\(bind: Self.code(n)), \(bind: Self.name(n).full))" }
                    try await tx.sql.raw(
                        "INSERT INTO \(ident: records) (credit_code, enterprise_name) VALUES \(values.joined(separator: ", "))"
                    ).run()
                }
            }
        }
        console.print("store: \(rows) names in \(String(format: "%.1f", (ContinuousClock.now - fill).seconds)) s")
        let d = LookupDefinition(
            code: "bench-names", resourceCode: resource.code, keyItems: ["enterprise_name"], match: .partial,
            returnedItems: ["credit_code", "enterprise_name", "business_status"], name: "企业名称查询", nameEn: "Enterprises by name")
        try await LookupServiceRow(d, createdBy: "bench").create(on: app.db)
        try await LookupServices.ensureIndexes(d.keyItems, store: store, on: sql)
        let build = ContinuousClock.now
        try await LookupGrams.build(d.code, items: d.keyItems, store: store, on: app.db)
        let grams = try await sql.raw("SELECT COUNT(*) AS n FROM lookup_grams").first()?.decode(column: "n", as: Int.self) ?? 0
        row("n-gram index build, \(rows) names (\(grams) grams)", String(format: "%.1f s", (ContinuousClock.now - build).seconds), "-")

        let server = Process()
        server.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        server.arguments = ["serve", "--port", "18481", "--database-url", dbURL, "--log", "warning"]
        server.environment = ProcessInfo.processInfo.environment.merging([
            "DATABANK_LOOKUPS_PER_MINUTE": "100000000", "DATABANK_ANON_CALLS_PER_MINUTE": "100000000"
        ]) { $1 }
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        let client = app.client
        var up = false
        for _ in 0..<300 where !up {
            if let r = try? await client.get("http://127.0.0.1:18481/healthz"), r.status == .ok {
                up = true
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        guard up else { throw CLIError("databank serve did not start") }
        let base = "http://127.0.0.1:18481/api/v1/open/lookups/bench-names?q="
        var rng = SplitMix(seed: 5)
        var kinds: [(String, (Int) -> String)] = [
            ("trade name (2 chars, infix)", { Self.name($0).trade }),
            ("trade name + industry (infix)", { Self.name($0).trade + Self.name($0).word }),
            ("industry word alone (infix, very common)", { Self.name($0).word }),
            ("full-name prefix", { String(Self.name($0).full.prefix(8)) })
        ]
        kinds.append(("absent text", { _ in "不存在的名称" }))
        for (label, text) in kinds {
            var samples = Samples()
            for _ in 0..<requests {
                let q = text(Int(rng.next() % UInt64(rows)))
                let url = base + (q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? q)
                let start = ContinuousClock.now
                let response = try await client.get(URI(string: url))
                guard response.status == .ok else { throw CLIError("GET \(url) answered \(response.status.code)") }
                samples.add((ContinuousClock.now - start).seconds)
            }
            row("look-up, \(label), \(rows) names, p50 / p99", "\(ms(samples.p(0.5))) / \(ms(samples.p(0.99)))", "p99 < 20 ms")
        }
    }

    func ms(_ s: Double) -> String { String(format: "%.2f ms", s * 1000) }
}
