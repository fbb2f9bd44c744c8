import Fluent
import Vapor
import DataBankCore

/// Stored evaluation schemes: validated by the core (formulas compiled against the facts, weights
/// adding up to 100) before they are written.
enum EvaluationSchemes {
    static func unknown(_ code: String) -> AppError {
        AppError.field(.notFound, "unknown_scheme", "scheme", zh: "没有代码为 \(code) 的评估方案", en: "No evaluation scheme with the code \(code)")
    }

    static func load(_ code: String, on db: any Database) async throws -> EvaluationScheme {
        guard let row = try await EvaluationSchemeRow.query(on: db).filter(\.$code == code).first(), let scheme = row.scheme else { throw unknown(code) }
        return scheme
    }

    static func all(on db: any Database) async throws -> [EvaluationScheme] {
        try await EvaluationSchemeRow.query(on: db).sort(\.$code).all().compactMap(\.scheme)
    }

    /// Refuses a scheme with any problem: every field at fault, each with its code (the weights' sum in its message).
    static func validate(_ scheme: EvaluationScheme) throws {
        let problems = scheme.problems()
        guard problems.isEmpty else {
            let weights = problems.first { $0.code == "weights_do_not_add_up" }
            throw AppError(
                .unprocessableEntity, weights?.code ?? "validation_failed",
                problems.count == 1 ? problems[0].messageEn : "\(problems.count) fields are invalid: " + problems.map(\.messageEn).joined(separator: "; "),
                details: problems)
        }
    }

    /// Creates a scheme (409 `scheme_exists` when the code is taken) or, with `replace`, replaces one.
    static func save(_ scheme: EvaluationScheme, replace: Bool, by user: String, on db: any Database) async throws -> EvaluationScheme {
        try validate(scheme)
        if let row = try await EvaluationSchemeRow.query(on: db).filter(\.$code == scheme.code).first() {
            guard replace else {
                throw AppError.field(.conflict, "scheme_exists", "code", zh: "方案代码 \(scheme.code) 已存在", en: "A scheme with the code \(scheme.code) exists")
            }
            row.name = scheme.name; row.definition = JSONText.encode(scheme); row.updatedBy = user
            try await row.save(on: db)
        } else {
            guard !replace else { throw unknown(scheme.code) }
            try await EvaluationSchemeRow(scheme, by: user).create(on: db)
        }
        return scheme
    }
}
