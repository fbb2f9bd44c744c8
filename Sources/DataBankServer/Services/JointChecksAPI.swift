import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `/api/v1/joint-checks` (一件事联办): saved compositions of several departments' verification services,
/// and running one for an applicant — the services asked in parallel, each under the calling department's
/// own grant for it (a missing grant is that step's `no_grant`, never a silent pass), one audit entry per
/// service and one for the whole, all under the run's request hash.
struct JointChecksAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let j = routes.grouped("joint-checks")
        j.get(use: Self.list).gate(.signedIn)
        j.post(use: Self.define).gate(.signedIn)
        j.get(":code", use: Self.show).gate(.signedIn)
        j.post(":code", use: Self.run).gate(.signedIn)
        j.on(.POST, ":code", "batch", body: .stream, use: JointCheckBatch.run).gate(.signedIn).streamsBody()
    }

    /// The checks in use (every staff member may read them: which services a window asks is no secret).
    static func list(req: Request) async throws -> ListPage<JointCheckInfo> {
        try staffOnly(req)
        let rows = try await JointCheckRow.query(on: req.db).filter(\.$retiredAt == nil).sort(\.$code).all()
        return ListPage(items: try await infos(rows, req))
    }

    static func show(req: Request) async throws -> JointCheckInfo {
        try staffOnly(req)
        guard let info = try await infos([try await load(req)], req).first else {
            throw AppError(.internalServerError, "invalid_joint_check", "The check cannot be read")
        }
        return info
    }

    /// `POST /api/v1/joint-checks` with a ``JointCheck`` (and optionally `department`, for the data authority):
    /// refused whole (422 `invalid_joint_check`, every problem at its path) when a service it names does not
    /// exist or a parameter has no value from the form.
    static func define(req: Request) async throws -> Response {
        let user = try req.requireUser()
        struct Body: Content { var department: String? }
        let department = (try? req.content.decode(Body.self))?.department ?? user.departmentCode
        try req.authorize(.manageJointChecks, department: department)
        let check = try req.decodeBody(JointCheck.self)
        let specs = try await specs(of: [check], on: req.db)
        var problems = check.problems(services: specs.mapValues(\.spec))
        if (check.nameEn?.count ?? 0) > 200 {
            problems.append(FieldError(field: "nameEn", code: "too_long", message: "英文名称最多 200 个字符", messageEn: "nameEn is at most 200 characters"))
        }
        if !problems.isEmpty {
            throw AppError(.unprocessableEntity, "invalid_joint_check", problems.map(\.messageEn).joined(separator: "; "), details: problems)
        }
        if try await JointCheckRow.query(on: req.db).filter(\.$code == check.code).first() != nil {
            throw AppError.field(.conflict, "duplicate_code", "code", zh: "联办事项代码已存在", en: "A joint check with this code exists")
        }
        let row = JointCheckRow(check, department: department, createdBy: user.username)
        try await row.create(on: req.db)
        try await AuditLog.append(
            .of(req), resource: nil, operation: "joint-check.define", fields: [check.code], count: check.steps.count, purpose: nil,
            requestID: req.id, requestHash: nil, on: req.db, trail: req.application.auditTrail)
        return try await infos([row], req)[0].encodeResponse(status: .created, for: req)
    }

    // MARK: Running

    /// `POST /api/v1/joint-checks/{code}` with `{"applicant": {…}, "purpose": "…"}`: the applicant's form
    /// is checked first (422 `invalid_applicant`, each field at `applicant.<name>`, no department asked).
    static func run(req: Request) async throws -> JointCheckAnswer {
        let row = try await load(req)
        let run = try Run(req, row, try req.decodeBody(JointCheckCall.self))
        let hash = RecordsAPI.requestHash(req)
        // The departments' names are read while they answer: a round trip less after them.
        async let names = Directory.departmentNames(on: req.db, language: req.language)
        let started = ContinuousClock.now
        let steps = try await run.runner.run(run.check, applicant: run.applicant)
        let ms = (ContinuousClock.now - started).seconds * 1_000
        try await JointCheckRunner.audit(steps.map(\.audited), check: run.check, applicants: 1, run.audit(req, hash: hash), app: req.application)
        return run.answer(steps, ms: ms, names: try await names)
    }

    /// A run for one applicant, checked before any department is asked: the check, the caller's runner,
    /// the applicant's trimmed values and the purpose (the API's and the window page's runs alike).
    struct Run: Sendable {
        var check: JointCheck
        var runner: JointCheckRunner
        var applicant: [String: String]
        var purpose: String

        init(_ req: Request, _ row: JointCheckRow, _ call: JointCheckCall) throws {
            (check, runner) = try runnable(req, row)
            try call.checkLengths()
            guard let purpose = call.purpose?.trimmingCharacters(in: .whitespacesAndNewlines), !purpose.isEmpty else {
                throw AppError.field(.badRequest, "purpose_required", "purpose", zh: "联办核验须说明用途（purpose）", en: "A joint check needs a purpose (purpose)")
            }
            let applicant = check.checkApplicant(call.applicant, today: req.application.today)
            if !applicant.problems.isEmpty {
                throw AppError(
                    .unprocessableEntity, "invalid_applicant", applicant.problems.map(\.messageEn).joined(separator: "; "), details: applicant.problems)
            }
            self.applicant = applicant.values
            self.purpose = purpose
        }

        func audit(_ req: Request, hash: String) -> JointCheckRunner.AuditContext {
            .init(
                who: .of(req), purpose: purpose, requestID: req.id, hash: hash,
                subjects: AuditSubjects.applicant(check, applicant, trail: req.application.auditTrail))
        }

        /// The combined answer, each step with its provider's name (`names`: department names by code).
        func answer(_ steps: [JointCheckRunner.Step], ms: Double, names: [String: String]) -> JointCheckAnswer {
            let verdict = check.combine(steps.map(\.outcome))
            return JointCheckAnswer(
                check: check.code, result: verdict.result, points: verdict.points, threshold: verdict.threshold,
                answers: zip(steps, verdict.passed).map { step, passed in JointCheckAnswer.StepAnswer(step, passed: passed, names: names) },
                ms: ms, sequentialMs: steps.reduce(0) { $0 + $1.ms })
        }
    }

    // MARK: Parts

    static func load(_ req: Request) async throws -> JointCheckRow {
        let code = try req.parameters.require("code")
        guard let row = try await JointCheckRow.query(on: req.db).filter(\.$code == code).filter(\.$retiredAt == nil).first() else {
            throw AppError.notFound("Joint check \(code)")
        }
        return row
    }

    /// The check as the caller may run it: the caller allowed to run joint checks, the definition read,
    /// and a runner under the caller's own grants reading on the request's read connections.
    static func runnable(_ req: Request, _ row: JointCheckRow) throws -> (JointCheck, JointCheckRunner) {
        let caller = try callerDepartment(req)
        if let actor = req.actor { try AuthorizationGate.authorize(actor, .runJointChecks, department: actor.departmentCode) }
        guard let check = row.check else { throw AppError(.internalServerError, "invalid_joint_check", "The check cannot be read") }
        return (check, JointCheckRunner(app: req.application, actor: req.actor, appPrincipal: req.app, caller: caller, read: req.readSQL))
    }

    /// Staff, or an app of a department: the public has no joint checks.
    static func staffOnly(_ req: Request) throws {
        if req.app != nil { return }
        let user = try req.requireUser()
        guard user.actor.role.isStaff else { throw AppError(.forbidden, "forbidden", "Joint checks are for government staff") }
    }

    /// Whose grants the services are asked under: the signed-in user's department, or the app's.
    static func callerDepartment(_ req: Request) throws -> String {
        if let app = req.app { return app.departmentCode }
        try staffOnly(req)
        return try req.requireUser().departmentCode
    }

    /// The live services the checks name, by code (a retired or unknown one is absent): one query for all.
    static func specs(of checks: [JointCheck], on db: any Database) async throws -> [String: (spec: VerificationSpec, row: VerificationServiceRow)] {
        let codes = Array(Set(checks.flatMap { $0.steps.map(\.service) }))
        guard !codes.isEmpty else { return [:] }
        let rows = try await VerificationServiceRow.query(on: db).filter(\.$code ~~ codes).filter(\.$retiredAt == nil).all()
        var out: [String: (spec: VerificationSpec, row: VerificationServiceRow)] = [:]
        for row in rows { if let spec = row.verificationSpec { out[row.code] = (spec, row) } }
        return out
    }

    /// The checks as the API answers them, their services named with their providers (one query for
    /// the services of all of them, one for the names).
    static func infos(_ rows: [JointCheckRow], _ req: Request) async throws -> [JointCheckInfo] {
        let checks = rows.compactMap { row in row.check.map { (row, $0) } }
        let specs = try await specs(of: checks.map(\.1), on: req.db)
        let names = try await Directory.departmentNames(on: req.db, language: req.language)
        return checks.map { row, check in
            JointCheckInfo(
                code: row.code, name: row.name, nameEn: row.nameEn, department: row.departmentCode, definition: check,
                services: check.steps.map { step in
                    let service = specs[step.service]?.row
                    return .init(
                        service: step.service, name: service?.name ?? step.service, provider: service?.providerCode ?? "",
                        providerName: service.map { names[$0.providerCode] ?? $0.providerCode } ?? "")
                })
        }
    }
}
