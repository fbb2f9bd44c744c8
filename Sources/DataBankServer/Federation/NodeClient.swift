import AsyncHTTPClient
import Fluent
import NIOCore
import Vapor

/// Requests from this node to a registered peer: signed (``NodeRequestSigner``), sent to the address
/// the peer's base URL resolved to when checked (``WebhookTargets`` with `DATABANK_FEDERATION_ALLOW`,
/// pinned with `dnsOverride` so a name that resolves differently later cannot redirect it), no redirects
/// followed, and audited here with the request hash the peer audits.
struct NodeClient: Sendable {
    let app: Application
    let signer: NodeRequestSigner

    struct Answer: Sendable {
        var status: UInt
        var body: ByteBuffer
        var requestHash: String
    }

    /// A client signing as this node; fails when the node has no code yet (`databank node init`).
    static func make(app: Application, on db: any Database) async throws -> NodeClient {
        guard let me = try await FederationNodes.current(on: db) else {
            throw AppError(.conflict, "node_not_configured", "This node has no code yet: `databank node init` or PUT /api/v1/federation/node")
        }
        return NodeClient(app: app, signer: NodeRequestSigner(node: me.code, key: try await NodeKeys.signingKey(app: app, on: db)))
    }

    /// Sends `method target` (path and query under the peer's base URL) and collects up to `limit` bytes of the answer.
    func send(
        _ method: HTTPMethod, _ target: String, to peer: FederationNodeRow, body: [UInt8] = [], limit: Int = 64 << 20,
        operation: String, resource: String? = nil
    ) async throws -> Answer {
        guard let base = peer.baseURL, let url = URL(string: base), let host = url.host else {
            throw AppError(.unprocessableEntity, "peer_url_invalid", "Peer \(peer.code) has no usable base URL")
        }
        let address: IPAddressBytes
        do {
            address = try await WebhookTargets.checkedAddress(host: host, allow: app.settings.federationAllow)
        } catch {
            throw AppError(
                .badGateway, "peer_url_not_allowed", "Peer \(peer.code)'s address \(host) is not allowed (DATABANK_FEDERATION_ALLOW) or does not resolve")
        }
        // The signed target is the path as the peer receives it: the base URL's own path (a reverse proxy's prefix) is stripped by it.
        let signed = try signer.sign(method: method.rawValue, target: target, body: body, now: app.settings.now())
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(120)), connectionPool: .init(idleTimeout: .seconds(5)))
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        configuration.dnsOverride[host] = address.description
        configuration.dnsOverride[bare] = address.description
        let client = HTTPClient(eventLoopGroupProvider: .shared(app.eventLoopGroup), configuration: configuration)
        var request = HTTPClientRequest(url: base + target)
        request.method = method
        request.headers = signed.headers
        if !body.isEmpty {
            request.headers.add(name: .contentType, value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let answer: ByteBuffer
        let status: UInt
        do {
            let response = try await client.execute(request, timeout: .seconds(130))
            status = response.status.code
            answer = try await response.body.collect(upTo: limit)
            try? await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw AppError(.badGateway, "peer_unreachable", "Peer \(peer.code) at \(base) did not answer: \(error)")
        }
        try await AuditLog.append(
            AuditLog.Who(kind: "node", id: nil, name: signer.node, departmentCode: nil), resource: resource, operation: operation,
            fields: [peer.code, "\(status)"], count: 0, purpose: nil, requestID: nil, requestHash: signed.requestHash, on: app.db,
            trail: app.auditTrail)
        return Answer(status: status, body: answer, requestHash: signed.requestHash)
    }

    /// The peer's error answer as one line (its `code` and `message`), for a CLI or a run's history.
    static func describe(_ answer: Answer) -> String {
        struct Envelope: Decodable {
            struct Inner: Decodable { var code: String; var message: String }
            var error: Inner
        }
        if let e = try? JSONDecoder().decode(Envelope.self, from: Data(answer.body.readableBytesView)) {
            return "HTTP \(answer.status) \(e.error.code): \(e.error.message)"
        }
        return "HTTP \(answer.status)"
    }
}
