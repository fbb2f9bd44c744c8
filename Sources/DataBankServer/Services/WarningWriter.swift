import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Writes a batch of firings of one rule: each merged into its entity's newest warning not yet closed when
/// that was raised within the rule's merge window, else raised as a new warning (numbered in order).
/// One statement reads the batch's open warnings, one per ``rowsPerStatement`` writes them.
enum WarningWriter {
    static let rowsPerStatement = 200

    /// Answers how many new warnings were raised.
    static func record(_ firings: [WarningFiring], rule: WarningRule, now: Date, on db: any Database) async throws -> Int {
        let sql = db.sql
        // The newest warning not closed, per entity of the batch.
        var current: [String: Target] = [:]
        let entities = Array(Set(firings.map(\.entity)))
        for chunk in chunks(entities) {
            let list = chunk.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")
            let rows = try await sql.raw(
                """
                SELECT id, entity, first_fired_at FROM warnings
                WHERE rule_code = \(bind: rule.code) AND state <> 'closed' AND entity IN (\(list))
                """
            ).all()
            for row in rows {
                let target = Target(
                    id: try row.decode(column: "id", as: UUID.self), firstFiredAt: try row.decode(column: "first_fired_at", as: Date.self), isNew: false)
                let entity = try row.decode(column: "entity", as: String.self)
                if let known = current[entity], known.firstFiredAt >= target.firstFiredAt { continue }
                current[entity] = target
            }
        }
        var merged: [UUID: (count: Int, last: WarningFiring)] = [:]
        var raised: [(id: UUID, first: WarningFiring, count: Int)] = []
        var raisedIndex: [UUID: Int] = [:]
        for firing in firings {
            if let target = current[firing.entity], rule.merges(openedSecondsAgo: now.timeIntervalSince(target.firstFiredAt)) {
                if let i = raisedIndex[target.id] {
                    raised[i].count += 1
                    raised[i].first.values = firing.values  // a warning shows its latest values
                    raised[i].first.changeSeq = firing.changeSeq
                } else {
                    merged[target.id, default: (0, firing)].count += 1
                    merged[target.id]?.last = firing
                }
                continue
            }
            let id = UUID()
            raisedIndex[id] = raised.count
            raised.append((id, firing, 1))
            current[firing.entity] = Target(id: id, firstFiredAt: now, isNew: true)
        }
        try await update(merged, now: now, on: sql)
        try await insert(raised, rule: rule, now: now, on: sql)
        return raised.count
    }

    struct Target { var id: UUID; var firstFiredAt: Date; var isNew: Bool }

    /// Merged firings: each warning's count, latest values and change, in a few statements.
    static func update(_ merged: [UUID: (count: Int, last: WarningFiring)], now: Date, on sql: any SQLDatabase) async throws {
        let items = Array(merged)
        for chunk in chunks(items) {
            let firings = chunk.map { "WHEN \(bind: $0.key) THEN \(bind: $0.value.count)" as SQLQueryString }.joined(separator: " ")
            let values = chunk.map { "WHEN \(bind: $0.key) THEN \(bind: JSONText.encode($0.value.last.values))" as SQLQueryString }.joined(separator: " ")
            let seqs = chunk.map { "WHEN \(bind: $0.key) THEN \(bind: $0.value.last.changeSeq)" as SQLQueryString }.joined(separator: " ")
            let ids = chunk.map { "\(bind: $0.key)" as SQLQueryString }.joined(separator: ", ")
            try await sql.raw(
                """
                UPDATE warnings SET firings = firings + (CASE id \(firings) END), warning_values = (CASE id \(values) END),
                    change_seq = (CASE id \(seqs) END), last_fired_at = \(bind: now), updated_at = \(bind: now)
                WHERE id IN (\(ids))
                """
            ).run()
        }
    }

    /// New warnings, numbered after the last one. PostgreSQL: the table is locked for the numbering (other
    /// rules' steps wait for this one's commit); SQLite's writes are serial already.
    static func insert(_ raised: [(id: UUID, first: WarningFiring, count: Int)], rule: WarningRule, now: Date, on sql: any SQLDatabase) async throws {
        guard !raised.isEmpty else { return }
        if RecordTables.Dialect(sql) == .postgres { try await sql.raw("LOCK TABLE warnings IN EXCLUSIVE MODE").run() }
        var seq = try await sql.raw("SELECT COALESCE(MAX(seq), 0) AS n FROM warnings").first()?.decode(column: "n", as: Int.self) ?? 0
        for chunk in chunks(raised) {
            let rows = chunk.map { w -> SQLQueryString in
                seq += 1
                return """
                    (\(bind: w.id), \(bind: seq), \(bind: rule.code), \(bind: rule.resource), \(bind: w.first.entity), 'open',
                     \(bind: JSONText.encode(w.first.values)), \(bind: w.count), \(bind: w.first.changeSeq), \(bind: now), \(bind: now), \(bind: now))
                    """
            }
            try await sql.raw(
                """
                INSERT INTO warnings (id, seq, rule_code, resource_code, entity, state, warning_values, firings, change_seq,
                    first_fired_at, last_fired_at, updated_at) VALUES \(rows.joined(separator: ", "))
                """
            ).run()
        }
    }

    static func chunks<T>(_ items: [T]) -> [ArraySlice<T>] {
        stride(from: 0, to: items.count, by: rowsPerStatement).map { items[$0..<min($0 + rowsPerStatement, items.count)] }
    }
}
