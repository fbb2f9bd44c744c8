import Fluent
import SQLKit
import Vapor
import DataBankCore

/// An application a department of this node made at a peer node (the consumer's copy): the request as
/// sent, its delivery and the decision as last learned from the owner. The grant lives at the owner.
final class FederationApplicationRow: Model, @unchecked Sendable {
    static let schema = "federation_applications"
    @ID(key: .id) var id: UUID?
    @Field(key: "peer_node") var peerNode: String
    @Field(key: "resource_code") var resourceCode: String
    @OptionalField(key: "resource_name") var resourceName: String?
    @Field(key: "department_code") var departmentCode: String
    @Field(key: "applicant_id") var applicantID: UUID
    @Field(key: "applicant_name") var applicantName: String
    /// The ``RemoteApplicationInput`` as JSON: delivered unchanged however late.
    @Field(key: "request") var request: String
    /// `queued` (not delivered yet), `refused` (the owner refused it on a late delivery), or the owner's
    /// status: `pending`, `escalated`, `approved`, `partiallyApproved`, `rejected`, `withdrawn`.
    @Field(key: "status") var status: String
    @OptionalField(key: "remote_id") var remoteID: String?
    @OptionalField(key: "deadline") var deadline: String?
    @OptionalField(key: "decision_reason") var decisionReason: String?
    /// The granted items as a JSON array.
    @OptionalField(key: "granted_items") var grantedItems: String?
    @OptionalField(key: "granted_until") var grantedUntil: String?
    @OptionalField(key: "grant_state") var grantState: String?
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "next_attempt_at") var nextAttemptAt: Date?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "synced_at") var syncedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    static let queued = "queued"
    static let refused = "refused"
    /// States the owner may still change (a decision; a grant's revocation or expiry).
    static let followed = ["pending", "escalated", "approved", "partiallyApproved"]
}

/// What a department sends to apply at a peer: the node and the resource's code there, and the fields
/// of a local application.
struct RemoteApplicationInput: Content {
    var node: String
    var resource: String
    var purpose: String
    var legalBasis: String?
    var items: [String]?
    var rowFilter: String?
    var masks: [String: String]?
    var unmaskReason: String?
    var validFrom: String?
    var validUntil: String

    var application: ApplicationInput {
        ApplicationInput(
            resource: resource, service: nil, purpose: purpose, legalBasis: legalBasis, items: items, rowFilter: rowFilter, masks: masks,
            unmaskReason: unmaskReason, validFrom: validFrom, validUntil: validUntil, app: nil)
    }
}

/// A cross-node application as this node's API answers it.
struct RemoteApplicationInfo: Content {
    var id: UUID
    var node: String
    var nodeName: String?
    var resource: String
    var resourceName: String?
    var department: String
    var applicant: String
    var status: String
    var remoteID: String?
    var deadline: String?
    var decisionReason: String?
    var grantedItems: [String]?
    var grantedUntil: String?
    var grantState: String?
    var attempts: Int
    var nextAttemptAt: Date?
    var lastError: String?
    var syncedAt: Date?
    var createdAt: Date?
    var request: RemoteApplicationInput?

    init(_ row: FederationApplicationRow, nodeName: String?) throws {
        id = try row.requireID(); node = row.peerNode; self.nodeName = nodeName; resource = row.resourceCode; resourceName = row.resourceName
        department = row.departmentCode; applicant = row.applicantName; status = row.status; remoteID = row.remoteID; deadline = row.deadline
        decisionReason = row.decisionReason; grantedItems = row.grantedItems.flatMap { JSONText.decode([String].self, $0) }
        grantedUntil = row.grantedUntil; grantState = row.grantState; attempts = row.attempts; nextAttemptAt = row.nextAttemptAt
        lastError = row.lastError; syncedAt = row.syncedAt; createdAt = row.createdAt; request = JSONText.decode(RemoteApplicationInput.self, row.request)
    }
}

/// The consumer's side of a cross-node application: the department applies here on a federated
/// catalog entry; the application travels to the owning node as a signed node request (at once, or —
/// the owner unreachable — queued and retried with the connectors' backoff, never lost); the owner's
/// refusal of the fields is answered as the owner gave it; the decision is pulled from the owner.
///
/// The owner must be a registered peer of this node (any relation: the province registers a district
/// it deals with directly as a `peer`): one signed hop, checked against the owner's own registration of
/// this node, audited at both ends under one request hash.
enum RemoteApplications {
    enum Delivery {
        case filed
        case refused(AppError)
        case unreachable(String)
    }

    /// `POST /api/v1/federation/applications`: 201 when the owner filed it, 202 when it is queued (the
    /// owner unreachable), or the owner's refusal (its status, code and fields), nothing kept.
    static func apply(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try AuthorizationGate.authorize(user.actor, .applyForAccess, department: user.departmentCode)
        let input = try req.decodeBody(RemoteApplicationInput.self)
        let (row, queued) = try await file(input, by: user, app: req.application)
        return try await info(row, on: req.db).encodeResponse(status: queued ? .accepted : .created, for: req)
    }

