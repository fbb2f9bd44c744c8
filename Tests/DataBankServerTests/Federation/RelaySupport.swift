import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Two nodes on loopback for the data half of federation: the district `chancheng` owns the records and
/// is served over HTTP; the province `guangdong` applies and relays (it registered the district as a
/// `peer`, the district registered it back). Both are generated from the same demo, so the enterprise
/// registrations exist at both, provided by the market regulation bureau (`scj_steward`).
struct TwoNodes {
    var owner: Application
    var consumer: Application
    var ownerURL: String
    var ownerKey: String
    /// The enterprise resource at the owner (conditional sharing, closed to the public) and at the consumer.
    var atOwner: StoreFixture
    var atConsumer: StoreFixture
    var department: String

    static let steward = "scj_steward"

    static func run(registerOwnerAt url: ((String) -> String)? = nil, _ body: (TwoNodes) async throws -> Void) async throws {
        try await withDataBank(adjust: loopbackPeers) { owner in
            let ownerURL = try await serveOnLoopback(owner)
            let ownerKey = try await nameNode(owner, code: "chancheng", name: "禅城区", region: "440604")
            try await withDataBank(adjust: loopbackPeers) { consumer in
                let consumerKey = try await nameNode(consumer, code: "guangdong", name: "广东省", region: "440000")
                try await registerPeer(
                    consumer, code: "chancheng", name: "禅城区", region: "440604", relation: "peer", url: url?(ownerURL) ?? ownerURL, key: ownerKey)
                try await registerPeer(owner, code: "guangdong", name: "广东省", region: "440000", relation: "peer", url: "http://127.0.0.1:9", key: consumerKey)
                let atOwner = try await StoreFixture.enterprise(owner)
                let resource = try #require(try await ResourceRow.query(on: owner.db).filter(\.$code == atOwner.code).first())
                resource.sharingType = SharingType.conditional.rawValue
                try await resource.save(on: owner.db)
                let department = try #require(try await User.query(on: consumer.db).filter(\.$username == steward).first()).departmentCode
                let nodes = TwoNodes(
                    owner: owner, consumer: consumer, ownerURL: ownerURL, ownerKey: ownerKey, atOwner: atOwner,
                    atConsumer: try await StoreFixture.enterprise(consumer), department: department)
                try await body(nodes)
            }
            await owner.server.shutdown()
        }
    }

    /// The consumer's steward applies at the owner for the key and the text item, the text masked
    /// (`clear`: every item in clear).
    func apply(
        items: [String]? = nil, clear: Bool = false, purpose: String = "跨区企业监管", validUntil: String = "2027-06-30", resource: String? = nil,
        node: String = "chancheng"
    ) async throws -> TestingHTTPResponse {
        let text = try #require(atOwner.textColumn)
        let asked = items ?? grantedItems
        // Every item in clear but the text one: what the province's store checks passes; the text shows the mask.
        var masks = Dictionary(uniqueKeysWithValues: asked.map { ($0, "clear") })
        if !clear { masks[text.name] = "mask:name" }
        return try await consumer.send(
            .POST, "/api/v1/federation/applications", token: try await consumer.token(Self.steward),
            json: [
                "node": AnyEncodable(node), "resource": AnyEncodable(resource ?? atOwner.code), "purpose": AnyEncodable(purpose),
                "legalBasis": AnyEncodable("《企业信息公示暂行条例》"), "items": AnyEncodable(asked), "masks": AnyEncodable(masks),
                "unmaskReason": AnyEncodable("跨区企业监管须核对原值"), "validUntil": AnyEncodable(validUntil)
            ])
    }

    /// The items applied for: the key, the required items and the text item; one optional item is left
    /// out (when there is one), to see that it never leaves the district.
    var grantedItems: [String] {
        let left = notGranted?.name
        return atOwner.layout.columns.map(\.name).filter { $0 != left }
    }

    var notGranted: RecordLayout.Column? {
        atOwner.layout.columns.first { !$0.primaryKey && !$0.required && $0.name != atOwner.textColumn?.name }
    }

    /// The owner's provider approves the application filed for `remote` (its id at the owner).
    func approve(_ remote: String) async throws {
        let decided = try await owner.send(
            .POST, "/api/v1/applications/\(remote)/decision", token: try await owner.token(atOwner.steward), json: ["decision": "approve"])
        #expect(decided.status == .ok, "\(decided.body.string)")
    }

    /// Applies, approves and learns the decision: the grant lives at the owner.
    func granted() async throws -> RemoteApplicationInfo {
        let applied = try await apply()
        #expect(applied.status == .created, "\(applied.body.string)")
        let info = try applied.decode(RemoteApplicationInfo.self)
        try await approve(try #require(info.remoteID))
        let synced = try await consumer.send(.POST, "/api/v1/federation/applications/\(info.id)/sync", token: try await consumer.token(Self.steward))
        return try synced.decode(RemoteApplicationInfo.self)
    }

    /// A relay connector at the consumer into its enterprise store.
    func relayConnector(code: String = "relay-reg") async throws {
        let body = ConnectorBody(
            code: code, name: "禅城区企业登记转接", resource: atConsumer.code,
            source: .init(kind: "databank", node: "chancheng", resource: atOwner.code), schedule: "every 5 minutes", mode: "incremental")
        let created = try await consumer.send(.POST, "/api/v1/connectors", token: try await consumer.token(Self.steward), json: body)
        #expect(created.status == .created, "\(created.body.string)")
    }

    func run(_ code: String = "relay-reg") async throws -> RunAnswer {
        let answer = try await consumer.send(.POST, "/api/v1/connectors/\(code)/run", token: try await consumer.token(Self.steward))
        return try answer.decode(RunAnswer.self)
    }

    /// The consumer's records of its enterprise store, by key.
    func relayed() async throws -> [String: [String: JSONValue]] {
        try await consumer.allRecords(atConsumer, token: try await consumer.token(Self.steward))
    }

    func audit(_ app: Application, _ operation: String) async throws -> [String] {
        try await app.db.sql.raw("SELECT request_hash FROM audit_log WHERE operation = \(bind: operation) ORDER BY seq").all()
            .compactMap { try $0.decode(column: "request_hash", as: String?.self) }
    }
}
