import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Evaluates warning rules on their stores' change logs, the rules of one store together: a step reads up to
/// ``changesPerStep`` changes past the rules' cursors once (parsing each record once), reads what each rule
/// needs for the whole batch (``WarningInputs``) — on the read connections, outside any transaction, so a load
/// is never held up by it — then, in one short transaction, moves each rule's cursor from where it read it
/// (another instance that got there first makes that rule's part a no-op: optimistic), raises or merges the
/// warnings and tells the subscribers. A failure evaluates the batch again.
///
/// Steps are pipelined: while one step's write waits for the write lock (on SQLite, a load in another process
/// holds it for a batch at a time), the next step is read and evaluated.
enum WarningEvaluator {
    /// Changes a step reads at most.
    static let changesPerStep = 20_000
    /// Steps of one store per pass, before the other stores' turn.
    static let stepsPerPass = 10

    /// Steps every store's rules; true when any has more changes waiting (the worker's loop).
    static func followAll(app: Application) async throws -> Bool {
        let read = app.sqliteReadPool?.sql(on: app.eventLoopGroup.any(), logger: app.logger) ?? app.db.sql
        return try await followAll(on: app.db, read: read, today: app.today, logger: app.logger)
    }

    /// As above, on `db` (`read`: where the reads go) with the day rules read as today (the demo's loader,
    /// before the server runs).
    static func followAll(on db: any Database, read: (any SQLDatabase)? = nil, today: CivilDate, logger: Logger, now: Date = Date()) async throws -> Bool {
        var byStore: [String: [Watch]] = [:]
        for row in try await db.sql.raw("SELECT code, cursor, definition FROM warning_rules WHERE retired_at IS NULL ORDER BY code").all() {
            guard let rule = JSONText.decode(WarningRule.self, try row.decode(column: "definition", as: String.self)) else { continue }
            byStore[rule.resource, default: []].append(
                Watch(code: try row.decode(column: "code", as: String.self), cursor: try row.decode(column: "cursor", as: Int.self), rule: rule))
        }
        var more = false
        for (resource, watches) in byStore.sorted(by: { $0.key < $1.key }) {
            // A store that cannot be evaluated (retired, a listing's resource gone) is logged and retried on
            // the next pass; it never holds up the other stores' rules.
            do {
                if try await follow(resource, watches, on: db, read: read ?? db.sql, today: today, logger: logger, now: now) { more = true }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.warning("warning rules on \(resource): \(String(describing: error))")
            }
        }
        return more
    }

    /// A rule in use and where its store's change log has been evaluated up to.
    struct Watch: Sendable {
        var code: String
        var cursor: Int
        var rule: WarningRule
    }

    /// What one step found: each rule's firings, the change its cursor moves to, and whether more wait.
    struct Outcome: Sendable {
        var firings: [(watch: Watch, firings: [WarningFiring])]
        var through: Int
        var more: Bool
    }

    /// Up to ``stepsPerPass`` steps of one store's rules, each step's write overlapping the next step's
    /// reads; true when more changes wait (or another evaluator took a batch: the cursors are read again).
    static func follow(
        _ resource: String, _ watches: [Watch], on db: any Database, read: any SQLDatabase, today: CivilDate, logger: Logger,
        maxChanges: Int = changesPerStep, now: Date = Date()
    ) async throws -> Bool {
        let store = try await RecordStores.find(resource, on: db)
        var watches = watches
        var writing: Task<Bool, any Error>?
        defer { writing?.cancel() }
        var more = false
        for _ in 0..<stepsPerPass {
            let outcome = try await evaluate(store, watches, read: read, db: db, today: today, logger: logger, maxChanges: maxChanges)
            if let previous = writing {
                writing = nil
                if try await previous.value { return true }
            }
            guard let outcome else { return false }
            writing = Task { try await commit(outcome, on: db, now: now) }
            for i in watches.indices where watches[i].cursor < outcome.through { watches[i].cursor = outcome.through }
            more = outcome.more
            if !more { break }
        }
        let lost = try await writing?.value ?? false
        writing = nil
        return lost || more
    }

    /// Reads and evaluates one step of a store's rules; nil when no change waits past their cursors.
    static func evaluate(
        _ store: RecordStoreRow, _ watches: [Watch], read readSQL: any SQLDatabase, db: any Database, today: CivilDate, logger: Logger,
        maxChanges: Int
    ) async throws -> Outcome? {
        // A rule whose store's items changed so it no longer compiles waits for the rule to be fixed.
        let checks = watches.compactMap { w -> (Watch, WarningCheck)? in
            guard case .success(let compiled) = w.rule.compile(layout: store.recordLayout) else {
                logger.warning("warning rule \(w.code) no longer compiles against \(store.resourceCode)")
                return nil
            }
            return (w, WarningCheck(rule: w.rule, compiled: compiled))
        }
        guard let from = checks.map(\.0.cursor).min() else { return nil }
        // Only the columns some rule reads are taken out of each record, by slot.
        let needed = FlatJSONText.Names(checks.reduce(into: Set<String>()) { $0.formUnion($1.1.recordColumns) })
        let read = try await WarningChanges.read(store, after: from, limit: maxChanges, keeping: needed, on: readSQL)
        guard let last = read.last else { return nil }
        let records = read.records
        var outcomes: [(watch: Watch, firings: [WarningFiring])] = []
        for (watch, check) in checks {
            let slotted = WarningCheck.Slotted(check, slots: needed.all)
            let mine = watch.cursor == from ? records : records.filter { $0.seq > watch.cursor }
            let fields = mine.map(\.fields)
            let past = try await WarningInputs.past(of: fields, check: slotted, store: store, on: readSQL)
            let listed = try await WarningInputs.listed(in: fields, check: slotted, on: db, read: readSQL)
            // Each `listed_in` input's values, by the input's number.
            let found = check.compiled.inputs.map { input -> Set<String>? in
                guard case .listed(let resource, let column, _) = input else { return nil }
                return listed[WarningInputs.Listing(resource: resource, column: column)]
            }
            var firings: [WarningFiring] = []
            for (i, record) in mine.enumerated() {
                let values = slotted.fires(record.fields, past: past[i], today: today) { input, value in found[input]?.contains(value) ?? false }
                if let values { firings.append(WarningFiring(entity: slotted.entity(of: record.fields), values: values, changeSeq: record.seq)) }
            }
            outcomes.append((watch, firings))
        }
        return Outcome(firings: outcomes, through: last, more: read.count == maxChanges)
    }

    /// Writes one step: each rule's cursor moved from where the step read it, its warnings raised or merged,
    /// its subscribers told. True when another evaluator had moved a rule's cursor first (its part not written).
    static func commit(_ outcome: Outcome, on db: any Database, now: Date) async throws -> Bool {
        try await db.transaction { tx in
            var lost = false
            // A rule already past the step (a new rule starts at the store's end) keeps its cursor.
            for (watch, firings) in outcome.firings where watch.cursor < outcome.through {
                let moved = try await tx.sql.raw(
                    "UPDATE warning_rules SET cursor = \(bind: outcome.through) WHERE code = \(bind: watch.code) AND cursor = \(bind: watch.cursor) RETURNING cursor"
                ).all()
                guard !moved.isEmpty else {  // another evaluator took this rule's batch: look again
                    lost = true
                    continue
                }
                if !firings.isEmpty {
                    let raised = try await WarningWriter.record(firings, rule: watch.rule, now: now, on: tx)
                    if raised > 0 { try await notify(watch.rule, raised: raised, on: tx) }
                }
            }
            return lost
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
