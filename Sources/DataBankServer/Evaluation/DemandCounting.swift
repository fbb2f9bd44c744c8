import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Demand counted: per provider and per theme (the pages, the API), and the data authority's gap
/// list — what is demanded but not met. The cockpit and heat call these; they read only `demands`.
enum DemandCounting {
    /// Counts by state (and the votes on unmet demands) for every provider; unassigned demands under "".
    static func byProvider(on db: any Database) async throws -> [String: DemandCounts] {
        try await grouped("COALESCE(provider_code, '')", on: db)
    }

    /// Counts by state for every theme; demands registered without a theme under "".
    static func byTheme(on db: any Database) async throws -> [String: DemandCounts] {
        try await grouped("COALESCE(theme, '')", on: db)
    }

    private static func grouped(_ key: SQLQueryString, on db: any Database) async throws -> [String: DemandCounts] {
        // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back so the votes decode as Int on both.
        let rows = try await db.sql.raw(
            """
            SELECT \(key) AS k, state, COUNT(*) AS n, CAST(COALESCE(SUM(vote_count), 0) AS BIGINT) AS v FROM demands GROUP BY \(key), state
            """
        ).all()
        var out: [String: DemandCounts] = [:]
        for row in rows {
            guard let state = DemandState(rawValue: try row.decode(column: "state", as: String.self)) else { continue }
            let k = try row.decode(column: "k", as: String.self)
            out[k, default: DemandCounts()].add(state, try row.decode(column: "n", as: Int.self))
            if state.isUnmet { out[k, default: DemandCounts()].votes += try row.decode(column: "v", as: Int.self) }
        }
        return out
    }

    /// One gap: a need not met (pending, accepted or declined), with how many departments share it.
    struct Gap: Content, Equatable {
        var id: UUID
        var title: String
        var theme: String?
        var provider: String?
        var state: String
        var urgency: String
        /// The requester plus every department that voted "我也需要".
        var departments: Int
        var due: String
        var overdue: Bool
        var registeredAt: Date?
    }

    /// The gap list for the data authority: demanded but not published — every unmet demand, the most
    /// shared first (then the most urgent, then the oldest). `provider` narrows it to one department.
    static func gaps(today: CivilDate, provider: String? = nil, limit: Int = 200, on db: any Database) async throws -> [Gap] {
        var q = DemandRow.query(on: db).filter(\.$state != DemandState.fulfilled.rawValue)
        if let provider { q = q.filter(\.$providerCode == provider) }
        let rows = try await q.all()
        return rows.sorted {
            ($0.voteCount, DemandUrgency(rawValue: $0.urgency)?.rank ?? 0, -($0.createdAt?.timeIntervalSince1970 ?? 0))
                > ($1.voteCount, DemandUrgency(rawValue: $1.urgency)?.rank ?? 0, -($1.createdAt?.timeIntervalSince1970 ?? 0))
        }
        .prefix(limit)
        .compactMap { r in
            guard let id = r.id else { return nil }
            return Gap(
                id: id, title: r.title, theme: r.theme, provider: r.providerCode, state: r.state, urgency: r.urgency, departments: 1 + r.voteCount,
                due: r.due, overdue: r.isOverdue(today: today), registeredAt: r.createdAt)
        }
    }
}
