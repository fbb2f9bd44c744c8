import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Checks a peer node's signed request (``NodeSigning``): the headers, the peer, the Ed25519
/// signature over the method, path and query, node, timestamp, nonce and body hash, the clock
/// window and the nonce (remembered, so a request is accepted once). A refusal is a 401 with the
/// ``NodeRefusal`` code, written to the audit log (operation `federation.refused`) before it answers.
/// Refusals count against the client's address (``SignInThrottle``): an address over the limit is
/// answered 429 before anything is checked or written, so unsigned traffic cannot fill the audit log.
enum NodeRequestVerifier {
    struct Verified: Sendable {
        var peer: String
        var relation: String
        /// SHA-256 of the signed text: the signer audits the same hash.
        var requestHash: String
    }

    static func verify(_ req: Request) async throws -> Verified {
        if let wait = try await SignInThrottle.wait([.nodeAddress(ClientAddress.of(req))], req) { throw SignInThrottled(retryAfter: wait) }
        let claimed = req.headers.first(name: NodeSigning.nodeHeader)
        guard let node = claimed, NodeNaming.isValidCode(node),
            let timestampText = req.headers.first(name: NodeSigning.timestampHeader), let timestamp = Int(timestampText),
            let nonce = req.headers.first(name: NodeSigning.nonceHeader), NodeSigning.isValidNonce(nonce),
            let signatureText = req.headers.first(name: NodeSigning.signatureHeader),
            let signature = Data(base64Encoded: signatureText)
        else { throw try await refuse(req, .missing, node: claimed, requestHash: nil) }
        let body = req.body.data.map { Array($0.readableBytesView) } ?? []
        let text = NodeSigning.canonicalText(
            method: req.method.rawValue, target: req.url.string, node: node, timestamp: timestamp, nonce: nonce,
            bodySHA256: NodeRequestSigner.hex(SHA256.hash(data: body)))
        let requestHash = NodeRequestSigner.hex(SHA256.hash(data: Data(text.utf8)))
        guard let peer = try await FederationNodes.peer(node, on: req.db) else {
            throw try await refuse(req, .unknownNode, node: node, requestHash: requestHash)
        }
        guard let key = peer.publicKey.flatMap(NodeKeys.decode), key.isValidSignature(signature, for: Data(text.utf8)) else {
            throw try await refuse(req, .badSignature, node: node, requestHash: requestHash)
        }
        let now = req.application.settings.now()
        guard NodeSigning.isFresh(timestamp, now: now) else { throw try await refuse(req, .stale, node: node, requestHash: requestHash) }
        guard try await remember(nonce, node: node, now: now, on: req.db) else {
            throw try await refuse(req, .replayed, node: node, requestHash: requestHash)
        }
        return Verified(peer: node, relation: peer.relation, requestHash: requestHash)
    }

    /// Records the nonce; false when it was already there. Nonces older than twice the window are
    /// dropped first: a request that old is refused by its timestamp anyway.
    static func remember(_ nonce: String, node: String, now: Date, on db: any Database) async throws -> Bool {
        try await db.sql.raw("DELETE FROM federation_nonces WHERE seen_at < \(bind: now.addingTimeInterval(-2 * NodeSigning.window))").run()
        let inserted = try await db.sql.raw(
            """
            INSERT INTO federation_nonces (node_code, nonce, seen_at) VALUES (\(bind: node), \(bind: nonce), \(bind: now))
            ON CONFLICT (node_code, nonce) DO NOTHING RETURNING nonce
            """
        ).first()
        return inserted != nil
    }

    static func refuse(_ req: Request, _ refusal: NodeRefusal, node: String?, requestHash: String?) async throws -> AppError {
        let name = node.map { String($0.prefix(40)) } ?? "unknown"
        try await AuditLog.append(
            AuditLog.Who(kind: "node", id: nil, name: name, departmentCode: nil), resource: nil, operation: "federation.refused",
            fields: [refusal.rawValue], count: 0, purpose: "\(req.method.rawValue) \(req.url.path)", requestID: req.id,
            requestHash: requestHash, on: req.db, trail: req.application.auditTrail)
        req.logger.warning("federation: refused a request from node \(name): \(refusal.rawValue)")
        try await SignInThrottle.fail(.nodeAddress(ClientAddress.of(req)), req)
        let header =
            refusal == .unknownNode
            ? NodeSigning.nodeHeader
            : refusal == .stale
                ? NodeSigning.timestampHeader
                : refusal == .replayed ? NodeSigning.nonceHeader : NodeSigning.signatureHeader
        return AppError(
            .unauthorized, refusal.rawValue, refusal.message,
            details: [FieldError(field: header, code: refusal.rawValue, message: refusal.messageZh, messageEn: refusal.message)])
    }

    /// Audits an accepted node request under the hash the signer audits too.
    static func audit(_ req: Request, _ verified: Verified, operation: String, resource: String? = nil, count: Int = 0) async throws {
        try await AuditLog.append(
            AuditLog.Who(kind: "node", id: nil, name: verified.peer, departmentCode: nil), resource: resource, operation: operation,
            fields: [], count: count, purpose: nil, requestID: req.id, requestHash: verified.requestHash, on: req.db,
            trail: req.application.auditTrail)
    }
}
