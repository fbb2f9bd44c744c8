/// The query operators, stored with a grant's row filter by their raw names ("eq", "between", …).
extension RecordCondition.Op: Codable {}

/// One row condition of a grant: a `RecordCondition` by column name, so it can be stored and
/// outlive layout changes; `GrantScope.conditions(layout:)` ties it back to the current columns.
public struct ScopeCondition: Codable, Hashable, Sendable {
    public var column: String
    public var op: RecordCondition.Op
    /// Canonical values, as `RecordFilter.parse` gives them.
    public var values: [String]

    public init(column: String, op: RecordCondition.Op, values: [String]) {
        self.column = column; self.op = op; self.values = values
    }

    /// The query-string form of the condition, e.g. `amount__gt=10` (one parameter).
    public var queryParameter: (name: String, value: String) {
        (op == .eq ? column : "\(column)__\(op.rawValue)", values.joined(separator: ","))
    }

    /// Why the condition does not fit `column` (wrong number of values, or a value of the wrong type), if it does not.
    func problem(column: RecordLayout.Column, field: String) -> FieldError? {
        let countFits: Bool = switch op {
        case .between: values.count == 2
        case .in: !values.isEmpty
        default: values.count == 1
        }
        guard countFits else {
            return FieldError(field: field, code: "invalid_filter", message: "筛选条件 \(queryParameter.name) 的取值个数不对",
                              messageEn: "Filter \(queryParameter.name) has the wrong number of values")
        }
        if op == .isnull {
            return ["true", "false"].contains(values[0]) ? nil
                : FieldError(field: field, code: "invalid_filter", message: "__isnull 取值为 true 或 false", messageEn: "__isnull takes true or false")
        }
        if op == .prefix { return nil }
        for value in values {
            if case .failure(let problem) = canonicalValue(value, as: column) {
                return FieldError(field: field, code: "invalid_filter", message: "\(queryParameter.name) 的值“\(value)”：\(problem.message)",
                                  messageEn: "\(queryParameter.name)=\(value): \(problem.messageEn)")
            }
        }
        return nil
    }
}

extension GrantScope {
    /// Reads a row filter written as a query string, `region=440604&amount__gt=10`, with the
    /// record API's operators; values become canonical for their columns. `%XX` escapes are
    /// decoded (`+` is kept as is). Empty text is no filter.
    public static func parseFilter(_ text: String, layout: RecordLayout) -> Result<[ScopeCondition], FieldError> {
        var params: [(String, String)] = []
        for part in text.trimmingSpaces.split(separator: "&") where !part.isEmpty {
            guard let eq = part.firstIndex(of: "=") else {
                return .failure(FieldError(field: "rowFilter", code: "invalid_filter", message: "筛选条件应写成 字段=值：\(part)",
                                           messageEn: "Write each filter as column=value: \(part)"))
            }
            let name = percentDecoded(part[..<eq]), value = percentDecoded(part[part.index(after: eq)...])
            if RecordFilter.reserved.contains(name) {
                return .failure(FieldError(field: "rowFilter", code: "unknown_filter", message: "\(name) 不是筛选条件",
                                           messageEn: "\(name) is not a filter"))
            }
            params.append((name, value))
        }
        return RecordFilter.parse(params, layout: layout).map { conditions in
            conditions.map { ScopeCondition(column: $0.column.name, op: $0.op, values: $0.values) }
        }
    }

    /// The row filter as record conditions on the current layout; a column that has
    /// disappeared is `unknown_item` (field `rowFilter`).
    public func conditions(layout: RecordLayout) -> Result<[RecordCondition], FieldError> {
        var out: [RecordCondition] = []
        for condition in rowFilter {
            guard let column = layout.column(named: condition.column) else {
                return .failure(.unknownItem(condition.column, field: "rowFilter"))
            }
            out.append(RecordCondition(column: column, op: condition.op, values: condition.values))
        }
        return .success(out)
    }

    /// The row filter back in query-string form (unescaped), for showing and editing.
    public var filterText: String {
        rowFilter.map { "\($0.queryParameter.name)=\($0.queryParameter.value)" }.joined(separator: "&")
    }
}

/// `%E5%8C%BA` → 区; malformed escapes stay as written.
private func percentDecoded(_ text: Substring) -> String {
    let bytes = Array(text.utf8)
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
        if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) {
            out.append(high << 4 | low); i += 3
        } else {
            out.append(bytes[i]); i += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}

private func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
    default: nil
    }
}

/// A value converted to `column`'s type as canonical text (as `RecordFilter` does: length and
/// requiredness are not checked, an empty value is a problem).
func canonicalValue(_ text: String, as column: RecordLayout.Column) -> Result<String, FieldProblem> {
    var lenient = column
    lenient.required = true; lenient.length = nil
    var out: [UInt8] = []
    if let problem = FieldConverter.appendJSON(text, as: lenient, to: &out) { return .failure(problem) }
    return .success(RecordFilter.canonicalText(out))
}
