import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `databank bench profile`: a full-scan profile of the bus bench's store (10 typed columns:
/// resident IDs, names, companies, credit codes, regions, amounts, dates …), grown to `rows`
/// records with `databank load --no-profile`; then a 100,000-row load and the incremental run
/// after it. The target: a 10,000,000-row resource profiled in under 60 s on SQLite.
struct ProfileBench {
    let app: Application
    let console: any Console
    let rows: Int
    var table: [(String, String, String)] = []

    static let code = BusBench.resourceCode

    mutating func row(_ name: String, _ value: String, _ target: String) {
        table.append((name, value, target)); console.print("\(name): \(value) (target \(target))")
    }

    mutating func run() async throws {
        let (dbURL, dbPath) = try await BusBench.freshStore(app, bench: "profile")
        let dialect = dbPath == nil ? "PostgreSQL" : "SQLite"
        let first = min(rows, 1_000_000)
        let loadStart = ContinuousClock.now
        _ = try BusBench.runChild(["load", Self.code, try BusBench.generatedFile(to: first), "--mode", "append", "--no-profile", "--database-url", dbURL])
        if rows > first {
            _ = try BusBench.runChild([
                "load", Self.code, try BusBench.generatedFile(from: first, to: rows), "--mode", "append", "--no-profile",
                "--database-url", dbURL
            ])
        }
        console.print(String(format: "store: %d rows, loaded in %.0f s", rows, (ContinuousClock.now - loadStart).seconds))
        if dbPath != nil { try await app.db.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run() }

        let full = try await ProfileRun.run(code: Self.code, kind: .full, on: app.db)
        let rss = LoadCommand.peakRSS()
        row(
            "full-scan profile, \(rows) rows × 10 columns, \(dialect)",
            String(format: "%.1f s (%.0f rows/s)", full.seconds, Double(full.run.rowsRead) / full.seconds), rows >= 10_000_000 ? "< 60 s" : "-")
        row("profile peak RSS (bench process)", rss.map { String(format: "%.0f MB", $0) } ?? "n/a", "-")
        let id = full.profile.columns.first { $0.name == "id_number" }?.summary
        row(
            "distinct id_number (estimate vs exact \(rows))",
            id.map { String(format: "%d (%.2f %% off)", $0.distinct, 100 * abs(Double($0.distinct - rows)) / Double(rows)) } ?? "-", "±2 %")

        // A load, then the incremental run the server queues after it.
        let more = 100_000
        let extra = try BusBench.generatedFile(from: rows, to: rows + more)
        let load = try BusBench.runChild(["load", Self.code, extra, "--mode", "append", "--no-profile", "--database-url", dbURL])
        let loadSeconds = load.output.firstMatch(of: /in ([\d.]+) s/).flatMap { Double($0.1) } ?? load.seconds
        let incremental = try await ProfileRun.run(code: Self.code, kind: .incremental, on: app.db)
        row("load of \(more) rows (databank load, for scale)", String(format: "%.2f s", loadSeconds), "-")
        row("incremental profile after it (\(incremental.run.rowsRead) changes merged)", String(format: "%.2f s", incremental.seconds), "-")
    }
}
