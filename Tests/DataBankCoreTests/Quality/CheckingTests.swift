import Testing
@testable import DataBankCore

private let layout = RecordLayout(columns: [
    .init(name: "id", itemName: "编号", type: .I, required: true, primaryKey: true),
    .init(name: "name", itemName: "名称", type: .C, length: 10, required: true),
    .init(name: "code", itemName: "代码", type: .C, length: 18),
    .init(name: "kind", itemName: "类别", type: .C, length: 2),
    .init(name: "start", itemName: "起", type: .D),
    .init(name: "end", itemName: "止", type: .D),
])

private let rules: [QualityRule] = [
    QualityRule(id: "code", kind: .semantic, column: "code", name: "代码", nameEn: "code", derived: true, semantic: .creditCode, errorType: "constraint-error"),
    QualityRule(id: "kind", kind: .domain, column: "kind", name: "类别", nameEn: "kind", derived: true, codes: ["01", "02"], errorType: "constraint-error"),
    QualityRule(id: "period", kind: .expression, column: nil, name: "止不早于起", nameEn: "end after start", derived: false,
                expression: "end >= start", errorType: "row-constraint"),
    QualityRule(id: "name-unique", kind: .unique, column: "name", name: "名称唯一", nameEn: "name unique", derived: true, errorType: "unique-error"),
    QualityRule(id: "key", kind: .primaryKey, column: "id", name: "主键", nameEn: "key", derived: true, errorType: "primary-key"),
]

private let today = CivilDate(year: 2026, month: 11, day: 28)!

private func validate(_ lines: [String]) throws -> ValidationReport {
    let v = CSVValidation(layout: layout, rules: rules, today: today)
    let text = Array(("id,name,code,kind,start,end\n" + lines.joined(separator: "\n") + "\n").utf8)
    try text.withUnsafeBufferPointer { try v.feed($0) }
    return try v.finish()
}

private let good = SampleValues.value(.creditCode, row: 7)!

/// Rows checked cell by cell as `frictionless validate` does.
@Suite("Checking rows")
struct CheckingTests {
    /// Clean rows have no findings.
    @Test func cleanRowsPass() throws {
        let report = try validate(["1,甲,\(good),01,2024-01-01,2024-02-01", "2,乙,,02,,"])
        #expect(report.valid)
        #expect(report.rows == 2)
    }

    /// A cell that fails its type is a type-error and no other rule looks at it.
    @Test func typeErrorHidesTheCell() throws {
        let report = try validate(["x,甲,\(good),01,2024-13-01,2024-02-01"])
        #expect(report.errors == ["type-error": 2, "primary-key": 1])  // id and start; the key is then empty
    }

    /// Each failing rule is one finding with its Frictionless type and the row number (header = row 1).
    @Test func findingsCarryTypesAndRows() throws {
        let bad = String(good.dropLast()) + (good.last == "0" ? "1" : "0")
        let report = try validate(["1,甲,\(bad),09,2024-03-01,2024-02-01"])
        #expect(report.errors == ["constraint-error": 2, "row-constraint": 1])
        #expect(report.lines.map(\.row) == [2, 2, 2])
        #expect(report.lines.first { $0.ruleID == "code" }?.code == "uscc_check")
    }

    /// Short rows have missing cells (and a required one also fails "required"); long rows extra cells.
    @Test func missingAndExtraCells() throws {
        let report = try validate(["1", "2,乙,\(good),01,2024-01-01,2024-02-01,多,余"])
        #expect(report.errors["missing-cell"] == 5)
        #expect(report.errors["constraint-error"] == 1)
        #expect(report.errors["extra-cell"] == 2)
    }

    /// A blank row is one blank-row (and, having no key, one primary-key) and nothing else.
    @Test func blankRow() throws {
        let report = try validate([",,,,,"])
        #expect(report.errors == ["blank-row": 1, "primary-key": 1])
    }

    /// The second occurrence of a unique value or a key is reported, not the first.
    @Test func uniquenessAndKeys() throws {
        let report = try validate(["1,甲,,,,", "2,甲,,,,", "2,丙,,,,"])
        #expect(report.errors == ["unique-error": 1, "primary-key": 1])
        #expect(report.lines.map(\.row) == [3, 4])
    }

