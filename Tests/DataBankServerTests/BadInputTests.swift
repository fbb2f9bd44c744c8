import DataBankCore
@testable import DataBankServer
import Fluent
import Testing
import VaporTesting

/// Bad input gets the one error shape, the field at fault, and nothing half-written.
@Suite("Bad input")
struct BadInputTests {
    func resourceCount(_ app: Application) async throws -> Int { try await ResourceRow.query(on: app.db).count() }

    /// An item bound to an unknown standard is refused at `items[0].standardCode`.
    @Test func unknownStandard() async throws {
        try await withDataBank { app in
            let token = try await app.token("scj_steward")
            var r = try await sampleResource(app)
            r.items[0].standardCode = "NOPE999"
            let before = try await resourceCount(app)
            let res = try await app.send(.POST, "/api/v1/resources", token: token, json: r)
            #expect(res.status == .unprocessableEntity)
            let error = try res.errorBody()
            #expect(error.code == "validation_failed")
            #expect(error.details.contains { $0.field == "items[0].standardCode" && $0.code == "unknown_standard" })
            #expect(try await resourceCount(app) == before)
        }
    }

    /// An unknown provider department is refused at `departmentCode`.
    @Test func unknownDepartment() async throws {
        try await withDataBank { app in
            let token = try await app.token("admin")
            let r = try await sampleResource(app, departmentCode: "999999999")
            let res = try await app.send(.POST, "/api/v1/resources", token: token, json: r)
            #expect(try res.errorBody().details.contains { $0.field == "departmentCode" && $0.code == "unknown_department" })
        }
    }

    /// A second resource with the same code is a 409 at `code`.
    @Test func duplicateCode() async throws {
        try await withDataBank { app in
            let token = try await app.token("scj_steward")
            let r = try await sampleResource(app)
            #expect(try await app.send(.POST, "/api/v1/resources", token: token, json: r).status == .created)
            let again = try await app.send(.POST, "/api/v1/resources", token: token, json: r)
            #expect(again.status == .conflict)
            #expect(try again.errorBody().details.first?.field == "code")
        }
    }

    /// 有条件共享 without a legal basis is refused at `sharing.legalBasis`.
    @Test func conditionalSharingNeedsLegalBasis() async throws {
        try await withDataBank { app in
            let token = try await app.token("scj_steward")
            var r = try await sampleResource(app)
            r.sharing = SharingAttributes(type: .conditional, condition: "仅限市场监管用途", method: .api, legalBasis: nil)
            let res = try await app.send(.POST, "/api/v1/resources", token: token, json: r)
            #expect(try res.errorBody().details.contains { $0.field == "sharing.legalBasis" && $0.code == "required" })
        }
    }

    /// An item longer than its standard allows is refused at `items[0].length`.
    @Test func itemLengthExceedsStandard() async throws {
        try await withDataBank { app in
            let token = try await app.token("scj_steward")
            var r = try await sampleResource(app)
            r.items[0].length = (r.items[0].length ?? 10) + 1000
            let res = try await app.send(.POST, "/api/v1/resources", token: token, json: r)
            #expect(try res.errorBody().details.contains { $0.field == "items[0].length" && $0.code == "exceeds_standard" })
        }
    }

    /// Malformed JSON is a 400 `malformed_json`; a wrong type names its field.
    @Test func malformedJSON() async throws {
        try await withDataBank { app in
            let token = try await app.token("scj_steward")
            let res = try await app.send(.POST, "/api/v1/resources", token: token, body: "{\"code\": ")
            #expect(res.status == .badRequest)
            #expect(try res.errorBody().code == "malformed_json")
            let typed = try await app.send(.POST, "/api/v1/resources", token: token, body: "{\"code\": 12}")
            #expect(typed.status == .badRequest)
            #expect(try typed.errorBody().details.first?.field == "code")
        }
    }

    /// A body over the size limit is a 413 `payload_too_large`.
    @Test func oversizeBody() async throws {
        try await withDataBank { app in
            let token = try await app.token("scj_steward")
            let big = "{\"code\": \"" + String(repeating: "x", count: 300_000) + "\"}"
            let res = try await app.send(.POST, "/api/v1/resources", token: token, body: big)
            #expect(res.status == .payloadTooLarge)
            #expect(try res.errorBody().code == "payload_too_large")
        }
    }

    /// Two stewards editing at once: the second save, made from a stale version, is a 409 and changes nothing.
    @Test func staleRevisionIsRefused() async throws {
        try await withDataBank { app in
            let token = try await app.token("scj_steward")
            let created = try await app.send(.POST, "/api/v1/resources", token: token, json: try await sampleResource(app)).decode(ResourceDetail.self)
            var first = created.working!, second = created.working!
            first.abstract = "第一位专员的修改"
            second.abstract = "第二位专员的修改"
            let ok = try await app.send(.PUT, "/api/v1/resources/\(created.code)", token: token, json: ResourceAPI.UpdateBody(version: created.version, resource: first))
            #expect(ok.status == .ok)
            let stale = try await app.send(.PUT, "/api/v1/resources/\(created.code)", token: token, json: ResourceAPI.UpdateBody(version: created.version, resource: second))
            #expect(stale.status == .conflict)
            #expect(try stale.errorBody().code == "stale_revision")
            let now = try await app.send(.GET, "/api/v1/resources/\(created.code)", token: token).decode(ResourceDetail.self)
            #expect(now.working?.abstract == "第一位专员的修改")
        }
    }

    /// Editing a submitted resource is refused until it is returned or withdrawn.
    @Test func editOutsideEditableState() async throws {
        try await withDataBank { app in
            let token = try await app.token("scj_steward")
            let created = try await app.send(.POST, "/api/v1/resources", token: token, json: try await sampleResource(app)).decode(ResourceDetail.self)
            struct Step: Encodable, Sendable { var action: String }
            let submitted = try await app.send(.POST, "/api/v1/resources/\(created.code)/transitions", token: token, json: Step(action: "submit")).decode(ResourceDetail.self)
            let res = try await app.send(.PUT, "/api/v1/resources/\(created.code)", token: token, json: ResourceAPI.UpdateBody(version: submitted.version, resource: created.working!))
            #expect(try res.errorBody().code == "not_editable")
        }
    }

    /// Unknown routes and resources answer 404 in the same shape.
    @Test func notFoundShape() async throws {
        try await withDataBank { app in
            let resource = try await app.send(.GET, "/api/v1/resources/999-1")
            let route = try await app.send(.GET, "/api/v1/nothing-here")
            #expect(try resource.errorBody().code == "not_found")
            #expect(try route.errorBody().code == "not_found")
        }
    }
}
