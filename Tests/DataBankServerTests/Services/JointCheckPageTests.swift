import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The service window of joint checks (联办核验) in the browser's terms: pages, forms, the streamed run.
@Suite("Services: the joint-check window")
struct JointCheckPageTests {
    typealias Fixture = JointCheckAPITests.Fixture
    static let window = "/joint-checks/enterprise-permit"

    static func make(_ app: Application) async throws -> (Fixture, WebSession) {
        let x = try await Fixture.make(app)
        #expect(try await x.define(app).status == .created)
        try await x.grant("registered", app)
        return (x, try await WebSession.signIn(app, JointCheckAPITests.window))
    }

    /// The list links to the window; the window lists each department's service, and says which one this
    /// window's department holds no grant for (with a link to apply) before anything is asked.
    @Test func theWindowShowsEachDepartmentAndItsGrantBeforeAsking() async throws {
        try await withDataBank { app in
            let (_, web) = try await Self.make(app)
            let list = try await web.get("/joint-checks").body.string
            #expect(list.contains("企业通行证联审") && list.contains("href=\"\(Self.window)\""))
            #expect(list.contains("nav-joint-checks"))
            let page = try await web.get(Self.window)
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("joint-form") && html.contains("input-applicant.code") && html.contains("登记核验") && html.contains("在册核验"))
            #expect(html.contains("本窗口未获授权") && html.contains("申请该服务的授权"), "the ungranted service says so")
            #expect(try await web.get(Self.window + "?lang=en").body.string.contains("No grant for this window"))
        }
    }

    /// Without script the form posts and the page comes back with every department's answer, the
    /// result and a receipt whose number is the request ID every audit entry of the run carries.
    @Test func aPostedFormShowsTheAnswersAndAReceipt() async throws {
        try await withDataBank { app in
            let (x, web) = try await Self.make(app)
            let done = try await web.post(Self.window, [("applicant.code", x.f.key(1)), ("purpose", "企业通行证核发")])
            #expect(done.status == .ok)
            let html = done.body.string
            #expect(html.contains("data-result=\"incomplete\"") && html.contains("joint-receipt"))
            let ids = try await app.db.sql.raw(
                "SELECT DISTINCT request_id FROM audit_log WHERE operation IN ('joint-check.enterprise-permit', 'verify.registered', 'refused.no_grant')"
            ).all().map { try $0.decode(column: "request_id", as: String.self) }
            #expect(ids.count == 1 && html.contains(ids[0]), "the receipt names the number its audit entries carry")
            #expect(html.contains(x.f.key(1)), "the receipt names the applicant")
        }
    }

    /// With script the run streams: a line per department (its cells), then the result; each department's
    /// audit entry is written before its line, the whole run's last, all under one hash.
    @Test func aScriptedRunStreamsEachDepartmentThenTheResult() async throws {
        try await withDataBank { app in
            let (x, web) = try await Self.make(app)
            let streamed = try await web.post(Self.window, [("applicant.code", x.f.key(2)), ("purpose", "企业通行证核发")], accept: "application/x-ndjson")
            #expect(streamed.status == .ok)
            #expect(streamed.headers.contentType?.description.contains("ndjson") == true)
            let lines = try streamed.body.string.split(separator: "\n").map {
                try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            #expect(lines.count == 3)
            #expect(Set(lines.prefix(2).compactMap { $0["step"] as? Int }) == [0, 1])
            #expect(lines.prefix(2).allSatisfy { ($0["html"] as? String)?.contains("<td") == true })
            #expect(lines[2]["done"] as? Bool == true && (lines[2]["html"] as? String)?.contains("joint-verdict") == true)
            let audited = try await app.db.sql.raw(
                "SELECT operation, request_hash FROM audit_log WHERE operation LIKE 'verify.%' OR operation LIKE 'joint-check.enterprise%' OR operation = 'refused.no_grant' ORDER BY seq"
            ).all().map { (try $0.decode(column: "operation", as: String.self), try $0.decode(column: "request_hash", as: String.self)) }
            #expect(Set(audited.prefix(2).map(\.0)) == ["verify.registered", "refused.no_grant"] && audited.last?.0 == "joint-check.enterprise-permit")
            #expect(Set(audited.map(\.1)) == [streamed.headers.first(name: "X-Request-Hash")])
        }
    }

    /// A malformed value or a missing purpose: the page comes back with the messages at their fields, the
    /// values kept, and no department asked.
    @Test func aBadFormComesBackWithItsMessagesAndAsksNobody() async throws {
        try await withDataBank { app in
            let (_, web) = try await Self.make(app)
            let empty = try await web.post(Self.window, [("applicant.code", ""), ("purpose", "企业通行证核发")], accept: "application/x-ndjson")
            #expect(empty.status == .unprocessableEntity)
            let html = empty.body.string
            #expect(html.contains("error-summary") && html.contains("error-applicant.code") && html.contains("企业通行证核发"))
            let noPurpose = try await web.post(Self.window, [("applicant.code", "91440600MA4UJ8XX1X"), ("purpose", " ")])
            #expect(noPurpose.status == .badRequest && noPurpose.body.string.contains("error-purpose"))
            #expect(noPurpose.body.string.contains("91440600MA4UJ8XX1X"), "the value is kept")
            let asked = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE operation LIKE 'verify.%'").first()?.decode(
                column: "n", as: Int.self)
            #expect(asked == 0)
        }
    }

    /// A department that may not run joint checks (the public) is turned away.
    @Test func theWindowIsForStaff() async throws {
        try await withDataBank { app in
            _ = try await Self.make(app)
            let anonymous = try await WebSession(app: app).get(Self.window)
            #expect(anonymous.status == .seeOther || anonymous.status == .unauthorized || anonymous.status == .forbidden)
        }
    }
}
