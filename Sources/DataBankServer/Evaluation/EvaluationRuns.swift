import Fluent
import Foundation
import SQLKit
import Vapor
import DataBankCore

/// Evaluation runs: compute a period for every unit (one transaction), freeze it as the period's
/// report, and expert adjustments before the freeze.
enum EvaluationRuns {
    static func invalidPeriod(_ raw: String) -> AppError {
        AppError.field(
            .badRequest, "invalid_period", "period", zh: "无法识别的评估期：\(raw)（可用 YYYY、YYYY-Qn、YYYY-MM，如 2026、2026-Q3、2026-11）",
            en: "Unknown period \(raw); use \(EvaluationPeriod.allowedForms)")
    }

    static func periodFrozen(_ period: String) -> AppError {
        AppError.field(
            .conflict, "period_frozen", "period", zh: "\(period) 的评估报告已定稿，不能再次评估或改动",
            en: "The evaluation of \(period) is frozen: it is the period's report and never changes")
    }

    static func runFrozen() -> AppError {
        AppError(.conflict, "run_frozen", "This run is frozen: a frozen report never changes")
    }

    static func unknownRun() -> AppError {
        AppError.field(.notFound, "unknown_run", "run", zh: "没有这个评估批次", en: "No such evaluation run")
    }

    /// Computes `period` under the scheme `schemeCode` for every unit and stores it as a new open run.
    /// A frozen period is refused (409 `period_frozen`); a period with no activity gives an empty run.
    static func run(schemeCode: String, period raw: String, by user: String, now: Date, on db: any Database) async throws -> EvaluationRunRow {
        guard let period = EvaluationPeriod(raw) else { throw invalidPeriod(raw) }
        let scheme = try await EvaluationSchemes.load(schemeCode, on: db)
        if try await frozenRun(scheme: scheme.code, period: period.text, on: db) != nil { throw periodFrozen(period.text) }
        let window = EvaluationFacts.Window(period, now: now)
        let facts = try await EvaluationFacts.compute(window, on: db)
        var results: [EvaluationUnitResult] = []
        if EvaluationFacts.hasActivity(facts) {
            let departments = try await db.sql.raw("SELECT code, level FROM departments").all()
            var units: [String: (level: String, facts: [String: Double])] = [:]
            let zero = Dictionary(uniqueKeysWithValues: EvaluationFact.allCases.map { ($0.rawValue, 0.0) })
            for d in departments {
                let code = try d.decode(column: "code", as: String.self)
                units[code] = (try d.decode(column: "level", as: String.self), facts[code] ?? zero)
            }
            do {
                results = try EvaluationScoring.evaluate(scheme, units: units)
            } catch {
                throw AppError(.unprocessableEntity, "invalid_scheme", "The scheme \(scheme.code) has a formula that does not compile: \(error.messageEn)")
            }
        }
        let row = EvaluationRunRow()
        row.schemeCode = scheme.code; row.schemeJSON = JSONText.encode(scheme); row.period = period.text
        row.periodFrom = window.fromDay; row.periodTo = window.toDay; row.state = EvaluationRunState.open.rawValue
        row.unitCount = results.count; row.createdBy = user
        let computed = results
        try await db.transaction { tx in
            try await row.create(on: tx)
            let id = try row.requireID()
            let rows = computed.map { EvaluationUnitRow(runID: id, $0) }
            for chunk in stride(from: 0, to: rows.count, by: 200) { try await Array(rows[chunk..<min(chunk + 200, rows.count)]).create(on: tx) }
        }
        return row
    }

    static func frozenRun(scheme: String, period: String, on db: any Database) async throws -> EvaluationRunRow? {
        try await EvaluationRunRow.query(on: db).filter(\.$schemeCode == scheme).filter(\.$period == period)
            .filter(\.$state == EvaluationRunState.frozen.rawValue).first()
    }

    static func find(_ id: UUID?, on db: any Database) async throws -> EvaluationRunRow {
        guard let id, let row = try await EvaluationRunRow.find(id, on: db) else { throw unknownRun() }
        return row
    }

    static func units(of run: EvaluationRunRow, on db: any Database) async throws -> [EvaluationUnitRow] {
        try await EvaluationUnitRow.query(on: db).filter(\.$runID == (try run.requireID())).sort(\.$unitType).sort(\.$rank)
            .sort(\.$departmentCode).all()
    }

