import Testing
@testable import DataBankCore

private let layout = RecordLayout(columns: [
    .init(name: "id", itemName: "编号", type: .I, required: true, primaryKey: true),
    .init(name: "name", itemName: "名称", type: .C, length: 10),
    .init(name: "born", itemName: "出生日期", type: .D)
])

private let today = CivilDate(year: 2025, month: 7, day: 1)!

/// Keys repeated in a load, record numbering, and the "not in the future" rule.
@Suite("Loads agree with validation")
struct LoadAgreementTests {
    @Test func repeatedKeysAreFoundOnce() {
        var keys = RepeatedKeys()
        let rule = RepeatedKeys.keyRule([])
        #expect(keys.finding(.key("1"), rule: rule) == nil)
        #expect(keys.finding(.key("2"), rule: rule) == nil)
        let again = keys.finding(.key("1"), rule: rule)
        #expect(again?.code == "duplicate_key" && again?.errorType == "primary-key" && again?.value == "1")
        #expect(keys.finding(.missing, rule: rule)?.code == "key_missing")
        #expect(keys.count == 2)
    }

    /// A refused row's key reads as the batch key the row would have had, so the two compare.
    @Test func aRefusedRowsKeyEqualsTheEncodedKey() throws {
        let encoder = try RowEncoder(header: ["id", "name", "born"], layout: layout)
        let cells = [Array("007".utf8), Array("甲".utf8), Array("2024-02-30".utf8)]
        var out: [UInt8] = []
        let good = [Array("7".utf8), Array("乙".utf8), Array("2024-02-01".utf8)]
        let encoded = good.withFields { field in encoder.encode(row: 2, fieldCount: 3, into: &out, field: field) }
        guard case .success(let key) = encoded else { Issue.record("row 2 should encode"); return }
        let refused = cells.withFields { field in encoder.key(fieldCount: 3, field: field) }
        #expect(refused == .key(key))
        let noKey = [Array("x".utf8), Array("甲".utf8), Array("".utf8)].withFields { field in encoder.key(fieldCount: 3, field: field) }
        #expect(noKey == .missing)
    }

    /// Rows are records (the header is row 1), so a quoted value spanning lines shifts no row; the
    /// line where each record starts is reported with it.
    @Test func rowsAreRecordsWithTheirLines() throws {
        let v = CSVValidation(layout: layout, rules: [RepeatedKeys.keyRule([])], today: today)
        let text = Array("id,name,born\n1,\"两\n行\",2024-01-01\n2,乙,2024-13-01\n1,丙,\n".utf8)
        try text.withUnsafeBufferPointer { try v.feed($0) }
        let report = try v.finish()
        #expect(report.lines.map(\.row) == [3, 4])
        #expect(report.lines.map(\.line) == [4, 5])
        #expect(report.lines.map(\.code) == ["type_error", "duplicate_key"])
    }

    @Test func notFutureDatesAreFoundAgainstToday() throws {
        let standard = ItemStandard(code: "DE1", name: "出生日期", definition: "", dataType: .D, semanticKind: .date, notFuture: true)
        let item = InformationItem(name: "出生日期", column: "born", standardCode: "DE1", dataType: .D)
        let rules = DerivedRules.rules(items: [item], standards: ["DE1": standard])
        let rule = try #require(rules.first { $0.kind == .notFuture })
        #expect(rule.id == "derived:born:notFuture" && rule.errorType == "constraint-error")
        let checker = try RowChecker(layout: layout, rules: rules)
        for (value, fails) in [("2025-07-01", false), ("2025-07-02", true), ("1990-01-01", false)] {
            var findings: [RuleFinding] = []
            checker.check(today: today, { $0 == 2 ? value : nil }, into: &findings)
            #expect(findings.map(\.code) == (fails ? ["not_future"] : []), "\(value)")
        }
        // Only dates can say it.
        var text = standard
        text.dataType = .C
        #expect(!text.forbidsFuture)
    }

    /// Frictionless has no constraint for it: the schema carries `databank:notFuture`, and reads it back as a rule.
    @Test func tableSchemasCarryIt() throws {
        let standard = ItemStandard(code: "DE1", name: "出生日期", definition: "", dataType: .D, notFuture: true)
        let items = [
            InformationItem(name: "编号", column: "id", standardCode: "DE0", dataType: .I, primaryKey: true),
            InformationItem(name: "出生日期", column: "born", standardCode: "DE1", dataType: .D)
        ]
        let schema = TableSchema(items: items, standards: ["DE1": standard])
        let json = schema.json()
        #expect(json.serialized().contains("\"databank:notFuture\": true"))
        let parsed = try TableSchema.parse(json)
        #expect(parsed.rules().contains { $0.kind == .notFuture && $0.column == "born" })
    }
}

private extension Array where Element == [UInt8] {
    /// Hands the cells to `body` as the encoder reads them.
    func withFields<R>(_ body: ((Int) -> UnsafeBufferPointer<UInt8>?) -> R) -> R {
        let flat = self.flatMap { $0 }
        var ranges: [Range<Int>] = []
        var start = 0
        for cell in self { ranges.append(start..<(start + cell.count)); start += cell.count }
        return flat.withUnsafeBufferPointer { buffer in body { i in UnsafeBufferPointer(rebasing: buffer[ranges[i]]) } }
    }
}
