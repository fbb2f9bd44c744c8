/// What a validation found in a file or a store: counts per Frictionless error type and per
/// rule, and the first findings with their row numbers.
public struct ValidationReport: Codable, Hashable, Sendable {
    public struct Line: Codable, Hashable, Sendable {
        /// The record's number, the header being row 1 (Frictionless's `rowNumber`).
        public var row: Int
        /// The file line where the record starts (nil: not from a file, e.g. a store's check).
        public var line: Int?
        public var errorType: String
        public var code: String
        public var ruleID: String
        public var column: String?
        public var value: String?
        public var message: String
        public var messageEn: String
    }

    public struct RuleCount: Codable, Hashable, Sendable {
        public var ruleID: String
        public var errorType: String
        public var count = 0
        /// Up to ``ValidationReport/examplesPerRule`` failing values, as found (mask before showing them to others).
        public var examples: [String] = []

        public init(ruleID: String, errorType: String, count: Int = 0, examples: [String] = []) {
            self.ruleID = ruleID; self.errorType = errorType; self.count = count; self.examples = examples
        }
    }

    public static let maxLines = 1_000
    public static let examplesPerRule = 5

    public var rows = 0
    /// Rows with at least one finding.
    public var invalidRows = 0
    public var errors: [String: Int] = [:]
    public var rules: [String: RuleCount] = [:]
    public var lines: [Line] = []

    public init() {}

    public var errorCount: Int { errors.values.reduce(0, +) }
    public var valid: Bool { errorCount == 0 }

    /// Adds one row's findings.
    public mutating func add(row: Int, line: Int? = nil, _ findings: [RuleFinding]) {
        guard !findings.isEmpty else { return }
        invalidRows += 1
        for f in findings {
            errors[f.errorType, default: 0] += 1
            var count = rules[f.ruleID] ?? RuleCount(ruleID: f.ruleID, errorType: f.errorType)
            count.count += 1
            if let v = f.value, count.examples.count < Self.examplesPerRule, !count.examples.contains(v) { count.examples.append(v) }
            rules[f.ruleID] = count
            if lines.count < Self.maxLines {
                lines.append(
                    Line(
                        row: row, line: line, errorType: f.errorType, code: f.code, ruleID: f.ruleID, column: f.column, value: f.value,
                        message: f.message, messageEn: f.messageEn))
            }
        }
    }

    /// Counts findings found apart from rows (a batch lookup of references), already attributed to `rows`.
    public mutating func merge(_ other: ValidationReport) {
        invalidRows += other.invalidRows
        for (k, v) in other.errors { errors[k, default: 0] += v }
        for (k, v) in other.rules {
            var count = rules[k] ?? RuleCount(ruleID: v.ruleID, errorType: v.errorType)
            count.count += v.count
            for e in v.examples where count.examples.count < Self.examplesPerRule && !count.examples.contains(e) { count.examples.append(e) }
            rules[k] = count
        }
        lines = Array((lines + other.lines).sorted { $0.row < $1.row }.prefix(Self.maxLines))
    }
}
