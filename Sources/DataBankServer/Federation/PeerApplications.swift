import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The owner's side of a cross-node application: a peer node's department applies here, signed as its
/// node, and the application is filed as an ordinary one (``Applications/apply``: the same checks, the
/// provider's rules, deadline and notifications) whose consumer is `node:<peer>/<department>`; the
/// grant, when there is one, lives here. The filing node asks for the state (pull: this node never
/// calls a consumer back, as a child never calls its parent).
enum PeerApplications {
    /// `POST /api/v1/federation/applications`, signed by any registered peer: 201 with the state (200
    /// when this reference was filed before), or the refusal a local applicant would get.
    static func receive(req: Request) async throws -> Response {
        let verified = try await NodeRequestVerifier.verify(req)
        do {
            let body = try req.content.decode(PeerApplicationBody.self)
            try check(body)
            if let id = try await filed(node: verified.peer, ref: body.ref, on: req.db), let row = try await ApplicationRow.find(id, on: req.db) {
                try await NodeRequestVerifier.audit(req, verified, operation: "federation.application", resource: row.resourceCode)
                return try await state(row, ref: body.ref, on: req.db, today: req.application.today).encodeResponse(status: .ok, for: req)
            }
            let now = req.application.settings.now(), today = req.application.today
            // The applicant as the application records it: a steward of the peer department, who exists only here.
            let applicant = User(
                username: "\(verified.peer)/\(body.applicant)", displayName: body.applicant, passwordHash: "", role: .steward,
                departmentCode: PeerConsumer.code(node: verified.peer, department: body.department))
            applicant.id = UUID()
            var application = body.application
            application.app = nil
            let input = application
            // The application and its reference in one transaction: a delivery repeated after a crash between
            // the two, or two deliveries at once (the unique reference refuses the second), files it once.
            let row = try await req.db.transaction { db in
                try await PeerDepartments.remember(
                    node: verified.peer, department: body.department, name: body.departmentName, nameEn: body.departmentNameEn, now: now, on: db)
                let row = try await Applications.apply(input, by: applicant, reviewDays: SharingAPI.reviewDays, today: today, on: db)
                try await db.sql.raw(
                    """
                    INSERT INTO peer_applications (application_id, peer_node, peer_ref, created_at)
                    VALUES (\(bind: try row.requireID()), \(bind: verified.peer), \(bind: body.ref), \(bind: now))
                    """
                ).run()
                return row
            }
            try await NodeRequestVerifier.audit(req, verified, operation: "federation.application", resource: row.resourceCode)
            return try await state(row, ref: body.ref, on: req.db, today: req.application.today).encodeResponse(status: .created, for: req)
        } catch {
            // A refusal is written too, under the hash the peer audits its request with.
            let e = AppError.from(error)
            try await AuditLog.append(
                AuditLog.Who(kind: "node", id: nil, name: verified.peer, departmentCode: nil), resource: nil,
                operation: "federation.application.refused", fields: [e.code], count: 0, purpose: nil, requestID: req.id,
                requestHash: verified.requestHash, on: req.db, trail: req.application.auditTrail)
            throw e
        }
    }

    /// `GET /api/v1/federation/applications/{ref}`, signed by the node that filed it.
    static func show(req: Request) async throws -> PeerApplicationState {
        let verified = try await NodeRequestVerifier.verify(req)
        let ref = try req.parameters.require("ref")
        guard let id = try await filed(node: verified.peer, ref: ref, on: req.db), let row = try await ApplicationRow.find(id, on: req.db) else {
            throw AppError.notFound("Application \(ref) of node \(verified.peer)")
        }
        try await NodeRequestVerifier.audit(req, verified, operation: "federation.application.state", resource: row.resourceCode)
        return try await state(row, ref: ref, on: req.db, today: req.application.today)
    }

    static func check(_ body: PeerApplicationBody) throws {
        var problems: [FieldError] = []
        if body.ref.isEmpty || body.ref.count > 64 {
            problems.append(FieldError(field: "ref", code: "invalid_ref", message: "申请引用无效", messageEn: "ref is 1–64 characters"))
        }
        if !PeerConsumer.isValidDepartment(body.department) {
            problems.append(FieldError(field: "department", code: "invalid_department", message: "部门代码无效", messageEn: "department is not a valid code"))
        }
        let name = body.departmentName.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.count > 100 || (body.departmentNameEn?.count ?? 0) > 200 {
            problems.append(
                FieldError(field: "departmentName", code: "invalid_name", message: "部门名称为 1–100 个字", messageEn: "departmentName is 1–100 characters"))
        }
        if body.applicant.isEmpty || body.applicant.count > 64 {
            problems.append(FieldError(field: "applicant", code: "invalid_applicant", message: "申请人无效", messageEn: "applicant is 1–64 characters"))
        }
        if !problems.isEmpty { throw AppError(.unprocessableEntity, problems[0].code, problems.map(\.messageEn).joined(separator: "; "), details: problems) }
    }

    static func filed(node: String, ref: String, on db: any Database) async throws -> UUID? {
        try await db.sql.raw("SELECT application_id FROM peer_applications WHERE peer_node = \(bind: node) AND peer_ref = \(bind: ref)").first()?
            .decode(column: "application_id", as: UUID.self)
    }

    static func state(_ row: ApplicationRow, ref: String, on db: any Database, today: CivilDate) async throws -> PeerApplicationState {
        let grant = try await GrantRow.query(on: db).filter(\.$applicationID == row.requireID()).sort(\.$createdAt, .descending).first()
        let granted = row.grantedScope.flatMap { JSONText.decode(GrantScope.self, $0) }
        return PeerApplicationState(
            ref: ref, id: try row.requireID(), resource: row.resourceCode, status: row.status, deadline: row.deadline,
            decisionReason: row.decisionReason, grantedItems: granted?.items, grantedUntil: row.grantedUntil, grantState: grant?.state(today: today.iso))
    }
}
