/// Remembers the values of `unique` columns and the key of each row seen so far, and reports
/// the second and later occurrences — as Frictionless does: the first occurrence is not an error.
///
/// Memory grows with the rows seen (a set of strings per unique column); a validation run of
/// 1,000,000 rows holds a few tens of megabytes. The record store itself enforces its key, so
/// loads into a store use this only for `unique` items.
public struct UniquenessTracker: Sendable {
    let uniques: [(rule: QualityRule, column: Int)]
    let keyColumns: [Int]
    let keyRule: QualityRule?
    let layout: RecordLayout
    var seen: [Set<String>]
    var keys: Set<String> = []

    /// - Parameter keyRule: the primary-key rule when the caller (file validation) must check the key itself.
    public init(checker: RowChecker, keyRule: QualityRule?) {
        self.uniques = checker.uniques
        self.layout = checker.layout
        self.keyRule = keyRule
        self.keyColumns = keyRule == nil ? [] : checker.layout.columns.indices.filter { checker.layout.columns[$0].primaryKey }
        self.seen = Array(repeating: [], count: checker.uniques.count)
    }

    public var isEmpty: Bool { uniques.isEmpty && keyColumns.isEmpty }

    /// Layout columns this tracker reads.
    public var columnsRead: [Int] { uniques.map(\.column) + keyColumns }

    public mutating func observe(_ value: (Int) -> String?, into findings: inout [RuleFinding]) {
        for (i, u) in uniques.enumerated() {
            guard let v = value(u.column) else { continue }
            if !seen[i].insert(v).inserted {
                let name = layout.columns[u.column].name
                findings.append(RuleFinding(ruleID: u.rule.id, column: name, value: v, errorType: "unique-error", code: "unique",
                                            message: "\(layout.columns[u.column].itemName)的值“\(v)”重复", messageEn: "\(name): '\(v)' occurs again"))
            }
        }
        guard let keyRule, !keyColumns.isEmpty else { return }
        var parts: [String] = []
        for c in keyColumns {
            guard let v = value(c) else { return }  // a null key part is the required rule's finding
            parts.append(v)
        }
        let key = parts.joined(separator: "\u{1F}")
        if !keys.insert(key).inserted {
            findings.append(RuleFinding(ruleID: keyRule.id, column: nil, value: parts.joined(separator: ", "), errorType: "primary-key",
                                        code: "duplicate_key", message: "主键重复：\(parts.joined(separator: ", "))",
                                        messageEn: "Key repeated: \(parts.joined(separator: ", "))"))
        }
    }
}
