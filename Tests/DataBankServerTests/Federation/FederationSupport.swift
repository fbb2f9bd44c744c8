import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// A DataBank that is node `foshan` (the city) and knows the district `chancheng` as a child; the test
/// plays `chancheng`, holding its private key. Loopback peers are allowed here, as a test's listeners are.
func withFederatedBank(_ body: (Application, PeerFixture) async throws -> Void) async throws {
    try await withDataBank(adjust: { $0.federationAllow = WebhookAllowList("127.0.0.1, ::1") }) { app in
        let fixture = try await PeerFixture.make(app)
        try await body(app, fixture)
    }
}

struct PeerFixture: Sendable {
    var admin: String
    var key: Curve25519.Signing.PrivateKey
    var code = "chancheng"

    static func make(_ app: Application) async throws -> PeerFixture {
        let admin = try await app.token("admin")
        let named = try await app.send(.PUT, "/api/v1/federation/node", token: admin, json: NodeBody(code: "foshan", name: "佛山市", regionCode: "440600"))
        #expect(named.status == .ok)
        let key = Curve25519.Signing.PrivateKey()
        let peer = PeerBody(
            code: "chancheng", name: "禅城区", regionCode: "440604", relation: "child", baseURL: "http://127.0.0.1:9",
            publicKey: key.publicKey.rawRepresentation.base64EncodedString())
        let added = try await app.send(.POST, "/api/v1/federation/peers", token: admin, json: peer)
        #expect(added.status == .created)
        return PeerFixture(admin: admin, key: key)
    }

    /// Sends a request signed as `node` with `key` (by default the fixture's peer and key), at `now`.
    func signed(
        _ app: Application, _ method: HTTPMethod, _ target: String, node: String? = nil, key: Curve25519.Signing.PrivateKey? = nil,
        now: Date? = nil, nonce: String = NodeRequestSigner.newNonce(), edit: @Sendable (inout HTTPHeaders) -> Void = { _ in }
    ) async throws -> (TestingHTTPResponse, String) {
        let signer = NodeRequestSigner(node: node ?? code, key: key ?? self.key)
        let signedRequest = try signer.sign(method: method.rawValue, target: target, now: now ?? app.settings.now(), nonce: nonce)
        var headers = signedRequest.headers
        edit(&headers)
        var result: TestingHTTPResponse?
        try await app.testing().test(method, target, headers: headers, afterResponse: { result = $0 })
        return (try #require(result), signedRequest.requestHash)
    }
}

/// The audit entries of federation, oldest first.
func federationAudit(_ app: Application) async throws -> [(operation: String, actor: String, fields: String, hash: String?)] {
    try await app.db.sql.raw(
        "SELECT operation, actor_name, fields, request_hash FROM audit_log WHERE operation LIKE 'federation.%' ORDER BY seq"
    ).all().map {
        (
            try $0.decode(column: "operation", as: String.self), try $0.decode(column: "actor_name", as: String.self),
            try $0.decode(column: "fields", as: String.self), try $0.decode(column: "request_hash", as: String?.self)
        )
    }
}

/// Serves `app` on a loopback port (the peers' HTTP clients reach it for real) and returns its base URL.
func serveOnLoopback(_ app: Application) async throws -> String {
    try await app.server.start(address: .hostname("127.0.0.1", port: 0))
    let port = try #require(app.http.server.shared.localAddress?.port)
    return "http://127.0.0.1:\(port)"
}

/// Names `app` as a node and returns its public key.
func nameNode(_ app: Application, code: String, name: String, region: String) async throws -> String {
    let admin = try await app.token("admin")
    let answer = try await app.send(.PUT, "/api/v1/federation/node", token: admin, json: NodeBody(code: code, name: name, regionCode: region))
    #expect(answer.status == .ok)
    return try answer.decode(NodeIdentity.self).publicKey
}

/// Registers a peer at `app` through the API.
func registerPeer(_ app: Application, code: String, name: String, region: String, relation: String, url: String, key: String) async throws {
    let admin = try await app.token("admin")
    let body = PeerBody(code: code, name: name, regionCode: region, relation: relation, baseURL: url, publicKey: key)
    let answer = try await app.send(.POST, "/api/v1/federation/peers", token: admin, json: body)
    #expect(answer.status == .created, "\(answer.body.string)")
}

func loopbackPeers(_ settings: inout Settings) { settings.federationAllow = WebhookAllowList("127.0.0.1, ::1") }
