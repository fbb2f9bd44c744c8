import DataBankCore
@testable import DataBankServer
import Testing
import VaporTesting

/// Walks every role against every catalog endpoint and checks allow or deny at the HTTP level.
@Suite("Authorization by endpoint")
struct AuthorizationEndpointTests {
    /// A demo account per role; `nil` is nobody signed in.
    static let accounts: [String?] = ["admin", "scj_admin", "scj_steward", "reviewer", "viewer", nil]

    struct Step: Encodable, Sendable { var action: String; var reason: String? = nil }

    /// One endpoint: how to prepare what it acts on, the request, and who may call it.
    struct Case: Sendable {
        var name: String
        var allowed: Set<String>
        var run: @Sendable (Application, String?, Int) async throws -> TestingHTTPResponse
    }

    static let signedIn: Set<String> = ["admin", "scj_admin", "scj_steward", "reviewer", "viewer"]
    static let marketRegulationWriters: Set<String> = ["admin", "scj_admin", "scj_steward"]

    /// Creates a market-regulation draft as the admin, moved along `steps`.
    static func fixture(_ app: Application, _ n: Int, steps: [String] = []) async throws -> String {
        let admin = try await app.token("admin")
        let code = "301001-0\(8000 + n)"
        _ = try await app.send(.POST, "/api/v1/resources", token: admin, json: try await sampleResource(app, code: code))
        for s in steps { _ = try await app.send(.POST, "/api/v1/resources/\(code)/transitions", token: admin, json: Step(action: s)) }
        return code
    }

    static let cases: [Case] = [
        Case(name: "search", allowed: signedIn.union(["anonymous"])) { app, t, _ in try await app.send(.GET, "/api/v1/resources", token: t) },
        Case(name: "create", allowed: marketRegulationWriters) { app, t, n in
            try await app.send(.POST, "/api/v1/resources", token: t, json: try await sampleResource(app, code: "301001-0\(7000 + n)"))
        },
        Case(name: "edit draft", allowed: marketRegulationWriters) { app, t, n in
            let code = try await fixture(app, n)
            return try await app.send(.PUT, "/api/v1/resources/\(code)", token: t,
                                      json: ResourceAPI.UpdateBody(version: 1, resource: try await sampleResource(app, code: code)))
        },
        Case(name: "submit", allowed: marketRegulationWriters) { app, t, n in
            try await app.send(.POST, "/api/v1/resources/\(try await fixture(app, n))/transitions", token: t, json: Step(action: "submit"))
        },
        Case(name: "approve", allowed: ["admin", "reviewer"]) { app, t, n in
            try await app.send(.POST, "/api/v1/resources/\(try await fixture(app, n, steps: ["submit"]))/transitions", token: t, json: Step(action: "approve"))
        },
        Case(name: "reject", allowed: ["admin", "reviewer"]) { app, t, n in
            try await app.send(.POST, "/api/v1/resources/\(try await fixture(app, n, steps: ["submit"]))/transitions", token: t, json: Step(action: "reject", reason: "r"))
        },
        Case(name: "retire", allowed: ["admin", "reviewer", "scj_admin"]) { app, t, n in
            let code = try await fixture(app, n, steps: ["submit", "approve", "publish"])
            return try await app.send(.POST, "/api/v1/resources/\(code)/transitions", token: t, json: Step(action: "retire", reason: "r"))
        },
        Case(name: "request change", allowed: marketRegulationWriters) { app, t, n in
            let code = try await fixture(app, n, steps: ["submit", "approve", "publish"])
            return try await app.send(.POST, "/api/v1/resources/\(code)/transitions", token: t, json: Step(action: "requestChange", reason: "r"))
        },
        Case(name: "read draft", allowed: marketRegulationWriters.union(["reviewer"])) { app, t, n in
            try await app.send(.GET, "/api/v1/resources/\(try await fixture(app, n))", token: t)
        },
        Case(name: "transition history", allowed: marketRegulationWriters.union(["reviewer"])) { app, t, n in
            try await app.send(.GET, "/api/v1/resources/\(try await fixture(app, n, steps: ["submit", "approve", "publish"]))/transitions", token: t)
        },
        Case(name: "review queue", allowed: ["admin", "reviewer"]) { app, t, _ in try await app.send(.GET, "/api/v1/reviews", token: t) },
        Case(name: "add standard", allowed: ["admin", "reviewer"]) { app, t, n in
            let s = ItemStandard(code: "T\(n)", name: "测试标准\(n)", definition: "测试", dataType: .C, length: 20)
            return try await app.send(.POST, "/api/v1/standards", token: t, json: s)
        },
        Case(name: "create edition", allowed: ["admin"]) { app, t, n in
            struct Body: Encodable, Sendable { var year: Int; var phase: Int }
            return try await app.send(.POST, "/api/v1/editions", token: t, json: Body(year: 2017, phase: 1 + n % 12))
        },
        Case(name: "me", allowed: signedIn) { app, t, _ in try await app.send(.GET, "/api/v1/me", token: t) },
        Case(name: "create token", allowed: signedIn) { app, t, _ in try await app.send(.POST, "/api/v1/tokens", token: t) },
    ]

    /// Each role gets exactly the endpoints the authorization table grants it.
    @Test(arguments: accounts)
    func roleAgainstEveryEndpoint(_ username: String?) async throws {
        try await withDataBank { app in
            let token = try await username.asyncMap { try await app.token($0) }
            for (n, c) in Self.cases.enumerated() {
                let res = try await c.run(app, token, n)
                let who = username ?? "anonymous"
                if c.allowed.contains(who) {
                    #expect(res.status.code < 400, "\(who) should be allowed to \(c.name), got \(res.status.code) \(res.body.string)")
                } else if username == nil {
                    // 401, or for a resource hidden from anonymous visitors exactly what an unknown code gets (404).
                    #expect([401, 404].contains(res.status.code), "anonymous should get 401/404 for \(c.name), got \(res.status.code)")
                } else {
                    #expect([403, 404].contains(res.status.code), "\(who) should be denied \(c.name), got \(res.status.code)")
                }
            }
        }
    }

    /// An unknown or revoked bearer token is a 401, never anonymous access.
    @Test func invalidAndRevokedTokens() async throws {
        try await withDataBank { app in
            #expect(try await app.send(.GET, "/api/v1/resources", token: "dbk_nonsense").status == .unauthorized)
            let token = try await app.token("scj_steward")
            let list = try await app.send(.GET, "/api/v1/tokens", token: token).decode(ListPage<AccountAPI.TokenView>.self)
            let id = try #require(list.items.first?.id)
            #expect(try await app.send(.DELETE, "/api/v1/tokens/\(id)", token: token).status == .noContent)
            #expect(try await app.send(.GET, "/api/v1/me", token: token).status == .unauthorized)
        }
    }
}

extension Optional {
    func asyncMap<T>(_ f: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self { case .some(let w): return try await f(w); case .none: return nil }
    }
}
