import Fluent
import Vapor
import DataBankCore

/// A stored evaluation scheme: the core's ``EvaluationScheme`` as JSON, keyed by its code.
final class EvaluationSchemeRow: Model, @unchecked Sendable {
    static let schema = "evaluation_schemes"
    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "definition") var definition: String
    @Field(key: "updated_by") var updatedBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
    init(_ scheme: EvaluationScheme, by: String) {
        code = scheme.code; name = scheme.name; definition = JSONText.encode(scheme); updatedBy = by
    }

    var scheme: EvaluationScheme? { JSONText.decode(EvaluationScheme.self, definition) }
}

extension EvaluationScheme: Content {}
extension EvaluationUnitType: Content {}

/// The states of a run: open (recomputable, adjustable) or frozen (the period's report, never changed).
enum EvaluationRunState: String, Codable, Sendable { case open, frozen }

/// One evaluation of a period under a copy of its scheme.
final class EvaluationRunRow: Model, @unchecked Sendable {
    static let schema = "evaluation_runs"
    @ID(key: .id) var id: UUID?
    @Field(key: "scheme_code") var schemeCode: String
    @Field(key: "scheme") var schemeJSON: String
    @Field(key: "period") var period: String
    @Field(key: "period_from") var periodFrom: String
    @Field(key: "period_to") var periodTo: String
    @Field(key: "state") var state: String
    @Field(key: "unit_count") var unitCount: Int
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "frozen_by") var frozenBy: String?
    @OptionalField(key: "frozen_at") var frozenAt: Date?
    init() {}

    var scheme: EvaluationScheme { JSONText.decode(EvaluationScheme.self, schemeJSON) ?? .standard }
    var isFrozen: Bool { state == EvaluationRunState.frozen.rawValue }
    var evaluationPeriod: EvaluationPeriod? { EvaluationPeriod(period) }
}

/// One unit's result in a run: its facts, indicator scores (with adjustments), dimensions, total and rank.
final class EvaluationUnitRow: Model, @unchecked Sendable {
    static let schema = "evaluation_units"
    @ID(key: .id) var id: UUID?
    @Field(key: "run_id") var runID: UUID
    @Field(key: "department_code") var departmentCode: String
    @Field(key: "unit_type") var unitType: String
    @Field(key: "facts") var facts: String
    @Field(key: "indicators") var indicators: String
    @Field(key: "dimensions") var dimensions: String
    @Field(key: "total") var total: Double
    @Field(key: "assessment_points") var assessmentPoints: Double
    @Field(key: "rank") var rank: Int
    init() {}
    init(runID: UUID, _ r: EvaluationUnitResult) {
        self.runID = runID
        update(r)
    }

    func update(_ r: EvaluationUnitResult) {
        departmentCode = r.department; unitType = r.unitType; facts = JSONText.encode(r.facts)
        indicators = JSONText.encode(r.indicators); dimensions = JSONText.encode(r.dimensions)
        total = r.total; assessmentPoints = r.assessmentPoints; rank = r.rank
    }

    var result: EvaluationUnitResult {
        EvaluationUnitResult(
            department: departmentCode, unitType: unitType, facts: JSONText.decode([String: Double].self, facts) ?? [:],
            indicators: JSONText.decode([EvaluationIndicatorScore].self, indicators) ?? [],
            dimensions: JSONText.decode([String: Double].self, dimensions) ?? [:], total: total, assessmentPoints: assessmentPoints, rank: rank)
    }
}

/// An expert's adjustment of one indicator for one unit in an open run, with the required reason.
final class EvaluationAdjustmentRow: Model, @unchecked Sendable {
    static let schema = "evaluation_adjustments"
    @ID(key: .id) var id: UUID?
    @Field(key: "run_id") var runID: UUID
    @Field(key: "department_code") var departmentCode: String
    @Field(key: "indicator") var indicator: String
    @Field(key: "points") var points: Double
    @Field(key: "reason") var reason: String
    @Field(key: "adjusted_by") var adjustedBy: String
    @OptionalField(key: "adjusted_at") var adjustedAt: Date?
    init() {}
}
