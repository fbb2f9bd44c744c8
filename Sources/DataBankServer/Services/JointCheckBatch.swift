import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `POST /api/v1/joint-checks/{code}/batch?purpose=…`: up to 100,000 applicants (CSV with a header of
/// the form's field names, or NDJSON objects) checked against every service, answered as a stream — one
/// line per applicant, in their order, as each thousand is done. Each service is prepared once (its
/// definition and the caller's grant) and asked a thousand applicants per statement, the services in
/// parallel. An applicant whose form is refused gets its problems on its line; the rest go on.
///
/// The audit is written before the first answer leaves: one entry per service with the number of
/// applicants it answers, one for the whole batch, under the body's hash.
enum JointCheckBatch {
    static let maxApplicants = 100_000
    static let chunk = 1_000

    static func run(req: Request) async throws -> Response {
        let (check, runner) = try JointChecksAPI.runnable(req, try await JointChecksAPI.load(req))
        try StoreReading.checkPurpose(req)
        guard let purpose = StoreReading.statedPurpose(req) else {
            throw AppError.field(
                .badRequest, "purpose_required", "purpose", zh: "联办核验须说明用途（purpose 参数或 X-Purpose 请求头）",
                en: "A joint check needs a purpose (purpose= or X-Purpose)")
        }
        let format = req.query[String.self, at: "format"] ?? ((req.headers.first(name: .accept) ?? "").hasPrefix("text/csv") ? "csv" : "ndjson")
        guard ["ndjson", "csv"].contains(format) else {
            throw AppError.field(.badRequest, "invalid_format", "format", zh: "格式为 ndjson 或 csv", en: "format is ndjson or csv")
        }
        let digest = RequestDigest(req)
        let lines = try await BatchInputs.read(req, digest: digest, max: maxApplicants)
        let applicants: [Applicant] = lines.map { line in
            guard let fields = line.fields else { return Applicant(line: line.line, values: nil, problems: [line.error].compactMap { $0 }) }
            let checked = check.checkApplicant(fields, today: req.application.today)
            return Applicant(line: line.line, values: checked.problems.isEmpty ? checked.values : nil, problems: checked.problems)
        }
        let prepared = try await runner.prepare(check)
        // Counted before anything is read, so the audit precedes the answers (as an export's does).
        // Whom each step asks about (我的数据): the keyed hashes of the applicants' resident IDs and credit codes.
        let trail = req.application.auditTrail
        let hashed = applicants.map { a in a.values.map { AuditSubjects.applicant(check, $0, trail: trail) } ?? [:] }
        let audited = prepared.map { p in
            let fields = p.formFields
            var count = 0
            var subjects: [String] = []
            for (a, hashes) in zip(applicants, hashed) {
                guard let values = a.values, case .params = JointCheckRunner.input(p, check, applicant: values) else { continue }
                count += 1
                subjects += fields.compactMap { hashes[$0] }
            }
            return JointCheckRunner.Audited(
                service: p.step.service, resource: p.resource, columns: p.columns, refusal: p.refusal, count: count, fields: fields,
                subjects: SubjectHashes(hex: subjects))
        }
        let hash = digest.hex
        try await JointCheckRunner.audit(
            audited, check: check, applicants: applicants.filter { $0.values != nil }.count,
            .init(who: .of(req), purpose: purpose, requestID: req.id, hash: hash, suffix: ".batch"), app: req.application)

        let response = Response(status: .ok)
        response.headers.replaceOrAdd(name: .contentType, value: format == "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson")
        response.headers.replaceOrAdd(name: "X-Request-Hash", value: hash)
        response.headers.replaceOrAdd(name: "X-Total-Count", value: String(applicants.count))
        let writer = Lines(check: check, services: prepared.map(\.step.service), csv: format == "csv")
        response.body = .init(asyncStream: { out in
            do {
                if writer.csv { try await out.write(.buffer(ByteBuffer(string: writer.header))) }
                for start in stride(from: 0, to: applicants.count, by: chunk) {
                    let part = Array(applicants[start..<min(start + chunk, applicants.count)])
                    let outcomes = try await runner.inParallel(prepared) { p in await runner.answer(p, check, applicants: part.map(\.values)) }
                    var text = ""
                    for (i, applicant) in part.enumerated() { writer.append(applicant, outcomes.map { $0[i] }, to: &text) }
                    try await out.write(.buffer(ByteBuffer(string: text)))
                }
                try await out.write(.end)
            } catch {
                try? await out.write(.error(error))
            }
        })
        return response
    }

    /// One line of the batch: its values once its form passed, else its problems.
    struct Applicant: Sendable {
        var line: Int
        var values: [String: String]?
        var problems: [FieldError]
    }

    /// How answers are written: NDJSON objects, or CSV rows with a column per service.
    struct Lines: Sendable {
        var check: JointCheck
        var services: [String]
        var csv: Bool

        /// `line,result,points,<service…>,problems`, after a byte-order mark (spreadsheets read it as UTF-8).
        var header: String { "\u{FEFF}" + CSVText.line(["line", "result", "points"] + services + ["problems"]) }

        struct Answer: Encodable {
            var service: String
            var answer: String?
            var passed: Bool?
            var code: String?
        }
        struct Answered: Encodable {
            var line: Int
            var result: String
            var points: Int?
            var answers: [Answer]
        }
        struct Refused: Encodable {
            var line: Int
            var result = "invalid_applicant"
            var errors: [FieldError]
        }

        func append(_ a: Applicant, _ outcomes: [JointCheck.Outcome?], to text: inout String) {
            guard a.values != nil else {
                if csv {
                    CSVText.append(
                        [String(a.line), "invalid_applicant", nil] + services.map { _ in nil } + [
                            a.problems.map { "\($0.field): \($0.messageEn)" }.joined(separator: "; ")
                        ],
                        to: &text)
                } else {
                    text += JSONText.encode(Refused(line: a.line, errors: a.problems)) + "\n"
                }
                return
            }
            let steps = outcomes.map { $0 ?? .unanswered(code: "missing_value") }
            let verdict = check.combine(steps)
            if csv {
                let cells = steps.map { step -> String? in
                    switch step {
                    case .answer(let answer): answer
                    case .unanswered(let code): "[\(code)]"
                    }
                }
                CSVText.append([String(a.line), verdict.result, verdict.points.map(String.init)] + cells + [nil], to: &text)
            } else {
                let answers = zip(zip(services, steps), verdict.passed).map { pair, passed in
                    switch pair.1 {
                    case .answer(let answer): Answer(service: pair.0, answer: answer, passed: passed, code: nil)
                    case .unanswered(let code): Answer(service: pair.0, answer: nil, passed: nil, code: code)
                    }
                }
                text += JSONText.encode(Answered(line: a.line, result: verdict.result, points: verdict.points, answers: answers)) + "\n"
            }
        }
    }
}
