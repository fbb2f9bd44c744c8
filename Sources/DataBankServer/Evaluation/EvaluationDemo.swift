import Fluent
import Foundation
import DataBankCore

/// The demo city's evaluations under the default scheme: last year's run, frozen as its report, and an
/// open run for this year, so the pages show real shapes on first start. They read whatever history
/// the demo wrote (a year of use, applications, objections, demands) like any run.
enum EvaluationDemo {
    static func load(on db: any Database, now: Date = Date()) async throws {
        let year = HeatFacts.day(now).year
        let scheme = EvaluationScheme.standard.code
        if try await EvaluationRuns.frozenRun(scheme: scheme, period: String(year - 1), on: db) == nil {
            let last = try await EvaluationRuns.run(schemeCode: scheme, period: String(year - 1), by: "admin", now: now, on: db)
            _ = try await EvaluationRuns.freeze(last, by: "admin", now: now, on: db)
        }
        _ = try await EvaluationRuns.run(schemeCode: scheme, period: String(year), by: "admin", now: now, on: db)
    }
}
