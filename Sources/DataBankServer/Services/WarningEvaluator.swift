import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Evaluates warning rules on their stores' change logs: a step takes up to ``changesPerStep`` changes past a
/// rule's cursor, reads what the rule needs for the whole batch (``WarningInputs``) — on the read connections,
/// outside any transaction, so a load is never held up by it — then, in one short transaction, moves the
/// cursor from where it read it (another instance that got there first makes this step a no-op: optimistic),
/// raises or merges the warnings and tells the subscribers. A failure evaluates the batch again.
enum WarningEvaluator {
    static let changesPerStep = 2_000

    /// Steps every rule in use; true when any has more changes waiting (the worker's loop).
    static func followAll(app: Application) async throws -> Bool {
        let read = app.sqliteReadPool?.sql(on: app.eventLoopGroup.any(), logger: app.logger) ?? app.db.sql
        return try await followAll(on: app.db, read: read, today: app.today, logger: app.logger)
    }

    /// As above, on `db` (`read`: where the reads go) with the day rules read as today (the demo's loader,
    /// before the server runs).
    static func followAll(on db: any Database, read: (any SQLDatabase)? = nil, today: CivilDate, logger: Logger, now: Date = Date()) async throws -> Bool {
        var more = false
        let codes = try await db.sql.raw("SELECT code FROM warning_rules WHERE retired_at IS NULL ORDER BY code").all()
        for row in codes {
            let code = try row.decode(column: "code", as: String.self)
            if try await step(code, on: db, read: read ?? db.sql, today: today, logger: logger, now: now) { more = true }
        }
        return more
    }

    /// One step of one rule; true when more changes wait.
    @discardableResult
    static func step(
        _ code: String, on db: any Database, read: any SQLDatabase, today: CivilDate, logger: Logger, maxChanges: Int = changesPerStep,
        now: Date = Date()
    ) async throws -> Bool {
        guard
            let head = try await db.sql.raw("SELECT cursor, definition FROM warning_rules WHERE code = \(bind: code) AND retired_at IS NULL").first(),
            let rule = JSONText.decode(WarningRule.self, try head.decode(column: "definition", as: String.self))
        else { return false }
        let from = try head.decode(column: "cursor", as: Int.self)
        let store = try await RecordStores.find(rule.resource, on: db)
        // A store whose items changed under the rule so it no longer compiles waits for the rule to be fixed.
        guard case .success(let compiled) = rule.compile(layout: store.recordLayout) else {
            logger.warning("warning rule \(code) no longer compiles against \(rule.resource)")
            return false
        }
        let check = WarningCheck(rule: rule, compiled: compiled)
        let changes = try await read.raw(
            """
            SELECT seq, op, data FROM \(ident: store.tables.changes) WHERE seq > \(bind: from) ORDER BY seq LIMIT \(literal: maxChanges)
            """
        ).all()
        guard let last = changes.last else { return false }
        var records: [[String: String]] = []
        var seqs: [Int] = []
        for change in changes {
            let op = try change.decode(column: "op", as: String.self)
            guard op == "insert" || op == "update", let data = try change.decode(column: "data", as: String?.self),
                let fields = FlatJSONText.fields(data)
            else { continue }
            records.append(fields)
            seqs.append(try change.decode(column: "seq", as: Int.self))
        }
        let past = try await WarningInputs.past(of: records, check: check, store: store, on: read)
        let listed = try await WarningInputs.listed(in: records, check: check, on: db, read: read)
        var firings: [WarningFiring] = []
        for (i, record) in records.enumerated() {
            let values = check.fires(record: record, past: past[i], today: today) { resource, column, value in
                listed[resource + "|" + column]?.contains(value) ?? false
            }
            if let values { firings.append(WarningFiring(entity: check.entity(of: record), values: values, changeSeq: seqs[i])) }
        }
        let seq = try last.decode(column: "seq", as: Int.self)
        let fired = firings, more = changes.count == maxChanges
        return try await db.transaction { tx in
            let moved = try await tx.sql.raw(
                "UPDATE warning_rules SET cursor = \(bind: seq) WHERE code = \(bind: code) AND cursor = \(bind: from) RETURNING cursor"
            ).all()
            guard !moved.isEmpty else { return true }  // another evaluator took this batch: look again
            if !fired.isEmpty {
                let raised = try await WarningWriter.record(fired, rule: rule, now: now, on: tx)
                if raised > 0 { try await notify(rule, raised: raised, on: tx) }
            }
            return more
        }
    }

    /// One inbox notification per subscribing department for the warnings a step raised (mailed by the
    /// notification mail when SMTP is set); the warnings themselves are listed on `/warnings`.
    static func notify(_ rule: WarningRule, raised: Int, on db: any Database) async throws {
        for department in Set(rule.subscribers) {
            try await NotificationRow(
                departmentCode: department, kind: "warning",
                text: "预警「\(rule.name)」新增 \(raised) 条，请及时处理",
                textEn: "Warning rule \"\(rule.nameEn ?? rule.name)\": \(raised) new warning\(raised == 1 ? "" : "s") to handle",
                link: SiteURL.warnings.with([("rule", rule.code)])
            ).create(on: db)
        }
    }
}

/// A record that fired a rule: the entity it is about, the values that made it, the change that brought it.
struct WarningFiring: Sendable {
    var entity: String
    var values: [WarningValue]
    var changeSeq: Int
}
