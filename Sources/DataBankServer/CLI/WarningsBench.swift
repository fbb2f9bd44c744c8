import Fluent
import Foundation
import SQLKit
import Vapor
import DataBankCore

#if canImport(Glibc)
    import Glibc
#endif

/// `databank bench warnings`: what three warning rules cost a load. The bus bench's generated rows
/// (`rows`, default 1,000,000) are appended to an emptied store by `databank load` (a child process, as a
/// department's load would run) — without rules, and with three rules evaluated by this process while the
/// load runs, as the server's worker does: a condition on the record (`amount > 99990`), a change against
/// the entity's history (`amount < 0.6 * avg_prior(amount, 3)` by credit code, ordered by payment date:
/// three past records read for every record), and a listing in another store (`listed_in`, a register
/// holding 1 % of the people). Three trials of each, alternating; the rate with rules counts until the
/// evaluator has caught up with the last change.
struct WarningsBench {
    let app: Application
    let console: any Console
    let rows: Int
    var table: [(String, String, String)] = []

    static let register = "109001-00002"

    mutating func row(_ name: String, _ value: String, _ target: String) {
        table.append((name, value, target)); console.print("\(name): \(value) (target \(target))")
    }

    static func rules(department: String) -> [WarningRule] {
        let store = BusBench.resourceCode
        return [
            WarningRule(
                code: "bench-amount", name: "大额缴费", resource: store, condition: "amount > 99990", entity: ["id_number"], subscribers: [department]),
            WarningRule(
                code: "bench-drop", name: "缴费骤降", resource: store, condition: "amount < 0.6 * avg_prior(amount, 3)", entity: ["credit_code"],
                order: "paid_on", subscribers: [department]),
            WarningRule(
                code: "bench-listed", name: "在册人员", resource: store, condition: "listed_in('\(register)', 'id_number', id_number)", entity: ["id_number"],
                subscribers: [department])
        ]
    }

