/// One value or row that fails a quality rule: which rule, where, what was there and why.
///
/// `errorType` is the Frictionless error type (`type-error`, `constraint-error`, `unique-error`,
/// `primary-key`, `foreign-key`, `missing-cell`, `extra-cell`, `blank-row`, `row-constraint`), so a
/// report lines up with `frictionless validate`; `code` is DataBank's finer, stable reason
/// (`pattern`, `domain`, `id_check_digit`, …).
public struct RuleFinding: Hashable, Sendable, Codable {
    /// The rule's id (`derived:<column>:<kind>` or a written rule's UUID); `load:<code>` for a
    /// refusal of the load itself (a cell that does not read as its type, a missing cell).
    public var ruleID: String
    public var column: String?
    public var value: String?
    public var errorType: String
    public var code: String
    public var message: String
    public var messageEn: String

    public init(ruleID: String, column: String?, value: String?, errorType: String, code: String, message: String, messageEn: String) {
        self.ruleID = ruleID; self.column = column; self.value = value; self.errorType = errorType
        self.code = code; self.message = message; self.messageEn = messageEn
    }

    /// A value a referential rule did not find among the target's keys.
    public static func missingReference(_ rule: QualityRule, column: RecordLayout.Column, value: String) -> RuleFinding {
        let target = rule.references ?? ""
        return RuleFinding(ruleID: rule.id, column: column.name, value: value, errorType: "foreign-key", code: "foreign_key",
                           message: "\(column.itemName)：“\(value)”在 \(target) 中不存在", messageEn: "\(column.name): '\(value)' does not exist in \(target)")
    }

    /// The Frictionless error type of a refusal at the door (`FieldProblem.code` of the row encoder).
    public static func errorType(ofLoadProblem code: String) -> String {
        switch code {
        case "type_error", "undecodable": return "type-error"
        case "duplicate_key": return "primary-key"
        case "missing_cell": return "missing-cell"
        case "extra_cell": return "extra-cell"
        case "blank_row": return "blank-row"
        default: return "constraint-error"  // required, too_long, precision, bad_fields, and rule codes
        }
    }
}

/// How a resource treats rows that fail its quality rules when they are loaded.
public enum QualityPolicy: String, Codable, Sendable, CaseIterable {
    /// Failing rows go to the quarantine, to be fixed and resubmitted; the rest load. (Default.)
    case quarantine
    /// Failing rows load and are flagged with their findings (cells that do not read as their
    /// type still go to the quarantine: a typed column cannot hold them).
    case flag
    /// Any failing row refuses the whole load: nothing is written.
    case reject

    public var zh: String { ["quarantine": "隔离问题行", "flag": "接收并标记", "reject": "整批拒收"][rawValue]! }
    public var en: String { ["quarantine": "Quarantine failing rows", "flag": "Accept and flag", "reject": "Reject the whole load"][rawValue]! }
}
