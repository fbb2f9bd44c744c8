/// One reason a Table Schema is refused, with where it is: a JSON path (`fields[3].type`) for a
/// schema that is valid JSON, a line and column for text that is not JSON at all.
public struct TableSchemaProblem: Hashable, Sendable {
    /// Stable machine-readable code: `invalid_json`, `unknown_type`, `unsupported_type`, `duplicate_field`, …
    public var code: String
    /// Where: `fields[3].type`, `primaryKey[1]`, `foreignKeys[0].reference.fields`; empty for the whole document.
    public var path: String
    public var message: String
    public var messageEn: String
    /// 1-based line and column (in characters) for JSON syntax errors.
    public var line: Int?
    public var column: Int?

    public init(code: String, path: String, message: String, messageEn: String, line: Int? = nil, column: Int? = nil) {
        self.code = code; self.path = path; self.message = message; self.messageEn = messageEn; self.line = line; self.column = column
    }

    /// "第 3 行第 14 列：" / "line 3, column 14: " when the position is a place in the text.
    var wherePrefix: (zh: String, en: String) {
        guard let line, let column else { return ("", "") }
        return ("第 \(line) 行第 \(column) 列：", "line \(line), column \(column): ")
    }

    /// The problem as the API reports field errors (`error.details`), the position in the message.
    public var fieldError: FieldError {
        let at = wherePrefix
        return FieldError(field: path, code: code, message: at.zh + message, messageEn: at.en + messageEn)
    }
}

/// A Table Schema that cannot be used, with every problem found (a JSON syntax error stops at the first).
public struct TableSchemaError: Error, Hashable, Sendable {
    public var problems: [TableSchemaProblem]
    public init(_ problems: [TableSchemaProblem]) { self.problems = problems }

    /// The first problem's code, for a one-line answer.
    public var code: String { problems.first?.code ?? "invalid_schema" }
    public var fieldErrors: [FieldError] { problems.map(\.fieldError) }
}