    /// Freezes an open run as its period's report. Only one run per scheme and period is ever frozen
    /// (a partial unique index keeps it so under concurrency too).
    static func freeze(_ run: EvaluationRunRow, by user: String, now: Date, on db: any Database) async throws -> EvaluationRunRow {
        let id = try run.requireID()
        guard !run.isFrozen else { throw runFrozen() }
        do {
            try await db.transaction { tx in
                if try await frozenRun(scheme: run.schemeCode, period: run.period, on: tx) != nil { throw periodFrozen(run.period) }
                let moved = try await tx.sql.raw(
                    """
                    UPDATE evaluation_runs SET state = 'frozen', frozen_by = \(bind: user), frozen_at = \(bind: now)
                    WHERE id = \(bind: id) AND state = 'open' RETURNING id
                    """
                ).first()
                if moved == nil { throw runFrozen() }
            }
        } catch let error as AppError {
            throw error
        } catch {
            // The unique index refused a second frozen run for the period (a concurrent freeze won).
            if try await frozenRun(scheme: run.schemeCode, period: run.period, on: db) != nil { throw periodFrozen(run.period) }
            throw error
        }
        return try await find(id, on: db)
    }

    struct AdjustmentInput: Content, BoundedText {
        var indicator: String?
        var points: Double?
        var reason: String?
        var boundedFields: [(field: String, value: String?, max: Int)] { [("indicator", indicator, 64), ("reason", reason, TextLimit.purpose)] }
    }

    /// The largest adjustment an expert may enter, either way, in points of the indicator's 0–100 score.
    static let maxAdjustment = 100.0

    /// Records (or replaces) an expert adjustment of one indicator for one unit of an open run, and
    /// re-scores the run's units in the same transaction.
    static func adjust(
        _ run: EvaluationRunRow, department: String, _ input: AdjustmentInput, by user: String, now: Date, on db: any Database
    ) async throws {
        guard !run.isFrozen else { throw runFrozen() }
        let scheme = run.scheme
        var problems: [FieldError] = []
        let indicator = (input.indicator ?? "").trimmingCharacters(in: .whitespaces)
        if !scheme.indicators.contains(where: { $0.code == indicator }) {
            problems.append(
                FieldError(
                    field: "indicator", code: "unknown_indicator", message: "方案中没有指标 \(indicator)", messageEn: "The scheme has no indicator \(indicator)"))
        }
        if let p = input.points, !p.isFinite || abs(p) > maxAdjustment {
            problems.append(
                FieldError(field: "points", code: "out_of_range", message: "调整分值应在 -100 到 100 之间", messageEn: "Points must be between -100 and 100"))
        } else if input.points == nil {
            problems.append(FieldError(field: "points", code: "required", message: "请填写调整分值", messageEn: "points is required"))
        }
        let reason = (input.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if reason.isEmpty {
            problems.append(FieldError(field: "reason", code: "reason_required", message: "专家调整必须说明理由", messageEn: "An expert adjustment needs a reason"))
        }
        if !problems.isEmpty { throw AppError.validation(problems) }
        let id = try run.requireID()
        try await db.transaction { tx in
            // Claim the run first: a concurrent freeze waits, or this sees it frozen.
            guard try await tx.sql.raw("UPDATE evaluation_runs SET state = state WHERE id = \(bind: id) AND state = 'open' RETURNING id").first() != nil
            else { throw runFrozen() }
            let units = try await EvaluationUnitRow.query(on: tx).filter(\.$runID == id).all()
            guard units.contains(where: { $0.departmentCode == department }) else {
                throw AppError.field(.notFound, "unknown_unit", "department", zh: "本批次没有评估该单位", en: "The run has no unit \(department)")
            }
            try await EvaluationAdjustmentRow.query(on: tx).filter(\.$runID == id).filter(\.$departmentCode == department)
                .filter(\.$indicator == indicator).delete()
            let adj = EvaluationAdjustmentRow()
            adj.runID = id; adj.departmentCode = department; adj.indicator = indicator; adj.points = input.points ?? 0
            adj.reason = reason; adj.adjustedBy = user; adj.adjustedAt = now
            try await adj.create(on: tx)
            // Re-score: the unit's indicator gets its adjustment; totals and ranks of its type move with it.
            var results = units.map(\.result)
            for k in results.indices where results[k].department == department {
                results[k].indicators = results[k].indicators.map { s in
                    s.indicator == indicator ? EvaluationIndicatorScore(indicator: s.indicator, computed: s.computed, adjustment: adj.points) : s
                }
            }
            let rescored = Dictionary(uniqueKeysWithValues: EvaluationScoring.rescore(scheme, results).map { ($0.department, $0) })
            for row in units {
                guard let r = rescored[row.departmentCode] else { continue }
                let before = row.result
                if before == r { continue }
                row.update(r)
                try await row.save(on: tx)
            }
        }
    }

    static func adjustments(of run: EvaluationRunRow, department: String? = nil, on db: any Database) async throws -> [EvaluationAdjustmentRow] {
        var q = EvaluationAdjustmentRow.query(on: db).filter(\.$runID == (try run.requireID()))
        if let department { q = q.filter(\.$departmentCode == department) }
        return try await q.sort(\.$adjustedAt).all()
    }
}
