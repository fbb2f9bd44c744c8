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
    var seen: [ExactStringSet]
    var keys = ExactStringSet()

    /// - Parameter keyRule: the primary-key rule when the caller (file validation) must check the key itself.
    public init(checker: RowChecker, keyRule: QualityRule?) {
        self.uniques = checker.uniques
        self.layout = checker.layout
        self.keyRule = keyRule
        self.keyColumns = keyRule == nil ? [] : checker.layout.columns.indices.filter { checker.layout.columns[$0].primaryKey }
        self.seen = Array(repeating: ExactStringSet(), count: checker.uniques.count)
    }

    public var isEmpty: Bool { uniques.isEmpty && keyColumns.isEmpty }

    /// Layout columns this tracker reads.
    public var columnsRead: [Int] { uniques.map(\.column) + keyColumns }

    public mutating func observe(_ value: (Int) -> String?, into findings: inout [RuleFinding]) {
        for (i, u) in uniques.enumerated() {
            guard let v = value(u.column) else { continue }
            if !seen[i].insert(v) {
                let name = layout.columns[u.column].name
                findings.append(RuleFinding(ruleID: u.rule.id, column: name, value: v, errorType: "unique-error", code: "unique",
                                            message: "\(layout.columns[u.column].itemName)的值“\(v)”重复", messageEn: "\(name): '\(v)' occurs again"))
            }
        }
        guard let keyRule, !keyColumns.isEmpty else { return }
        if keyColumns.count == 1 {  // the common case, without building a joined key
            guard let v = value(keyColumns[0]) else { findings.append(Self.keyMissing(keyRule)); return }
            if !keys.insert(v) {
                findings.append(RuleFinding(ruleID: keyRule.id, column: nil, value: v, errorType: "primary-key", code: "duplicate_key",
                                            message: "主键重复：\(v)", messageEn: "Key repeated: \(v)"))
            }
            return
        }
        let parts = keyColumns.map { value($0) }
        // A row with no key at all cannot be told apart from any other (Frictionless reports it too).
        if parts.allSatisfy({ $0 == nil }) {
            findings.append(Self.keyMissing(keyRule))
            return
        }
        let key = parts.map { $0 ?? "\u{0}" }.joined(separator: "\u{1F}")
        if !keys.insert(key) {
            let text = parts.map { $0 ?? "" }.joined(separator: ", ")
            findings.append(RuleFinding(ruleID: keyRule.id, column: nil, value: text, errorType: "primary-key",
                                        code: "duplicate_key", message: "主键重复：\(text)", messageEn: "Key repeated: \(text)"))
        }
    }

    /// The finding of a row whose key cells are all empty.
    static func keyMissing(_ rule: QualityRule) -> RuleFinding {
        RuleFinding(ruleID: rule.id, column: nil, value: nil, errorType: "primary-key", code: "key_missing",
                    message: "主键各项均为空", messageEn: "Every key cell is empty")
    }

    /// Whether rows are checked for their key (a file; a store enforces its own).
    public var checksKey: Bool { keyRule != nil && !keyColumns.isEmpty }

    /// The key finding of a blank row (its key is empty), when keys are checked.
    public var blankRowKeyFinding: RuleFinding? { checksKey ? keyRule.map(Self.keyMissing) : nil }
}

/// A set of strings that stores each under its 64-bit hash: growing it rehashes integers, not
/// strings, and a lookup compares strings only when the hashes match. Exact: two different
/// strings with the same hash (rare) are kept apart in a second, ordinary set.
struct ExactStringSet: Sendable {
    var byHash: [Int: String] = [:]
    var collided: Set<String> = []

    /// Inserts `s`; false when it was already there.
    mutating func insert(_ s: String) -> Bool {
        let h = s.hashValue
        if let existing = byHash[h] {
            if existing == s { return false }
            return collided.insert(s).inserted
        }
        byHash[h] = s
        return true
    }
}
