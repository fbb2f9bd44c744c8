import Fluent
import Vapor
import DataBankCore

/// What the API, the pages and the exports show of a run and of one unit in it.
struct EvaluationRunInfo: Content {
    var id: UUID?
    var scheme: String
    var schemeName: String
    var period: String
    var periodLabel: String
    var from: String
    var to: String
    var state: String
    /// True when the period had no activity at all: the report is empty, not an error.
    var empty: Bool
    var units: Int
    var createdBy: String
    var createdAt: Date?
    var frozenBy: String?
    var frozenAt: Date?

    init(_ row: EvaluationRunRow, language: String = "zh") {
        let scheme = row.scheme
        id = row.id; self.scheme = row.schemeCode; schemeName = language == "en" ? scheme.nameEn : scheme.name; period = row.period
        let p = row.evaluationPeriod
        periodLabel = language == "en" ? row.period : (p?.zh ?? row.period)
        from = row.periodFrom; to = row.periodTo; state = row.state; empty = row.unitCount == 0; units = row.unitCount
        createdBy = row.createdBy; createdAt = row.createdAt; frozenBy = row.frozenBy; frozenAt = row.frozenAt
    }
}

/// One unit's line in a run's ranking.
struct EvaluationRankLine: Content {
    var department: String
    var name: String
    var unitType: String
    var rank: Int
    /// Units of the same type in the run.
    var of: Int
    var total: Double
    var assessmentPoints: Double
    var dimensions: [String: Double]
}

struct EvaluationRunAnswer: Content {
    var run: EvaluationRunInfo
    var unitTypes: [EvaluationUnitType]
    var ranking: [EvaluationRankLine]
    /// Set when the report is empty: why.
    var message: String?
}

/// One unit's report: scores, rank, trend, and each indicator with the facts it used.
struct EvaluationUnitReport: Content {
    struct Dimension: Content { var dimension: String; var name: String; var weight: Double; var score: Double }
    struct Adjustment: Content { var points: Double; var reason: String; var by: String; var at: Date? }
    struct Evidence: Content {
        var fact: String
        var value: Double
        /// Where the rows behind the fact are listed.
        var link: String
    }
    struct Indicator: Content {
        var code: String
        var name: String
        var dimension: String
        var formula: String
        var weight: Double
        var computed: Double
        var adjustment: Double
        var score: Double
        /// The facts the formula read, with their values.
        var facts: [String: Double]
        var evidence: Evidence?
        var adjustments: [Adjustment]
    }
    struct TrendPoint: Content { var period: String; var run: UUID?; var state: String; var total: Double; var rank: Int }

    var run: EvaluationRunInfo
    var department: String
    var name: String
    var unitType: String
    var unitTypeName: String
    var assessmentWeight: Double
    var total: Double
    var assessmentPoints: Double
    var rank: Int
    var of: Int
    var dimensions: [Dimension]
    var indicators: [Indicator]
    var facts: [String: Double]
    var trend: [TrendPoint]
}

enum EvaluationReports {
    static func ranking(_ run: EvaluationRunRow, reach: Authorization.Reach, language: String, on db: any Database) async throws -> EvaluationRunAnswer {
        let units = try await EvaluationRuns.units(of: run, on: db)
        let names = try await Directory.departmentNames(on: db, language: language)
        var perType: [String: Int] = [:]
        for u in units { perType[u.unitType, default: 0] += 1 }
        let visible = units.filter {
            switch reach {
            case .all: true
            case .own(let code): $0.departmentCode == code
            case .none: false
            }
        }
        let lines = visible.map {
            EvaluationRankLine(
                department: $0.departmentCode, name: names[$0.departmentCode] ?? $0.departmentCode, unitType: $0.unitType, rank: $0.rank,
                of: perType[$0.unitType] ?? 0, total: $0.total, assessmentPoints: $0.assessmentPoints,
                dimensions: JSONText.decode([String: Double].self, $0.dimensions) ?? [:])
        }
        let message: String? =
            run.unitCount == 0
            ? (language == "en"
                ? "No platform activity was recorded in \(run.period): nothing to evaluate." : "\(run.period) 期间平台没有任何业务记录，本期无可评估内容。") : nil
        return EvaluationRunAnswer(run: EvaluationRunInfo(run, language: language), unitTypes: run.scheme.unitTypes, ranking: lines, message: message)
    }

    static func unknownUnit(_ department: String) -> AppError {
        AppError.field(.notFound, "unknown_unit", "department", zh: "本批次没有评估单位 \(department)", en: "The run has no unit \(department)")
    }