    /// Sends `input` to its owner for `user`'s department (the API and the web form both come here):
    /// the row kept, and whether it is queued (the owner unreachable, tried again later). The owner's
    /// refusal is thrown as it gave it (its status, code and fields), nothing kept.
    static func file(_ input: RemoteApplicationInput, by user: User, app: Application) async throws -> (FederationApplicationRow, queued: Bool) {
        try input.application.checkLengths()
        guard try await FederationNodes.peer(input.node, on: app.db) != nil else {
            throw AppError.field(
                .unprocessableEntity, "unknown_peer", "node", zh: "本节点未登记节点 \(input.node)，无法向其申请",
                en: "Node \(input.node) is not a registered peer of this node: its data authority registers it first")
        }
        let row = FederationApplicationRow()
        row.peerNode = input.node; row.resourceCode = input.resource; row.departmentCode = user.departmentCode
        row.applicantID = try user.requireID(); row.applicantName = user.username; row.request = JSONText.encode(input)
        row.status = FederationApplicationRow.queued; row.attempts = 0
        row.resourceName = try await FederatedCatalog.find(origin: input.node, code: input.resource, on: app.db)?.0.name
        try await row.create(on: app.db)
        switch await deliver(row, app: app) {
        case .filed:
            return (row, false)
        case .refused(let error):
            try await row.delete(on: app.db)
            throw error
        case .unreachable(let why):
            try await retryLater(row, why, app: app)
            return (row, true)
        }
    }

    /// `GET /api/v1/federation/applications`: the department's (the platform admin: every department's).
    static func list(req: Request) async throws -> ListPage<RemoteApplicationInfo> {
        let user = try req.requireUser()
        var query = FederationApplicationRow.query(on: req.db).sort(\.$createdAt, .descending)
        if user.role != .platformAdmin { query = query.filter(\.$departmentCode == user.departmentCode) }
        let names = try await nodeNames(on: req.db)
        return ListPage(items: try await query.all().map { try RemoteApplicationInfo($0, nodeName: names[$0.peerNode]) })
    }

    static func show(req: Request) async throws -> RemoteApplicationInfo {
        try await info(try await load(req), on: req.db)
    }

    /// `POST /api/v1/federation/applications/{id}/sync`: delivers a queued application or asks the owner
    /// for the decision now (as the worker does on its schedule).
    static func syncNow(req: Request) async throws -> RemoteApplicationInfo {
        let row = try await load(req)
        try await work(on: row, app: req.application)
        return try await info(row, on: req.db)
    }

    static func load(_ req: Request) async throws -> FederationApplicationRow {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id").flatMap(UUID.init(uuidString:)), let row = try await FederationApplicationRow.find(id, on: req.db),
            row.departmentCode == user.departmentCode || user.role == .platformAdmin
        else { throw AppError.notFound("Application") }
        return row
    }

    static func info(_ row: FederationApplicationRow, on db: any Database) async throws -> RemoteApplicationInfo {
        try RemoteApplicationInfo(row, nodeName: try await FederationNodes.peer(row.peerNode, on: db)?.name)
    }

    static func nodeNames(on db: any Database, language: String = "zh") async throws -> [String: String] {
        Dictionary(try await FederationNodes.peers(on: db).map { ($0.code, $0.displayName(language)) }, uniquingKeysWith: { a, _ in a })
    }

    // MARK: Delivery and the decision

    /// Sends the application to its owner (idempotent there: the owner files one application per reference).
    static func deliver(_ row: FederationApplicationRow, app: Application) async -> Delivery {
        do {
            guard let peer = try await FederationNodes.peer(row.peerNode, on: app.db) else {
                return .refused(AppError(.conflict, "peer_removed", "Node \(row.peerNode) is no longer a registered peer"))
            }
            guard let input = JSONText.decode(RemoteApplicationInput.self, row.request) else {
                return .refused(AppError(.unprocessableEntity, "invalid_request", "The stored application cannot be read"))
            }
            let department = try await Department.query(on: app.db).filter(\.$code == row.departmentCode).first()
            let body = PeerApplicationBody(
                ref: try row.requireID().uuidString, department: row.departmentCode, departmentName: department?.name ?? row.departmentCode,
                departmentNameEn: department?.nameEn, applicant: row.applicantName, application: input.application)
            let client = try await NodeClient.make(app: app, on: app.db)
            let answer = try await client.send(
                .POST, "/api/v1/federation/peer/applications", to: peer, body: Array(try JSONEncoder().encode(body)),
                operation: "federation.application.send", resource: row.resourceCode)
            if answer.status == 200 || answer.status == 201 {
                let state = try JSONDecoder().decode(PeerApplicationState.self, from: Data(answer.body.readableBytesView))
                try await record(state, on: row, app: app)
                return .filed
            }
            if answer.status >= 500 || answer.status == 429 || answer.status == 401 {
                // The owner down, busy, or not (yet) knowing this node: tried again later.
                return .unreachable(NodeClient.describe(answer))
            }
            return .refused(PeerError.relay(answer, peer: peer.code))
        } catch let e as AppError where ["peer_unreachable", "peer_url_not_allowed"].contains(e.code) {
            return .unreachable(e.message)
        } catch {
            return .unreachable(AppError.from(error).message)
        }
    }

