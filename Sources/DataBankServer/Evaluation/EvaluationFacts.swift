import Fluent
import Foundation
import SQLKit
import DataBankCore

/// The named facts of ``EvaluationFact`` for every unit, from the platform's own tables: each fact (or
/// group of facts from one table) is ONE grouped query over all departments, never a query per unit or
/// per row. State facts are read as they stand now; activity facts count inside the period, up to
/// `asOf` (the end of the period, or now when the period is still running). Days are UTC days, as
/// `exchange_stats` and the heat facts key them.
enum EvaluationFacts {
    struct Window {
        var period: EvaluationPeriod
        /// The first and last day of the period (`YYYY-MM-DD`).
        var fromDay: String, toDay: String
        /// The period as moments: `[from, to)`.
        var from: Date, to: Date
        /// The period's end or now, whichever is earlier (deadlines are judged at this moment).
        var asOf: Date
        var asOfDay: String

        init(_ period: EvaluationPeriod, now: Date) {
            self.period = period
            fromDay = period.first.iso; toDay = period.last.iso
            from = Date(timeIntervalSince1970: Double(period.first.daysSinceEpoch) * 86_400)
            to = Date(timeIntervalSince1970: Double(period.last.daysSinceEpoch + 1) * 86_400)
            asOf = min(to, now)
            asOfDay = HeatFacts.day(asOf.addingTimeInterval(-1)).iso
        }
    }

    /// SQL fragments that differ between SQLite (dates as seconds since 1970) and PostgreSQL (timestamptz).
    struct Dialect {
        let postgres: Bool
        init(_ sql: any SQLDatabase) { postgres = sql.dialect.name == "postgresql" }
        /// Seconds since 1970 of a datetime column.
        func epoch(_ column: String) -> String { postgres ? "EXTRACT(EPOCH FROM \(column))" : column }
        /// The UTC day (`YYYY-MM-DD`) of a datetime column.
        func day(_ column: String) -> String {
            postgres ? "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD')" : "strftime('%Y-%m-%d', \(column), 'unixepoch')"
        }
    }

    typealias Table = [String: [String: Double]]

