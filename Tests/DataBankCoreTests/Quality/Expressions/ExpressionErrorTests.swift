import Testing
@testable import DataBankCore

@Suite("Expression rules: compile errors")
struct ExpressionErrorTests {
    /// Each refused rule gives its code, the 0-based position and the length of the fault.
    @Test(arguments: [
        ("end_date >= ", "syntax", 12, 0),
        ("", "syntax", 0, 0),
        ("amount > 1 amount", "syntax", 11, 6),
        ("amount < 1 < 2", "syntax", 11, 1),
        ("(amount > 1", "syntax", 11, 0),
        ("name # 1", "syntax", 5, 1),
        ("name == 'a\\q'", "syntax", 10, 2),
        ("amount is 1", "syntax", 10, 1),
        ("count in 1, 2", "syntax", 9, 1),
        ("foo > 1", "unknown_column", 0, 3),
        ("amount > 1 and (bar is null)", "unknown_column", 16, 3),
        ("bar(name) == 1", "unknown_function", 0, 3),
        ("substr(name) == 'a'", "arity", 0, 12),
        ("today(1) > start_date", "arity", 0, 8),
        ("amount > 'abc'", "type_mismatch", 7, 1),
        ("amount == name", "type_mismatch", 7, 2),
        ("start_date > '2024-13-01'", "type_mismatch", 11, 1),
        ("name > start_date", "type_mismatch", 5, 1),
        ("amount == null", "type_mismatch", 7, 2),
        ("not amount", "type_mismatch", 0, 3),
        ("amount > 1 and name", "type_mismatch", 11, 3),
        ("name + 1 > 2", "type_mismatch", 5, 1),
        ("length(amount) > 2", "type_mismatch", 7, 6),
        ("flag < true", "type_mismatch", 5, 1),
        ("count in (1, 'a')", "type_mismatch", 13, 3),
        ("date('2024-02-30') > start_date", "type_mismatch", 5, 12),
        ("matches(name, status)", "type_mismatch", 14, 6),
        ("amount + 1", "not_boolean", 0, 10),
        ("name", "not_boolean", 0, 4),
        ("matches(name, '[')", "invalid_regex", 14, 3),
        ("name == 'abc", "unterminated_string", 8, 4),
        ("name == \"abc\\\"", "unterminated_string", 8, 6),
    ])
    func refused(_ source: String, _ code: String, _ position: Int, _ length: Int) {
        let error = ruleError(source)
        #expect(error?.code == code, "\(source): \(error?.messageEn ?? "compiled")")
        #expect(error?.position == position, "\(source): \(error?.messageEn ?? "compiled")")
        #expect(error?.length == length, "\(source)")
    }

    /// Messages name the thing at fault, in Chinese and English.
    @Test func messagesNameTheFault() {
        #expect(ruleError("foo > 1")?.message == "未知列 'foo'")
        #expect(ruleError("foo > 1")?.messageEn == "unknown column 'foo'")
        #expect(ruleError("end_date >= ")?.messageEn.contains("expected a value") == true)
        #expect(ruleError("amount > 1 amount")?.messageEn == "expected an operator or the end of the rule, found 'amount'")
        #expect(ruleError("bar(name)")?.message.contains("bar") == true)
        #expect(ruleError("substr(name)")?.messageEn == "substr takes 2–3 arguments, got 1")
        #expect(ruleError("amount == name")?.messageEn == "cannot compare a number with text")
        #expect(ruleError("matches(name, '[')")?.messageEn.hasPrefix("invalid regular expression '['") == true)
        #expect(ruleError("name = 'a'（")?.message.contains("半角") == true)
        let field = ruleError("foo > 1")?.fieldError("rules[0].expression")
        #expect(field?.code == "unknown_column")
        #expect(field?.messageEn == "at character 1: unknown column 'foo'")
    }

    /// More than 2,000 characters is too long; the error points at the first character past the limit.
    @Test func tooLong() {
        let source = "name == '" + String(repeating: "x", count: 1_991) + "'"
        #expect(source.count == 2_001)
        let error = ruleError(source)
        #expect(error?.code == "too_long")
        #expect(error?.position == 2_000)
        #expect(ruleError(String(source.dropLast(2)) + "'") == nil)
    }

    /// 64 levels of nesting compile; the 65th is refused where it opens.
    @Test func tooDeep() {
        func nested(_ n: Int) -> String { String(repeating: "(", count: n) + "amount > 1" + String(repeating: ")", count: n) }
        #expect(ruleError(nested(64)) == nil)
        let error = ruleError(nested(65))
        #expect(error?.code == "too_deep")
        #expect(error?.position == 64)
        #expect(ruleError(String(repeating: "not ", count: 65) + "true")?.code == "too_deep")
        #expect(ruleError(Array(repeating: "1", count: 70).joined(separator: " + ") + " > 0")?.code == "too_deep")
        #expect(ruleError(Array(repeating: "amount > 1", count: 100).joined(separator: " and ")) == nil)
    }

    /// Keywords and function names are case-insensitive; column names are exact.
    @Test func caseRules() {
        #expect(ruleError("END_DATE IS NULL OR end_date >= start_date")?.code == "unknown_column")
        #expect(ruleError("end_date IS NULL OR end_date >= START_DATE")?.position == 32)
        #expect(ruleError("end_date IS NOT NULL AND Length(name) > 0 AND status NOT IN ('x')") == nil)
    }
}
