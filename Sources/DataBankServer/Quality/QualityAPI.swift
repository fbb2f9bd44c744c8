import Fluent
import SQLKit
import Vapor
import DataBankCore

/// A resource's quality through the API: its policy, full checks and their history, the flags
/// of rows loaded under the `flag` policy, validation of a file without loading it, and each
/// department's roll-up. Whoever may see a resource may see its quality (example values are
/// masked by the items' default masks); its own department runs checks and sets the policy.
struct QualityAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let quality = routes.grouped("resources", ":code", "quality")
        quality.get(use: summary).gate(.action(.readPublished))
        quality.post("check", use: check).gate(.action(.runQualityCheck))
        quality.put("policy", use: setPolicy).gate(.action(.manageQualityRules))
        quality.get("runs", use: runs).gate(.action(.readPublished))
        quality.get("runs", ":id", use: run).gate(.action(.readPublished))
        quality.get("flags", use: flags).gate(.action(.manageQualityRules))
        routes.on(.POST, "resources", ":code", "validate", body: .stream, use: validate).gate(.action(.writeRecords)).streamsBody()
        routes.get("quality", "departments", use: departments).gate(.action(.readPublished))
        routes.get("departments", ":code", "quality", use: department).gate(.action(.readPublished))
    }

    // MARK: A resource

    struct Summary: Content {
        var resource: String
        var policy: String
        var latest: RunInfo?
        var history: [RunPoint]
        var openFlags: Int
        var openQuarantine: Int
    }

    struct RunPoint: Content {
        var id: UUID
        var at: Date
        var rows: Int
        var findings: Int
        var overall: Double
        var scores: QualityScores?
    }

    struct RunInfo: Content {
        var id: UUID
        var startedAt: Date
        var finishedAt: Date
        var rows: Int
        var findings: Int
        var actor: String
        var measures: QualityMeasures?
        var scores: QualityScores?
        var rules: [QualityRunDetail.RuleSummary]
        var errors: [String: Int]
        var lines: [ValidationReport.Line]?
    }

    /// Scores and counts for whoever may see the resource; example values as ``QualityRedaction`` allows.
    func summary(req: Request) async throws -> Summary {
        let (store, _) = try await QualityRulesAPI.load(req)
        var summary = try await Self.summary(store, on: req.db)
        summary.latest = summary.latest.map(try await QualityRedaction.of(req).apply)
        return summary
    }

    static func summary(_ store: RecordStoreRow, on db: any Database) async throws -> Summary {
        let runs = try await QualityRunRow.query(on: db).filter(\.$resourceCode == store.resourceCode).sort(\.$startedAt, .descending).limit(60).all()
        let sql = db.sql
        let flags =
            try await sql.raw("SELECT COUNT(*) AS n FROM quality_flags WHERE resource_code = \(bind: store.resourceCode)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        let quarantined = try await QuarantineRow.query(on: db).filter(\.$resourceCode == store.resourceCode).filter(\.$status == "open").count()
        return Summary(
            resource: store.resourceCode, policy: store.qualityPolicy.rawValue, latest: runs.first.map { info($0, lines: false) },
            history: runs.reversed().map {
                RunPoint(
                    id: $0.id!, at: $0.startedAt, rows: $0.rowCount, findings: $0.findings,
                    overall: $0.overall, scores: $0.detail?.scores)
            },
            openFlags: flags, openQuarantine: quarantined)
    }

    static func info(_ run: QualityRunRow, lines: Bool) -> RunInfo {
        let detail = run.detail
        return RunInfo(
            id: run.id!, startedAt: run.startedAt, finishedAt: run.finishedAt, rows: run.rowCount, findings: run.findings, actor: run.actor,
            measures: detail?.measures, scores: detail?.scores, rules: detail?.rules ?? [], errors: detail?.errors ?? [:],
            lines: lines ? JSONText.decode([ValidationReport.Line].self, run.report) : nil)
    }

    /// `POST …/quality/check`: a full check now (load → authorize → act).
    func check(req: Request) async throws -> Response {
        let run = try await Self.runCheck(req)
        return try await Self.info(run, lines: true).encodeResponse(status: .created, for: req)
    }

    static func runCheck(_ req: Request) async throws -> QualityRunRow {
        let (store, _) = try await QualityRulesAPI.load(req)
        try req.authorize(.runQualityCheck, department: store.departmentCode)
        return try await QualityCheck.run(store, actor: try req.requireUser().username, today: req.application.today, on: req.db)
    }

    struct PolicyBody: Content { var policy: String }

    func setPolicy(req: Request) async throws -> PolicyBody {
        let body = try req.content.decode(PolicyBody.self)
        try await Self.setPolicy(req, body.policy)
        return body
    }

    static func setPolicy(_ req: Request, _ text: String) async throws {
        let (store, _) = try await QualityRulesAPI.load(req)
        try req.authorize(.manageQualityRules, department: store.departmentCode)
        guard let policy = QualityPolicy(rawValue: text) else {
            throw AppError.field(
                .unprocessableEntity, "invalid_policy", "policy", zh: "策略为 quarantine、flag 或 reject", en: "policy is quarantine, flag or reject")
        }
        store.qualityPolicy = policy
        try await store.save(on: req.db)
    }

    /// `GET …/quality/runs` (JSON, or `?format=csv`): the history of checks with every dimension.
    func runs(req: Request) async throws -> Response {
        let (store, _) = try await QualityRulesAPI.load(req)
        let runs = try await QualityRunRow.query(on: req.db).filter(\.$resourceCode == store.resourceCode).sort(\.$startedAt).all()
        if req.query[String.self, at: "format"] == "csv" {
            var out = CSVText.line(
                ["resource", "started_at", "rows", "findings"] + QualityScores.Dimension.allCases.map(\.rawValue) + ["objection_penalty", "overall"])
            for run in runs {
                let s = run.detail?.scores
                out += CSVText.line(
                    [run.resourceCode, ISO8601DateFormatter().string(from: run.startedAt), String(run.rowCount), String(run.findings)]
                        + QualityScores.Dimension.allCases.map { d in s.map { String($0.score(d)) } ?? "" }
                        + [s.map { String($0.objectionPenalty) } ?? "", String(run.overall)])
            }
            return Self.csv(out, name: "quality-\(store.resourceCode).csv")
        }
        let redaction = try await QualityRedaction.of(req)
        return try await runs.map { redaction.apply(Self.info($0, lines: false)) }.encodeResponse(for: req)
    }

    func run(req: Request) async throws -> RunInfo {
        let (store, _) = try await QualityRulesAPI.load(req)
        guard let run = try await QualityRunRow.find(req.parameters.get("id", as: UUID.self), on: req.db), run.resourceCode == store.resourceCode else {
            throw AppError.notFound("Quality run")
        }
        return try await QualityRedaction.of(req).apply(Self.info(run, lines: true))
    }

    struct FlagLine: Content {
        var recordKey: String
        var row: Int
        var ruleID: String
        var column: String?
        var value: String?
        var errorType: String
        var code: String
        var message: String
        var messageEn: String
        var at: Date
        var load: UUID
    }

    /// `GET …/quality/flags`: rows kept under the `flag` policy, newest first (the provider's).
    func flags(req: Request) async throws -> [FlagLine] {
        let (store, resource) = try await QualityRulesAPI.load(req)
        try req.authorize(.manageQualityRules, department: store.departmentCode)
        return try await Self.flagLines(
            store, resource: resource, limit: try ListPaging.limit(req.query[String.self, at: "limit"], default: 100, range: 1...1_000), on: req.db)
    }

    /// The newest flags of a store, values masked by their items' default masks (the caller authorized).
    static func flagLines(_ store: RecordStoreRow, resource: ResourceRow, limit: Int, on db: any Database) async throws -> [FlagLine] {
        let masks = try await QualityMasks.forStore(store, resource: resource, on: db)
        let rows = try await db.sql.raw(
            """
            SELECT record_key, row_number, rule_id, column_name, value, error_type, code, message, message_en, created_at, load_id
            FROM quality_flags WHERE resource_code = \(bind: store.resourceCode) ORDER BY created_at DESC, row_number LIMIT \(literal: limit)
            """
        ).all()
        return try rows.map { r in
            let column = try r.decode(column: "column_name", as: String?.self)
            return FlagLine(
                recordKey: try r.decode(column: "record_key", as: String.self), row: try r.decode(column: "row_number", as: Int.self),
                ruleID: try r.decode(column: "rule_id", as: String.self), column: column,
                value: try r.decode(column: "value", as: String?.self).map { masks.mask($0, column: column) },
                errorType: try r.decode(column: "error_type", as: String.self), code: try r.decode(column: "code", as: String.self),
                message: try r.decode(column: "message", as: String.self), messageEn: try r.decode(column: "message_en", as: String.self),
                at: try r.decode(column: "created_at", as: Date.self), load: try r.decode(column: "load_id", as: UUID.self))
        }
    }

    // MARK: Validation without loading

    /// `POST …/validate` with a CSV/TSV body: what a load would find, nothing written. For the
    /// provider (references are looked up in other departments' stores).
    func validate(req: Request) async throws -> ValidationReport {
        let (store, _) = try await QualityRulesAPI.load(req)
        try req.authorize(.writeRecords, department: store.departmentCode)
        let format = IngestFormat.guess(contentType: req.headers.first(name: .contentType)) ?? .csv
        guard format == .csv || format == .tsv else {
            throw AppError.field(
                .unsupportedMediaType, "unsupported_media_type", "Content-Type", zh: "校验接受 text/csv 或 text/tab-separated-values",
                en: "Validation takes text/csv or text/tab-separated-values")
        }
        let setup = try await QualitySetup.load(store, on: req.db)
        var body = req.body.makeAsyncIterator()
        return try await FileValidation.run(
            layout: store.recordLayout, rules: setup.rules, delimiter: format == .tsv ? 0x09 : UInt8(ascii: ","),
            today: req.application.today, references: setup, on: req.db.sql
        ) {
            guard var buffer = try await body.next() else { return nil }
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        }
    }

    // MARK: Departments

    struct DepartmentQuality: Content {
        var department: String
        var name: String
        var resources: Int
        var checked: Int
        var overall: Double?
        var scores: [String: Double]
        var late: Int
        var items: [ResourceQuality]?
    }

    struct ResourceQuality: Content {
        var code: String
        var name: String
        var checkedAt: Date?
        var overall: Double?
        var scores: QualityScores?
    }

    func departments(req: Request) async throws -> Response {
        _ = try req.requireUser()
        let all = try await DepartmentQualityRollup.all(on: req.db)
        if req.query[String.self, at: "format"] == "csv" {
            var out = CSVText.line(["department", "name", "resources", "checked"] + QualityScores.Dimension.allCases.map(\.rawValue) + ["overall", "late"])
            for d in all {
                out += CSVText.line(
                    [d.department, d.name, String(d.resources), String(d.checked)]
                        + QualityScores.Dimension.allCases.map { d.scores[$0.rawValue].map { String($0) } ?? "" }
                        + [d.overall.map { String($0) } ?? "", String(d.late)])
            }
            return Self.csv(out, name: "quality-departments.csv")
        }
        return try await all.encodeResponse(for: req)
    }

    func department(req: Request) async throws -> DepartmentQuality {
        _ = try req.requireUser()
        let code = try req.parameters.require("code")
        guard let d = try await DepartmentQualityRollup.one(code, actor: req.actor, on: req.db) else { throw AppError.notFound("Department \(code)") }
        return d
    }

    static func csv(_ text: String, name: String) -> Response {
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return response
    }
}
