import SQLKit
import Vapor
import DataBankCore

/// The portal's per-dataset counts (`open_counters`, migration `CreateOpenCounters`): one upsert
/// per download, preview or data call — never a query per record — and the sums the pages show.
enum OpenCounters {
    /// Adds one use of `kind` to `code`.
    static func count(_ kind: OpenUse, _ code: String, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO open_counters (resource_code, kind, n) VALUES (\(bind: code), \(bind: kind.rawValue), 1)
            ON CONFLICT (resource_code, kind) DO UPDATE SET n = open_counters.n + 1
            """
        ).run()
    }

    /// The counts of one dataset by kind.
    static func of(_ code: String, on sql: any SQLDatabase) async throws -> [OpenUse: Int] {
        var out: [OpenUse: Int] = [:]
        for row in try await sql.raw("SELECT kind, n FROM open_counters WHERE resource_code = \(bind: code)").all() {
            if let kind = OpenUse(rawValue: try row.decode(column: "kind", as: String.self)) { out[kind] = try row.decode(column: "n", as: Int.self) }
        }
        return out
    }

    /// The totals by kind over the datasets the portal shows (`department`: one provider's).
    static func totals(department: String? = nil, on sql: any SQLDatabase) async throws -> [OpenUse: Int] {
        let scope: SQLQueryString = department.map { "AND resources.department_code = \(bind: $0)" } ?? ""
        var out: [OpenUse: Int] = [:]
        let rows = try await sql.raw(
            """
            SELECT open_counters.kind AS kind, CAST(SUM(open_counters.n) AS BIGINT) AS n FROM open_counters
            JOIN resources ON resources.code = open_counters.resource_code
            WHERE \(OpenCatalog.onPortal) \(scope) GROUP BY open_counters.kind
            """
        ).all()
        for row in rows {
            if let kind = OpenUse(rawValue: try row.decode(column: "kind", as: String.self)) { out[kind] = try row.decode(column: "n", as: Int.self) }
        }
        return out
    }
}
