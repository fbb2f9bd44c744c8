import DataBankCore
@testable import DataBankServer
import Foundation
import Testing
import Vapor
import VaporTesting

/// `/openapi.json`: every route of the native API described, nothing described that is not served,
/// security as the route's gate declares it.
@Suite("OpenAPI")
struct OpenAPITests {
    @Test func everyAPIRouteIsDescribed() async throws {
        try await withDataBank { app in
            let described = Set(APIOperation.all.map(\.key))
            let served = app.routes.all.filter(OpenAPIDocument.documents).map { "\($0.method.rawValue) \($0.path.string)" }
            let missing = served.filter { !described.contains($0) }
            #expect(missing.isEmpty, "routes missing from APIOperation.all: \(missing)")
            #expect(served.count > 80)
        }
    }

    @Test func nothingIsDescribedThatIsNotServed() async throws {
        try await withDataBank { app in
            let served = Set(app.routes.all.map { "\($0.method.rawValue) \($0.path.string)" })
            let stale = APIOperation.all.map(\.key).filter { !served.contains($0) }
            #expect(stale.isEmpty, "described but not served: \(stale)")
            #expect(Set(APIOperation.all.map(\.key)).count == APIOperation.all.count, "an operation is described twice")
        }
    }

    @Test func documentIsOpenAPI31WithSecurityFromTheGate() async throws {
        try await withDataBank { app in
            let res = try await app.send(.GET, "/openapi.json")
            #expect(res.status == .ok)
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(res.body.string.utf8)) as? [String: Any])
            #expect(doc["openapi"] as? String == "3.1.0")
            let paths = try #require(doc["paths"] as? [String: [String: Any]])
            let records = try #require(paths["/api/v1/resources/{code}/records"])
            #expect(records["get"] != nil && records["post"] != nil)
            func security(_ path: String, _ method: String) -> [[String: Any]]? {
                (paths[path]?[method] as? [String: Any])?["security"] as? [[String: Any]]
            }
            // Open data needs no sign-in (an empty requirement); a token list needs someone.
            #expect(security("/api/v1/resources/{code}/records", "get")?.contains { $0.isEmpty } == true)
            #expect(security("/api/v1/tokens", "post")?.contains { $0.isEmpty } == false)
            let ids = paths.values.flatMap { $0.values.compactMap { ($0 as? [String: Any])?["operationId"] as? String } }
            #expect(Set(ids).count == ids.count)
            let params = try #require((records["get"] as? [String: Any])?["parameters"] as? [[String: Any]])
            #expect(params.contains { $0["name"] as? String == "code" && $0["in"] as? String == "path" && $0["required"] as? Bool == true })
        }
    }
}