    /// Every fact for every department (departments with no rows have no entry: their facts are 0).
    static func compute(_ window: Window, on db: any Database) async throws -> Table {
        try await HeatFacts.rollUp(on: db)  // verification calls come from the heat facts: bring them up to date
        let sql = db.sql, d = Dialect(sql)
        var table: Table = [:]
        func add(_ rows: [any SQLRow], _ columns: [String: EvaluationFact]) throws {
            for row in rows {
                let unit = try row.decode(column: "unit", as: String?.self) ?? ""
                guard !unit.isEmpty else { continue }
                for (column, fact) in columns {
                    let v = number(row, column)
                    table[unit, default: [:]][fact.rawValue] = v
                }
            }
        }
        let live = "r.status <> 'retired' AND r.published_revision IS NOT NULL"

        // Catalog: resources, published ones, and those published within 30 days of creation.
        try add(
            try await sql.raw(
                """
                SELECT r.department_code AS unit, COUNT(*) AS total,
                       SUM(CASE WHEN r.published_revision IS NOT NULL THEN 1 ELSE 0 END) AS published,
                       SUM(CASE WHEN r.published_revision IS NOT NULL AND t.first_at IS NOT NULL
                                 AND \(unsafeRaw: d.epoch("t.first_at")) - \(unsafeRaw: d.epoch("r.created_at")) <= \(bind: 30 * 86_400)
                                THEN 1 ELSE 0 END) AS on_time
                FROM resources r
                LEFT JOIN (SELECT resource_id, MIN(at) AS first_at FROM resource_transitions WHERE action = 'publish' GROUP BY resource_id) t
                       ON t.resource_id = r.id
                WHERE r.status <> 'retired'
                GROUP BY r.department_code
                """
            ).all(), ["total": .resourcesTotal, "published": .resourcesPublished, "on_time": .resourcesPublishedOnTime])

        // Items of published resources and those bound to a standard data element.
        try add(
            try await sql.raw(
                """
                SELECT r.department_code AS unit, COUNT(*) AS items,
                       SUM(CASE WHEN i.standard_code <> '' THEN 1 ELSE 0 END) AS bound
                FROM resource_items i JOIN resources r ON r.id = i.resource_id
                WHERE \(unsafeRaw: live)
                GROUP BY r.department_code
                """
            ).all(), ["items": .itemsTotal, "bound": .itemsBoundToStandard])

        // Stores of published resources, and those whose last committed load (before asOf) lies within the update cycle.
        let cycleDays =
            "CASE r.update_cycle WHEN 'realtime' THEN 2 WHEN 'daily' THEN 2 WHEN 'weekly' THEN 8 WHEN 'monthly' THEN 32 "
            + "WHEN 'quarterly' THEN 93 WHEN 'semiannual' THEN 184 WHEN 'yearly' THEN 366 ELSE 36500 END"
        try add(
            try await sql.raw(
                """
                SELECT r.department_code AS unit, COUNT(*) AS stores,
                       SUM(CASE WHEN l.last_at IS NOT NULL
                                 AND \(unsafeRaw: d.epoch("l.last_at")) >= \(bind: window.asOf.timeIntervalSince1970) - (\(unsafeRaw: cycleDays)) * 86400.0
                                THEN 1 ELSE 0 END) AS on_time
                FROM record_stores s JOIN resources r ON r.code = s.resource_code
                LEFT JOIN (SELECT resource_code, MAX(finished_at) AS last_at FROM loads
                           WHERE status = 'committed' AND finished_at < \(bind: window.asOf) GROUP BY resource_code) l
                       ON l.resource_code = s.resource_code
                WHERE \(unsafeRaw: live)
                GROUP BY r.department_code
                """
            ).all(), ["stores": .storesTotal, "on_time": .updatesOnTime])

        // Quality checks run in the period.
        try add(
            try await sql.raw(
                """
                SELECT department_code AS unit, COUNT(*) AS runs, AVG(overall) AS score FROM quality_runs
                WHERE started_at >= \(bind: window.from) AND started_at < \(bind: window.to)
                GROUP BY department_code
                """
            ).all(), ["runs": .qualityRuns, "score": .qualityScoreAvg])

        // Objections raised in the period, those due (settled, or 15 days old at asOf) and those settled
        // (accepted or rejected) within 15 days.
        try add(
            try await sql.raw(
                """
                SELECT provider_code AS unit, COUNT(*) AS total,
                       SUM(CASE WHEN state IN ('accepted', 'rejected') AND resolved_at IS NOT NULL
                                 AND \(unsafeRaw: d.epoch("resolved_at")) - \(unsafeRaw: d.epoch("created_at")) <= \(bind: 15 * 86_400)
                                THEN 1 ELSE 0 END) AS in_time,
                       SUM(CASE WHEN resolved_at IS NOT NULL
                                  OR \(unsafeRaw: d.epoch("created_at")) <= \(bind: window.asOf.timeIntervalSince1970 - 15 * 86_400)
                                THEN 1 ELSE 0 END) AS due
                FROM objections
                WHERE state <> 'withdrawn' AND created_at >= \(bind: window.from) AND created_at < \(bind: window.to)
                GROUP BY provider_code
                """
            ).all(), ["total": .objectionsTotal, "due": .objectionsDue, "in_time": .objectionsSettledInTime])

        // Exchanges: requests and records to other consumers, and the distinct departments among them. Grouped
        // per (resource, consumer) first, in the order of heat's covering index (no sort over every row), then
        // per (provider, consumer) — a resource has one provider — and per provider.
        try add(
            try await sql.raw(
                """
                SELECT provider_code AS unit, SUM(q) AS requests, SUM(r) AS records,
                       SUM(CASE WHEN consumer_code IN (SELECT code FROM departments) THEN 1 ELSE 0 END) AS consumers
                FROM (
                    SELECT provider_code, consumer_code, SUM(q) AS q, SUM(r) AS r
                    FROM (
                        SELECT resource_code, consumer_code, MIN(provider_code) AS provider_code, SUM(requests) AS q, SUM(records_out) AS r
                        FROM exchange_stats
                        WHERE day >= \(bind: window.fromDay) AND day <= \(bind: window.toDay) AND consumer_code <> provider_code
                        GROUP BY resource_code, consumer_code
                    ) AS per_resource
                    GROUP BY provider_code, consumer_code
                ) AS per_consumer
                GROUP BY provider_code
                """
            ).all(), ["requests": .requestsServed, "records": .recordsShared, "consumers": .consumersServed])

        // Applications received; answered by the deadline the sharing workflow set (working days), late, escalated.
        let decidedDay = d.day("decided_at")
        try add(
            try await sql.raw(
                """
                SELECT provider_code AS unit, COUNT(*) AS received,
                       SUM(CASE WHEN status NOT IN ('pending', 'escalated')
                                 AND (deadline IS NULL OR decided_at IS NULL OR \(unsafeRaw: decidedDay) <= deadline) THEN 1 ELSE 0 END) AS in_time,
                       SUM(CASE WHEN (status NOT IN ('pending', 'escalated') AND deadline IS NOT NULL AND decided_at IS NOT NULL
                                      AND \(unsafeRaw: decidedDay) > deadline)
                                  OR (status IN ('pending', 'escalated') AND deadline IS NOT NULL AND deadline < \(bind: window.asOfDay))
                                THEN 1 ELSE 0 END) AS late,
                       SUM(CASE WHEN escalated_at IS NOT NULL OR status = 'escalated' THEN 1 ELSE 0 END) AS escalated
                FROM access_applications
                WHERE status <> 'withdrawn' AND created_at >= \(bind: window.from) AND created_at < \(bind: window.to)
                GROUP BY provider_code
                """
            ).all(),
            [
                "received": .applicationsReceived, "in_time": .applicationsAnsweredInTime, "late": .applicationsAnsweredLate,
                "escalated": .countersignOverdue
            ])

        // Verification inputs answered from the unit's resources (the heat facts' daily roll-up of the audit log).
        try add(
            try await sql.raw(
                """
                SELECT r.department_code AS unit, SUM(h.verifications) AS calls
                FROM heat_daily h JOIN resources r ON r.code = h.resource_code
                WHERE h.day >= \(bind: window.fromDay) AND h.day <= \(bind: window.toDay)
                GROUP BY r.department_code
                """
            ).all(), ["calls": .verificationCalls])

        // Demands routed to the unit in the period, and those met.
        try add(
            try await sql.raw(
                """
                SELECT provider_code AS unit, COUNT(*) AS received, SUM(CASE WHEN state = 'fulfilled' THEN 1 ELSE 0 END) AS met
                FROM demands
                WHERE provider_code IS NOT NULL AND created_at >= \(bind: window.from) AND created_at < \(bind: window.to)
                GROUP BY provider_code
                """
            ).all(), ["received": .demandsReceived, "met": .demandsMet])

        // Grants that expired in the period (up to asOf) and those reviewed first: revoked by their last day,
        // or followed by a newer grant for the same consumer and resource issued by then.
        try add(
            try await sql.raw(
                """
                SELECT g.provider_code AS unit, COUNT(*) AS expiring,
                       SUM(CASE WHEN (g.revoked_at IS NOT NULL AND \(unsafeRaw: d.day("g.revoked_at")) <= g.valid_until)
                                  OR EXISTS (SELECT 1 FROM grants n WHERE n.resource_code = g.resource_code AND n.consumer_code = g.consumer_code
                                             AND n.id <> g.id AND n.valid_until > g.valid_until AND \(unsafeRaw: d.day("n.created_at")) <= g.valid_until)
                                THEN 1 ELSE 0 END) AS reviewed
                FROM grants g
                WHERE g.valid_until >= \(bind: window.fromDay) AND g.valid_until <= \(bind: window.toDay) AND g.valid_until < \(bind: window.asOfDay)
                GROUP BY g.provider_code
                """
            ).all(), ["expiring": .grantsExpiring, "reviewed": .grantsReviewedBeforeExpiry])

        // Sensitive items of published resources: the item or its standard is sensitive or secret; masked by
        // default when the item itself is declared so (then the default masks apply to every grant).
        let items =
            d.postgres
            ? "resources r CROSS JOIN LATERAL jsonb_array_elements((r.snapshot::jsonb)->'items') AS j(value) LEFT JOIN standards st ON st.code = j.value->>'standardCode'"
            : "resources r, json_each(r.snapshot, '$.items') j LEFT JOIN standards st ON st.code = json_extract(j.value, '$.standardCode')"
        let itemSensitivity = d.postgres ? "COALESCE(j.value->>'sensitivity', 'internal')" : "COALESCE(json_extract(j.value, '$.sensitivity'), 'internal')"
        try add(
            try await sql.raw(
                """
                SELECT r.department_code AS unit,
                       SUM(CASE WHEN \(unsafeRaw: itemSensitivity) IN ('sensitive', 'secret') OR st.sensitivity IN ('sensitive', 'secret') THEN 1 ELSE 0 END) AS sensitive,
                       SUM(CASE WHEN \(unsafeRaw: itemSensitivity) IN ('sensitive', 'secret') THEN 1 ELSE 0 END) AS masked
                FROM \(unsafeRaw: items)
                WHERE \(unsafeRaw: live)
                GROUP BY r.department_code
                """
            ).all(), ["sensitive": .sensitiveItems, "masked": .sensitiveItemsMasked])

        // The audit chain, platform-wide: the head names the newest entry and its hash (the full walk is `databank audit verify`).
        let intact = try await auditTailIntact(sql)
        let units = try await sql.raw("SELECT code FROM departments").all().map { try $0.decode(column: "code", as: String.self) }
        for unit in units { table[unit, default: [:]][EvaluationFact.auditChainIntact.rawValue] = intact ? 1 : 0 }
        // Derived: applications whose answer is due (answered, or past the deadline unanswered).
        for (unit, facts) in table {
            table[unit]?[EvaluationFact.applicationsDue.rawValue] =
                (facts[EvaluationFact.applicationsAnsweredInTime.rawValue] ?? 0) + (facts[EvaluationFact.applicationsAnsweredLate.rawValue] ?? 0)
        }
        // Every fact present for every unit that has any, so a report lists them all.
        for unit in table.keys { for f in EvaluationFact.allCases where table[unit]?[f.rawValue] == nil { table[unit]?[f.rawValue] = 0 } }
        return table
    }