    mutating func run() async throws {
        let (dbURL, _) = try await BusBench.freshStore(app, bench: "warnings", codes: [BusBench.resourceCode, Self.register])
        guard let steward = try await User.query(on: app.db).filter(\.$username == "scj_steward").first() else { throw CLIError("demo users missing") }
        _ = try BusBench.runChild(["load", Self.register, try BusBench.generatedFile(to: max(1, rows / 100)), "--mode", "append", "--database-url", dbURL])
        let file = try BusBench.generatedFile(to: rows)
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("databank-bench-warnings-empty.csv").path
        FileManager.default.createFile(
            atPath: empty, contents: Data("id_number,name,employer,credit_code,region,amount,months,paid_on,updated_at,active\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let postgres = RecordTables.Dialect(app.db.sql) == .postgres
        let postmaster = postgres ? await BenchCPU.postmaster(of: app.db.sql) : nil
        let tables = try await RecordStores.find(BusBench.resourceCode, on: app.db).tables
        var wall: [Bool: [Double]] = [:]
        // Each trial's CPU by part — the load process, PostgreSQL, the evaluator (this process) — to tell the
        // rules' own cost from what they do to the load.
        var parts: [Bool: [CPUParts]] = [:]
        var raised = 0
        for trial in 0..<6 {
            let withRules = trial % 2 == 1
            _ = try BusBench.runChild(["load", BusBench.resourceCode, empty, "--mode", "replace", "--database-url", dbURL, "--no-profile"])
            if postgres {
                try await app.db.sql.raw("VACUUM ANALYZE \(ident: tables.records)").run()
                try await app.db.sql.raw("VACUUM ANALYZE \(ident: tables.changes)").run()
            }
            if withRules {
                let at = try await RecordStores.find(BusBench.resourceCode, on: app.db).lastSeq
                for rule in Self.rules(department: steward.departmentCode) {
                    try await WarningRuleRow(rule, department: steward.departmentCode, createdBy: steward.username, cursor: at).create(on: app.db)
                }
            }
            let before = BenchCPU.now(postmaster: postmaster), selfBefore = Self.ownCPU()
            let started = ContinuousClock.now
            let done = LoadFinished()
            let load = Task.detached { [file, dbURL] in
                defer { done.set() }
                return try BusBench.runChild(["load", BusBench.resourceCode, file, "--mode", "append", "--database-url", dbURL, "--no-profile"])
            }
            var loaded: Double?
            if withRules {
                // The worker's loop: evaluate while the load runs, then until every change is evaluated.
                var loading = true
                while true {
                    let more = try await WarningEvaluator.followAll(app: app)
                    if !loading && !more { break }
                    if !more { try await Task.sleep(for: .milliseconds(200)) }
                    if loading, done.value {
                        loading = false
                        loaded = (ContinuousClock.now - started).seconds
                    }
                }
            }
            _ = try await load.value
            let seconds = (ContinuousClock.now - started).seconds
            wall[withRules, default: []].append(seconds)
            let spent = BenchCPU.now(postmaster: postmaster).since(before)
            let part = CPUParts(load: spent.children, postgres: spent.postgres ?? 0, evaluator: Self.ownCPU() - selfBefore)
            parts[withRules, default: []].append(part)
            if withRules {
                raised = try await WarningRow.query(on: app.db).count()
                try await app.db.sql.raw("DELETE FROM warnings").run()
                try await app.db.sql.raw("DELETE FROM warning_rules").run()
                try await app.db.sql.raw("DELETE FROM notifications WHERE kind = 'warning'").run()
            }
            // With the rules: when the load itself ended (seen within one evaluation step), then the evaluation's tail.
            let tail = loaded.map { String(format: " (load ended by %.2f s)", $0) } ?? ""
            let split = String(
                format: "; CPU: load %.2f s%@, evaluator %.2f s", part.load, postgres ? String(format: ", PostgreSQL %.2f s", part.postgres) : "",
                part.evaluator)
            console.print(String(format: "trial %d (%@): %.2f s%@%@", trial + 1, withRules ? "3 rules" : "no rules", seconds, tail, split))
        }
        let plain = wall[false, default: []].min() ?? .nan, ruled = wall[true, default: []].min() ?? .nan
        let count = Double(rows)
        let rate = { (s: Double) in count / s }
        row(
            "append \(rows) rows: rate without / with 3 warning rules evaluated as it loads (best of 3, wall until every change is evaluated)",
            String(format: "%.0f / %.0f rows/s (%.1f %% less; %d warnings raised)", rate(plain), rate(ruled), (1 - plain / ruled) * 100, raised),
            "< 15 % less")
        let median = { (runs: [Double]) in runs.isEmpty ? .nan : runs.sorted()[runs.count / 2] }
        let cpuPlain = median(parts[false, default: []].map(\.total)), cpuRuled = median(parts[true, default: []].map(\.total))
        row(
            "the same: CPU seconds (load \(postgres ? "+ PostgreSQL " : "")+ evaluator), without / with the rules (median of 3)",
            String(format: "%.2f s / %.2f s (%+.1f %%)", cpuPlain, cpuRuled, (cpuRuled / cpuPlain - 1) * 100), "-")
        // By part: a load that costs more CPU beside the rules is slowed by them, not only sharing the machine.
        let by = { (withRules: Bool, part: (CPUParts) -> Double) in median(parts[withRules, default: []].map(part)) }
        row(
            "the same by part (median of 3): the load without / with the rules\(postgres ? "; PostgreSQL without / with" : ""); the evaluator",
            String(
                format: "%.2f s / %.2f s%@; %.2f s", by(false, \.load), by(true, \.load),
                postgres ? String(format: "; %.2f s / %.2f s", by(false, \.postgres), by(true, \.postgres)) : "", by(true, \.evaluator)), "-")
    }

    /// One trial's CPU seconds by where they were spent.
    struct CPUParts {
        var load: Double
        var postgres: Double
        var evaluator: Double
        var total: Double { load + postgres + evaluator }
    }

    /// This process's own CPU seconds (user + system): the evaluator's.
    static func ownCPU() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// Set when the timed load's process has ended (read by the evaluating loop without waiting on it).
final class LoadFinished: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    func set() { lock.withLock { done = true } }
    var value: Bool { lock.withLock { done } }
}
