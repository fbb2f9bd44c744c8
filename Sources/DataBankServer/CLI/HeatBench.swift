import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `databank bench heat`: heat for every resource at the issue's volume. A synthetic catalog of
/// `units × resourcesPerUnit` resources; `days` days of `exchange_stats` with `consumers` consumer
/// units per resource (116 units by default; requests 1–200 a row, mean about 100, so the default
/// year holds about 365,000,000 exchanges as daily statistics); `auditEntries` raw audit entries
/// (downloads, verification calls, app reads) spread over the days. Generated inside the database
/// (recursive CTEs), then timed: the audit roll-up from its cursor (the first one reads every entry,
/// the next only what was appended), and the heat of every resource over 30 and 365 days
/// (``HeatTable/compute(_:today:on:)``, the statements the API runs), best of three; then the
/// leaders' cockpit (``cockpitScenario()``).
struct HeatBench {
    let app: Application
    let console: any Console
    var days = 365
    var units = 116
    var resourcesPerUnit = 9
    var consumers = 10
    var auditEntries = 10_000_000
    var table: [(String, String, String)] = []

    mutating func row(_ name: String, _ value: String, _ target: String) {
        table.append((name, value, target)); console.print("\(name): \(value) (target \(target))")
    }

    mutating func run() async throws {
        if case .sqliteMemory = app.settings.database { throw CLIError("bench heat needs a database file or PostgreSQL (--database-url)") }
        try await app.autoRevert()
        try await app.autoMigrate()
        let resourceCount = units * resourcesPerUnit
        var clock = ContinuousClock.now
        _ = try await DemoLoader.load(DemoCity.synthetic(resourceCount: resourceCount), on: app.db, withEdition: false, withStores: false)
        let sql = app.db.sql
        // Every synthetic resource counts as published here: heat ranks the published catalog.
        try await sql.raw("UPDATE resources SET published_revision = 1, status = 'published' WHERE published_revision IS NULL OR status = 'retired'").run()
        let resources = try await sql.raw("SELECT COUNT(*) AS n FROM resources").first()?.decode(column: "n", as: Int.self) ?? 0
        row("synthetic catalog", "\(resources) resources in \(String(format: "%.1f s", (ContinuousClock.now - clock).seconds))", "-")

        let today = HeatFacts.day(Date())
        let first = CivilDate(daysSinceEpoch: today.daysSinceEpoch - days + 1)
        let postgres = RecordTables.Dialect(sql) == .postgres
        let dayText: (String) -> SQLQueryString = { idx in
            postgres
                ? "to_char(DATE \(literal: first.iso) + \(unsafeRaw: idx)::int, 'YYYY-MM-DD')"
                : "date(\(literal: first.iso), '+' || \(unsafeRaw: idx) || ' days')"
        }
        // Numbered resources (rn 0…) and numbered days: the generator's two axes.
        try await sql.raw("CREATE TABLE bench_heat_resources (rn INTEGER PRIMARY KEY, code TEXT NOT NULL, dept TEXT NOT NULL)").run()
        try await sql.raw(
            """
            INSERT INTO bench_heat_resources (rn, code, dept)
            SELECT ROW_NUMBER() OVER (ORDER BY code) - 1, code, department_code FROM resources
            """
        ).run()
        clock = ContinuousClock.now
        // Day by day, one statement each: every (resource, consumer) pair's requests that day.
        for d in 0..<days {
            try await sql.raw(
                """
                WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < \(literal: consumers - 1))
                INSERT INTO exchange_stats (day, resource_code, provider_code, consumer_code, records_in, records_out, requests)
                SELECT \(dayText(String(d))), r.code, r.dept, 'U' || CAST((r.rn * 7 + k.n * 13 + 1) % \(literal: units) AS TEXT), 0,
                       ((r.rn * 31 + \(literal: d) * 17 + k.n * 13) % 200 + 1) * 5, (r.rn * 31 + \(literal: d) * 17 + k.n * 13) % 200 + 1
                FROM bench_heat_resources AS r CROSS JOIN k
                WHERE true
                ON CONFLICT (day, resource_code, consumer_code) DO NOTHING
                """
            ).run()
        }
        let stats = try await sql.raw(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(requests), 0) AS BIGINT) AS r FROM exchange_stats"
        ).first()
        let statRows = try stats?.decode(column: "n", as: Int.self) ?? 0
        let exchanges = try stats?.decode(column: "r", as: Int.self) ?? 0
        row(
            "exchange_stats: \(days) days × \(resources) resources × \(consumers) consumers of \(units) units",
            "\(statRows) rows, \(exchanges) exchanges, written in \(String(format: "%.1f s", (ContinuousClock.now - clock).seconds))", "-")

        clock = ContinuousClock.now
        // Raw audit entries, in chunks of 1,000,000: one in four a download, one in eight a
        // verification call, one in ten by an app; the chain's hashes are placeholders.
        let head = try await sql.raw("SELECT seq FROM audit_head WHERE id = 1").first()?.decode(column: "seq", as: Int.self) ?? 0
        var written = head
        while written < head + auditEntries {
            let n = min(1_000_000, head + auditEntries - written)
            try await sql.raw(
                """
                WITH RECURSIVE s(i) AS (SELECT CAST(\(literal: written + 1) AS BIGINT) UNION ALL SELECT i + 1 FROM s WHERE i < \(literal: written + n))
                INSERT INTO audit_log (seq, at, actor_kind, actor_id, actor_name, department_code, resource_code, operation, fields, record_count,
                                       purpose, request_id, request_hash, prev_hash, hash)
                SELECT s.i, \(dayText("(s.i % \(days))")) || 'T10:00:00.000Z',
                       CASE WHEN s.i % 10 = 0 THEN 'app' ELSE 'token' END,
                       CASE WHEN s.i % 10 = 0 THEN 'app-' || CAST(s.i % 37 AS TEXT) ELSE NULL END, 'bench', 'U1', r.code,
                       CASE WHEN s.i % 4 = 0 THEN 'export.csv' WHEN s.i % 8 = 1 THEN 'verify.bench' ELSE 'query' END, '', 1,
                       NULL, NULL, NULL, '', ''
                FROM s JOIN bench_heat_resources AS r ON r.rn = (s.i * 7919) % \(literal: resources)
                WHERE true
                """
            ).run()
            written += n
        }
        try await sql.raw("UPDATE audit_head SET seq = \(literal: written) WHERE id = 1").run()
        try await sql.raw("DROP TABLE bench_heat_resources").run()
        row("audit_log: raw entries", "\(auditEntries) written in \(String(format: "%.1f s", (ContinuousClock.now - clock).seconds))", "-")
        try await sql.raw("ANALYZE").run()

        clock = ContinuousClock.now
        let rolled = try await HeatFacts.rollUp(on: app.db)
        row(
            "audit roll-up into daily facts (first: every entry)", "\(rolled) entries in \(String(format: "%.2f s", (ContinuousClock.now - clock).seconds))",
            "-")
        clock = ContinuousClock.now
        let again = try await HeatFacts.rollUp(on: app.db)
        row("audit roll-up, nothing new (the cursor)", "\(again) entries in \(String(format: "%.3f s", (ContinuousClock.now - clock).seconds))", "-")

        for period in [HeatPeriod.month, .year] {
            var best = Double.infinity
            var core = 0
            for _ in 0..<3 {
                clock = ContinuousClock.now
                let t = try await HeatTable.compute(period, today: today, on: app.db)
                best = min(best, (ContinuousClock.now - clock).seconds)
                core = t.entries.filter(\.core).count
            }
            row(
                "heat for all \(resources) resources, \(period.rawValue) (best of 3; \(core) core)", String(format: "%.3f s", best),
                period == .year ? "< 5 s" : "-")
        }
        try await evaluation(today: today)
        try await cockpitScenario()
    }

    /// A full evaluation run (every fact's grouped query, scoring, ranking, the run written in one
    /// transaction) over the same year of facts: this year and last year, as the demo evaluates.
    mutating func evaluation(today: CivilDate) async throws {
        for period in [String(today.year), String(today.year - 1)] {
            let clock = ContinuousClock.now
            let run = try await EvaluationRuns.run(schemeCode: EvaluationScheme.standard.code, period: period, by: "bench", now: Date(), on: app.db)
            row(
                "evaluation run \(period), default scheme (\(run.unitCount) units ranked)",
                String(format: "%.3f s", (ContinuousClock.now - clock).seconds), "< 30 s")
        }
    }
}
