import Fluent
import SQLKit
import Vapor
import DataBankCore

/// One full check of a store: every record through every rule, the counts per rule and per
/// dimension, masked examples, and the scores. Kept, so a resource's quality has a history.
final class QualityRunRow: Model, @unchecked Sendable {
    static let schema = "quality_runs"
    @ID(key: .id) var id: UUID?
    @Field(key: "resource_code") var resourceCode: String
    @Field(key: "department_code") var departmentCode: String
    @Field(key: "started_at") var startedAt: Date
    @Field(key: "finished_at") var finishedAt: Date
    @Field(key: "row_count") var rowCount: Int
    @Field(key: "findings") var findings: Int
    @Field(key: "overall") var overall: Double
    /// ``QualityRunDetail`` as JSON: measures, scores and the per-rule counts.
    @Field(key: "scores") var scores: String
    /// The report's first findings (values masked by the items' default masks) as JSON.
    @Field(key: "report") var report: String
    @Field(key: "actor") var actor: String
    init() {}

    var detail: QualityRunDetail? { JSONText.decode(QualityRunDetail.self, scores) }
}

/// What a run keeps besides its counts.
struct QualityRunDetail: Codable, Sendable {
    var measures: QualityMeasures
    var scores: QualityScores
    /// Per rule: its name, Frictionless error type, count and masked examples.
    var rules: [RuleSummary]
    var errors: [String: Int]

    struct RuleSummary: Codable, Sendable {
        var ruleID: String
        var name: String
        var nameEn: String
        var errorType: String
        var count: Int
        var examples: [String]
    }
}

/// Runs a full check of one store.
enum QualityCheck {
    static let pageRows = 10_000

    static func run(_ store: RecordStoreRow, actor: String, today: CivilDate = GrantAccess.today(), on db: any Database) async throws -> QualityRunRow {
        let started = Date()
        let sql = db.sql
        let setup = try await QualitySetup.load(store, on: db)
        let resource = try await ResourceRow.query(on: db).filter(\.$code == store.resourceCode).first()
        let layout = store.recordLayout
        let checker = setup.checker
        var report = ValidationReport()
        // Rows failing a cross-field or a referential rule, each counted once whatever it failed.
        var failingValue = 0
        var failingCross = Set<Int>()
        let query = try RecordQuery(store: store, params: [], fields: nil, sort: nil)
        var cursor: [String]? = nil
        var rowNumber = 0
        repeat {
            let page = try await query.cellPage(after: cursor, limit: pageRows, dateTimeSeparator: "T", on: sql)
            var referenced = Array(repeating: [(row: Int, value: String)](), count: checker.references.count)
            for cells in page.rows {
                rowNumber += 1
                var findings: [RuleFinding] = []
                checker.check(today: today, { cells[$0] }, into: &findings)
                for (i, ref) in checker.references.enumerated() { if let v = cells[ref.column] { referenced[i].append((rowNumber, v)) } }
                report.rows += 1
                if findings.contains(where: { $0.errorType == "row-constraint" }) { failingCross.insert(rowNumber) }
                if findings.contains(where: { $0.errorType != "row-constraint" }) { failingValue += 1 }
                report.add(row: rowNumber, findings)
            }
            for (i, values) in referenced.enumerated() where !values.isEmpty {
                let missing = try await setup.missingReferences(i, Set(values.map(\.value)), on: sql)
                guard !missing.isEmpty else { continue }
                let (rule, column) = checker.references[i]
                var extra = ValidationReport()
                for m in values where missing.contains(m.value) {
                    failingCross.insert(m.row)
                    extra.add(row: m.row, [RuleFinding.missingReference(rule, column: layout.columns[column], value: m.value)])
                }
                report.merge(extra)
            }
            cursor = page.next
        } while cursor != nil
        var repeating = 0
        for (rule, column) in checker.uniques {
            let extra = try await repeatedValues(store, layout.columns[column], on: sql)
            repeating += extra.rows
            if extra.rows > 0 {
                var u = ValidationReport.RuleCount(ruleID: rule.id, errorType: "unique-error")
                u.count = extra.rows; u.examples = extra.examples
                report.rules[rule.id] = u
                report.errors["unique-error", default: 0] += extra.rows
            }
        }
        let filled = try await filledCells(store, on: sql)
        let objections = try await Objections.counts(resource: store.resourceCode, on: db)
        let measures = QualityMeasures(
            rows: report.rows, rowsFailingValueRules: failingValue, rowsFailingCrossRules: failingCross.count, rowsRepeatingUniqueValues: repeating,
            filledCells: filled, columns: layout.columns.count,
            daysSinceLastLoad: store.lastLoadAt.map { Date().timeIntervalSince($0) / 86_400 },
            updateCycle: resource.flatMap { UpdateCycle(rawValue: $0.updateCycle) } ?? .irregular,
            published: resource?.state == .published, answering: true,
            openObjections: objections.open, acceptedObjections: objections.accepted)
        let masks = try await QualityMasks.forStore(store, resource: resource, on: db)
        let names = Dictionary(setup.rules.map { ($0.id, ($0.name, $0.nameEn)) }, uniquingKeysWith: { a, _ in a })
        let summaries = report.rules.values.sorted { $0.count > $1.count }.map { r in
            let column = setup.rules.first { $0.id == r.ruleID }?.column
            return QualityRunDetail.RuleSummary(
                ruleID: r.ruleID, name: names[r.ruleID]?.0 ?? r.ruleID, nameEn: names[r.ruleID]?.1 ?? r.ruleID,
                errorType: r.errorType, count: r.count, examples: r.examples.map { masks.mask($0, column: column) })
        }
        var lines = Array(report.lines.prefix(200))
        for i in lines.indices { lines[i].value = lines[i].value.map { masks.mask($0, column: lines[i].column) } }
        let run = QualityRunRow()
        run.resourceCode = store.resourceCode; run.departmentCode = store.departmentCode
        run.startedAt = started; run.finishedAt = Date(); run.rowCount = report.rows; run.findings = report.errorCount
        let scores = measures.scores
        run.overall = scores.overall
        run.scores = JSONText.encode(QualityRunDetail(measures: measures, scores: scores, rules: summaries, errors: report.errors))
        run.report = JSONText.encode(lines)
        run.actor = actor
        try await run.create(on: db)
        return run
    }

