import Fluent
import Vapor
import DataBankCore

/// The current evaluation ranking, for the leaders' cockpit (and anything else that shows it).
///
/// ```swift
/// if let ranking = try await EvaluationRanking.latest(on: req.db) {
///     for unit in ranking.units where unit.rank <= 3 { … }   // ranked within unit.unitType
/// }
/// ```
enum EvaluationRanking {
    struct Unit: Content, Equatable {
        var department: String
        var name: String
        var unitType: String
        var rank: Int
        var total: Double
        var assessmentPoints: Double
        var dimensions: [String: Double]
    }

    struct Ranking: Content {
        var run: UUID
        var scheme: String
        var period: String
        /// `frozen` (the period's report) or `open` (still being evaluated).
        var state: String
        /// The run's scheme's unit types, in its order (their names and assessment weights).
        var unitTypes: [EvaluationUnitType]
        /// Units ordered by unit type (as the scheme lists them), then rank, then department code.
        var units: [Unit]
        /// The link to the run's ranking page.
        var link: String
    }

    /// The ranked units of the newest run of `scheme`: the newest **frozen** run when there is one
    /// (the latest period's report), otherwise the newest open run; nil when nothing was evaluated.
    /// Two queries: the run, then its units. Department names in `language` (`zh`, `en`).
    static func latest(scheme: String = EvaluationScheme.standard.code, language: String = "zh", on db: any Database) async throws -> Ranking? {
        let base = EvaluationRunRow.query(on: db).filter(\.$schemeCode == scheme).filter(\.$unitCount > 0)
            .sort(\.$periodTo, .descending).sort(\.$createdAt, .descending)
        var newest = try await base.copy().filter(\.$state == EvaluationRunState.frozen.rawValue).first()
        if newest == nil { newest = try await base.first() }
        guard let run = newest else { return nil }
        let units = try await EvaluationRuns.units(of: run, on: db)
        let names = try await Directory.departmentNames(on: db, language: language)
        let order = Dictionary(uniqueKeysWithValues: run.scheme.unitTypes.enumerated().map { ($0.element.code, $0.offset) })
        let ranked = units.sorted { (order[$0.unitType] ?? 99, $0.rank, $0.departmentCode) < (order[$1.unitType] ?? 99, $1.rank, $1.departmentCode) }
        return Ranking(
            run: try run.requireID(), scheme: run.schemeCode, period: run.period, state: run.state, unitTypes: run.scheme.unitTypes,
            units: ranked.map {
                Unit(
                    department: $0.departmentCode, name: names[$0.departmentCode] ?? $0.departmentCode, unitType: $0.unitType, rank: $0.rank,
                    total: $0.total, assessmentPoints: $0.assessmentPoints, dimensions: JSONText.decode([String: Double].self, $0.dimensions) ?? [:])
            }, link: SiteURL.evaluationRun(try run.requireID()).path)
    }
}
