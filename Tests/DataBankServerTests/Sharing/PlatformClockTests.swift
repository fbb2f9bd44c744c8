import DataBankCore
@testable import DataBankServer
import Fluent
import Testing
import Vapor
import VaporTesting

/// Time-bound sharing decisions read the platform's clock (`Settings.now`): tests move the clock
/// instead of rewriting dates in the database.
@Suite("Platform clock")
struct PlatformClockTests {
    /// The day after `validUntil` by the platform's clock, the grant no longer opens the records.
    @Test func grantsEndWhenTheClockPassesValidUntil() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: try await app.token(f.steward))
            let consumer = try await app.token("jtj_steward")
            _ = try await app.grantAtOnce(f, consumer: consumer, items: ["enterprise_name", "legal_rep"], lastKey: f.key(2), purpose: "核查")
            let path = "/api/v1/resources/\(f.code)/records?purpose=%E6%A0%B8%E6%9F%A5"
            #expect(try await app.send(.GET, path, token: consumer).status == .ok)
            app.settings.now = { Self.date("2027-07-01") }
            let after = try await app.send(.GET, path, token: consumer)
            #expect(after.status == .forbidden)
            #expect(try after.errorBody().code == "no_grant")
        }
    }

    /// An application becomes overdue when the clock passes its deadline: it is in the platform's
    /// overdue box and may be countersigned, with no date in the database changed.
    @Test func applicationsFallOverdueByTheClock() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
            resource.sharingType = SharingType.conditional.rawValue
            try await resource.save(on: app.db)
            let consumer = try await app.token("jtj_steward")
            let applied = try await app.send(
                .POST, "/api/v1/applications", token: consumer,
                json: [
                    "resource": AnyEncodable(f.code), "purpose": AnyEncodable("核查"), "legalBasis": AnyEncodable("条例"),
                    "validUntil": AnyEncodable(CivilDate(daysSinceEpoch: app.today.daysSinceEpoch + 200).iso)
                ])
            #expect(applied.status == .created, "\(applied.body.string)")
            let info = try applied.decode(ApplicationInfo.self)
            let id = try #require(info.id)
            let deadline = try #require(info.deadline)
            let admin = try await app.token("admin")
            #expect(try await app.send(.GET, "/api/v1/inbox", token: admin).decode(SharingAPI.Inbox.self).overdue.isEmpty)
            app.settings.now = { Self.date(deadline).addingTimeInterval(86_400) }
            let inbox = try await app.send(.GET, "/api/v1/inbox", token: admin).decode(SharingAPI.Inbox.self)
            #expect(inbox.overdue.map(\.id) == [id])
            #expect(inbox.overdue.first?.overdue == true)
            let countersigned = try await app.send(.POST, "/api/v1/applications/\(id)/countersign", token: admin, json: ["decision": "approve"])
            #expect(countersigned.status == .ok)
        }
    }

    /// Noon in the city (UTC+8) on `day` (`YYYY-MM-DD`).
    static func date(_ day: String) -> Date {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        let days = CivilDate(year: parts[0], month: parts[1], day: parts[2])!.daysSinceEpoch
        return Date(timeIntervalSince1970: Double(days) * 86_400 + 4 * 3600)
    }
}