    static func unit(_ run: EvaluationRunRow, department: String, language: String, on db: any Database) async throws -> EvaluationUnitReport {
        let runID = try run.requireID()
        guard let row = try await EvaluationUnitRow.query(on: db).filter(\.$runID == runID).filter(\.$departmentCode == department).first() else {
            throw unknownUnit(department)
        }
        let en = language == "en"
        let scheme = run.scheme
        let result = row.result
        let of = try await EvaluationUnitRow.query(on: db).filter(\.$runID == runID).filter(\.$unitType == row.unitType).count()
        let names = try await Directory.departmentNames(on: db, language: language)
        let type = scheme.unitTypes.first { $0.code == row.unitType }
        let adjustments = Dictionary(grouping: try await EvaluationRuns.adjustments(of: run, department: department, on: db), by: \.indicator)
        let scores = Dictionary(uniqueKeysWithValues: result.indicators.map { ($0.indicator, $0) })
        let indicators = scheme.indicators.map { ind -> EvaluationUnitReport.Indicator in
            let s = scores[ind.code]
            let used = (try? EvaluationFormula.compile(ind.formula).facts) ?? []
            let evidence = ind.evidence.flatMap(EvaluationFact.init(rawValue:)).map {
                EvaluationUnitReport.Evidence(
                    fact: $0.rawValue, value: result.facts[$0.rawValue] ?? 0, link: EvaluationEvidence.link($0, run: runID, department: department))
            }
            return EvaluationUnitReport.Indicator(
                code: ind.code, name: en ? ind.nameEn : ind.name, dimension: ind.dimension.rawValue, formula: ind.formula, weight: ind.weight,
                computed: s?.computed ?? 0, adjustment: s?.adjustment ?? 0, score: s?.score ?? 0,
                facts: Dictionary(uniqueKeysWithValues: used.map { ($0, result.facts[$0] ?? 0) }), evidence: evidence,
                adjustments: (adjustments[ind.code] ?? []).map { .init(points: $0.points, reason: $0.reason, by: $0.adjustedBy, at: $0.adjustedAt) })
        }
        let dimensions = EvaluationDimension.allCases.map {
            EvaluationUnitReport.Dimension(
                dimension: $0.rawValue, name: en ? $0.en : $0.zh, weight: scheme.dimensionWeight($0), score: result.dimensions[$0.rawValue] ?? 0)
        }
        return EvaluationUnitReport(
            run: EvaluationRunInfo(run, language: language), department: department, name: names[department] ?? department, unitType: row.unitType,
            unitTypeName: type.map { en ? $0.nameEn : $0.name } ?? row.unitType, assessmentWeight: type?.assessmentWeight ?? 0, total: row.total,
            assessmentPoints: row.assessmentPoints, rank: row.rank, of: of, dimensions: dimensions, indicators: indicators, facts: result.facts,
            trend: try await trend(scheme: run.schemeCode, department: department, on: db))
    }

    /// The unit's total in every period evaluated under the scheme: the frozen run of a period, else its newest run.
    static func trend(scheme: String, department: String, on db: any Database) async throws -> [EvaluationUnitReport.TrendPoint] {
        let rows = try await db.sql.raw(
            """
            SELECT r.id AS run, r.period AS period, r.state AS state, r.created_at AS created_at, u.total AS total, u.rank AS rank
            FROM evaluation_units u JOIN evaluation_runs r ON r.id = u.run_id
            WHERE r.scheme_code = \(bind: scheme) AND u.department_code = \(bind: department)
            """
        ).all()
        struct Point { var point: EvaluationUnitReport.TrendPoint; var frozen: Bool; var at: Date }
        var best: [String: Point] = [:]
        for r in rows {
            let state = try r.decode(column: "state", as: String.self)
            let p = Point(
                point: .init(
                    period: try r.decode(column: "period", as: String.self), run: try r.decode(column: "run", as: UUID.self), state: state,
                    total: EvaluationFacts.number(r, "total"), rank: Int(EvaluationFacts.number(r, "rank"))),
                frozen: state == EvaluationRunState.frozen.rawValue, at: (try? r.decode(column: "created_at", as: Date?.self)) ?? nil ?? .distantPast)
            if let old = best[p.point.period], (old.frozen && !p.frozen) || (old.frozen == p.frozen && old.at >= p.at) { continue }
            best[p.point.period] = p
        }
        return best.values.map(\.point).sorted {
            (EvaluationPeriod($0.period)?.first ?? CivilDate(daysSinceEpoch: 0)) < (EvaluationPeriod($1.period)?.first ?? CivilDate(daysSinceEpoch: 0))
        }
    }
}
