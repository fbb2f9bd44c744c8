import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Everything a load or a check needs to apply a store's rules: the compiled checker, the
/// policy, and where each referential rule's keys live.
struct QualitySetup: Sendable {
    let rules: [QualityRule]
    let checker: RowChecker
    let policy: QualityPolicy
    /// Per referential rule (same order as `checker.references`): the target's records table and key column.
    let targets: [(table: String, column: RecordLayout.Column)]

    /// Derived rules from the published snapshot and its standards, plus the provider's own.
    static func load(_ store: RecordStoreRow, on db: any Database) async throws -> QualitySetup {
        var rules: [QualityRule] = []
        if let resource = try await ResourceRow.query(on: db).filter(\.$code == store.resourceCode).first() {
            rules = try await QualityRulesAPI.derived(resource, on: db)
        }
        rules += try await QualityRuleRow.query(on: db).filter(\.$resourceCode == store.resourceCode).sort(\.$createdAt).all().map(\.rule)
        return try await make(store, rules: rules, on: db)
    }

    static func make(_ store: RecordStoreRow, rules: [QualityRule], on db: any Database) async throws -> QualitySetup {
        try await make(layout: store.recordLayout, policy: store.qualityPolicy, rules: rules, on: db)
    }

    /// For a layout of its own (a Table Schema being validated): references still resolve to published stores.
    static func make(layout: RecordLayout, policy: QualityPolicy, rules: [QualityRule], on db: any Database) async throws -> QualitySetup {
        let checker: RowChecker
        do { checker = try RowChecker(layout: layout, rules: rules) } catch {
            throw AppError(.unprocessableEntity, error.code, "Rule \(error.ruleID) cannot be applied: \(error.messageEn)")
        }
        var targets: [(String, RecordLayout.Column)] = []
        for (rule, _) in checker.references {
            let parts = (rule.references ?? "").split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, let target = try await RecordStoreRow.query(on: db).filter(\.$resourceCode == parts[0]).first(),
                let column = target.recordLayout.column(named: parts[1])
            else {
                throw AppError(.conflict, "reference_gone", "Rule \(rule.name) refers to \(rule.references ?? ""), which is no longer published")
            }
            targets.append((target.tables.records, column))
        }
        return QualitySetup(rules: rules, checker: checker, policy: policy, targets: targets)
    }

    /// Of `values`, those not present as keys of referential rule `index`'s target: one query per 5,000 values.
    func missingReferences(_ index: Int, _ values: Set<String>, on sql: any SQLDatabase) async throws -> Set<String> {
        let (table, column) = targets[index]
        let dialect = RecordTables.Dialect(sql)
        var found = Set<String>()
        for chunk in Array(values).chunked(5_000) {
            let list = chunk.map { RecordQuery.typedValue($0, column, dialect) }.joined(separator: ", ")
            let rows = try await sql.raw(
                """
                SELECT \(RecordQuery.text(column, as: "v", dateTimeSeparator: "T", dialect)) FROM \(ident: table) WHERE \(ident: column.name) IN (\(list))
                """
            ).all()
            for row in rows { if let v = try row.decode(column: "v", as: String?.self) { found.insert(v) } }
        }
        return values.subtracting(found)
    }
}

extension RecordStoreRow {
    /// The store's policy for rows that fail its quality rules (migration 011; default quarantine).
    var qualityPolicy: QualityPolicy {
        get { qualityPolicyText.flatMap(QualityPolicy.init(rawValue:)) ?? .quarantine }
        set { qualityPolicyText = newValue.rawValue }
    }
}

/// A finding on a row kept under the `flag` policy.
struct QualityFlag: Sendable {
    var key: String
    var row: Int
    var finding: RuleFinding
}

/// A value a row refers to in another store, checked before its batch is written.
struct PendingReference: Sendable {
    var rule: Int
    var value: String
    var key: String
    var row: Int
    var offset: Int?
    var line: Int? = nil
    /// A `unique` value of a row already refused: it holds the value for later rows, and is reported if it repeats one.
    var refused = false
}

extension ValidationReport: Content {}
