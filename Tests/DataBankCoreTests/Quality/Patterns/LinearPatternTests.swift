import Testing
@testable import DataBankCore

/// Safe patterns (the demo standards' and the tests'), with values that match and that don't.
private let cases: [(pattern: String, inputs: [String])] = [
    ("^[0-9]{17}[0-9X]$", ["11010519491231002X", "110105194912310021", "1101051949123100", "11010519491231002x", ""]),
    ("^1[3-9][0-9]{9}$", ["13800138000", "12800138000", "1380013800", "138001380001"]),
    ("^0[0-9]{2,3}-?[0-9]{7,8}$", ["010-12345678", "0755-1234567", "01012345678", "010--1234567", "10-12345678"]),
    (#"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$"#, ["a.b@example.cn", "a@b.c", "@example.cn", "a@example"]),
    ("^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-HJ-NP-Z0-9]{5,6}$", ["京A12345", "粤BD12345", "港A12345", "京AI2345"]),
    ("^[0-9]{4}((0[1-9])|(1[0-2]))?$", ["2024", "202401", "202413", "20241", "202412"]),
    ("^[A-T][0-9]{0,4}$", ["A", "T1234", "U1", "A12345"]),
    ("^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$", ["91350100M000100Y43", "91350100M000100Y4", "I1350100M000100Y43"]),
    (#"^[\u4e00-\u9fa5]{2,4}$"#, ["张三", "欧阳娜娜", "张", "张三abc", "Zhang"]),
    (#"\d+(\.\d{1,2})?"#, ["12", "12.5", "12.345", "abc", ".5"]),
    (#"^\w+\s\W\S$"#, ["ab ,x", "ab  x", "名字 ,x"]),
    ("a|b|", ["a", "b", "", "c"]),
    ("(?:ab)*c", ["c", "ababc", "abac"]),
    ("(?<year>[0-9]{4})-[0-9]{2}", ["2024-01", "2024-1"]),
    ("colou?r", ["color", "colour", "colouur", "my colour is"]),
    ("x{2,}?y", ["xxy", "xy", "xxxxxy"]),
    ("[^<>]*", ["abc", "a<b", ""]),
    ("[a-]+", ["a-a", "b"]),
    (#"\bcat\b"#, ["cat", "a cat sat", "concat"]),
    (".+", ["a", "", "a\nb"]),
    ("^(a+)+$", ["aaaa", "aaa!", ""]),
    ("a{3}", ["aa", "aaa", "baaab"]),
    ("{x", ["{x", "x"]),
    (#"\$\^\.\*"#, ["$^.*", "$^a*"]),
]

@Suite("Linear-time patterns")
struct LinearPatternTests {
    /// Whole matches and searches agree with Swift `Regex` on safe patterns.
    @Test func agreesWithSwiftRegex() throws {
        for (pattern, inputs) in cases {
            let linear = try LinearPattern(pattern)
            let regex = try Regex(pattern)
            for s in inputs {
                #expect(linear.wholeMatch(s) == ((try? regex.wholeMatch(in: s)) != nil), "wholeMatch \(pattern) on \(s)")
                #expect(linear.contains(s) == s.contains(regex), "contains \(pattern) on \(s)")
            }
        }
    }

    @Test func matchesExpectedValues() throws {
        #expect(try LinearPattern("^[0-9]{6}$").wholeMatch("350100"))
        #expect(try !LinearPattern("^[0-9]{6}$").wholeMatch("35010"))
        #expect(try LinearPattern("[0-9]{6}").contains("code 350100 here"))
        #expect(try LinearPattern(#"\u{4E00}"#).wholeMatch("一"))
        #expect(try LinearPattern(#"\x41"#).wholeMatch("A"))
        #expect(try LinearPattern("a*?b").wholeMatch("aab"))
    }

    /// The classic catastrophic patterns answer on long values (a backtracking engine never would).
    @Test func catastrophicPatternsRunInLinearTime() throws {
        let long = String(repeating: "a", count: 10_000) + "!"
        #expect(try !LinearPattern("^(a+)+$").wholeMatch(long))
        #expect(try !LinearPattern("^(a+)+$").contains(long))
        #expect(try !LinearPattern("(a|aa)*b").contains(long))
        #expect(try !LinearPattern("^(a|a?)+$").wholeMatch(long))
        #expect(try !LinearPattern(#"^(\w+\s?)*$"#).wholeMatch(long))
        #expect(try LinearPattern("(a*)*!").contains(long))
    }

    /// What needs backtracking, or would make the automaton too large, is refused by name.
    @Test func refusesConstructsItCannotRunLinearly() {
        func refusal(_ p: String) -> String? {
            do { _ = try LinearPattern(p); return nil } catch { return error.en }
        }
        #expect(refusal(#"(a)\1"#)?.contains("backreference") == true)
        #expect(refusal("a(?=b)")?.contains("lookahead") == true)
        #expect(refusal("a(?!b)")?.contains("lookahead") == true)
        #expect(refusal("(?<=a)b")?.contains("lookbehind") == true)
        #expect(refusal("(?<!a)b")?.contains("lookbehind") == true)
        #expect(refusal("(?>a+)b")?.contains("atomic group") == true)
        #expect(refusal("a++b")?.contains("possessive quantifier") == true)
        #expect(refusal("a{1001}")?.contains("over 1000") == true)
        #expect(refusal("((a{100}){100}){100}")?.contains("too large") == true)
        #expect(refusal(#"\p{Han}+"#)?.contains("Unicode property class") == true)
        #expect(refusal("(?i)abc")?.contains("inline options") == true)
        #expect(refusal("[0-9")?.contains("unclosed '['") == true)
        #expect(refusal("(ab")?.contains("unclosed '('") == true)
        #expect(refusal("ab)")?.contains("unmatched ')'") == true)
        #expect(refusal("*a")?.contains("nothing to repeat") == true)
        #expect(refusal("[z-a]")?.contains("out of order") == true)
        #expect(refusal("a{3,2}")?.contains("minimum above its maximum") == true)
        #expect(refusal(#"\q"#)?.contains("unknown escape") == true)
        #expect(refusal("a**")?.contains("follows another quantifier") == true)
    }

    /// A rule, a pattern rule and a Table Schema constraint refuse the same pattern with the same reason.
    @Test func sameRefusalEverywhere() throws {
        let pattern = #"^(\w+)\1$"#
        var engine = ""
        do { _ = try LinearPattern(pattern) } catch { engine = error.en }
        #expect(!engine.isEmpty)
        let layout = RecordLayout(columns: [.init(name: "name", itemName: "名称", type: .C, length: 10)])
        let rule = QualityRule(id: "p", kind: .pattern, column: "name", name: "p", nameEn: "p", derived: false, pattern: pattern, errorType: "constraint-error")
        do { _ = try RowChecker(layout: layout, rules: [rule]); Issue.record("accepted") } catch {
            #expect(error.code == "invalid_pattern" && error.messageEn.contains(engine))
        }
        let expression = QualityRule(id: "e", kind: .expression, column: nil, name: "e", nameEn: "e", derived: false,
                                     expression: "matches(name, '\(pattern.replacingOccurrences(of: "\\", with: "\\\\"))')", errorType: "row-constraint")
        do { _ = try RowChecker(layout: layout, rules: [expression]); Issue.record("accepted") } catch {
            #expect(error.code == "invalid_regex" && error.messageEn.contains(engine))
        }
        let schema = #"{"fields": [{"name": "a", "constraints": {"pattern": "^(\\w+)\\1$"}}]}"#
        do { _ = try TableSchema.parse(Array(schema.utf8)); Issue.record("accepted") } catch {
            #expect(error.problems.first?.code == "invalid_pattern" && error.problems.first?.messageEn.contains(engine) == true)
        }
    }
}
