import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The rules only the database can answer, applied a batch at a time before the batch is written:
/// references to other stores' keys, and `unique` items (against the store and the rest of the load).
extension Ingest {
    /// Looks the batch's referenced values up in their target stores (one query per rule and
    /// 5,000 values); rows referring to missing keys are refused or flagged by the policy.
    func checkReferences(_ batch: inout RecordBatch) async throws {
        guard let quality, !batch.references.isEmpty else { return }
        let sql = db.sql
        var refused: Set<String> = []
        for rule in quality.checker.references.indices {
            let refs = batch.references.filter { $0.rule == rule }
            let missing = try await quality.missingReferences(rule, Set(refs.map(\.value)), on: sql)
            guard !missing.isEmpty else { continue }
            let (r, column) = quality.checker.references[rule]
            for ref in refs where missing.contains(ref.value) {
                settle(
                    ref, RuleFinding.missingReference(r, column: layout.columns[column], value: ref.value),
                    policy: quality.policy, in: &batch, refused: &refused)
            }
        }
        if !refused.isEmpty { batch.remove(keys: refused) }
        batch.references = []
    }

    /// A `unique` item's value held by another record — in the store (one query per rule and 5,000
    /// values) or earlier in this load — is refused or flagged by the policy. A record keeping its
    /// own value (an upsert of the same key) is not a repeat.
    func checkUniques(_ batch: inout RecordBatch) async throws {
        guard let quality, !batch.uniques.isEmpty else { return }
        let sql = db.sql
        let dialect = RecordTables.Dialect(sql)
        if uniqueSeen.isEmpty { uniqueSeen = Array(repeating: [:], count: quality.checker.uniques.count) }
        let keyText = layout.keyColumns.enumerated().map { RecordQuery.text($1, as: "k\($0)", dateTimeSeparator: "T", dialect) }
            .joined(separator: ", ")
        var refused: Set<String> = []
        for (index, (rule, column)) in quality.checker.uniques.enumerated() {
            let pending = batch.uniques.filter { $0.rule == index }
            guard !pending.isEmpty else { continue }
            let c = layout.columns[column]
            var holders: [String: Set<String>] = [:]
            for chunk in Array(Set(pending.map(\.value))).chunked(5_000) {
                let list = chunk.map { RecordQuery.typedValue($0, c, dialect) }.joined(separator: ", ")
                let rows = try await sql.raw(
                    """
                    SELECT \(RecordQuery.text(c, as: "v", dateTimeSeparator: "T", dialect)), \(keyText) FROM \(ident: writer.tables.records)
                    WHERE \(ident: c.name) IN (\(list))
                    """
                ).all()
                for r in rows {
                    guard let v = try r.decode(column: "v", as: String?.self) else { continue }
                    let k = try layout.keyColumns.indices.map { try r.decode(column: "k\($0)", as: String?.self) ?? "" }.joined(separator: ", ")
                    holders[v, default: []].insert(k)
                }
            }
            for p in pending {
                if p.refused {
                    // A refused row's value counts as met (as validation counts every row); repeating one, it is reported too.
                    guard uniqueSeen[index][p.value] != nil else { uniqueSeen[index][p.value] = "\u{0}\(p.row)"; continue }
                    let finding = Self.uniqueFinding(rule, c, p.value)
                    batch.rejected.append(
                        RowProblem(
                            row: p.row, line: p.line, byteOffset: p.offset, column: c.name, raw: p.value,
                            problem: FieldProblem(finding.code, zh: finding.message, en: finding.messageEn),
                            rawRow: batch.rejected.last { $0.row == p.row }?.rawRow))
                    if summary.problems.count < 20 {
                        summary.problems.append(.init(row: p.row, line: p.line, column: c.name, value: p.value, code: finding.code, message: finding.messageEn))
                    }
                    continue
                }
                let mine = RecordWriter.keyText(p.key)
                let earlier = uniqueSeen[index][p.value]
                if earlier == nil { uniqueSeen[index][p.value] = mine }
                let inStore = !(holders[p.value] ?? []).subtracting([mine]).isEmpty
                guard inStore || (earlier != nil && earlier != mine) else { continue }
                settle(p, Self.uniqueFinding(rule, c, p.value), policy: quality.policy, in: &batch, refused: &refused)
            }
        }
        if !refused.isEmpty { batch.remove(keys: refused) }
        batch.uniques = []
    }

    static func uniqueFinding(_ rule: QualityRule, _ c: RecordLayout.Column, _ value: String) -> RuleFinding {
        RuleFinding(
            ruleID: rule.id, column: c.name, value: value, errorType: "unique-error", code: "unique",
            message: "\(c.itemName)的值“\(value)”已被其他记录使用", messageEn: "\(c.name): '\(value)' is already another record's")
    }

    /// Flags the row, or takes it out of the batch into the quarantine with its whole object.
    private func settle(_ p: PendingReference, _ finding: RuleFinding, policy: QualityPolicy, in batch: inout RecordBatch, refused: inout Set<String>) {
        if policy == .flag {
            batch.flags.append(QualityFlag(key: p.key, row: p.row, finding: finding))
            return
        }
        guard let i = batch.keys.firstIndex(of: p.key), refused.insert(p.key).inserted else { return }
        let raw = String(decoding: batch.bytes[batch.objects[i]], as: UTF8.self)
        batch.rejected.append(
            RowProblem(
                row: p.row, line: p.line, byteOffset: p.offset, column: finding.column, raw: p.value,
                problem: FieldProblem(finding.code, zh: finding.message, en: finding.messageEn), rawRow: raw))
        summary.rejected += 1
        if summary.problems.count < 20 {
            summary.problems.append(.init(row: p.row, line: p.line, column: finding.column, value: p.value, code: finding.code, message: finding.messageEn))
        }
    }
}
