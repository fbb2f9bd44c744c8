import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Runs a joint check's services, all at once (a task each), each under the caller's own grant for it —
/// the decision the verify endpoint takes (``ServiceAccess``), never re-derived here. A step is prepared
/// once (its definition and the caller's grant, ``prepare(_:)``) and then answers any number of applicants
/// in one statement (``answer(_:_:)``): one applicant for a window, a thousand at a time for a batch.
struct JointCheckRunner: Sendable {
    let app: Application
    let actor: Actor?
    let appPrincipal: AppPrincipal?
    /// Whose grants are asked: the window's department (or the app's).
    let caller: String
    /// Where the services' statements read: the request's read connections (``Request/readSQL``), so
    /// the steps do not queue behind writes on SQLite's one read-write connection per event loop.
    let read: any SQLDatabase

    /// A step as the caller may ask it: the service's definition when the caller holds its grant, else
    /// why every applicant's answer is missing (`no_grant`, `service_unavailable`).
    struct Prepared: Sendable {
        var step: JointCheck.Step
        var label: String
        var labelEn: String?
        var provider: String
        var resource: String?
        var definition: ServiceCache.Entry?
        var refusal: String?
        /// The columns an answer reads (for the audit).
        var columns: [String] { definition.map { Array($0.spec.usedColumns).sorted() } ?? [] }
        /// The applicant form's fields the step's parameters read (whose subjects its entry records).
        var formFields: [String] { step.params.values.compactMap { source -> String? in if case .field(let name) = source { name } else { nil } } }
    }

    /// What one step came to for one applicant, and its time.
    struct Step: Sendable {
        var prepared: Prepared
        var outcome: JointCheck.Outcome
        var ms: Double

        var service: String { prepared.step.service }
        var label: String { prepared.label }
        var labelEn: String? { prepared.labelEn }
        var provider: String { prepared.provider }
        var resource: String? { prepared.resource }
        /// The columns read: none when the service did not answer.
        var columns: [String] { if case .answer = outcome { prepared.columns } else { [] } }
    }

    /// A step's parameters for one applicant, or why it cannot be asked.
    enum Asked {
        case params([String: String])
        case unanswered(code: String)
    }

    /// Every step prepared, in the check's order: the definitions in parallel (kept a few seconds, so mostly
    /// already at hand), then the caller's grants for all of them in one query (``ServiceAccess``).
    func prepare(_ check: JointCheck) async throws -> [Prepared] {
        let found = try await inParallel(check.steps) { (step) async -> Result<ServiceCache.Entry, AppError> in
            do { return .success(try await ServiceAccess.definition(step.service, app: self.app, on: self.app.db)) } catch {
                return .failure(AppError.from(error))
            }
        }
        let entries = found.compactMap { try? $0.get() }
        var decisions: [ReadAccess]
        do {
            decisions = try await ServiceAccess.decide(entries, actor: actor, app: appPrincipal, today: app.today, on: app.db)
        } catch {
            // As a step whose definition could not be read: each answers with the error's code (logged there).
            return check.steps.map { unavailable($0, AppError.from(error)) }
        }
        return zip(check.steps, found).map { step, found in
            switch found {
            case .failure(let e): return unavailable(step, e)
            case .success(let d):
                var p = Prepared(
                    step: step, label: step.label ?? d.service.name, labelEn: step.labelEn ?? (step.label == nil ? d.service.nameEn : nil),
                    provider: d.service.providerCode, resource: d.service.resourceCode, definition: nil, refusal: "no_grant")
                switch decisions.removeFirst() {
                case .full, .grant: (p.definition, p.refusal) = (d, nil)
                default: break
                }
                return p
            }
        }
    }

    /// A step whose service could not be read: every answer missing with why (`service_unavailable` when it is gone).
    func unavailable(_ step: JointCheck.Step, _ e: AppError) -> Prepared {
        app.logger.warning("joint check step \(step.service): \(e.message)")
        return Prepared(
            step: step, label: step.label ?? step.service, labelEn: step.labelEn, provider: "", resource: nil, definition: nil,
            refusal: e.status == .notFound ? "service_unavailable" : e.code)
    }

    /// The step's parameters for an applicant, checked as the service checks them; else the code of
    /// why it cannot be asked (`missing_value` for an optional field left empty, the service's input code).
    static func input(_ p: Prepared, _ check: JointCheck, applicant: [String: String]) -> Asked {
        guard let d = p.definition else { return .unanswered(code: p.refusal ?? "no_grant") }
        guard let params = check.parameters(of: p.step, applicant: applicant) else { return .unanswered(code: "missing_value") }
        switch d.spec.checkInput(params) {
        case .success(let checked): return .params(checked)
        case .failure(let problem): return .unanswered(code: problem.code)
        }
    }

    /// The step's outcome for each applicant (nil: an applicant whose form was refused, skipped), the
    /// askable ones answered in one statement.
    func answer(_ p: Prepared, _ check: JointCheck, applicants: [[String: String]?]) async -> [JointCheck.Outcome?] {
        var out = [JointCheck.Outcome?](repeating: nil, count: applicants.count)
        var asked: [(index: Int, params: [String: String])] = []
        for (i, applicant) in applicants.enumerated() {
            guard let applicant else { continue }
            switch Self.input(p, check, applicant: applicant) {
            case .params(let params): asked.append((i, params))
            case .unanswered(let code): out[i] = .unanswered(code: code)
            }
        }
        guard let d = p.definition, !asked.isEmpty else { return out }
        do {
            let answers = try await ServiceAccess.evaluate(asked.map(\.params), spec: d.spec, store: d.store, on: read)
            for (k, item) in asked.enumerated() { out[item.index] = .answer(answers[k]) }
        } catch {
            let e = AppError.from(error)
            app.logger.warning("joint check step \(p.step.service): \(e.message)")
            for item in asked { out[item.index] = .unanswered(code: e.status == .notFound ? "service_unavailable" : e.code) }
        }
        return out
    }

