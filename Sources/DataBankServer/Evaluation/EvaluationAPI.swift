import Fluent
import Vapor
import DataBankCore

/// Department performance evaluation over HTTP:
/// `GET|POST /api/v1/evaluation/schemes`, `GET|PUT /api/v1/evaluation/schemes/{code}`,
/// `GET|POST /api/v1/evaluation/runs` (`{"scheme", "period"}`), `GET /api/v1/evaluation/runs/{id}` (the ranking),
/// `POST /api/v1/evaluation/runs/{id}/freeze`, `GET /api/v1/evaluation/runs/{id}/units/{department}` (the report
/// with its evidence), `POST …/units/{department}/adjustments`, `GET …/units/{department}/report.xlsx|report.pdf`.
struct EvaluationAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let e = routes.grouped("evaluation")
        e.get("schemes", use: schemes).gate(.signedIn)
        e.post("schemes", use: createScheme).gate(.action(.manageEvaluation))
        e.get("schemes", ":code", use: scheme).gate(.signedIn)
        e.put("schemes", ":code", use: replaceScheme).gate(.action(.manageEvaluation))
        e.get("runs", use: runs).gate(.action(.readEvaluation))
        e.post("runs", use: createRun).gate(.action(.manageEvaluation))
        e.get("runs", ":id", use: run).gate(.action(.readEvaluation))
        e.post("runs", ":id", "freeze", use: freeze).gate(.action(.manageEvaluation))
        e.get("runs", ":id", "units", ":department", use: unit).gate(.action(.readEvaluation))
        e.post("runs", ":id", "units", ":department", "adjustments", use: adjust).gate(.action(.manageEvaluation))
        e.get("runs", ":id", "units", ":department", "report.xlsx", use: xlsx).gate(.action(.readEvaluation))
        e.get("runs", ":id", "units", ":department", "report.pdf", use: pdf).gate(.action(.readEvaluation))
    }

    func schemes(req: Request) async throws -> ListPage<EvaluationScheme> {
        ListPage(items: try await EvaluationSchemes.all(on: req.db))
    }

    func scheme(req: Request) async throws -> EvaluationScheme {
        try await EvaluationSchemes.load(try req.parameters.require("code"), on: req.db)
    }

    func createScheme(req: Request) async throws -> Response {
        try req.authorize(.manageEvaluation)
        let scheme = try req.decodeBody(EvaluationScheme.self)
        return try await EvaluationSchemes.save(scheme, replace: false, by: try req.requireUser().username, on: req.db)
            .encodeResponse(status: .created, for: req)
    }

    func replaceScheme(req: Request) async throws -> EvaluationScheme {
        try req.authorize(.manageEvaluation)
        var scheme = try req.decodeBody(EvaluationScheme.self)
        scheme.code = try req.parameters.require("code")
        return try await EvaluationSchemes.save(scheme, replace: true, by: try req.requireUser().username, on: req.db)
    }

    /// Every run, newest period first (a run's metadata is no secret to those who read evaluations).
    func runs(req: Request) async throws -> ListPage<EvaluationRunInfo> {
        guard Authorization.reach(req.actor, .readEvaluation) != .none else { try req.authorize(.readEvaluation); return ListPage(items: []) }
        let rows = try await EvaluationRunRow.query(on: req.db).sort(\.$createdAt, .descending).range(0..<500).all()
        return ListPage(items: rows.map { EvaluationRunInfo($0, language: req.language) })
    }

    struct RunInput: Content, BoundedText {
        var scheme: String?
        var period: String?
        var boundedFields: [(field: String, value: String?, max: Int)] { [("scheme", scheme, 64), ("period", period, 16)] }
    }

    func createRun(req: Request) async throws -> Response {
        try req.authorize(.manageEvaluation)
        let input = try req.decodeBody(RunInput.self)
        guard let period = input.period?.trimmingCharacters(in: .whitespaces), !period.isEmpty else {
            throw AppError.field(
                .badRequest, "period_required", "period", zh: "请填写评估期（YYYY、YYYY-Qn 或 YYYY-MM）", en: "period is required: \(EvaluationPeriod.allowedForms)")
        }
        let row = try await EvaluationRuns.run(
            schemeCode: input.scheme ?? EvaluationScheme.standard.code, period: period, by: try req.requireUser().username,
            now: req.application.settings.now(), on: req.db)
        return try await EvaluationReports.ranking(row, reach: .all, language: req.language, on: req.db).encodeResponse(status: .created, for: req)
    }

    static func runID(_ req: Request) -> UUID? { req.parameters.get("id", as: UUID.self) }

    func run(req: Request) async throws -> EvaluationRunAnswer {
        let reach = Authorization.reach(req.actor, .readEvaluation)
        if reach == .none { try req.authorize(.readEvaluation) }
        let row = try await EvaluationRuns.find(Self.runID(req), on: req.db)
        return try await EvaluationReports.ranking(row, reach: reach, language: req.language, on: req.db)
    }

    func freeze(req: Request) async throws -> EvaluationRunAnswer {
        try req.authorize(.manageEvaluation)
        let row = try await EvaluationRuns.find(Self.runID(req), on: req.db)
        let frozen = try await EvaluationRuns.freeze(row, by: try req.requireUser().username, now: req.application.settings.now(), on: req.db)
        return try await EvaluationReports.ranking(frozen, reach: .all, language: req.language, on: req.db)
    }

    /// The run and the department, once the caller may read that department's report.
    static func unitContext(_ req: Request) async throws -> (EvaluationRunRow, String) {
        let department = try req.parameters.require("department")
        try req.authorize(.readEvaluation, department: department)
        return (try await EvaluationRuns.find(runID(req), on: req.db), department)
    }

    func unit(req: Request) async throws -> EvaluationUnitReport {
        let (row, department) = try await Self.unitContext(req)
        return try await EvaluationReports.unit(row, department: department, language: req.language, on: req.db)
    }

    func adjust(req: Request) async throws -> EvaluationUnitReport {
        try req.authorize(.manageEvaluation)
        let department = try req.parameters.require("department")
        let row = try await EvaluationRuns.find(Self.runID(req), on: req.db)
        let input = try req.decodeBody(EvaluationRuns.AdjustmentInput.self)
        try await EvaluationRuns.adjust(
            row, department: department, input, by: try req.requireUser().username, now: req.application.settings.now(), on: req.db)
        return try await EvaluationReports.unit(row, department: department, language: req.language, on: req.db)
    }

    func xlsx(req: Request) async throws -> Response {
        let (row, department) = try await Self.unitContext(req)
        let report = try await EvaluationReports.unit(row, department: department, language: req.language, on: req.db)
        let bytes = try EvaluationExport.xlsx(report, req.strings)
        let response = Response(status: .ok, body: .init(data: Data(bytes)))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"evaluation-\(report.run.period)-\(department).xlsx\"")
        return response
    }

    func pdf(req: Request) async throws -> Response {
        let (row, department) = try await Self.unitContext(req)
        let report = try await EvaluationReports.unit(row, department: department, language: req.language, on: req.db)
        let data = try await EvaluationExport.pdf(report, req)
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "pdf")
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"evaluation-\(report.run.period)-\(department).pdf\"")
        return response
    }
}
