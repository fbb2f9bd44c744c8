import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The owner's change feed for a peer node's department (`GET /api/v1/federation/peer/records/{code}/changes
/// ?department=D&after=CURSOR&limit=N`, signed by the peer): the read decision taken for the consumer
/// `node:<peer>/<D>` (``StoreReading/decide(actor:app:code:today:on:)``, the one decision) and served
/// only under its grant — the grant's items, masks and row scope (``ConsumerFeed``): masked items stay
/// masked, rows outside the scope never leave. Audited here under the request hash the peer audits.
///
/// The cursor is `node:resource:seq`: one naming another node or store is refused (409
/// `cursor_other_store`), as is one past this store's last change (409 `cursor_from_future`: a cursor
/// from another database, or from before a restore), so a relay never silently misses changes.
enum PeerFeed {
    /// A page is as large as a page may be unless the peer asks for less (its relay asks for the largest).
    static let defaultLimit = RecordQuery.maxPage

    static func changes(req: Request) async throws -> Response {
        let verified = try await NodeRequestVerifier.verify(req)
        let code = try req.parameters.require("code")
        guard let department = req.query[String.self, at: "department"], PeerConsumer.isValidDepartment(department) else {
            throw AppError.field(.badRequest, "invalid_department", "department", zh: "须指明申请部门", en: "department names the consumer department")
        }
        let consumer = PeerConsumer.code(node: verified.peer, department: department)
        // A peer department reads as staff of no local department: only a grant lets it read.
        let actor = Actor(userID: consumer, role: .viewer, departmentCode: consumer)
        let decided = try await StoreReading.decide(actor: actor, app: nil, code: code, today: req.application.today, on: req.db)
        guard let decided, decided.access != .hidden else {
            try await refuse(req, verified, consumer: consumer, code: code, "hidden")
            throw StoreReading.unknown(code)
        }
        guard decided.access == .grant, let store = decided.store,
            let view = try await StoreReading.view(decided, store: store, reader: consumer, app: req.application, on: req.db)
        else {
            try await refuse(req, verified, consumer: consumer, code: code, "no_grant")
            throw AppError(.forbidden, "no_grant", "\(consumer) holds no active grant on \(code) here; apply for access first")
        }
        let me = try await FederationNodes.current(on: req.db)?.code ?? ""
        let lastSeq =
            try await req.db.sql.raw("SELECT last_seq FROM record_stores WHERE resource_code = \(bind: code)").first()?
            .decode(column: "last_seq", as: Int.self) ?? 0
        let after = try position(req.query[String.self, at: "after"], node: me, code: code, lastSeq: lastSeq)
        let limit =
            try req.query[String.self, at: "limit"].map { text in
                guard let n = Int(text), (1...RecordQuery.maxPage).contains(n) else {
                    throw AppError.field(
                        .badRequest, "invalid_limit", "limit", zh: "limit 为 1–\(RecordQuery.maxPage)", en: "limit is 1 to \(RecordQuery.maxPage)")
                }
                return n
            } ?? defaultLimit
        let written = try await ConsumerFeed.write(store: store, view: view, after: after, limit: limit, today: req.application.today, on: req.db.sql)
        let next = written.next
        let purpose =
            try await req.db.sql.raw(
                "SELECT a.purpose FROM grants AS g JOIN access_applications AS a ON a.id = g.application_id WHERE g.id = \(bind: view.grantID)"
            ).first()?.decode(column: "purpose", as: String.self)
        let subjects = try await AuditSubjects.hashesOfChanges(
            store, after: after, through: next, view: view, today: req.application.today, trail: req.application.auditTrail, on: req.db.sql)
        try await AuditLog.append(
            AuditLog.Who(kind: "node", id: nil, name: consumer, departmentCode: consumer), resource: code, operation: "federation.records",
            fields: view.columns.map(\.name), count: written.shown, purpose: purpose, requestID: req.id, requestHash: verified.requestHash,
            subjects: subjects, on: req.db, trail: req.application.auditTrail)
        let cursor = "\(me):\(code):\(next)"
        // The changes' bytes as written, between the page's head and tail: one buffer, no String per change.
        var body = ByteBuffer()
        body.reserveCapacity(written.items.count + 256)
        body.writeString("{\"node\":\(JSONText.encode(me)),\"resource\":\(JSONText.encode(code)),\"items\":[")
        body.writeBytes(written.items)
        body.writeString("],\"cursor\":\(JSONText.encode(cursor)),\"more\":\(next < lastSeq),\"lastSeq\":\(lastSeq)}")
        let response = Response(status: .ok, body: .init(buffer: body))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: "X-Request-Hash", value: verified.requestHash)
        return response
    }

    /// The sequence number after which to read.
    static func position(_ text: String?, node: String, code: String, lastSeq: Int) throws -> Int {
        guard let text, !text.isEmpty else { return 0 }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let seq = Int(parts[2]), seq >= 0 else {
            throw AppError.field(.badRequest, "invalid_cursor", "after", zh: "游标格式为 节点:资源:序号", en: "after is a cursor node:resource:seq")
        }
        guard parts[0] == node, parts[1] == code else {
            throw AppError.field(
                .conflict, "cursor_other_store", "after", zh: "游标属于另一个节点或资源（\(parts[0]):\(parts[1])），不是 \(node):\(code)",
                en: "The cursor belongs to another node or store (\(parts[0]):\(parts[1])), not \(node):\(code)")
        }
        guard seq <= lastSeq else {
            throw AppError.field(
                .conflict, "cursor_from_future", "after", zh: "游标 \(seq) 超出本资源的最后变更 \(lastSeq)（另一个数据库的游标，或恢复备份之前的游标）",
                en: "The cursor \(seq) is past this store's last change \(lastSeq) (a cursor from another database, or from before a restore)")
        }
        return seq
    }

    static func refuse(_ req: Request, _ verified: NodeRequestVerifier.Verified, consumer: String, code: String, _ reason: String) async throws {
        try await AuditLog.append(
            AuditLog.Who(kind: "node", id: nil, name: consumer, departmentCode: consumer), resource: code, operation: "federation.records.refused",
            fields: [reason], count: 0, purpose: nil, requestID: req.id, requestHash: verified.requestHash, on: req.db,
            trail: req.application.auditTrail)
    }
}
