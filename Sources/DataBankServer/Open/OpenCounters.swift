import SQLKit
import Vapor
import DataBankCore

/// The portal's per-dataset counts (`open_counters`, migration `CreateOpenCounters`): one upsert
/// per download, preview or data call — never a query per record — and the sums the pages show.
///
/// A use the open API meter also counted (its call is in `api_usage` too) adds to a second row,
/// kind `<kind>:metered`, in the same statement: the figures add `api_usage` to the unmetered
/// uses without counting a call twice (``OpenCatalog/figures(department:on:)``).
enum OpenCounters {
    /// The kind of the row that counts the uses of `kind` the meter counted too.
    static func metered(_ kind: OpenUse) -> String { kind.rawValue + ":metered" }

    /// Adds one use of `kind` to `code` (and to its metered row when the open API meter counted the request).
    static func count(_ kind: OpenUse, _ code: String, req: Request) async throws {
        try await count(kind, code, metered: req.storage[CallAnswerKey.self]?.allowed == true, on: req.db.sql)
    }

    static func count(_ kind: OpenUse, _ code: String, metered: Bool, on sql: any SQLDatabase) async throws {
        let also: SQLQueryString = metered ? ", (\(bind: code), \(bind: Self.metered(kind)), 1)" : ""
        try await sql.raw(
            """
            INSERT INTO open_counters (resource_code, kind, n) VALUES (\(bind: code), \(bind: kind.rawValue), 1)\(also)
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
        var out: [OpenUse: Int] = [:]
        for (kind, n) in try await rows(department: department, on: sql) { if let kind = OpenUse(rawValue: kind) { out[kind] = n } }
        return out
    }

    /// The totals by row kind, the `:metered` ones included: one aggregate query.
    static func rows(department: String? = nil, on sql: any SQLDatabase) async throws -> [String: Int] {
        let scope: SQLQueryString = department.map { "AND resources.department_code = \(bind: $0)" } ?? ""
        var out: [String: Int] = [:]
        let rows = try await sql.raw(
            """
            SELECT open_counters.kind AS kind, CAST(SUM(open_counters.n) AS BIGINT) AS n FROM open_counters
            JOIN resources ON resources.code = open_counters.resource_code
            WHERE \(OpenCatalog.onPortal) \(scope) GROUP BY open_counters.kind
            """
        ).all()
        for row in rows { out[try row.decode(column: "kind", as: String.self)] = try row.decode(column: "n", as: Int.self) }
        return out
    }

    /// The open API calls the meter flushed to `api_usage` (every caller, every day; `department`:
    /// the calls about that provider's portal datasets only): one aggregate query.
    static func meteredCalls(department: String? = nil, on sql: any SQLDatabase) async throws -> Int {
        let query: SQLQueryString =
            department.map {
                """
                SELECT CAST(COALESCE(SUM(api_usage.calls), 0) AS BIGINT) AS n FROM api_usage
                JOIN resources ON resources.code = api_usage.resource_code
                WHERE \(OpenCatalog.onPortal) AND resources.department_code = \(bind: $0)
                """
            } ?? "SELECT CAST(COALESCE(SUM(calls), 0) AS BIGINT) AS n FROM api_usage"
        return try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? 0
    }
}