    /// Rows beyond the first carrying each repeated value, and a few of the values.
    static func repeatedValues(_ store: RecordStoreRow, _ c: RecordLayout.Column, on sql: any SQLDatabase) async throws -> (rows: Int, examples: [String]) {
        let dialect = RecordTables.Dialect(sql)
        let rows = try await sql.raw(
            """
            SELECT \(RecordQuery.text(c, as: "v", dateTimeSeparator: "T", dialect)), COUNT(*) AS n FROM \(ident: store.tables.records)
            WHERE \(ident: c.name) IS NOT NULL GROUP BY \(ident: c.name) HAVING COUNT(*) > 1 ORDER BY COUNT(*) DESC
            """
        ).all()
        var total = 0, examples: [String] = []
        for row in rows {
            total += try row.decode(column: "n", as: Int.self) - 1
            if examples.count < ValidationReport.examplesPerRule, let v = try row.decode(column: "v", as: String?.self) { examples.append(v) }
        }
        return (total, examples)
    }

    /// Non-null cells over every item, counted by the database in one statement.
    static func filledCells(_ store: RecordStoreRow, on sql: any SQLDatabase) async throws -> Int {
        let layout = store.recordLayout
        guard !layout.columns.isEmpty else { return 0 }
        let counts = layout.columns.map { c -> SQLQueryString in "COUNT(\(ident: c.name))" }.joined(separator: " + ")
        let row = try await sql.raw("SELECT \(counts) AS filled FROM \(ident: store.tables.records)").first()
        return try row?.decode(column: "filled", as: Int.self) ?? 0
    }
}

/// The default display mask of each item (from its standard), so a report's example values never
/// show a resident ID or a phone number in clear to whoever reads the quality page.
struct QualityMasks: Sendable {
    let rules: [String: MaskRule]

    static func forStore(_ store: RecordStoreRow, resource: ResourceRow?, on db: any Database) async throws -> QualityMasks {
        guard let items = resource?.catalogSnapshot?.items else { return QualityMasks(rules: [:]) }
        let standards = try await StandardRow.query(on: db).filter(\.$code ~~ Array(Set(items.map(\.standardCode)))).all()
        let byCode = Dictionary(standards.map { ($0.code, $0.standard) }, uniquingKeysWith: { a, _ in a })
        var rules: [String: MaskRule] = [:]
        for item in items {
            guard let s = byCode[item.standardCode] else { continue }
            rules[item.column] = Masker.defaultRule(semantic: s.semanticKind, sensitivity: s.sensitivity)
        }
        return QualityMasks(rules: rules)
    }

    func mask(_ value: String, column: String?) -> String {
        guard let column, let rule = rules[column], rule != .clear else { return value }
        if case .mask(let kind) = rule { return Masker.mask(value, as: kind) }
        return String(repeating: "*", count: min(value.count, 6))  // suppressed, pseudonymised or generalised items
    }
}
