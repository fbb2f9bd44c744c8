import Foundation

/// One indicator's result for one unit: the computed score, the expert adjustment and the final score.
public struct EvaluationIndicatorScore: Sendable, Codable, Hashable {
    public var indicator: String
    public var computed: Double
    /// Points added by an expert adjustment (negative to lower); 0 when none.
    public var adjustment: Double
    /// `computed + adjustment`, clamped to 0–100.
    public var score: Double

    public init(indicator: String, computed: Double, adjustment: Double = 0) {
        self.indicator = indicator; self.computed = computed; self.adjustment = adjustment
        score = EvaluationScoring.clampScore(computed + adjustment)
    }
}

/// One unit's result in a run.
public struct EvaluationUnitResult: Sendable, Codable, Hashable {
    public var department: String
    public var unitType: String
    /// The facts the scores were computed from.
    public var facts: [String: Double]
    public var indicators: [EvaluationIndicatorScore]
    /// Each dimension's score, 0–100 (its indicators' scores weighted within it).
    public var dimensions: [String: Double]
    /// The weighted total, 0–100.
    public var total: Double
    /// What the total is worth in the annual assessment: total / 100 × the unit type's weight.
    public var assessmentPoints: Double
    /// 1 = best within the unit type; ties share a rank (1, 1, 3).
    public var rank: Int

    public init(
        department: String, unitType: String, facts: [String: Double], indicators: [EvaluationIndicatorScore], dimensions: [String: Double],
        total: Double, assessmentPoints: Double, rank: Int
    ) {
        self.department = department; self.unitType = unitType; self.facts = facts; self.indicators = indicators
        self.dimensions = dimensions; self.total = total; self.assessmentPoints = assessmentPoints; self.rank = rank
    }
}

/// Scores, weights and ranking: pure, so a run and a test compute the same numbers.
public enum EvaluationScoring {
    public static func clampScore(_ x: Double) -> Double {
        guard x.isFinite else { return 0 }
        return (min(100, max(0, x)) * 100).rounded() / 100
    }

    static func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }
    static func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

    /// Computes every indicator for every unit and ranks the units within their type.
    /// - Parameters:
    ///   - units: department code → (its level, its facts).
    ///   - adjustments: department code → indicator code → points added.
    public static func evaluate(
        _ scheme: EvaluationScheme, units: [String: (level: String, facts: [String: Double])],
        adjustments: [String: [String: Double]] = [:]
    ) throws(ExpressionError) -> [EvaluationUnitResult] {
        var formulas: [(EvaluationIndicator, EvaluationFormula)] = []
        for i in scheme.indicators { formulas.append((i, try EvaluationFormula.compile(i.formula))) }
        var results: [EvaluationUnitResult] = []
        for (code, unit) in units {
            guard let type = scheme.unitType(level: unit.level) else { continue }
            let scores = formulas.map { ind, f in
                EvaluationIndicatorScore(indicator: ind.code, computed: f.score(unit.facts), adjustment: adjustments[code]?[ind.code] ?? 0)
            }
            results.append(
                EvaluationUnitResult(
                    department: code, unitType: type.code, facts: unit.facts, indicators: scores, dimensions: [:], total: 0,
                    assessmentPoints: 0, rank: 0))
        }
        return rescore(scheme, results)
    }

    /// Recomputes dimensions, totals, points and ranks from the indicator scores (after an adjustment).
    public static func rescore(_ scheme: EvaluationScheme, _ units: [EvaluationUnitResult]) -> [EvaluationUnitResult] {
        let weights = Dictionary(uniqueKeysWithValues: scheme.indicators.map { ($0.code, $0) })
        let sum = scheme.weightSum
        var out = units.map { u -> EvaluationUnitResult in
            var u = u
            u.indicators = u.indicators.map { EvaluationIndicatorScore(indicator: $0.indicator, computed: $0.computed, adjustment: $0.adjustment) }
            var dims: [String: Double] = [:]
            for d in EvaluationDimension.allCases {
                let w = scheme.dimensionWeight(d)
                guard w > 0 else { continue }
                let points = u.indicators.reduce(0.0) { acc, s in
                    guard let i = weights[s.indicator], i.dimension == d else { return acc }
                    return acc + i.weight * s.score
                }
                dims[d.rawValue] = round2(points / w)
            }
            u.dimensions = dims
            let total = sum > 0 ? u.indicators.reduce(0.0) { $0 + (weights[$1.indicator]?.weight ?? 0) * $1.score } / sum : 0
            u.total = round2(total)
            let typeWeight = scheme.unitTypes.first { $0.code == u.unitType }?.assessmentWeight ?? 0
            u.assessmentPoints = round3(u.total / 100 * typeWeight)
            return u
        }
        // Rank within each type by total (ties share the better rank), then by code for a stable order.
        out.sort { ($0.unitType, -$0.total, $0.department) < ($1.unitType, -$1.total, $1.department) }
        var rank = 0, seen = 0, previous: (String, Double)? = nil
        for k in out.indices {
            if previous?.0 != out[k].unitType { rank = 0; seen = 0 }
            seen += 1
            if previous?.0 != out[k].unitType || previous?.1 != out[k].total { rank = seen }
            out[k].rank = rank
            previous = (out[k].unitType, out[k].total)
        }
        return out
    }
}
