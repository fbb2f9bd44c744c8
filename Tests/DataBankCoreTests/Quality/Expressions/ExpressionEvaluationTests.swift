import Testing
@testable import DataBankCore

@Suite("Expression rules: evaluation")
struct ExpressionEvaluationTests {
    /// The issue's first example passes and fails on the right rows, and names the columns it reads.
    @Test func endAfterStart() {
        let rule = "end_date >= start_date"
        #expect(ruleResult(rule, ["start_date": "2024-01-01", "end_date": "2024-02-01"]) == true)
        #expect(ruleResult(rule, ["start_date": "2024-01-01", "end_date": "2024-01-01"]) == true)
        #expect(ruleResult(rule, ["start_date": "2024-03-01", "end_date": "2024-02-01"]) == false)
        #expect(compiledRule(rule)?.columns == ["end_date", "start_date"])
    }

    /// `id_birth_date` reads digits 7–14 of an 18-character resident ID.
    @Test func birthDateFromID() {
        let rule = "birth_date == id_birth_date(id_number)"
        #expect(ruleResult(rule, ["birth_date": "1949-12-31", "id_number": "11010519491231002X"]) == true)
        #expect(ruleResult(rule, ["birth_date": "1950-01-01", "id_number": "11010519491231002X"]) == false)
        #expect(ruleResult(rule, ["birth_date": "1990-03-07", "id_number": "110105199003071234"]) == true)
    }

    /// `id_gender` is "1" for an odd 17th digit, "2" for an even one.
    @Test func genderFromID() {
        let rule = "gender == id_gender(id_number)"
        #expect(ruleResult(rule, ["gender": "2", "id_number": "11010519491231002X"]) == true)
        #expect(ruleResult(rule, ["gender": "1", "id_number": "11010519491231002X"]) == false)
        #expect(ruleResult(rule, ["gender": "1", "id_number": "110105199003071234"]) == true)
    }

    /// A malformed ID (length, letters, impossible date) gives null, so the rule passes.
    @Test(arguments: ["1101051949123100", "11010519491231002Y", "110105194913310021", "11010A19491231002X"])
    func malformedIDIsNull(_ id: String) {
        #expect(ruleResult("birth_date == id_birth_date(id_number)", ["birth_date": "1949-12-31", "id_number": id]) == nil)
        #expect(ruleResult("id_gender(id_number) is null", ["id_number": id]) == true)
    }

    /// Null propagates as in SQL, and a null result counts as passed.
    @Test func nullSemantics() {
        #expect(ruleResult("end_date >= start_date", ["start_date": "2024-01-01"]) == nil)
        let rule = compiledRule("end_date >= start_date")!
        #expect(rule.passes(today: ruleToday) { _ in nil })
        #expect(ruleResult("amount > 1 or true") == true)
        #expect(ruleResult("amount > 1 and false") == false)
        #expect(ruleResult("amount > 1 and true") == nil)
        #expect(ruleResult("amount > 1 or false") == nil)
        #expect(ruleResult("not (amount > 1)") == nil)
        #expect(ruleResult("amount + 1 > 0") == nil)
        #expect(ruleResult("end_date is null") == true)
        #expect(ruleResult("end_date is not null", ["end_date": "2024-01-01"]) == true)
        #expect(ruleResult("end_date is not null and end_date >= start_date", ["start_date": "2024-01-01"]) == false)
        #expect(ruleResult("coalesce(end_date, start_date) >= start_date", ["start_date": "2024-01-01"]) == true)
    }

    /// A value that does not read as its column's type is null.
    @Test func unreadableValueIsNull() {
        #expect(ruleResult("amount > 0", ["amount": "abc"]) == nil)
        #expect(ruleResult("start_date is null", ["start_date": "2024-02-30"]) == true)
    }

    /// `and` binds tighter than `or`, `not` tighter than `and`, `*` tighter than `+`; chains are left-associative.
    @Test func precedence() {
        #expect(ruleResult("true or false and false") == true)
        #expect(ruleResult("TRUE || FALSE && FALSE") == true)
        #expect(ruleResult("(true or false) and false") == false)
        #expect(ruleResult("not false and false") == false)
        #expect(ruleResult("!(false and false)") == true)
        #expect(ruleResult("1 + 2 * 3 == 7 and (1 + 2) * 3 == 9") == true)
        #expect(ruleResult("10 - 4 - 3 == 3 and 12 / 3 / 2 == 2 and -2 * 3 == -6 and - -1 = 1") == true)
        #expect(ruleResult("count > 1 and count < 10 or status = 'x'", ["count": "5"]) == true)
    }

    /// `in` and `not in` compare with each item; a null item makes a miss null.
    @Test func inLists() {
        #expect(ruleResult("status in ('在营', '注销')", ["status": "注销"]) == true)
        #expect(ruleResult("status in ('在营', '注销')", ["status": "吊销"]) == false)
        #expect(ruleResult("status not in ('在营', '注销')", ["status": "吊销"]) == true)
        #expect(ruleResult("count in (1, 2, 3)", ["count": "2"]) == true)
        #expect(ruleResult("count in (1, 2, 1 + 2)", ["count": "3"]) == true)
        #expect(ruleResult("count in (1, amount)", ["count": "3"]) == nil)
        #expect(ruleResult("status in ('a', 'b')") == nil)
        #expect(ruleResult("start_date in ('2024-01-01', '2024年2月1日')", ["start_date": "2024-02-01"]) == true)
    }

