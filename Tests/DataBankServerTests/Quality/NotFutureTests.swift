import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// A clock tests move: the app's `settings.now`.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ iso: String) { current = ISO8601DateFormatter().date(from: iso)! }
    var now: Date { lock.withLock { current } }
    func set(_ iso: String) { lock.withLock { current = ISO8601DateFormatter().date(from: iso)! } }
}

/// A date standard can say its dates cannot be in the future (不晚于当日): the rule is derived
/// like the others and applied by loads, validation and the full check, "today" being the app
/// clock's day in Asia/Shanghai.
@Suite("Dates not in the future")
struct NotFutureTests {
    /// 2025-06-30 16:30 UTC is already 2025-07-01 in the city.
    static let cityMidnight = "2025-06-30T16:30:00Z"

    @Test func demoBirthEstablishmentAndApprovalDatesSayIt() async throws {
        try await withDataBank { app in
            let all = try await StandardRow.query(on: app.db).all().map(\.standard)
            let marked = Set(all.filter(\.forbidsFuture).map(\.name))
            #expect(marked == ["出生日期", "成立日期", "核准日期"])
            let birth = try #require(all.first { $0.name == "出生日期" })
            let shown = try await app.send(.GET, "/api/v1/standards/\(birth.code)")
            #expect(shown.body.string.contains("\"notFuture\":true"))
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let rules = try await app.send(.GET, "/api/v1/resources/\(f.code)/rules", token: token).body.string
            #expect(rules.contains("derived:establish_date:notFuture") && rules.contains("derived:approval_date:notFuture"))
            let schema = try await app.send(.GET, "/api/v1/resources/\(f.code)/schema.json", token: token).body.string
            #expect(schema.replacingOccurrences(of: " ", with: "").contains("\"databank:notFuture\":true"))
        }
    }

    /// Today (in Asia/Shanghai) passes, tomorrow is refused — in a load and in validation.
    @Test func loadsAndValidationUseTheAppClockInTheCity() async throws {
        let clock = TestClock(Self.cityMidnight)
        let onTheClock: (inout Settings) -> Void = { $0.now = { clock.now } }
        try await withDataBank(adjust: onTheClock) { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let today = try await app.loadCSV(f, f.csv(rows: 0..<3, setting: "establish_date", to: "2025-07-01", inRow: 1), token: token)
            #expect(try today.decode(LoadAnswer.self).rejected == 0)
            let future = f.csv(rows: 3..<6, setting: "establish_date", to: "2025-07-02", inRow: 4)
            let report = try await app.sendRaw(
                .POST, "/api/v1/resources/\(f.code)/validate", token: token, contentType: "text/csv",
                body: Array(future.utf8)
            ).decode(ValidationReport.self)
            #expect(report.lines.map(\.code) == ["not_future"] && report.lines.first?.row == 3)
            let answer = try await app.loadCSV(f, future, token: token).decode(LoadAnswer.self)
            #expect(answer.inserted == 2 && answer.rejected == 1)
            let open = try await app.send(.GET, "/api/v1/resources/\(f.code)/quarantine?status=open", token: token).decode(QuarantinePage.self)
            #expect(open.items.map(\.code) == ["not_future"])
            // A day later the same row loads.
            clock.set("2025-07-01T16:30:00Z")
            #expect(try await app.loadCSV(f, future, token: token).decode(LoadAnswer.self).rejected == 0)
        }
    }

    /// The full check reads the same clock: a stored date later than "today" is a finding.
    @Test func theFullCheckFindsIt() async throws {
        let clock = TestClock("2025-07-10T04:00:00Z")
        let onTheClock: (inout Settings) -> Void = { $0.now = { clock.now } }
        try await withDataBank(adjust: onTheClock) { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3, setting: "establish_date", to: "2025-07-05", inRow: 1), token: token)
            clock.set(Self.cityMidnight)
            let run = try await app.send(.POST, "/api/v1/resources/\(f.code)/quality/check", token: token)
            #expect(run.status == .created, "\(run.body.string)")
            let info = try run.decode(QualityAPI.RunInfo.self)
            #expect(info.rows == 3 && info.lines?.map(\.code) == ["not_future"])
        }
    }

    /// Reviewers set or clear it through the API (dates only); others may not.
    @Test func itIsSetOnTheStandard() async throws {
        try await withDataBank { app in
            let all = try await StandardRow.query(on: app.db).all()
            let cancel = try #require(all.first { $0.name == "注销日期" })
            let text = try #require(all.first { $0.dataType == "C" })
            let reviewer = try await app.token("reviewer")
            let set = try await app.send(.PATCH, "/api/v1/standards/\(cancel.code)", token: reviewer, json: ["notFuture": true])
            #expect(set.status == .ok, "\(set.body.string)")
            #expect(try await StandardRow.query(on: app.db).filter(\.$code == cancel.code).first()?.standard.forbidsFuture == true)
            let cleared = try await app.send(.PATCH, "/api/v1/standards/\(cancel.code)", token: reviewer, json: ["notFuture": false])
            #expect(cleared.body.string.contains("\"notFuture\"") == false)
            let notADate = try await app.send(.PATCH, "/api/v1/standards/\(text.code)", token: reviewer, json: ["notFuture": true])
            #expect(notADate.status == .unprocessableEntity)
            #expect(try notADate.errorBody().details.first?.code == "not_a_date")
            let empty = try await app.send(.PATCH, "/api/v1/standards/\(cancel.code)", token: reviewer, json: [String: String]())
            #expect(empty.status == .unprocessableEntity)
            let steward = try await app.token("scj_steward")
            #expect(try await app.send(.PATCH, "/api/v1/standards/\(cancel.code)", token: steward, json: ["notFuture": true]).status == .forbidden)
        }
    }

    /// The standard's page shows it, and a reviewer changes it there.
    @Test func theStandardPageShowsAndChangesIt() async throws {
        try await withDataBank { app in
            let birth = try #require(try await StandardRow.query(on: app.db).filter(\.$name == "出生日期").first())
            var web = try await WebSession.signIn(app, "reviewer")
            let page = try await web.get("/standards/\(birth.code)")
            web.keep(page)
            #expect(page.body.string.contains("data-testid=\"not-future\"") && page.body.string.contains("data-testid=\"toggle-not-future\""))
            let posted = try await web.post("/standards/\(birth.code)/not-future", [("notFuture", "false")])
            #expect(posted.status == .seeOther, "\(posted.body.string)")
            #expect(try await StandardRow.query(on: app.db).filter(\.$code == birth.code).first()?.standard.forbidsFuture == false)
            let viewer = try await WebSession.signIn(app, "scj_steward").get("/standards/\(birth.code)")
            #expect(viewer.body.string.contains("data-testid=\"not-future\"") && !viewer.body.string.contains("toggle-not-future"))
        }
    }
}
