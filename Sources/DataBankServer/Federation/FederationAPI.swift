import Fluent
import Vapor
import DataBankCore

/// `/api/v1/federation`: this node's identity (open: a peer's data authority reads the public key
/// it registers), the peers (the data authority: `manageFederation`), and `ping`, a signed node
/// request that answers who it was checked as (a peer checks its registration with it).
struct FederationAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let f = routes.grouped("federation")
        f.get("node", use: Self.node).gate(.open)
        f.put("node", use: Self.setNode).gate(.action(.manageFederation))
        f.post("node", "rotate-key", use: Self.rotateKey).gate(.action(.manageFederation))
        f.get("peers", use: Self.peers).gate(.action(.manageFederation))
        f.post("peers", use: Self.addPeer).gate(.action(.manageFederation))
        f.delete("peers", ":code", use: Self.removePeer).gate(.action(.manageFederation))
        f.put("peers", ":code", "key", use: Self.setPeerKey).gate(.action(.manageFederation))
        f.post("peers", ":code", "pull", use: Self.pullNow).gate(.action(.manageFederation))
        f.get("ping", use: Self.ping).gate(.node)
        f.get("catalog", use: CatalogFeed.serve).gate(.node)
        f.get("catalog", "search", use: Self.searchCatalog).gate(.signedIn)
        f.get("catalog", ":origin", ":code", use: Self.catalogEntry).gate(.signedIn)
        // Cross-node applications and the relay: the owner's side, signed by the consumer's node …
        f.post("peer", "applications", use: PeerApplications.receive).gate(.node)
        f.get("peer", "applications", ":ref", use: PeerApplications.show).gate(.node)
        f.get("peer", "records", ":code", "changes", use: PeerFeed.changes).gate(.node)
        // … and the consumer's side, for its departments.
        f.post("applications", use: RemoteApplications.apply).gate(.action(.applyForAccess))
        f.get("applications", use: RemoteApplications.list).gate(.signedIn)
        f.get("applications", ":id", use: RemoteApplications.show).gate(.signedIn)
        f.post("applications", ":id", "sync", use: RemoteApplications.syncNow).gate(.signedIn)
    }

    static func node(req: Request) async throws -> NodeIdentity {
        try await FederationNodes.identity(app: req.application, on: req.db)
    }

    static func setNode(req: Request) async throws -> NodeIdentity {
        try req.authorize(.manageFederation)
        let row = try await PeerRegistration.setNode(try req.content.decode(NodeBody.self), on: req.db)
        try await audit(req, "federation.node", row.code)
        return try await FederationNodes.identity(app: req.application, on: req.db)
    }

    static func peers(req: Request) async throws -> ListPage<PeerInfo> {
        try req.authorize(.manageFederation)
        return ListPage(items: try await FederationNodes.peers(on: req.db).map(PeerInfo.init))
    }

    static func addPeer(req: Request) async throws -> Response {
        try req.authorize(.manageFederation)
        let row = try await PeerRegistration.addPeer(
            try req.content.decode(PeerBody.self), allow: req.application.settings.federationAllow, on: req.db)
        try await audit(req, "federation.peer.add", row.code)
        return try await PeerInfo(row).encodeResponse(status: .created, for: req)
    }

    /// `POST /api/v1/federation/node/rotate-key`: a new key pair; the answer carries the public key the peers register.
    static func rotateKey(req: Request) async throws -> NodeIdentity {
        try req.authorize(.manageFederation)
        let row = try await PeerRegistration.rotateKey(on: req.db)
        try await audit(req, "federation.node.rotate-key", row.code)
        return try await FederationNodes.identity(app: req.application, on: req.db)
    }

    /// `PUT /api/v1/federation/peers/{code}/key` with `{"publicKey": …}`: a peer's new key, after it rotated.
    static func setPeerKey(req: Request) async throws -> PeerInfo {
        try req.authorize(.manageFederation)
        struct Body: Content { var publicKey: String? }
        let row = try await PeerRegistration.setKey(try req.parameters.require("code"), publicKey: try req.content.decode(Body.self).publicKey, on: req.db)
        try await audit(req, "federation.peer.key", row.code)
        return PeerInfo(row)
    }

    static func removePeer(req: Request) async throws -> HTTPStatus {
        try req.authorize(.manageFederation)
        let code = try req.parameters.require("code")
        guard let row = try await FederationNodes.peer(code, on: req.db) else { throw AppError.notFound("Peer node \(code)") }
        try await PeerRegistration.remove(row, on: req.db)
        try await audit(req, "federation.peer.remove", code)
        return .noContent
    }

    /// Pulls a child's catalog now (as the worker would), under the same lease.
    static func pullNow(req: Request) async throws -> CatalogPull.Outcome {
        try req.authorize(.manageFederation)
        let code = try req.parameters.require("code")
        guard let peer = try await FederationNodes.peer(code, on: req.db) else { throw AppError.notFound("Peer node \(code)") }
        guard peer.relation == NodeRelation.child.rawValue else {
            throw AppError(.unprocessableEntity, "not_child", "Catalogs flow up: only a child's catalog is pulled")
        }
        guard let token = try await CatalogPull.lease(try peer.requireID(), now: req.application.settings.now(), on: req.db) else {
            throw AppError(.conflict, "pull_running", "A pull of \(code)'s catalog is running")
        }
        return try await CatalogPull.run(peer, token: token, app: req.application)
    }

    static func searchCatalog(req: Request) async throws -> ListPage<FederatedEntry> {
        let items = try await FederatedCatalog.search(
            req.queryValue("q") ?? "", includeRetired: req.queryValue("status") == "all", limit: Int(req.queryValue("limit") ?? "") ?? 50,
            on: req.db)
        return ListPage(items: items)
    }

    struct EntryDetail: Content {
        var entry: FederatedEntry
        var resource: ResourceSnapshot?
    }

    static func catalogEntry(req: Request) async throws -> EntryDetail {
        let origin = try req.parameters.require("origin")
        let code = try req.parameters.require("code")
        guard let (entry, snapshot) = try await FederatedCatalog.find(origin: origin, code: code, on: req.db) else {
            throw AppError.notFound("Catalog entry \(origin)/\(code)")
        }
        return EntryDetail(entry: entry, resource: JSONText.decode(ResourceSnapshot.self, snapshot))
    }

    struct Pong: Content {
        var node: String?
        var peer: String
        var relation: String
        var requestHash: String
    }

    static func ping(req: Request) async throws -> Pong {
        let verified = try await NodeRequestVerifier.verify(req)
        try await NodeRequestVerifier.audit(req, verified, operation: "federation.ping")
        return Pong(
            node: try await FederationNodes.current(on: req.db)?.code, peer: verified.peer, relation: verified.relation, requestHash: verified.requestHash)
    }

    static func audit(_ req: Request, _ operation: String, _ code: String) async throws {
        try await AuditLog.append(
            .of(req), resource: nil, operation: operation, fields: [code], count: 0, purpose: nil, requestID: req.id, requestHash: nil,
            on: req.db, trail: req.application.auditTrail)
    }
}
