import DataBankCore
@testable import DataBankServer
import Fluent
import Testing
import Vapor
import VaporTesting

extension Application {
    /// A confirmed registered member of the public and one developer key (limits from the settings).
    func publicUser(_ username: String = "dev_alice", password: String = "correct-horse-9") async throws -> (user: User, key: String) {
        let user = User(username: username, displayName: username, passwordHash: try Accounts.hashPassword(password), role: .publicUser, departmentCode: "")
        user.email = "\(username)@example.com"
        user.verifiedAt = Date()
        try await user.save(on: db)
        let key = try await Accounts.issueToken(for: user, name: "test", limits: PublicAccounts.keyLimits(for: user, settings), on: db).0
        return (user, key)
    }

    /// Sends a request with extra headers (e.g. `X-Forwarded-For`).
    func send(_ method: HTTPMethod, _ path: String, token: String? = nil, headers extra: [(String, String)], json: (any Encodable & Sendable)? = nil)
        async throws -> TestingHTTPResponse
    {
        var headers = HTTPHeaders()
        if let token { headers.bearerAuthorization = .init(token: token) }
        for (name, value) in extra { headers.add(name: name, value: value) }
        var result: TestingHTTPResponse?
        try await testing().test(
            method, path, headers: headers,
            beforeRequest: { req in if let json { try req.content.encode(AnyEncodable(json), as: .json) } },
            afterResponse: { res in result = res })
        return try #require(result)
    }
}
