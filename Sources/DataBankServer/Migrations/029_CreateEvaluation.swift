import Fluent
import Foundation
import SQLKit
import DataBankCore

/// 029: department performance evaluation (绩效评估): `evaluation_schemes` (a scheme as data: its
/// indicators, formulas, weights and unit types as JSON, seeded with the default scheme),
/// `evaluation_runs` (a period evaluated under a copy of its scheme; at most one frozen run per
/// scheme and period, kept by a partial unique index), `evaluation_units` (each unit's facts, scores
/// and rank in a run) and `evaluation_adjustments` (experts' adjustments with their reasons).
struct CreateEvaluation: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("evaluation_schemes")
            .id()
            .field("code", .string, .required).unique(on: "code")
            .field("name", .string, .required)
            .field("definition", .string, .required)
            .field("updated_by", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("evaluation_runs")
            .id()
            .field("scheme_code", .string, .required)
            // The scheme as it was when the run was computed: a later edit never changes a report.
            .field("scheme", .string, .required)
            .field("period", .string, .required)
            .field("period_from", .string, .required)
            .field("period_to", .string, .required)
            .field("state", .string, .required)
            .field("unit_count", .int, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .field("frozen_by", .string)
            .field("frozen_at", .datetime)
            .create()
        try await db.schema("evaluation_units")
            .id()
            .field("run_id", .uuid, .required, .references("evaluation_runs", "id", onDelete: .cascade))
            .field("department_code", .string, .required)
            .field("unit_type", .string, .required)
            .field("facts", .string, .required)
            .field("indicators", .string, .required)
            .field("dimensions", .string, .required)
            .field("total", .double, .required)
            .field("assessment_points", .double, .required)
            .field("rank", .int, .required)
            .unique(on: "run_id", "department_code")
            .create()
        try await db.schema("evaluation_adjustments")
            .id()
            .field("run_id", .uuid, .required, .references("evaluation_runs", "id", onDelete: .cascade))
            .field("department_code", .string, .required)
            .field("indicator", .string, .required)
            .field("points", .double, .required)
            .field("reason", .string, .required)
            .field("adjusted_by", .string, .required)
            .field("adjusted_at", .datetime)
            .unique(on: "run_id", "department_code", "indicator")
            .create()
        let sql = db.sql
        try await sql.create(index: "idx_evaluation_runs_period").on("evaluation_runs").column("scheme_code").column("period").run()
        try await sql.raw(
            "CREATE UNIQUE INDEX idx_evaluation_runs_frozen ON evaluation_runs (scheme_code, period) WHERE state = 'frozen'"
        ).run()
        try await sql.create(index: "idx_evaluation_units_department").on("evaluation_units").column("department_code").run()
        let scheme = EvaluationScheme.standard
        try await EvaluationSchemeRow(scheme, by: "system").create(on: db)
    }

    func revert(on db: any Database) async throws {
        for table in ["evaluation_adjustments", "evaluation_units", "evaluation_runs", "evaluation_schemes"] { try await db.schema(table).delete() }
    }
}
