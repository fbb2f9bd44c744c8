import Fluent
import Plot
import Vapor
import DataBankCore

/// The service window (窗口) of joint checks: `GET /joint-checks` lists the checks in use; `GET
/// /joint-checks/:code` is the window — the applicant form, and each department with whether this
/// window's department may ask it; `POST` runs the check (``JointChecksAPI/Run``, as the API does) and
/// shows each department's answer, the combined result and a receipt to print.
///
/// With script the form is posted by `fetch` asking for `application/x-ndjson`: each department's row
/// arrives as its service answers (its audit entry written first), then the result. Without script
/// the page comes back whole. A refused applicant form comes back as the page with its messages.
enum JointCheckPages {
    /// A window's check: its definition with service names, and each step as this window may ask it.
    struct Context {
        var row: JointCheckRow
        var info: JointCheckInfo
        var prepared: [JointCheckRunner.Prepared]
        /// The window's department, by name.
        var department: String
        var check: JointCheck { info.definition }
    }

    static func list(req: Request) async throws -> Response {
        try JointChecksAPI.staffOnly(req)
        let rows = try await JointCheckRow.query(on: req.db).filter(\.$retiredAt == nil).sort(\.$code).all()
        return JointCheckListView(req: req, checks: try await JointChecksAPI.infos(rows, req)).render()
    }

    static func show(req: Request) async throws -> Response {
        let c = try await load(req)
        return JointCheckWindowView(req: req, c: c, form: nil, error: nil, result: nil).render()
    }

    static func submit(req: Request) async throws -> Response {
        let c = try await load(req)
        let form = FormData(body: req)
        var applicant: [String: String] = [:]
        for f in c.check.form { applicant[f.name] = form.raw("applicant.\(f.name)") }
        let call = JointCheckCall(applicant: applicant, purpose: form.raw("purpose"))
        let run: JointChecksAPI.Run
        do {
            run = try JointChecksAPI.Run(req, c.row, call)
        } catch {
            let e = AppError.from(error)
            guard (400..<500).contains(e.status.code), e.status != .forbidden else { throw error }
            return JointCheckWindowView(req: req, c: c, form: form, error: e, result: nil).render(status: e.status)
        }
        let hash = RecordsAPI.requestHash(req)
        if (req.headers.first(name: .accept) ?? "").contains("application/x-ndjson") {
            return try await stream(req, c, run, hash: hash)
        }
        let started = ContinuousClock.now
        let steps = try await run.runner.run(run.check, applicant: run.applicant)
        let ms = (ContinuousClock.now - started).seconds * 1_000
        try await JointCheckRunner.audit(steps.map(\.audited), check: run.check, applicants: 1, run.audit(req, hash: hash), app: req.application)
        let answer = run.answer(steps, ms: ms, names: try await Directory.departmentNames(on: req.db, language: req.language))
        return JointCheckWindowView(
            req: req, c: c, form: form, error: nil, result: .init(applicant: run.applicant, answer: answer, requestID: req.id, at: Date())
        ).render()
    }

    /// The run as NDJSON: `{"step":i,"html":"<cells>"}` per department as it answers (after its audit
    /// entry), then `{"done":true,"html":"<result>"}` (after the whole run's entry).
    static func stream(_ req: Request, _ c: Context, _ run: JointChecksAPI.Run, hash: String) async throws -> Response {
        let names = try await Directory.departmentNames(on: req.db, language: req.language)
        let view = JointCheckWindowView(req: req, c: c, form: nil, error: nil, result: nil)
        let audit = run.audit(req, hash: hash)
        let app = req.application, requestID = req.id
        let response = Response(status: .ok)
        response.headers.replaceOrAdd(name: .contentType, value: "application/x-ndjson")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        response.headers.replaceOrAdd(name: "X-Request-Hash", value: hash)
        struct Line: Encodable {
            var step: Int?
            var done: Bool?
            var html: String
        }
        response.body = .init(asyncStream: { out in
            do {
                let steps = try await run.runner.run(run.check, applicant: run.applicant) { i, step in
                    try await AuditLog.append([JointCheckRunner.draft(step.audited, audit)], on: app.db, trail: app.auditTrail)
                    let passed: Bool? = if case .answer(let a) = step.outcome { run.check.steps[i].passingAnswers.contains(a) } else { nil }
                    let cells = view.cells(i, JointCheckAnswer.StepAnswer(step, passed: passed, names: names)).render()
                    try await out.write(.buffer(ByteBuffer(string: JSONText.encode(Line(step: i, html: cells)) + "\n")))
                }
                // The departments' span: each step timed in its own task (the audit written between answers is not theirs).
                let ms = steps.map(\.ms).max() ?? 0
                try await AuditLog.append(
                    [JointCheckRunner.draft(whole: steps.map(\.audited), check: run.check, applicants: 1, audit)], on: app.db, trail: app.auditTrail)
                let answer = run.answer(steps, ms: ms, names: names)
                let result = view.verdict(.init(applicant: run.applicant, answer: answer, requestID: requestID, at: Date())).render()
                try await out.write(.buffer(ByteBuffer(string: JSONText.encode(Line(done: true, html: result)) + "\n")))
                try await out.write(.end)
            } catch {
                try? await out.write(.error(error))
            }
        })
        return response
    }

    static func load(_ req: Request) async throws -> Context {
        let user = try req.requireUser()
        let row = try await JointChecksAPI.load(req)
        let (check, runner) = try JointChecksAPI.runnable(req, row)
        guard let info = try await JointChecksAPI.infos([row], req).first else {
            throw AppError(.internalServerError, "invalid_joint_check", "The check cannot be read")
        }
        let names = try await Directory.departmentNames(on: req.db, language: req.language)
        return Context(row: row, info: info, prepared: try await runner.prepare(check), department: names[user.departmentCode] ?? user.departmentCode)
    }
}