    static func retryLater(_ row: FederationApplicationRow, _ why: String, app: Application) async throws {
        row.attempts += 1
        row.lastError = why
        row.nextAttemptAt = app.settings.now().addingTimeInterval(ConnectorRunner.backoff(failures: row.attempts))
        try await row.save(on: app.db)
    }

    /// Writes the owner's answer; tells the department when the decision (or the grant's state) changed.
    static func record(_ state: PeerApplicationState, on row: FederationApplicationRow, app: Application) async throws {
        let before = (row.status, row.grantState)
        row.status = state.status; row.remoteID = state.id.uuidString; row.deadline = state.deadline; row.decisionReason = state.decisionReason
        row.grantedItems = state.grantedItems.map { JSONText.encode($0) }; row.grantedUntil = state.grantedUntil; row.grantState = state.grantState
        row.syncedAt = app.settings.now(); row.lastError = nil; row.nextAttemptAt = nil
        try await row.save(on: app.db)
        guard before.0 != FederationApplicationRow.queued || !["pending", "escalated"].contains(state.status) else { return }
        guard before != (state.status, state.grantState) else { return }
        let node = try await FederationNodes.peer(row.peerNode, on: app.db)?.name ?? row.peerNode
        let what = "\(node)“\(row.resourceName ?? row.resourceCode)”"
        let verdict: (String, String) =
            switch (state.status, state.grantState) {
            case (_, "revoked"?): ("授权已被撤销", "the grant was revoked")
            case ("approved", _): ("已批准", "was approved")
            case ("partiallyApproved", _): ("部分批准", "was partly approved")
            case ("rejected", _): ("未获批准", "was rejected")
            default: ("状态为 \(state.status)", "is \(state.status)")
            }
        try await Applications.notify(
            row.departmentCode, "decision", zh: "对\(what)的跨节点申请\(verdict.0)",
            en: "Your application at \(node) for “\(row.resourceName ?? row.resourceCode)” \(verdict.1)",
            link: "/api/v1/federation/applications/\(try row.requireID())", on: app.db)
    }

    /// One step for one application: deliver it when queued, else ask the owner for its state.
    static func work(on row: FederationApplicationRow, app: Application) async throws {
        if row.status == FederationApplicationRow.queued {
            switch await deliver(row, app: app) {
            case .filed: break
            case .refused(let error):
                row.status = FederationApplicationRow.refused
                row.lastError = error.message + error.details.map { " — \($0.field): \($0.messageEn)" }.joined()
                row.nextAttemptAt = nil
                try await row.save(on: app.db)
                try await Applications.notify(
                    row.departmentCode, "decision", zh: "跨节点申请被 \(row.peerNode) 拒收：\(error.message)",
                    en: "Node \(row.peerNode) refused your application: \(error.message)",
                    link: "/api/v1/federation/applications/\(try row.requireID())", on: app.db)
            case .unreachable(let why):
                try await retryLater(row, why, app: app)
            }
            return
        }
        guard FederationApplicationRow.followed.contains(row.status), let peer = try await FederationNodes.peer(row.peerNode, on: app.db) else { return }
        let client = try await NodeClient.make(app: app, on: app.db)
        let answer = try await client.send(
            .GET, "/api/v1/federation/peer/applications/\(try row.requireID().uuidString)", to: peer, operation: "federation.application.sync",
            resource: row.resourceCode)
        guard answer.status == 200 else {
            row.lastError = NodeClient.describe(answer)
            row.syncedAt = app.settings.now()
            try await row.save(on: app.db)
            throw PeerError.relay(answer, peer: peer.code)
        }
        try await record(try JSONDecoder().decode(PeerApplicationState.self, from: Data(answer.body.readableBytesView)), on: row, app: app)
    }

    /// The worker's turn: one queued application due for delivery, or one followed application not asked
    /// about for `DATABANK_FEDERATION_PULL_SECONDS`. True when it did something.
    static func workDue(app: Application) async throws -> Bool {
        let now = app.settings.now()
        let due =
            try await FederationApplicationRow.query(on: app.db).filter(\.$status == FederationApplicationRow.queued)
            .group(.or) { $0.filter(\.$nextAttemptAt == nil).filter(\.$nextAttemptAt <= now) }.sort(\.$nextAttemptAt).first()
        let stale = now.addingTimeInterval(-app.settings.federationPullSeconds)
        let followed =
            try await FederationApplicationRow.query(on: app.db).filter(\.$status ~~ FederationApplicationRow.followed)
            .group(.or) { $0.filter(\.$syncedAt == nil).filter(\.$syncedAt < stale) }.sort(\.$syncedAt).first()
        guard let row = due ?? followed else { return false }
        do {
            try await work(on: row, app: app)
        } catch {
            app.logger.warning("federation: application \(row.id?.uuidString ?? "") at \(row.peerNode): \(error)")
            // Asked again after the pull interval, not at once.
            row.syncedAt = now
            try? await row.save(on: app.db)
        }
        return true
    }
}