    /// A rule set that cannot compile names the rule at fault.
    @Test func brokenRulesAreRefused() {
        let broken = QualityRule(id: "p", kind: .pattern, column: "name", name: "p", nameEn: "p", derived: false, pattern: "([a-z", errorType: "constraint-error")
        #expect(throws: RuleSetError.self) { try RowChecker(layout: layout, rules: [broken]) }
        let unknown = QualityRule(id: "u", kind: .domain, column: "nope", name: "u", nameEn: "u", derived: false, codes: ["1"], errorType: "constraint-error")
        do { _ = try RowChecker(layout: layout, rules: [unknown]) } catch { #expect(error.ruleID == "u" && error.code == "unknown_item") }
    }

    /// Canonical values are read back from an encoded object, escapes included.
    @Test func canonicalRowReadsEncodedObjects() {
        let object = Array(#"{"id":12,"name":"a\"b\u00e9","code":null,"kind":"01","start":"2024-01-01","end":null}"#.utf8)
        var values = [String?](repeating: nil, count: layout.columns.count)
        object.withUnsafeBufferPointer { CanonicalRow.read($0, layout: layout, wanted: [true, true, true, true, true, false], into: &values) }
        #expect(values == ["12", "a\"bé", nil, "01", "2024-01-01", nil])
    }
}

/// Values generated to pass the rules, for demos, tests and benchmarks.
@Suite("Sample values")
struct SampleValuesTests {
    /// Generated identifiers pass their full checks and differ per row.
    @Test func identifiersAreValidAndDistinct() {
        for kind in [SemanticKind.residentID, .creditCode, .mobile, .landline, .regionCode, .postalCode, .email] {
            let values = (0..<500).map { SampleValues.value(kind, row: $0 * 7919)! }
            let invalid = values.filter { SemanticValidator.check($0, as: kind, today: today) != nil }
            #expect(invalid.isEmpty, "\(kind): \(invalid.prefix(3))")
        }
        #expect(Set((0..<2_000).map { SampleValues.value(.residentID, row: $0)! }).count == 2_000)
        #expect(Set((0..<2_000).map { SampleValues.value(.creditCode, row: $0)! }).count == 2_000)
    }

    /// Simple patterns generate matching values.
    @Test func patternsGenerateMatches() throws {
        for pattern in ["^[0-9]{4}((0[1-9])|(1[0-2]))?$", "^[A-T][0-9]{0,4}$", "^[0-9A-Z]{15,20}$", "^[京津沪][A-Z][A-HJ-NP-Z0-9]{5,6}$"] {
            let regex = try Regex(String(pattern.dropFirst().dropLast()))
            for row in [0, 1, 37, 999] {
                let v = try #require(PatternSample.generate(pattern, row: row))
                #expect((try? regex.wholeMatch(in: v)) != nil, "\(pattern) → \(v)")
            }
        }
    }
}

/// Scores per GB/T 36344 dimension.
@Suite("Quality scores")
struct QualityScoresTests {
    func measures(rows: Int = 100, value: Int = 0, cross: Int = 0, filled: Int = 1_000, age: Double? = 0.5, cycle: UpdateCycle = .daily,
                  open: Int = 0, accepted: Int = 0) -> QualityMeasures {
        QualityMeasures(rows: rows, rowsFailingValueRules: value, rowsFailingCrossRules: cross, rowsRepeatingUniqueValues: 0, filledCells: filled,
                        columns: 10, daysSinceLastLoad: age, updateCycle: cycle, published: true, answering: true,
                        openObjections: open, acceptedObjections: accepted)
    }

    /// A clean, complete, fresh, published store scores 100.
    @Test func perfectStore() { #expect(measures().scores.overall == 100) }

    /// Dimensions are shares of what passes; the overall is the documented weighted sum.
    @Test func weightedOverall() {
        let s = measures(value: 10, filled: 800).scores
        #expect(s.validity == 90 && s.completeness == 80)
        #expect(s.overall == 100 - 0.25 * 10 - 0.20 * 20)
    }

    /// A daily resource untouched for a week is late and scores 0 on timeliness; irregular ones are not measured.
    @Test func timeliness() {
        #expect(measures(age: 7).scores.late)
        #expect(measures(age: 7).scores.timeliness == 0)
        #expect(measures(age: 3).scores.timeliness > 0)
        #expect(measures(age: 400, cycle: .irregular).scores.timeliness == 100)
    }

    /// Objections cost points: 2 per open, 1 per accepted, at most 10.
    @Test func objections() {
        #expect(measures(open: 1, accepted: 1).scores.overall == 97)
        #expect(measures(open: 9).scores.objectionPenalty == 10)
    }
}

/// Rules derived from items and standards: bounds from the standard, uniqueness from the item.
@Suite("Derived rules")
struct DerivedRuleTests {
    /// A standard's bounds become a range rule; an item marked unique gets a unique rule; both apply.
    @Test func rangeAndUniqueAreDerived() throws {
        let standards = [
            "amount": ItemStandard(code: "amount", name: "金额", definition: "金额", dataType: .N, length: 12, precision: 2, minimum: "0", maximum: "1000"),
            "text": ItemStandard(code: "text", name: "文本", definition: "文本", dataType: .C, length: 20),
        ]
        let items = [
            InformationItem(name: "编号", column: "id", standardCode: "text", dataType: .C, length: 20, primaryKey: true, required: true),
            InformationItem(name: "金额", column: "amount", standardCode: "amount", dataType: .N, length: 12),
            InformationItem(name: "牌号", column: "plate", standardCode: "text", dataType: .C, length: 20, unique: true),
        ]
        let rules = DerivedRules.rules(items: items, standards: standards)
        #expect(rules.contains { $0.kind == .range && $0.column == "amount" && $0.minimum == "0" && $0.maximum == "1000" })
        #expect(rules.contains { $0.kind == .unique && $0.column == "plate" && $0.errorType == "unique-error" })
        #expect(!rules.contains { $0.kind == .unique && $0.column == "id" })
        let layout = RecordLayout(columns: [
            .init(name: "id", itemName: "编号", type: .C, length: 20, required: true, primaryKey: true),
            .init(name: "amount", itemName: "金额", type: .N, length: 12, precision: 2),
            .init(name: "plate", itemName: "牌号", type: .C, length: 20),
        ])
        let v = CSVValidation(layout: layout, rules: rules, today: today)
        let text = Array("id,amount,plate\na,5,X1\nb,1000.5,X1\nc,-1,X2\n".utf8)
        try text.withUnsafeBufferPointer { try v.feed($0) }
        let report = try v.finish()
        #expect(report.errors == ["constraint-error": 2, "unique-error": 1])
    }

    /// The item's unique flag and the standard's bounds travel through a Table Schema and back.
    @Test func uniqueAndBoundsRoundTripThroughTableSchema() throws {
        let standards = ["amount": ItemStandard(code: "amount", name: "金额", definition: "金额", dataType: .N, length: 12, precision: 2, minimum: "0"),
                         "text": ItemStandard(code: "text", name: "文本", definition: "文本", dataType: .C, length: 20)]
        let items = [InformationItem(name: "编号", column: "id", standardCode: "text", dataType: .C, length: 20, primaryKey: true, required: true),
                     InformationItem(name: "金额", column: "amount", standardCode: "amount", dataType: .N, length: 12),
                     InformationItem(name: "牌号", column: "plate", standardCode: "text", dataType: .C, length: 20, unique: true)]
        let schema = TableSchema(items: items, standards: standards)
        #expect(schema.field(named: "plate")?.constraints.unique == true)
        #expect(schema.field(named: "amount")?.constraints.minimum == "0")
        let back = try TableSchema.parse(schema.serialized()).itemDraft(standards: Array(standards.values))
        #expect(back.items.first { $0.column == "plate" }?.unique == true)
        #expect(back.notKept.isEmpty)
    }
}
