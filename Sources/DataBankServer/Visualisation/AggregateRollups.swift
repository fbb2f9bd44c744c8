import Fluent
import Foundation
import SQLKit
import Vapor
import DataBankCore

/// Rollups: registered aggregates of a store (groups, measures, filters) kept up to date in the
/// writes' own transactions (``RollupMaintenance``), so an aggregate that matches one is answered
/// from its groups (one indexed read) instead of a scan of the store.
///
/// A rollup is `ready` when its groups agree with the store at `covered_seq`; every write moves
/// both in one transaction. One that could not be maintained (or whose items changed) is `stale`:
/// never read, and rebuilt by the exchange worker, `POST …/rollups/{id}/rebuild` or
/// `databank stores rollups CODE --rebuild ID`; one whose rebuild failed is `failed` (with the reason).
enum AggregateRollups {
    struct Row: Content, Sendable {
        var id: String
        var resource: String
        var spec: String
        var group: String
        var measures: String
        var filters: [[String]]
        var state: String
        var coveredSeq: Int
        var groups: Int?
        var error: String?
        var createdBy: String?
        var createdAt: Date
        var builtAt: Date?
    }

    // MARK: Compiling a spec

    /// The spec as an aggregate of this store: the aggregate parser's and the records query's errors, by field.
    static func compile(_ spec: AggregateRollupSpec, store: RecordStoreRow) throws -> (AggregateRequest, RecordQuery) {
        let request: AggregateRequest
        switch AggregateRequest.parse(group: spec.group, measures: spec.measures, sort: nil, top: nil, layout: store.recordLayout) {
        case .success(let r): request = r
        case .failure(let e): throw AppError(.badRequest, e.code, e.messageEn, details: [e])
        }
        let query = try RecordQuery(store: store, params: spec.filterPairs, fields: nil, sort: nil)
        return (request, query)
    }

    static func signature(_ request: AggregateRequest, _ query: RecordQuery) -> String {
        AggregateRollupSignature.of(groups: request.groups, measures: request.measures, conditions: query.conditions)
    }

    static func shape(_ request: AggregateRequest, _ query: RecordQuery) -> String {
        AggregateRollupSignature.shape(groups: request.groups, measures: request.measures, conditions: query.conditions)
    }

    static func decodeSpec(_ text: String) throws -> AggregateRollupSpec {
        try JSONDecoder().decode(AggregateRollupSpec.self, from: Data(text.utf8))
    }

    static func encodeSpec(_ spec: AggregateRollupSpec) -> String {
        String(decoding: (try? JSONEncoder().encode(spec)) ?? Data("{}".utf8), as: UTF8.self)
    }

    // MARK: Managing

    static func list(_ code: String, on sql: any SQLDatabase) async throws -> [Row] {
        let rows = try await sql.raw(
            """
            SELECT r.id, r.resource_code, r.spec, r.state, r.covered_seq, r.error, r.created_by, r.created_at, r.built_at,
                (SELECT COUNT(*) FROM aggregate_rollup_groups AS g WHERE g.rollup_id = r.id) AS groups
            FROM aggregate_rollups AS r WHERE r.resource_code = \(bind: code) ORDER BY r.created_at, r.id
            """
        ).all()
        return try rows.map { r in
            let spec = try decodeSpec(try r.decode(column: "spec", as: String.self))
            let state = try r.decode(column: "state", as: String.self)
            return Row(
                id: try r.decode(column: "id", as: String.self), resource: code, spec: spec.query, group: spec.group, measures: spec.measures,
                filters: spec.filters, state: state, coveredSeq: try r.decode(column: "covered_seq", as: Int.self),
                groups: state == "ready" ? try r.decode(column: "groups", as: Int.self) : nil, error: try r.decode(column: "error", as: String?.self),
                createdBy: try r.decode(column: "created_by", as: String?.self), createdAt: try r.decode(column: "created_at", as: Date.self),
                builtAt: try r.decode(column: "built_at", as: Date?.self))
        }
    }