    /// Backslash escapes and doubled quotes in both quote styles.
    @Test(arguments: [
        (#"name == 'it\'s'"#, "it's"), (#"name == 'it''s'"#, "it's"), (#"name == "say \"hi\"""#, "say \"hi\""),
        (#"name == 'a\\b'"#, "a\\b"), (#"name == 'two\nlines\ttab'"#, "two\nlines\ttab"), (#"name == "它's""#, "它's"),
    ])
    func stringEscapes(_ rule: String, _ value: String) {
        #expect(ruleResult(rule, ["name": value]) == true)
        #expect(ruleResult(rule, ["name": value + "x"]) == false)
    }

    /// Chinese literals, a Chinese column name and text functions counting characters.
    @Test func chineseText() {
        #expect(ruleResult("名称 == '张三' and length(名称) == 2", ["名称": "张三"]) == true)
        #expect(ruleResult("名称 == name", ["名称": "李四", "name": "李四"]) == true)
        #expect(ruleResult("substr(name, 2, 2) == '明区' and starts_with(name, '光') and ends_with(name, '区')", ["name": "光明区"]) == true)
        #expect(ruleResult("trim(name) == '南海'", ["name": "\u{3000}南海 "]) == true)
        #expect(ruleResult("status < '注销' and 'a' < 'b' and 'B' < 'a'", ["status": "在营"]) == true)
    }

    /// Numbers are exact decimals: column text and literals of different scales compare equal.
    @Test func decimalExactness() {
        #expect(ruleResult("amount == 0.3", ["amount": "0.30"]) == true)
        #expect(ruleResult("amount == 0.1 + 0.2", ["amount": "0.3"]) == true)
        #expect(ruleResult("amount * 3 == 0.9 and amount / 3 == 0.1", ["amount": "0.3"]) == true)
        #expect(ruleResult("count == amount", ["count": "5", "amount": "5.00"]) == true)
        #expect(ruleResult("10 / 4 == 2.5 and 1 / 3 == 0.333333333333333333 and abs(-1.50) == 1.5") == true)
        #expect(ruleResult("amount / 0 > 1", ["amount": "1"]) == nil)
        #expect(ruleResult("score > 100000000000000000000", ["score": "1.5e+20"]) == true)
        #expect(ruleResult("amount + 1 > amount", ["amount": "999999999999999999"]) == true)
    }

    /// Date functions, date literals, today() and date-times against dates.
    @Test func dates() {
        let row = ["start_date": "2024-02-29", "end_date": "2024-03-10", "updated_at": "2024-03-10T08:30:00"]
        #expect(ruleResult("year(start_date) == 2024 and month(start_date) == 2 and day(start_date) == 29", row) == true)
        #expect(ruleResult("days_between(start_date, end_date) == 10 and days_between(end_date, start_date) == -10", row) == true)
        #expect(ruleResult("start_date >= date('2024-01-01') and start_date < '2024/3/1' and end_date <= today()", row) == true)
        #expect(ruleResult("updated_at > end_date and updated_at < '2024-03-10 09:00:00' and date(updated_at) == end_date", row) == true)
        #expect(ruleResult("days_between(start_date, today()) == 93", row) == true)
    }

    /// `matches` searches with a regex compiled once; other text and boolean functions.
    @Test func functions() {
        #expect(ruleResult("matches(id_number, '^[0-9]{17}[0-9X]$')", ["id_number": "11010519491231002X"]) == true)
        #expect(ruleResult("matches(id_number, '^[0-9]{17}[0-9X]$')", ["id_number": "1101051949123100"]) == false)
        #expect(ruleResult("upper(name) == 'ABC' and lower(name) == 'abc' and contains(name, 'Bc') and not contains(name, 'bC')", ["name": "aBc"]) == true)
        #expect(ruleResult("substr(name, 3) == 'cd' and substr(name, 0, 2) == 'a' and substr(name, 9, 1) == ''", ["name": "abcd"]) == true)
        #expect(ruleResult("flag and flag == true and not (flag != true)", ["flag": "true"]) == true)
        #expect(ruleResult("coalesce(score, count, 0) == 7", ["count": "7"]) == true)
    }

    /// A compiled rule is Sendable and gives the same answers from many tasks at once.
    @Test func sharedAcrossTasks() async {
        let rule = compiledRule("matches(name, '^[a-z]+$') and length(name) < 10")!
        let results = await withTaskGroup(of: Bool?.self) { group in
            for k in 0..<8 {
                group.addTask { (0..<500).map { i in rule.evaluate(today: ruleToday) { _ in (i + k) % 2 == 0 ? "abc" : "ABC" } }.last! }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 8)
    }
}
