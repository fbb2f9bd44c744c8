import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Where a fact's rows are shown: the lists behind the evaluation's own facts (applications, demands,
/// stores of the unit in the run's period), or the platform page that already lists them.
enum EvaluationEvidence {
    /// The lists of rows this module shows (`/evaluation/runs/{id}/units/{department}/facts/{list}`).
    enum List: String, CaseIterable, Sendable { case applications, demands, stores }

    static func list(_ fact: EvaluationFact) -> List? {
        switch fact {
        case .applicationsReceived, .applicationsDue, .applicationsAnsweredInTime, .applicationsAnsweredLate, .countersignOverdue: .applications
        case .demandsReceived, .demandsMet: .demands
        case .storesTotal, .updatesOnTime: .stores
        default: nil
        }
    }

    static func link(_ fact: EvaluationFact, run: UUID, department: String) -> String {
        if let list = list(fact) { return SiteURL.evaluationFacts(run, department, list.rawValue).path }
        switch fact {
        case .qualityRuns, .qualityScoreAvg: return SiteURL.departmentQuality(department).path
        case .requestsServed, .recordsShared, .consumersServed, .verificationCalls: return SiteURL.heat.path
        case .objectionsTotal, .objectionsSettledInTime: return SiteURL.objections.path
        case .grantsExpiring, .grantsReviewedBeforeExpiry: return SiteURL.grants.path
        case .auditChainIntact: return SiteURL.audit.path
        default: return SiteURL.department(department).path
        }
    }

    /// One row behind a fact: what it is, where it lives, and whether it counts against the unit.
    struct Row: Content {
        var title: String
        var link: String
        var created: String
        var due: String?
        var answered: String?
        var state: String
        /// True when this row lowers the score (answered late, overdue, unmet, stale).
        var late: Bool
    }

    static func rows(_ list: List, run: EvaluationRunRow, department: String, now: Date, on db: any Database) async throws -> [Row] {
        guard let period = run.evaluationPeriod else { return [] }
        let w = EvaluationFacts.Window(period, now: now)
        switch list {
        case .applications:
            let apps = try await ApplicationRow.query(on: db).filter(\.$providerCode == department).filter(\.$status != "withdrawn")
                .filter(\.$createdAt >= w.from).filter(\.$createdAt < w.to).sort(\.$createdAt).range(0..<1000).all()
            return apps.map { a in
                let decided = a.decidedAt.map { HeatFacts.day($0).iso }
                let open = a.status == "pending" || a.status == "escalated"
                let late =
                    a.deadline.map { d in open ? d < w.asOfDay : (decided.map { $0 > d } ?? false) } ?? false
                return Row(
                    title: a.resourceCode + " ← " + a.consumerCode, link: SiteURL.application(a.id ?? UUID(), .overview).path,
                    created: a.createdAt.map { HeatFacts.day($0).iso } ?? "", due: a.deadline, answered: decided, state: a.status, late: late)
            }
        case .demands:
            let demands = try await DemandRow.query(on: db).filter(\.$providerCode == department).filter(\.$createdAt >= w.from)
                .filter(\.$createdAt < w.to).sort(\.$createdAt).range(0..<1000).all()
            return demands.map { d in
                Row(
                    title: d.title, link: SiteURL.demand(d.id ?? UUID()).path, created: d.createdAt.map { HeatFacts.day($0).iso } ?? "", due: d.due,
                    answered: d.answeredAt.map { HeatFacts.day($0).iso }, state: d.state, late: d.state != "fulfilled")
            }
        case .stores:
            let rows = try await db.sql.raw(
                """
                SELECT r.code AS code, r.name AS name, r.update_cycle AS cycle, MAX(l.finished_at) AS last_at
                FROM record_stores s JOIN resources r ON r.code = s.resource_code
                LEFT JOIN loads l ON l.resource_code = s.resource_code AND l.status = 'committed' AND l.finished_at < \(bind: w.asOf)
                WHERE r.department_code = \(bind: department) AND r.status <> 'retired' AND r.published_revision IS NOT NULL
                GROUP BY r.code, r.name, r.update_cycle ORDER BY r.code
                """
            ).all()
            return try rows.map { r in
                let cycle = try r.decode(column: "cycle", as: String.self)
                let last = try? r.decode(column: "last_at", as: Date?.self)
                let stale = last.flatMap { $0 }.map { w.asOf.timeIntervalSince($0) > Double(cycleDays(cycle)) * 86_400 } ?? true
                return Row(
                    title: try r.decode(column: "name", as: String.self), link: SiteURL.resource(try r.decode(column: "code", as: String.self)).path,
                    created: "", due: nil, answered: last.flatMap { $0 }.map { HeatFacts.day($0).iso }, state: cycle,
                    late: stale)
            }
        }
    }

    /// Days an update may lag behind its cycle (the same table as the `updates_on_time` fact's SQL).
    static func cycleDays(_ cycle: String) -> Int {
        ["realtime": 2, "daily": 2, "weekly": 8, "monthly": 32, "quarterly": 93, "semiannual": 184, "yearly": 366][cycle] ?? 36_500
    }
}