    static func find(_ code: String, id: String, on sql: any SQLDatabase) async throws -> Row {
        guard let row = try await list(code, on: sql).first(where: { $0.id == id }) else { throw unknownRollup(id) }
        return row
    }

    static func unknownRollup(_ id: String) -> AppError {
        AppError.field(.notFound, "unknown_rollup", "id", zh: "没有这个汇总表：\(id)", en: "No rollup \(id) on this resource")
    }

    /// Registers a rollup and builds it; refused when the spec does not parse, repeats one, or makes too many groups.
    static func register(_ spec: AggregateRollupSpec, store: RecordStoreRow, by who: String?, on db: any Database) async throws -> Row {
        let (request, query) = try compile(spec, store: store)
        let signature = signature(request, query)
        let sql = db.sql
        if let existing = try await sql.raw(
            "SELECT id FROM aggregate_rollups WHERE resource_code = \(bind: store.resourceCode) AND signature = \(bind: signature)"
        ).first() {
            let id = try existing.decode(column: "id", as: String.self)
            throw AppError.field(
                .conflict, "duplicate_rollup", "group", zh: "该资源已登记同样的汇总表：\(id)", en: "This resource already has the same rollup: \(id)")
        }
        let id = UUID().uuidString.lowercased()
        try await sql.raw(
            """
            INSERT INTO aggregate_rollups (id, resource_code, signature, spec, shape, state, covered_seq, created_by, created_at)
            VALUES (\(bind: id), \(bind: store.resourceCode), \(bind: signature), \(bind: encodeSpec(spec)), \(bind: shape(request, query)),
                'stale', -1, \(bind: who), \(bind: Date()))
            """
        ).run()
        do {
            try await rebuild(id, code: store.resourceCode, on: db)
        } catch {
            try? await sql.raw("DELETE FROM aggregate_rollups WHERE id = \(bind: id)").run()
            throw error
        }
        return try await find(store.resourceCode, id: id, on: sql)
    }

    /// The rollup of this aggregate: the one already registered (several saved charts may share it),
    /// else a new one, built. For saving a chart.
    static func ensure(_ spec: AggregateRollupSpec, store: RecordStoreRow, by who: String?, on db: any Database) async throws -> Row {
        let (request, query) = try compile(spec, store: store)
        if let existing = try await db.sql.raw(
            """
            SELECT id FROM aggregate_rollups WHERE resource_code = \(bind: store.resourceCode) AND signature = \(bind: signature(request, query))
            """
        ).first() {
            return try await find(store.resourceCode, id: try existing.decode(column: "id", as: String.self), on: db.sql)
        }
        return try await register(spec, store: store, by: who, on: db)
    }

    static func remove(_ id: String, code: String, on db: any Database) async throws {
        _ = try await find(code, id: id, on: db.sql)
        try await db.transaction { tx in
            try await tx.sql.raw("DELETE FROM aggregate_rollup_groups WHERE rollup_id = \(bind: id)").run()
            try await tx.sql.raw("DELETE FROM aggregate_rollups WHERE id = \(bind: id)").run()
        }
    }