    /// A figure of a row whatever the database made of it: a double, an integer (`COUNT`), or a
    /// numeric (PostgreSQL's `SUM` and `AVG` of integers); null is 0.
    static func number(_ row: any SQLRow, _ column: String) -> Double {
        if let v = try? row.decode(column: column, as: Double?.self) { return v ?? 0 }
        if let v = try? row.decode(column: column, as: Int?.self) { return Double(v ?? 0) }
        if let v = try? row.decode(column: column, as: Decimal?.self) { return NSDecimalNumber(decimal: v ?? 0).doubleValue }
        return 0
    }

    static func auditTailIntact(_ sql: any SQLDatabase) async throws -> Bool {
        guard let head = try await sql.raw("SELECT seq, hash FROM audit_head WHERE id = 1").first() else { return false }
        let seq = try head.decode(column: "seq", as: Int.self), hash = try head.decode(column: "hash", as: String.self)
        guard seq > 0 else { return true }
        guard let last = try await sql.raw("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").first() else { return false }
        return try last.decode(column: "seq", as: Int.self) == seq && last.decode(column: "hash", as: String.self) == hash
    }

    /// Whether the period has any activity at all (an empty period gives an empty report).
    static func hasActivity(_ table: Table) -> Bool {
        let activity = EvaluationFact.allCases.filter(\.isActivity).map(\.rawValue)
        return table.values.contains { facts in activity.contains { (facts[$0] ?? 0) != 0 } }
    }
}
