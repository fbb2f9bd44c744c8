import Vapor
import DataBankCore

/// A load finds what `databank quality validate` finds in the same file: a key repeated in the
/// load is a primary-key finding (the first row is kept, each later one refused under every policy
/// and mode: a store holds one record per key), and a row the encoder refuses is reported cell by
/// cell as validation reports it (every type error, missing and extra cells, the rules on the cells
/// that did read, a blank row), its key and `unique` values still counting for later rows.
extension Ingest {
    /// The primary-key finding of a row that encoded with `key`, if the load met that key before.
    func repeatedKey(_ key: String) -> RuleFinding? {
        guard keyed else { return nil }
        return seenKeys.finding(.key(key), rule: RepeatedKeys.keyRule(rules))
    }

    /// Refuses a row the encoder could not encode, with every finding validation would name.
    func refuseUnencoded(
        _ failure: RowEncodingFailure, row: Int, line: Int?, offset: Int?, fieldCount: Int, encoder: RowEncoder,
        names: [String], field: (Int) -> UnsafeBufferPointer<UInt8>?
    ) {
        let rawRow = Self.rawRow(encoder, fieldCount: fieldCount, field: field)
        guard var validator = refusalValidator(names) else {
            reject(
                failure.problems.map {
                    var p = $0; p.line = line; return p
                }, rawRow: rawRow)
            return
        }
        let (cells, blank, values) = validator.refusedRowFindings(fieldCount: fieldCount, field: field)
        refusalValidators[names] = validator
        var findings =
            cells.isEmpty
            ? failure.problems.map { p in
                RuleFinding(
                    ruleID: "load:\(p.problem.code)", column: p.column, value: p.raw, errorType: RuleFinding.errorType(ofLoadProblem: p.problem.code),
                    code: p.problem.code, message: p.problem.message, messageEn: p.problem.messageEn)
            } : cells
        if keyed,
            let keyFinding = seenKeys.finding(blank ? .missing : encoder.key(fieldCount: fieldCount, field: field), rule: RepeatedKeys.keyRule(rules))
        {
            findings.append(keyFinding)
        }
        reject(findings.map { Self.problem($0, row: row, line: line, offset: offset) }, rawRow: rawRow)
        if !blank { holdUniques(of: row, line: line, offset: offset) { values[$0] } }
    }

    /// A refused row's `unique` values still occur in the file: a later row repeating one is a
    /// unique-error, and so is this one if an earlier row held it (checked with the batch, in order).
    func holdUniques(of row: Int, line: Int?, offset: Int?, _ value: (Int) -> String?) {
        guard let quality else { return }
        let last = batches.count - 1
        for (i, u) in quality.checker.uniques.enumerated() {
            if let v = value(u.column) {
                batches[last].uniques.append(.init(rule: i, value: v, key: "", row: row, offset: offset, line: line, refused: true))
            }
        }
    }

    func refusalValidator(_ names: [String]) -> CellValidator? {
        if let v = refusalValidators[names] { return v }
        guard let v = try? CellValidator(layout: layout, rules: rules, header: names, today: today, checkKey: false) else { return nil }
        refusalValidators[names] = v
        return v
    }

    static func problem(_ f: RuleFinding, row: Int, line: Int?, offset: Int?) -> RowProblem {
        RowProblem(row: row, line: line, byteOffset: offset, column: f.column, raw: f.value, problem: FieldProblem(f.code, zh: f.message, en: f.messageEn))
    }
}