    /// Builds a rollup from its store's records, under the store's write lock, and marks it ready
    /// at the store's last change. A spec that no longer applies (an item gone) leaves it stale with the reason.
    @discardableResult
    static func rebuild(_ id: String, code: String, on db: any Database) async throws -> Row {
        guard let specRow = try await db.sql.raw("SELECT spec FROM aggregate_rollups WHERE id = \(bind: id) AND resource_code = \(bind: code)").first()
        else { throw unknownRollup(id) }
        let spec = try decodeSpec(try specRow.decode(column: "spec", as: String.self))
        do {
            try await db.transaction { tx in
                let sql = tx.sql
                // The writers' lock first: no batch commits between the scan and the position it covers.
                guard
                    let head = try await sql.raw(
                        "UPDATE record_stores SET version = version + 1 WHERE resource_code = \(bind: code) RETURNING last_seq"
                    ).first()
                else { throw RecordStores.notPublished(code) }
                let lastSeq = try head.decode(column: "last_seq", as: Int.self)
                let store = try await RecordStores.find(code, on: tx)
                let (request, query) = try compile(spec, store: store)
                let builder = RollupSQL(rollupID: id, aggregate: AggregateSQL(request: request, query: query, dialect: RecordTables.Dialect(sql)))
                try await sql.raw("DELETE FROM aggregate_rollup_groups WHERE rollup_id = \(bind: id)").run()
                try await sql.raw(builder.buildStatement()).run()
                let n =
                    try await sql.raw("SELECT COUNT(*) AS n FROM aggregate_rollup_groups WHERE rollup_id = \(bind: id)").first()?
                    .decode(column: "n", as: Int.self) ?? 0
                if n > AggregateRequest.maxResultGroups { throw AggregateAPI.tooManyGroups(n) }
                try await sql.raw(
                    """
                    UPDATE aggregate_rollups SET state = 'ready', covered_seq = \(bind: lastSeq), shape = \(bind: shape(request, query)),
                        signature = \(bind: signature(request, query)), error = NULL, built_at = \(bind: Date()) WHERE id = \(bind: id)
                    """
                ).run()
            }
        } catch {
            let reason = AppError.from(error).message
            try? await db.sql.raw(
                "UPDATE aggregate_rollups SET state = 'failed', error = \(bind: reason), built_at = \(bind: Date()) WHERE id = \(bind: id)"
            ).run()
            throw error
        }
        return try await find(code, id: id, on: db.sql)
    }

    /// Rebuilds one stale rollup (the exchange worker's loop); true when it tried one, so it asks again.
    /// A rollup whose rebuild failed (`failed`, with its error) is tried again after a quarter of an hour.
    static func rebuildStale(on db: any Database, now: Date = Date()) async throws -> Bool {
        let retryBefore = now.addingTimeInterval(-15 * 60)
        guard
            let row = try await db.sql.raw(
                """
                SELECT id, resource_code FROM aggregate_rollups
                WHERE state = 'stale' OR (state = 'failed' AND built_at < \(bind: retryBefore)) ORDER BY created_at LIMIT 1
                """
            ).first()
        else { return false }
        let id = try row.decode(column: "id", as: String.self)
        _ = try? await rebuild(id, code: try row.decode(column: "resource_code", as: String.self), on: db)
        return true
    }

    // MARK: Answering