    /// One applicant: every step prepared (``prepare(_:)``), then asked at once, each with its own time;
    /// `each` hears every step as it is done (in the order they finish), before the next is taken.
    func run(_ check: JointCheck, applicant: [String: String], each: (@Sendable (Int, Step) async throws -> Void)? = nil) async throws -> [Step] {
        try await inParallel(try await prepare(check), each: each) { p in
            let started = ContinuousClock.now
            let outcome = await self.answer(p, check, applicants: [applicant])[0] ?? .unanswered(code: "missing_value")
            return Step(prepared: p, outcome: outcome, ms: (ContinuousClock.now - started).seconds * 1_000)
        }
    }

    /// `work` for every element at once, the results in the elements' order; `each` hears every result
    /// as it comes (an error it throws stops the rest).
    func inParallel<T: Sendable, R: Sendable>(
        _ elements: [T], each: (@Sendable (Int, R) async throws -> Void)? = nil, _ work: @escaping @Sendable (T) async -> R
    ) async throws -> [R] {
        try await withThrowingTaskGroup(of: (Int, R).self) { group in
            for (i, element) in elements.enumerated() { group.addTask { (i, await work(element)) } }
            var out = [R?](repeating: nil, count: elements.count)
            for try await (i, result) in group {
                out[i] = result
                try await each?(i, result)
            }
            return out.map { $0! }
        }
    }

    // MARK: Audit

    /// What the audit records of one step: the service, the resource and columns it read, why it could
    /// not be asked, how many applicants it answered.
    struct Audited: Sendable {
        var service: String
        var resource: String?
        var columns: [String]
        var refusal: String?
        var count: Int
        /// The applicant form's fields the step's parameters read (whose subjects its entry records).
        var fields: [String] = []
        /// A batch's step: the keyed hashes of every applicant it asked about (else the run's applicant's, by ``fields``).
        var subjects: SubjectHashes?
    }

    /// Who asks, why, and under which request: shared by every entry of a run.
    struct AuditContext: Sendable {
        var who: AuditLog.Who
        var purpose: String
        var requestID: String?
        var hash: String
        /// `.batch` for a batch's entries.
        var suffix = ""
        /// The keyed hashes of the applicant's resident IDs and credit codes by form field (``AuditSubjects``): a
        /// step's entry records those its parameters read, the whole run's entry all of them.
        var subjects: [String: String] = [:]
    }

    /// A step's entry: `verify.<service>` with the columns it read; `refused.no_grant`;
    /// `verify.<service>.unanswered` when nothing was read.
    static func draft(_ step: Audited, _ c: AuditContext) -> AuditLog.Draft {
        let operation =
            step.refusal == "no_grant" ? "refused.no_grant" : step.count == 0 ? "verify.\(step.service).unanswered" : "verify.\(step.service)\(c.suffix)"
        var draft = AuditLog.Draft(
            c.who, resource: step.resource, operation: operation, fields: step.count > 0 ? step.columns : [], count: step.count,
            purpose: c.purpose, requestID: c.requestID, requestHash: c.hash)
        // Only a step that read something touched the applicant (a refusal or an unanswered step read nothing).
        draft.subjects = step.count > 0 ? step.subjects ?? SubjectHashes(hex: step.fields.compactMap { c.subjects[$0] }) : SubjectHashes()
        return draft
    }

    /// The whole run's entry (`joint-check.<code>`): the services asked, and how many answered (a batch:
    /// how many applicants were checked).
    static func draft(whole steps: [Audited], check: JointCheck, applicants: Int, _ c: AuditContext) -> AuditLog.Draft {
        let answered = steps.filter { $0.refusal != "no_grant" && $0.count > 0 }.count
        var draft = AuditLog.Draft(
            c.who, resource: nil, operation: "joint-check.\(check.code)\(c.suffix)", fields: steps.map(\.service),
            count: c.suffix.isEmpty ? answered : applicants, purpose: c.purpose, requestID: c.requestID, requestHash: c.hash)
        let batch = steps.compactMap(\.subjects)
        draft.subjects = batch.isEmpty ? SubjectHashes(hex: c.subjects.values) : batch.reduce(SubjectHashes()) { $0.union($1) }
        return draft
    }

    /// One entry per service, then one for the whole, under the run's request hash and written together:
    /// consecutive in the chain, one transaction.
    static func audit(_ steps: [Audited], check: JointCheck, applicants: Int, _ c: AuditContext, app: Application) async throws {
        try await AuditLog.append(
            steps.map { draft($0, c) } + [draft(whole: steps, check: check, applicants: applicants, c)], on: app.db, trail: app.auditTrail)
    }
}

extension JointCheckRunner.Step {
    var audited: JointCheckRunner.Audited {
        let count = if case .answer = outcome { 1 } else { 0 }
        let refusal: String? = if case .unanswered(let code) = outcome { code } else { nil }
        return .init(service: service, resource: resource, columns: columns, refusal: refusal, count: count, fields: prepared.formFields)
    }
}
