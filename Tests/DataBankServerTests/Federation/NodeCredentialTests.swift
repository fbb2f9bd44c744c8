import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Federation: nodes and signed requests")
struct NodeCredentialTests {
    /// The node's identity: unnamed at first, named by the data authority; its public key is derived
    /// from the platform key, so it is the same on every read and a valid Ed25519 key.
    @Test func nodeIdentityIsNamedByTheAuthorityAndItsKeyIsStable() async throws {
        try await withDataBank { app in
            let before = try await app.send(.GET, "/api/v1/federation/node").decode(NodeIdentity.self)
            #expect(!before.configured && before.code == nil)
            #expect(NodeKeys.decode(before.publicKey) != nil)
            let admin = try await app.token("admin")
            let named = try await app.send(
                .PUT, "/api/v1/federation/node", token: admin, json: NodeBody(code: "foshan", name: "佛山市", nameEn: " Foshan ", regionCode: "440600"))
            #expect(named.status == .ok)
            let after = try await app.send(.GET, "/api/v1/federation/node").decode(NodeIdentity.self)
            #expect(after.configured && after.code == "foshan" && after.name == "佛山市" && after.nameEn == "Foshan" && after.regionCode == "440600")
            #expect(after.publicKey == before.publicKey)
            let steward = try await app.token("scj_steward")
            #expect(
                try await app.send(.PUT, "/api/v1/federation/node", token: steward, json: NodeBody(code: "x1", name: "x", regionCode: "440600")).status
                    == .forbidden)
            let bad = try await app.send(
                .PUT, "/api/v1/federation/node", token: admin,
                json: NodeBody(code: "Foshan!", name: "", nameEn: String(repeating: "x", count: 101), regionCode: "44"))
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(try bad.errorBody().details.map(\.field)) == ["code", "name", "nameEn", "regionCode"])
        }
    }

    /// Peers are registered by the data authority only, listed with their keys, removed.
    @Test func theAuthorityRegistersListsAndRemovesPeers() async throws {
        try await withFederatedBank { app, peer in
            let list = try await app.send(.GET, "/api/v1/federation/peers", token: peer.admin).decode(ListPageAnswer<PeerInfo>.self)
            #expect(list.items.map(\.code) == ["chancheng"])
            #expect(list.items[0].relation == "child" && list.items[0].regionCode == "440604")
            let steward = try await app.token("scj_steward")
            #expect(try await app.send(.GET, "/api/v1/federation/peers", token: steward).status == .forbidden)
            let twice = PeerBody(
                code: "chancheng", name: "禅城区", regionCode: "440604", relation: "child", baseURL: "http://127.0.0.1:9",
                publicKey: peer.key.publicKey.rawRepresentation.base64EncodedString())
            #expect(try await app.send(.POST, "/api/v1/federation/peers", token: peer.admin, json: twice).status == .conflict)
            #expect(try await app.send(.DELETE, "/api/v1/federation/peers/chancheng", token: peer.admin).status == .noContent)
            #expect(try await app.send(.GET, "/api/v1/federation/peers", token: peer.admin).decode(ListPageAnswer<PeerInfo>.self).items.isEmpty)
            let operations = try await federationAudit(app).map(\.operation)
            #expect(operations == ["federation.node", "federation.peer.add", "federation.peer.remove"])
        }
    }

    /// A peer's key must be an Ed25519 public key, its relation parent or child, and one parent at most.
    @Test func aPeerWithABadKeyOrRelationIsRefused() async throws {
        try await withFederatedBank { app, peer in
            let bad = PeerBody(code: "nanhai", name: "南海区", regionCode: "440605", relation: "sibling", baseURL: "ftp://x", publicKey: "c2hvcnQ=")
            let answer = try await app.send(.POST, "/api/v1/federation/peers", token: peer.admin, json: bad)
            #expect(answer.status == .unprocessableEntity)
            #expect(try answer.errorBody().code == "invalid_peer")
            #expect(Set(try answer.errorBody().details.map(\.field)) == ["relation", "baseURL", "publicKey"])
            let key = Curve25519.Signing.PrivateKey().publicKey.rawRepresentation.base64EncodedString()
            let parent = PeerBody(code: "guangdong", name: "广东省", regionCode: "440000", relation: "parent", baseURL: "http://127.0.0.1:9", publicKey: key)
            #expect(try await app.send(.POST, "/api/v1/federation/peers", token: peer.admin, json: parent).status == .created)
            var second = parent
            second.code = "guangdong2"
            let refused = try await app.send(.POST, "/api/v1/federation/peers", token: peer.admin, json: second)
            #expect(refused.status == .conflict)
            #expect(try refused.errorBody().code == "parent_exists")
        }
    }

    /// A peer's base URL passes the webhook targets' address check: loopback and private addresses only
    /// when DATABANK_FEDERATION_ALLOW lists them.
    @Test func aPeerURLOnAPrivateAddressIsRefusedUnlessAllowed() async throws {
        try await withDataBank { app in
            let admin = try await app.token("admin")
            let key = Curve25519.Signing.PrivateKey().publicKey.rawRepresentation.base64EncodedString()
            for url in ["http://127.0.0.1:8081", "http://10.1.2.3", "http://169.254.169.254", "http://[::1]:8080"] {
                let body = PeerBody(code: "nanhai", name: "南海区", regionCode: "440605", relation: "child", baseURL: url, publicKey: key)
                let answer = try await app.send(.POST, "/api/v1/federation/peers", token: admin, json: body)
                #expect(answer.status == .unprocessableEntity, "\(url)")
                #expect(try answer.errorBody().code == "peer_url_not_allowed", "\(url)")
            }
        }
    }

    /// A request signed with the registered key is accepted, and both ends can audit it under one hash.
    /// Rotating derives a new key pair (the old public key no longer verifies this node), and a peer's
    /// new key, registered by the authority, is the only one accepted from then on.
    @Test func keysAreRotatedAndAPeersNewKeyIsRegistered() async throws {
        try await withFederatedBank { app, peer in
            let before = try await app.send(.GET, "/api/v1/federation/node").decode(NodeIdentity.self).publicKey
            let steward = try await app.token("scj_steward")
            #expect(try await app.send(.POST, "/api/v1/federation/node/rotate-key", token: steward).status == .forbidden)
            let rotated = try await app.send(.POST, "/api/v1/federation/node/rotate-key", token: peer.admin)
            #expect(rotated.status == .ok)
            let after = try rotated.decode(NodeIdentity.self).publicKey
            #expect(after != before && NodeKeys.decode(after) != nil)
            #expect(try await app.send(.GET, "/api/v1/federation/node").decode(NodeIdentity.self).publicKey == after)
            #expect(NodeKeys.encode(try await NodeKeys.signingKey(app: app, on: app.db).publicKey) == after, "this node now signs with the new key")

            let newKey = Curve25519.Signing.PrivateKey()
            let bad = try await app.send(.PUT, "/api/v1/federation/peers/chancheng/key", token: peer.admin, json: ["publicKey": "c2hvcnQ="])
            #expect(bad.status == .unprocessableEntity)
            #expect(try bad.errorBody().details.map(\.field) == ["publicKey"])
            #expect(try await app.send(.PUT, "/api/v1/federation/peers/nanhai/key", token: peer.admin, json: ["publicKey": after]).status == .notFound)
            let set = try await app.send(
                .PUT, "/api/v1/federation/peers/chancheng/key", token: peer.admin, json: ["publicKey": newKey.publicKey.rawRepresentation.base64EncodedString()]
            )
            #expect(set.status == .ok)
            let (old, _) = try await peer.signed(app, .GET, "/api/v1/federation/ping")
            #expect(old.status == .unauthorized)
            #expect(try old.errorBody().code == "node_signature_invalid")
            let (fresh, _) = try await peer.signed(app, .GET, "/api/v1/federation/ping", key: newKey)
            #expect(fresh.status == .ok)
            let operations = try await federationAudit(app).map(\.operation)
            #expect(operations.contains("federation.node.rotate-key") && operations.contains("federation.peer.key"))
        }
    }

    @Test func aSignedRequestIsAcceptedAndAuditedWithItsRequestHash() async throws {
        try await withFederatedBank { app, peer in
            let (answer, hash) = try await peer.signed(app, .GET, "/api/v1/federation/ping")
            #expect(answer.status == .ok)
            let pong = try answer.decode(FederationAPI.Pong.self)
            #expect(pong.node == "foshan" && pong.peer == "chancheng" && pong.relation == "child" && pong.requestHash == hash)
            let entry = try #require(try await federationAudit(app).last)
            #expect(entry.operation == "federation.ping" && entry.actor == "chancheng" && entry.hash == hash)
        }
    }

    /// A request signed with another key than the one registered: 401 node_signature_invalid, audited.
    @Test func aWrongKeyIsRefused401AndAudited() async throws {
        try await withFederatedBank { app, peer in
            let (answer, hash) = try await peer.signed(app, .GET, "/api/v1/federation/ping", key: Curve25519.Signing.PrivateKey())
            #expect(answer.status == .unauthorized)
            #expect(try answer.errorBody().code == "node_signature_invalid")
            let entry = try #require(try await federationAudit(app).last)
            #expect(entry.operation == "federation.refused" && entry.actor == "chancheng" && entry.fields == "node_signature_invalid")
            #expect(entry.hash == hash)
        }
    }

    /// A signature over another path (the request's target changed on the way) does not verify.
    @Test func aSignatureForAnotherTargetIsRefused() async throws {
        try await withFederatedBank { app, peer in
            let signer = NodeRequestSigner(node: "chancheng", key: peer.key)
            let signed = try signer.sign(method: "GET", target: "/api/v1/federation/ping?a=1", now: app.settings.now())
            var result: TestingHTTPResponse?
            try await app.testing().test(.GET, "/api/v1/federation/ping?a=2", headers: signed.headers, afterResponse: { result = $0 })
            let answer = try #require(result)
            #expect(answer.status == .unauthorized)
            #expect(try answer.errorBody().code == "node_signature_invalid")
        }
    }

    /// A node nobody registered: 401 node_unknown, audited under the name it claimed.
    @Test func anUnknownNodeIsRefused401AndAudited() async throws {
        try await withFederatedBank { app, peer in
            let (answer, _) = try await peer.signed(app, .GET, "/api/v1/federation/ping", node: "shunde")
            #expect(answer.status == .unauthorized)
            #expect(try answer.errorBody().code == "node_unknown")
            let entry = try #require(try await federationAudit(app).last)
            #expect(entry.operation == "federation.refused" && entry.actor == "shunde" && entry.fields == "node_unknown")
        }
    }

    /// The same signed request twice: the second is a replay, 401 node_nonce_replayed.
    @Test func aReplayedNonceIsRefused() async throws {
        try await withFederatedBank { app, peer in
            let nonce = NodeRequestSigner.newNonce()
            let now = app.settings.now()
            #expect(try await peer.signed(app, .GET, "/api/v1/federation/ping", now: now, nonce: nonce).0.status == .ok)
            let (again, _) = try await peer.signed(app, .GET, "/api/v1/federation/ping", now: now, nonce: nonce)
            #expect(again.status == .unauthorized)
            #expect(try again.errorBody().code == "node_nonce_replayed")
            #expect(try await federationAudit(app).last?.fields == "node_nonce_replayed")
        }
    }

    /// A timestamp outside the five-minute window, either way: 401 node_timestamp_stale.
    @Test func aStaleTimestampIsRefused() async throws {
        try await withFederatedBank { app, peer in
            for offset in [-301.0, 400.0] {
                let (answer, _) = try await peer.signed(app, .GET, "/api/v1/federation/ping", now: app.settings.now().addingTimeInterval(offset))
                #expect(answer.status == .unauthorized)
                #expect(try answer.errorBody().code == "node_timestamp_stale")
            }
            #expect(try await peer.signed(app, .GET, "/api/v1/federation/ping", now: app.settings.now().addingTimeInterval(-200)).0.status == .ok)
        }
    }

    /// Missing or malformed headers: 401 node_signature_missing.
    @Test func missingHeadersAreRefused() async throws {
        try await withFederatedBank { app, peer in
            let bare = try await app.send(.GET, "/api/v1/federation/ping")
            #expect(bare.status == .unauthorized)
            #expect(try bare.errorBody().code == "node_signature_missing")
            let (short, _) = try await peer.signed(app, .GET, "/api/v1/federation/ping") { $0.replaceOrAdd(name: NodeSigning.nonceHeader, value: "abc") }
            #expect(short.status == .unauthorized)
            #expect(try short.errorBody().code == "node_signature_missing")
        }
    }
    /// Refusals count against the address: past the limit it is answered 429 before anything is
    /// checked or audited, so unsigned traffic cannot fill the audit log; the right key waits too.
    @Test func repeatedRefusalsFromOneAddressAre429AndNoLongerAudited() async throws {
        try await withFederatedBank { app, peer in
            // The clock stands still: on a loaded machine the first hold (5 s) could pass between two requests.
            let frozen = app.settings.now()
            app.settings.now = { frozen }
            var statuses: [HTTPStatus] = []
            for _ in 0..<24 { statuses.append(try await app.send(.GET, "/api/v1/federation/ping").status) }
            let refused = statuses.filter { $0 == .unauthorized }.count
            #expect(refused > 0 && refused < 24)
            #expect(statuses.drop { $0 == .unauthorized }.allSatisfy { $0 == .tooManyRequests })
            #expect(try await federationAudit(app).filter { $0.operation == "federation.refused" }.count == refused)
            let (held, _) = try await peer.signed(app, .GET, "/api/v1/federation/ping")
            #expect(held.status == .tooManyRequests)
            #expect(held.headers.first(name: "Retry-After").flatMap(Int.init).map { $0 > 0 } == true)
        }
    }
}
