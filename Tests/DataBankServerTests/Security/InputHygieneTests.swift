import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Bad input gets a clear 4xx naming what is wrong — never a default, a clamp or a silent replay.
@Suite("Input hygiene")
struct InputHygieneTests {
    /// A malformed body, a wrong content type or invalid UTF-8 is refused, not a token named "api".
    @Test func tokenBodiesAreChecked() async throws {
        try await withDataBank { app in
            let token = try await app.token("scj_steward")
            let malformed = try await app.sendRaw(.POST, "/api/v1/tokens", token: token, contentType: "application/json", body: Array("{\"name\":".utf8))
            #expect(malformed.status == .badRequest)
            let invalidUTF8 = try await app.sendRaw(.POST, "/api/v1/tokens", token: token, contentType: "application/json", body: [0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D])
            #expect(invalidUTF8.status == .badRequest)
            let wrongType = try await app.sendRaw(.POST, "/api/v1/tokens", token: token, contentType: "application/x-unknown", body: Array("name=x".utf8))
            #expect((400..<500).contains(wrongType.status.code))
            let long = try await app.send(.POST, "/api/v1/tokens", token: token, json: ["name": String(repeating: "长", count: 201)])
            #expect(long.status == .unprocessableEntity)
            #expect(try long.errorBody().details.first?.field == "name")
            let empty = try await app.sendRaw(.POST, "/api/v1/tokens", token: token, contentType: "application/json", body: [])
            #expect(empty.status == .created)
        }
    }

    /// Naming notifications by something that is not an id is a 400, not "mark them all".
    @Test func notificationIdsAreChecked() async throws {
        try await withDataBank { app in
            let res = try await app.send(.POST, "/api/v1/notifications/read", token: try await app.token("scj_steward"), json: ["ids": ["nope"]])
            #expect(res.status == .badRequest)
        }
    }

    /// A purpose over 500 characters is refused naming `purpose`.
    @Test func purposesHaveALength() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let long = String(repeating: "用", count: 501)
            let res = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?purpose=\(long.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)",
                                         token: try await app.token("admin"))
            #expect(res.status == .unprocessableEntity)
            #expect(try res.errorBody().details.first?.field == "purpose")
        }
    }

    /// Feed positions and list paging out of shape are 400s naming the parameter.
    @Test func positionsAndPagingAreChecked() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let steward = try await app.token(f.steward)
            let badSeq = try await app.send(.GET, "/api/v1/resources/\(f.code)/changes?after=abc", token: steward)
            #expect(badSeq.status == .badRequest)
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: steward)
            headers.replaceOrAdd(name: "Last-Event-ID", value: "not-a-number")
            var stream: TestingHTTPResponse?
            try await app.testing().test(.GET, "/api/v1/resources/\(f.code)/changes/stream", headers: headers, afterResponse: { stream = $0 })
            #expect(stream?.status == .badRequest)
            #expect(try stream?.errorBody().details.first?.field == "Last-Event-ID")
            for path in ["/api/v1/resources/\(f.code)/quarantine?limit=0", "/api/v1/resources/\(f.code)/quarantine?offset=-1",
                         "/api/v1/standards?limit=100000", "/api/v1/resources?offset=x", "/api/v1/resources/\(f.code)/latest?limit=0"] {
                let res = try await app.send(.GET, path, token: steward)
                #expect(res.status == .badRequest, "\(path): \(res.status)")
            }
            let cursor = try await app.send(.GET, "/api/v1/resources/\(f.code)/records?after=%%%", token: steward)
            #expect(cursor.status == .badRequest)
        }
    }

    /// A verification batch of 100,000 NDJSON inputs (about 3.4 MB) is accepted as documented.
    @Test func largeVerificationBatchIsAccepted() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: provider)
            let spec = VerificationSpec(parameters: [.init(name: "code", type: .C)],
                                        predicate: .exists(where: [.init(column: f.keyColumn.name, op: .eq, operand: .parameter("code"))]))
            let defined = try await app.send(.POST, "/api/v1/resources/\(f.code)/services", token: provider,
                                             json: ["code": AnyEncodable("registered"), "name": AnyEncodable("登记核验"), "spec": AnyEncodable(spec)])
            #expect(defined.status == .created)
            var body = ""
            body.reserveCapacity(3_600_000)
            for i in 0..<100_000 { body += "{\"code\":\"\(i == 0 ? f.key(0) : String(format: "9144060%011d", i))\"}\n" }
            #expect(body.utf8.count >= 3_000_000)
            let res = try await app.sendRaw(.POST, "/api/v1/verify/registered/batch?purpose=核验", token: provider, contentType: "application/x-ndjson",
                                            body: Array(body.utf8))
            #expect(res.status == .ok)
            let lines = res.body.string.split(separator: "\n")
            #expect(lines.count == 100_000)
            #expect(lines.first?.contains("\"answer\":\"yes\"") == true)
        }
    }
}
