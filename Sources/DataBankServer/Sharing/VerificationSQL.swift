import SQLKit
import DataBankCore

/// Turns a verification spec into one SQL statement that answers many inputs at once: the
/// inputs arrive as one JSON array (`json_each` / `json_array_elements`), and each input row's
/// answer is a correlated sub-query over the record store — a batch of 1,000 is one round trip.
/// Only the answer leaves the database; never a record.
struct VerificationSQL {
    let spec: VerificationSpec
    let layout: RecordLayout
    let table: String
    let dialect: RecordTables.Dialect
    /// One call's parameters, bound straight into the statement (a plan as simple as a point
    /// read); nil: a batch, whose parameters come from each input row.
    var single: [String: String]? = nil

    /// One call: `n` = 0 and its `answer`.
    func statement(single params: [String: String]) -> SQLQueryString {
        var one = self
        one.single = params
        return "SELECT 0 AS n, \(one.answerExpression) AS answer"
    }

    /// `n` (0-based input index) and `answer` (0/1 for yes/no, a count, or a category index; -1: otherwise).
    func statement(inputs payload: String) -> SQLQueryString {
        let answer = answerExpression
        switch dialect {
        case .sqlite:
            return "SELECT i.key AS n, \(answer) AS answer FROM json_each(\(bind: payload)) AS i ORDER BY i.key"
        case .postgres:
            return "SELECT i.ord - 1 AS n, \(answer) AS answer FROM json_array_elements(\(bind: payload)::json) WITH ORDINALITY AS i(value, ord) ORDER BY i.ord"
        }
    }

    var answerExpression: SQLQueryString {
        let answer: SQLQueryString
        switch spec.answer {
        case .yesNo: answer = "CASE WHEN \(predicate(spec.predicate)) THEN 1 ELSE 0 END"
        case .countBand(let comparisons, _): answer = "(SELECT COUNT(*) FROM \(ident: table) AS r WHERE \(conditions(comparisons)))"
        case .category(let cases, _):
            let whens = cases.enumerated().map { i, c in "WHEN \(predicate(c.predicate)) THEN \(literal: i)" as SQLQueryString }
            answer = "CASE \(whens.joined(separator: " ")) ELSE -1 END"
        }
        return answer
    }

    /// The label a consumer is told for a raw answer.
    func label(_ raw: Int) -> String {
        switch spec.answer {
        case .yesNo: return raw == 1 ? "yes" : "no"
        case .countBand(_, let bands): return VerificationSpec.bandLabel(raw, bands: bands)
        case .category(let cases, let otherwise): return raw >= 0 && raw < cases.count ? cases[raw].label : otherwise
        }
    }

    func predicate(_ p: VerificationSpec.Predicate) -> SQLQueryString {
        switch p {
        case .exists(let comparisons):
            return "EXISTS (SELECT 1 FROM \(ident: table) AS r WHERE \(conditions(comparisons)))"
        case .count(let comparisons, let op, let value):
            return "(SELECT COUNT(*) FROM \(ident: table) AS r WHERE \(conditions(comparisons))) \(unsafeRaw: sqlOp(op.rawValue)) \(literal: value)"
        case .anyOf(let all): return all.isEmpty ? "1 = 0" : "(" + all.map(predicate).joined(separator: " OR ") + ")"
        case .allOf(let all): return all.isEmpty ? "1 = 1" : "(" + all.map(predicate).joined(separator: " AND ") + ")"
        case .not(let inner): return "NOT (\(predicate(inner)))"
        }
    }

    func conditions(_ comparisons: [VerificationSpec.Comparison]) -> SQLQueryString {
        guard !comparisons.isEmpty else { return "1 = 1" }
        return comparisons.compactMap { c -> SQLQueryString? in
            guard let column = layout.column(named: c.column) else { return nil }
            return "r.\(ident: c.column) \(unsafeRaw: sqlOp(c.op.rawValue)) \(operand(c.operand, column))"
        }.joined(separator: " AND ")
    }

    /// A parameter comes from the input row (canonical text, checked before the query); a constant is bound.
    func operand(_ operand: VerificationSpec.Operand, _ column: RecordLayout.Column) -> SQLQueryString {
        let text: SQLQueryString
        switch (operand, dialect) {
        case (.parameter(let name), _) where single != nil: text = "\(bind: single?[name] ?? "")"
        case (.parameter(let name), .sqlite): text = "(i.value ->> \(literal: "$." + name))"
        case (.parameter(let name), .postgres): text = "(i.value ->> \(literal: name))"
        case (.constant(let value), _): text = "\(bind: value)"
        }
        switch dialect {
        case .postgres: return "\(text)::\(unsafeRaw: RecordTables.columnType(column, .postgres))"
        case .sqlite:
            if column.type == .L { return "(CASE WHEN \(text) = 'true' THEN 1 ELSE 0 END)" }
            if [.I, .N, .Y, .F, .B].contains(column.type) { return "CAST(\(text) AS NUMERIC)" }
            return text
        }
    }

    func sqlOp(_ op: String) -> String {
        ["eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="][op] ?? "="
    }
}
