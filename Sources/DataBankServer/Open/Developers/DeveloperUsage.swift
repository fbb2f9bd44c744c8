import Fluent
import SQLKit
import Vapor
import DataBankCore

/// A registered user's calls per day and dataset, from `api_usage` (their keys, and their portal session).
enum DeveloperUsage {
    struct Row: Content, Equatable {
        var day: String
        var dataset: String
        var calls: Int
    }

    static func rows(for user: User, days: Int = 14, req: Request) async throws -> [Row] {
        // The page is off the hot path: flush this instance's counts first, so it is current.
        try await req.application.usageMeter.flush(on: req.db, now: req.application.settings.now())
        let keys = try await UserToken.query(on: req.db).filter(\.$user.$id == user.requireID()).all().compactMap(\.id)
        let subjects = ["user:" + (try user.requireID()).uuidString] + keys.map { "key:" + $0.uuidString }
        let since = CivilDate(daysSinceEpoch: req.application.today.daysSinceEpoch - days + 1).iso
        let rows = try await req.db.sql.raw(
            """
            SELECT day, resource_code, CAST(SUM(calls) AS BIGINT) AS calls FROM api_usage
            WHERE subject IN (\(binds: subjects)) AND day >= \(bind: since)
            GROUP BY day, resource_code ORDER BY day DESC, resource_code
            """
        ).all()
        return try rows.map {
            Row(
                day: try $0.decode(column: "day", as: String.self), dataset: try $0.decode(column: "resource_code", as: String.self),
                calls: Int(try $0.decode(column: "calls", as: Int64.self)))
        }
    }
}
