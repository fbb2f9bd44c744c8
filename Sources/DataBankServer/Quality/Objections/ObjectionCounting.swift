import Fluent
import SQLKit
import DataBankCore

/// Objection counts by state, for the quality scores: one grouped query each.
extension Objections {
    /// The objections a resource drew, by state.
    static func counts(resource: String, on db: any Database) async throws -> ObjectionCounts {
        try await grouped(where: "resource_code", equals: resource, on: db)[resource] ?? ObjectionCounts()
    }

    /// The objections to every resource a department provides, by state.
    static func counts(department: String, on db: any Database) async throws -> ObjectionCounts {
        try await grouped(where: "provider_code", equals: department, on: db)[department] ?? ObjectionCounts()
    }

    /// A department's resources, each with its counts (resources never objected to are absent).
    static func countsByResource(department: String, on db: any Database) async throws -> [String: ObjectionCounts] {
        let rows = try await db.sql.raw(
            """
            SELECT resource_code AS k, state, COUNT(*) AS n FROM objections WHERE provider_code = \(bind: department) GROUP BY resource_code, state
            """
        ).all()
        return try tally(rows)
    }

    private static func grouped(where column: String, equals value: String, on db: any Database) async throws -> [String: ObjectionCounts] {
        let rows = try await db.sql.raw(
            """
            SELECT \(ident: column) AS k, state, COUNT(*) AS n FROM objections WHERE \(ident: column) = \(bind: value) GROUP BY \(ident: column), state
            """
        ).all()
        return try tally(rows)
    }

    private static func tally(_ rows: [any SQLRow]) throws -> [String: ObjectionCounts] {
        var out: [String: ObjectionCounts] = [:]
        for row in rows {
            guard let state = ObjectionState(rawValue: try row.decode(column: "state", as: String.self)) else { continue }
            out[try row.decode(column: "k", as: String.self), default: ObjectionCounts()].add(state, try row.decode(column: "n", as: Int.self))
        }
        return out
    }
}
