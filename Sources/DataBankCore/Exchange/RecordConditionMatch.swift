/// Evaluating a condition on a value outside the database: the change feed checks each change
/// against a consumer's row scope this way (the records themselves are filtered in SQL).
extension RecordCondition {
    /// Whether the value (canonical text, nil for null) satisfies the condition.
    public func matches(_ value: String?) -> Bool {
        if op == .isnull { return (value == nil) == (values.first == "true") }
        guard let value else { return false }
        switch op {
        case .eq: return compare(value, values[0]) == 0
        case .ne: return compare(value, values[0]) != 0
        case .gt: return compare(value, values[0]) > 0
        case .gte: return compare(value, values[0]) >= 0
        case .lt: return compare(value, values[0]) < 0
        case .lte: return compare(value, values[0]) <= 0
        case .between: return compare(value, values[0]) >= 0 && compare(value, values[1]) <= 0
        case .in: return values.contains { compare(value, $0) == 0 }
        case .prefix: return value.hasPrefix(values[0])
        case .isnull: return false
        }
    }

    /// Numbers compare as numbers; everything else (text, ISO dates and times, booleans) as text.
    func compare(_ a: String, _ b: String) -> Int {
        switch column.type {
        case .I, .N, .Y, .F, .B:
            guard let x = Double(a), let y = Double(b) else { fallthrough }
            return x < y ? -1 : x > y ? 1 : 0
        default:
            return a < b ? -1 : a > b ? 1 : 0
        }
    }
}