    /// The aggregate answered from a rollup, or nil when none applies: no ready rollup with the same
    /// groups, measures and filters; the reader's grant narrows the rows (a row scope); the rollup
    /// was built under another layout; or it does not cover the store's last change. The answer is
    /// the direct aggregate's, byte for byte: the same groups, order, suppression and other row.
    /// - Parameters:
    ///   - code: the resource whose store is aggregated.
    ///   - query: the request's records query (its conditions: the caller's filters and the view's row scope).
    ///   - view: the reader's grant or open-portal view; nil for full readers.
    ///   - k: the small-cell threshold, nil for full readers.
    static func answer(
        _ request: AggregateRequest, resource code: String, query: RecordQuery, view: GrantView?, k: Int?, language: String,
        on sql: any SQLDatabase
    ) async throws -> AggregateResult? {
        if let view, !view.conditions.isEmpty { return nil }
        guard query.textSearches.isEmpty,
            let found = try await sql.raw(
                """
                SELECT id, spec, shape FROM aggregate_rollups WHERE resource_code = \(bind: code)
                AND signature = \(bind: signature(request, query)) AND state = 'ready'
                """
            ).first(),
            try found.decode(column: "shape", as: String.self) == shape(request, query)
        else { return nil }
        let id = try found.decode(column: "id", as: String.self)
        let spec = try decodeSpec(try found.decode(column: "spec", as: String.self))
        guard case .success(let stored) = AggregateRequest.parse(group: spec.group, measures: spec.measures, sort: nil, top: nil, layout: query.layout)
        else { return nil }
        let slots = request.measures.compactMap { m in stored.measures.firstIndex(of: m) }
        guard slots.count == request.measures.count else { return nil }
        let dialect = RecordTables.Dialect(sql)
        let rollup = RollupSQL(rollupID: id, aggregate: AggregateSQL(request: stored, query: query, dialect: dialect))

        let groupCount = request.groups.count, width = request.measures.count
        let collected = RecordTextRows.Collector([(AggregateGroupRow, [String?])]())
        let statement = rollup.readStatement(request, slots: slots, limit: AggregateRequest.maxResultGroups + 1)
        try await RecordTextRows.run(statement, names: RollupSQL.readNames(request), on: sql) { cells in
            let measures = (0..<width).map { cells[groupCount + 1 + 2 * $0] }
            let states = (0..<width).map { cells[groupCount + 2 + 2 * $0] }
            collected.value.append(
                (AggregateGroupRow(keys: Array(cells[0..<groupCount]), count: Int(cells[groupCount] ?? "0") ?? 0, measures: measures), states))
        }
        // None: not ready or behind the store (a write committed meanwhile), or no groups at all: the direct answer is right.
        guard !collected.value.isEmpty else { return nil }
        if collected.value.count > AggregateRequest.maxResultGroups {
            let n =
                try await sql.raw("SELECT COUNT(*) AS n FROM aggregate_rollup_groups WHERE rollup_id = \(bind: id)").first()?
                .decode(column: "n", as: Int.self) ?? collected.value.count
            throw AggregateAPI.tooManyGroups(n)
        }
        let rows = collected.value.map(\.0)
        let plan = AggregateSuppression(rows, k: k, top: request.top)
        var otherMeasures: [String?]?
        if request.top != nil, !plan.folded.isEmpty {
            if request.measures.allSatisfy({ [.count, .sum, .min, .max].contains($0.function) }) {
                let states = Dictionary(collected.value.map { ($0.0.keys.map { $0 ?? AggregateSQL.nullKey }, $0.1) }, uniquingKeysWith: { a, _ in a })
                otherMeasures = otherRow(request, folded: plan.folded, states: states, rollup: rollup)
            } else {
                // count_distinct, avg and the percentiles of a union of groups are the records' to say.
                otherMeasures = try await AggregateAPI.otherRow(AggregateSQL(request: request, query: query, dialect: dialect), plan: plan, on: sql)
            }
        }
        return AggregateResult(request: request, plan: plan, otherMeasures: otherMeasures, k: k, language: language)
    }

    /// The other row of `top=N` from the folded groups' states: counts and sums added exactly (sums as
    /// decimals, a SQLite decimal item's state in its smallest unit), the least minimum and greatest maximum.
    static func otherRow(_ request: AggregateRequest, folded: [AggregateGroupRow], states: [[String]: [String?]], rollup: RollupSQL) -> [String?] {
        request.measures.enumerated().map { i, m -> String? in
            switch m.function {
            case .count: return String(folded.reduce(0) { $0 + $1.count })
            case .sum:
                let parts = folded.compactMap { states[$0.keys.map { $0 ?? AggregateSQL.nullKey }]?[i] ?? nil }.compactMap { Decimal(string: $0) }
                guard !parts.isEmpty else { return nil }
                var total = parts.reduce(Decimal(0), +)
                if let p = m.column.flatMap(rollup.scale) { total /= pow(Decimal(10), p) }
                return "\(total)"
            case .min, .max:
                let values = folded.compactMap { $0.measures[i] }.compactMap { t in Double(t).map { (t, $0) } }
                let best = m.function == .min ? values.min { $0.1 < $1.1 } : values.max { $0.1 < $1.1 }
                return best?.0
            default: return nil
            }
        }
    }
}
