import Fluent
import Vapor
import DataBankCore

/// Dates the demo's sharing story in the past: an application, its events, its grant and the
/// notifications about it carry the times it was filed and decided, in that order, so the
/// inbox, the application page and the deadlines agree.
enum DemoTimeline {
    /// `day` at `hour:minute` in the city's time (UTC+8).
    static func at(_ day: CivilDate, hour: Int, minute: Int = 0) -> Date {
        Date(timeIntervalSince1970: Double(day.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 - DateParsing.cityUTCOffsetMinutes * 60))
    }

    static func date(_ application: ApplicationRow, filed: Date, decided: Date?, on db: any Database) async throws {
        let id = try application.requireID()
        application.createdAt = filed
        if application.decidedAt != nil { application.decidedAt = decided ?? filed }
        try await application.save(on: db)
        let events = try await ApplicationEventRow.query(on: db).filter(\.$applicationID == id).all()
            .sorted { ($0.at ?? .distantPast, $0.action == "applied" ? 0 : 1) < ($1.at ?? .distantPast, $1.action == "applied" ? 0 : 1) }
        for (k, e) in events.enumerated() {
            e.at = k == 0 ? filed : (decided ?? filed).addingTimeInterval(Double(k - 1))
            try await e.save(on: db)
        }
        for grant in try await GrantRow.query(on: db).filter(\.$applicationID == id).all() {
            grant.createdAt = decided ?? filed
            try await grant.save(on: db)
        }
        for n in try await NotificationRow.query(on: db).filter(\.$link == SiteURL.application(id).path).all() {
            n.createdAt = n.kind == "application" ? filed : (decided ?? filed)
            try await n.save(on: db)
        }
    }
}
