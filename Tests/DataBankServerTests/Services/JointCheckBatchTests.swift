import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// A joint check's batch: many applicants at once, one answer line each, in their order.
@Suite("Services: joint-check batches")
struct JointCheckBatchTests {
    typealias Fixture = JointCheckAPITests.Fixture

    static func send(_ app: Application, _ x: Fixture, _ body: String, query: String = "?purpose=企业通行证核发", type: String = "text/csv") async throws
        -> TestingHTTPResponse
    {
        try await app.sendRaw(.POST, "/api/v1/joint-checks/enterprise-permit/batch\(query)", token: x.window, contentType: type, body: Array(body.utf8))
    }

    /// Every applicant gets a line in order: answers where the form passed (a service without the
    /// window's grant is `no_grant` on every line), its problems where it did not, the rest unaffected;
    /// one audit entry per service counting the applicants it answered, one for the batch, under the body's hash.
    @Test func aBatchAnswersEveryApplicantInOrder() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            #expect(try await x.define(app).status == .created)
            try await x.grant("registered", app)
            let answered = try await Self.send(app, x, "code\n\(x.f.key(1))\n\"\"\n\(x.f.key(99_999))\n")
            #expect(answered.status == .ok, "\(answered.body.string)")
            #expect(answered.headers.contentType?.description.contains("ndjson") == true)
            let lines = try answered.body.string.split(separator: "\n").map {
                try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            #expect(lines.map { $0["line"] as? Int } == [2, 3, 4])
            #expect(lines.map { $0["result"] as? String } == ["incomplete", "invalid_applicant", "failed"])
            let first = try #require(lines[0]["answers"] as? [[String: Any]])
            #expect(first.map { $0["answer"] as? String } == ["yes", nil] && first.map { $0["code"] as? String } == [nil, "no_grant"])
            #expect((lines[1]["errors"] as? [[String: Any]])?.isEmpty == false)

            let audited = try await app.db.sql.raw(
                "SELECT operation, record_count, request_hash FROM audit_log WHERE operation LIKE 'verify.%' OR operation LIKE 'joint-check.enterprise%' OR operation = 'refused.no_grant' ORDER BY seq"
            ).all().map {
                (
                    try $0.decode(column: "operation", as: String.self), try $0.decode(column: "record_count", as: Int.self),
                    try $0.decode(column: "request_hash", as: String?.self)
                )
            }
            #expect(audited.map(\.0) == ["verify.registered.batch", "refused.no_grant", "joint-check.enterprise-permit.batch"])
            #expect(audited.map(\.1) == [2, 0, 2])
            #expect(Set(audited.map(\.2)) == [answered.headers.first(name: "X-Request-Hash")])
        }
    }

    /// Whom a batch asked about is recorded (我的数据): each applicant the answered step asked, on that step's
    /// entry and the batch's; not on the refused step's.
    @Test func aBatchRecordsWhomItAskedAbout() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            #expect(try await x.define(app, kind: .creditCode).status == .created)
            try await x.grant("registered", app)
            #expect(try await Self.send(app, x, "code\n\(x.f.key(1))\n\(x.f.key(3))\n").status == .ok)
            for key in [x.f.key(1), x.f.key(3)] {
                let accesses = try await AuditSubjects.accesses(of: AuditSubjects.hash(key, trail: app.auditTrail), limit: 10, on: app.db.sql)
                #expect(accesses.map(\.operation) == ["joint-check.enterprise-permit.batch", "verify.registered.batch"])
            }
            #expect(try await AuditSubjects.accesses(of: AuditSubjects.hash(x.f.key(2), trail: app.auditTrail), limit: 10, on: app.db.sql).isEmpty)
        }
    }

    /// `?format=csv` answers a spreadsheet: a column per service, the reason in brackets where a service
    /// could not answer, points under a points rule.
    @Test func aBatchCanAnswerAsCSV() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            #expect(try await x.define(app, rule: .points(threshold: 50)).status == .created)
            try await x.grant("registered", app)
            let answered = try await Self.send(app, x, "{\"code\":\"\(x.f.key(2))\"}\n", query: "?purpose=核发&format=csv", type: "application/x-ndjson")
            #expect(answered.status == .ok)
            let rows = answered.body.string.replacingOccurrences(of: "\u{FEFF}", with: "").components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(rows == ["line,result,points,registered,on-file,problems", "1,passed,50,yes,[no_grant],"])
        }
    }

    /// A batch needs a purpose and a known format; more than 100,000 applicants are refused whole,
    /// before any department is asked.
    @Test func aBatchIsRefusedWholeForBadRequests() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            #expect(try await x.define(app).status == .created)
            try await x.grant("registered", app)
            let noPurpose = try await Self.send(app, x, "code\n1\n", query: "")
            #expect(noPurpose.status == .badRequest)
            #expect(try noPurpose.errorBody().code == "purpose_required")
            let badFormat = try await Self.send(app, x, "code\n1\n", query: "?purpose=核发&format=xml")
            #expect(badFormat.status == .badRequest)
            #expect(try badFormat.errorBody().details.map(\.field) == ["format"])
            let tooMany = "code\n" + String(repeating: "1\n", count: JointCheckBatch.maxApplicants + 1)
            let refused = try await Self.send(app, x, tooMany)
            #expect(refused.status == .payloadTooLarge)
            #expect(try refused.errorBody().code == "batch_too_large")
            let asked = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE operation LIKE 'verify.%'").first()?.decode(
                column: "n", as: Int.self)
            #expect(asked == 0)
        }
    }
}
