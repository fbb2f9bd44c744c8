import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Joint checks through the real API: defined against live services, run for an applicant with every
/// service asked under the window department's own grants.
@Suite("Services: joint checks (一件事联办)")
struct JointCheckAPITests {
    static let window = "jtj_steward"  // the transport bureau's window: not the provider

    /// Two services on the enterprise registrations: whether a code is registered, and whether it has
    /// at least two rows (never, for a key). Records 0–4 loaded; the resource shared without conditions.
    struct Fixture {
        var f: StoreFixture
        var window: String

        static func make(_ app: Application) async throws -> Fixture {
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<5), token: provider)
            let key = f.keyColumn.name
            let registered = VerificationSpec(
                parameters: [.init(name: "code", type: .C)], predicate: .exists(where: [.init(column: key, op: .eq, operand: .parameter("code"))]))
            let twice = VerificationSpec(
                parameters: [.init(name: "code", type: .C)],
                predicate: .count(where: [.init(column: key, op: .eq, operand: .parameter("code"))], op: .gte, value: 1))
            for (code, name, spec) in [("registered", "登记核验", registered), ("on-file", "在册核验", twice)] {
                let defined = try await app.send(
                    .POST, "/api/v1/resources/\(f.code)/services", token: provider,
                    json: ["code": AnyEncodable(code), "name": AnyEncodable(name), "spec": AnyEncodable(spec)])
                #expect(defined.status == .created)
            }
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
            resource.sharingType = SharingType.unconditional.rawValue
            try await resource.save(on: app.db)
            return Fixture(f: f, window: try await app.token(JointCheckAPITests.window))
        }

        /// The window's department applies for a service (approved at once: unconditional sharing).
        func grant(_ service: String, _ app: Application) async throws {
            let applied = try await app.send(
                .POST, "/api/v1/applications", token: window,
                json: [
                    "resource": AnyEncodable(f.code), "service": AnyEncodable(service), "purpose": AnyEncodable("企业联办"),
                    "validUntil": AnyEncodable("2027-06-30")
                ])
            #expect(applied.status == .created)
        }

        func define(_ app: Application, rule: JointCheck.Rule = .allPass, kind: SemanticKind = .plain) async throws -> TestingHTTPResponse {
            let check = JointCheck(
                code: "enterprise-permit", name: "企业通行证联审", form: [.init(name: "code", label: "统一社会信用代码", kind: kind)],
                steps: [
                    .init(service: "registered", params: ["code": .field("code")], points: ["yes": 50]),
                    .init(service: "on-file", params: ["code": .field("code")], points: ["yes": 30])
                ], rule: rule)
            return try await app.send(.POST, "/api/v1/joint-checks", token: window, json: check)
        }

        func run(_ app: Application, code: String, purpose: String? = "企业通行证核发") async throws -> TestingHTTPResponse {
            var body: [String: AnyEncodable] = ["applicant": AnyEncodable(["code": code])]
            if let purpose { body["purpose"] = AnyEncodable(purpose) }
            return try await app.send(.POST, "/api/v1/joint-checks/enterprise-permit", token: window, json: body)
        }
    }

    /// A check naming a service that does not exist, or leaving a parameter without a value, is refused
    /// when saved, every problem at its path; nothing is kept.
    @Test func aBrokenDefinitionIsRefusedWithThePathsAtFault() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            let check = JointCheck(
                code: "broken", name: "有误的联审", form: [.init(name: "code", label: "代码")],
                steps: [.init(service: "no-such-service", params: [:]), .init(service: "registered", params: ["code": .field("missing")])], rule: .allPass)
            let refused = try await app.send(.POST, "/api/v1/joint-checks", token: x.window, json: check)
            #expect(refused.status == .unprocessableEntity)
            let error = try refused.errorBody()
            #expect(error.code == "invalid_joint_check")
            #expect(Set(error.details.map(\.field)) == ["steps[0].service", "steps[1].params.code"])
            #expect(try await JointCheckRow.query(on: app.db).count() == 0)
            #expect(try await x.define(app).status == .created)
            #expect(try await x.define(app).status == .conflict, "a code is used once")
        }
    }

    /// Each service answers under the window's own grant: without one, that step is `no_grant` and the
    /// result `incomplete`, never a pass; with both, the answers combine; one audit entry per service and
    /// one for the whole, under one request hash.
    @Test func aRunAsksEveryServiceUnderTheWindowsOwnGrants() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            #expect(try await x.define(app).status == .created)
            try await x.grant("registered", app)
            let partial = try await x.run(app, code: x.f.key(1))
            #expect(partial.status == .ok, "\(partial.body.string)")
            let first = try partial.decode(JointCheckAnswer.self)
            #expect(first.result == "incomplete")
            #expect(first.answers.map(\.answer) == ["yes", nil] && first.answers.map(\.code) == [nil, "no_grant"])
            let provider = try await RecordStores.find(x.f.code, on: app.db).departmentCode
            #expect(first.answers[0].label == "登记核验" && first.answers[0].provider == provider)
            let audited = try await app.db.sql.raw(
                "SELECT operation, request_hash FROM audit_log WHERE operation LIKE 'verify.%' OR operation LIKE 'joint-check.enterprise%' OR operation = 'refused.no_grant' ORDER BY seq"
            ).all().map { (try $0.decode(column: "operation", as: String.self), try $0.decode(column: "request_hash", as: String?.self)) }
            #expect(audited.map(\.0) == ["verify.registered", "refused.no_grant", "joint-check.enterprise-permit"])
            #expect(Set(audited.map(\.1)).count == 1 && audited[0].1 != nil)

            try await x.grant("on-file", app)
            let passed = try await x.run(app, code: x.f.key(2)).decode(JointCheckAnswer.self)
            #expect(passed.result == "passed" && passed.answers.map(\.passed) == [true, true])
            #expect(passed.sequentialMs >= 0 && passed.ms >= 0)
            let failed = try await x.run(app, code: x.f.key(99_999)).decode(JointCheckAnswer.self)
            #expect(failed.result == "failed" && failed.answers.map(\.answer) == ["no", "no"])
        }
    }

    /// A malformed resident ID is refused at its field before any department is asked; a run needs a
    /// purpose; an unknown check is 404.
    @Test func badApplicantsAreRefusedBeforeAnyDepartmentIsAsked() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            #expect(try await x.define(app, kind: .residentID).status == .created)
            try await x.grant("registered", app)
            let bad = try await x.run(app, code: "44060419900101123")
            #expect(bad.status == .unprocessableEntity)
            #expect(try bad.errorBody().code == "invalid_applicant")
            #expect(try bad.errorBody().details.map(\.field) == ["applicant.code"])
            let asked = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE operation LIKE 'verify.%'").first()?.decode(
                column: "n", as: Int.self)
            #expect(asked == 0)
            #expect(try await x.run(app, code: DemoPeople.residentID(3), purpose: nil).status == .badRequest)
            #expect(try await app.send(.POST, "/api/v1/joint-checks/nope", token: x.window, json: ["applicant": ["code": "1"]]).status == .notFound)
        }
    }

    /// Points: the answers' points against the threshold; the definition lists its services with their providers.
    @Test func aPointsRuleAddsTheAnswersPoints() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            #expect(try await x.define(app, rule: .points(threshold: 50)).status == .created)
            try await x.grant("registered", app)
            let answer = try await x.run(app, code: x.f.key(1)).decode(JointCheckAnswer.self)
            #expect(answer.result == "passed" && answer.points == 50 && answer.threshold == 50)
            let listed = try await app.send(.GET, "/api/v1/joint-checks", token: x.window).decode(ListPageAnswer<JointCheckInfo>.self)
            #expect(listed.items.map(\.code) == ["enterprise-permit"])
            let provider = try await RecordStores.find(x.f.code, on: app.db).departmentCode
            #expect(listed.items[0].services.map(\.service) == ["registered", "on-file"] && listed.items[0].services[0].provider == provider)
        }
    }
}
