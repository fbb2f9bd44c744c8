import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Runs a joint check's services for one applicant, all at once (a task each), each under the caller's
/// own grant for it — the decision the verify endpoint takes (``ServiceAccess``), never re-derived here.
struct JointCheckRunner: Sendable {
    let app: Application
    let actor: Actor?
    let appPrincipal: AppPrincipal?
    /// Whose grants are asked: the window's department (or the app's).
    let caller: String

    /// What one step came to, and what it touched (for the audit).
    struct Step: Sendable {
        var service: String
        var label: String
        var provider: String
        var resource: String?
        var columns: [String]
        var outcome: JointCheck.Outcome
        var ms: Double
    }

    func run(_ check: JointCheck, applicant: [String: String]) async -> [Step] {
        await withTaskGroup(of: (Int, Step).self) { group in
            for (i, step) in check.steps.enumerated() {
                let params = check.parameters(of: step, applicant: applicant)
                group.addTask { (i, await self.ask(step, params: params)) }
            }
            var out = [Step?](repeating: nil, count: check.steps.count)
            for await (i, step) in group { out[i] = step }
            return out.map { $0! }
        }
    }

    /// One service: its definition, the caller's grant, its answer; what went wrong is the step's code.
    func ask(_ step: JointCheck.Step, params: [String: String]?) async -> Step {
        let started = ContinuousClock.now
        var result = Step(
            service: step.service, label: step.label ?? step.service, provider: "", resource: nil, columns: [],
            outcome: .unanswered(code: "service_unavailable"), ms: 0)
        do {
            let d = try await ServiceAccess.definition(step.service, app: app, on: app.db)
            result.label = step.label ?? d.service.name
            result.provider = d.service.providerCode
            result.resource = d.service.resourceCode
            switch try await ServiceAccess.decide(d, actor: actor, app: appPrincipal, today: app.today, on: app.db) {
            case .full, .grant:
                guard let params else {
                    result.outcome = .unanswered(code: "missing_value")
                    break
                }
                switch d.spec.checkInput(params) {
                case .success(let checked):
                    let answers = try await ServiceAccess.evaluate([checked], spec: d.spec, store: d.store, on: app.db.sql)
                    result.outcome = .answer(answers[0])
                    result.columns = Array(d.spec.usedColumns).sorted()
                case .failure(let problem):
                    result.outcome = .unanswered(code: problem.code)
                }
            default:
                result.outcome = .unanswered(code: "no_grant")
            }
        } catch {
            let e = AppError.from(error)
            result.outcome = .unanswered(code: e.status == .notFound ? "service_unavailable" : e.code)
            app.logger.warning("joint check step \(step.service): \(e.message)")
        }
        result.ms = (ContinuousClock.now - started).seconds * 1_000
        return result
    }

    /// One audit entry per service asked (`verify.<service>` with the columns it read; `refused.no_grant`;
    /// `verify.<service>.unanswered` when nothing was read), then one for the whole (`joint-check.<code>`),
    /// all under the run's request hash and written together: consecutive in the chain, one transaction.
    static func audit(
        _ steps: [Step], check: JointCheck, who: AuditLog.Who, purpose: String, requestID: String?, hash: String, app: Application
    ) async throws {
        var drafts: [AuditLog.Draft] = []
        var answered = 0
        for step in steps {
            let operation: String
            switch step.outcome {
            case .answer:
                operation = "verify.\(step.service)"
                answered += 1
            case .unanswered(let code): operation = code == "no_grant" ? "refused.no_grant" : "verify.\(step.service).unanswered"
            }
            let read = if case .answer = step.outcome { 1 } else { 0 }
            drafts.append(
                AuditLog.Draft(
                    who, resource: step.resource, operation: operation, fields: step.columns, count: read, purpose: purpose, requestID: requestID,
                    requestHash: hash))
        }
        drafts.append(
            AuditLog.Draft(
                who, resource: nil, operation: "joint-check.\(check.code)", fields: steps.map(\.service), count: answered, purpose: purpose,
                requestID: requestID, requestHash: hash))
        _ = try await AuditLog.appendBatch(drafts, on: app.db, trail: app.auditTrail)
    }
}
