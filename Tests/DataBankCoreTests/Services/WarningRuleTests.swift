import DataBankCore
import Foundation
import Testing

@Suite("Warning rules: history functions, listings, definitions")
struct WarningRuleTests {
    static let today = CivilDate(year: 2026, month: 12, day: 7)!
    static let layout = RecordLayout(columns: [
        .init(name: "credit_code", itemName: "统一社会信用代码", type: .C, length: 18, required: true, primaryKey: true),
        .init(name: "month", itemName: "月份", type: .C, length: 6, required: true, primaryKey: true),
        .init(name: "kwh", itemName: "用电量", type: .N, length: 12, precision: 1),
        .init(name: "legal_rep_id", itemName: "法定代表人身份证号", type: .C, length: 18)
    ])
    static let departments: Set<String> = ["440600005", "440600007"]

    static func rule(_ condition: String, order: String? = "month") -> WarningRule {
        WarningRule(
            code: "power-drop", name: "企业用电量骤降", resource: "390024-00001", condition: condition, entity: ["credit_code"], order: order,
            subscribers: ["440600005"])
    }

    static func check(_ condition: String) throws -> WarningCheck {
        let rule = rule(condition)
        return WarningCheck(rule: rule, compiled: try rule.compile(layout: layout).get())
    }

    static func record(_ kwh: String, month: String = "202611") -> [String: String] { ["credit_code": "91440600MA4UJ8XX1X", "month": month, "kwh": kwh] }
    /// Previous months, most recent first.
    static func past(_ values: [String]) -> [[String: String]] { values.map { record($0) } }

    /// Whether a record given by name fires `c`: read into the rule's own slots (its columns, sorted), as a
    /// step hands a record over; `listed(resource, column, value)` answers a look-up.
    static func fires(
        _ c: WarningCheck, record: [String: String], past: [[String: String]], listed: (String, String, String) -> Bool
    ) -> [WarningValue]? {
        let slotted = WarningCheck.Slotted(c, slots: c.recordColumns.sorted())
        return slotted.fires(slotted.names.map { record[$0] }, past: past, today: today) { input, value in
            guard case .listed(let resource, let column, _) = c.compiled.inputs[input] else { return false }
            return listed(resource, column, value)
        }
    }

    @Test func historyFunctionsAreForWarningRulesOnly() {
        guard case .failure(let e) = RuleCompiler.compile("kwh < avg_prior(kwh, 3)", layout: Self.layout) else {
            Issue.record("a quality rule read another record")
            return
        }
        #expect(e.code == "unknown_function" && e.position == 6)
        #expect((try? RuleCompiler.compile("kwh < avg_prior(kwh, 3)", layout: Self.layout, allowsHistory: true).get()) != nil)
    }

    /// The seed's labour-dispute signal: this month's use more than 40 % under the last three months' mean.
    @Test func aDropAgainstTheThreeMonthMeanFires() throws {
        let c = try Self.check("kwh < 0.6 * avg_prior(kwh, 3)")
        #expect(c.depth == 3)
        let fired = try #require(Self.fires(c, record: Self.record("500"), past: Self.past(["1000", "1100", "900"])) { _, _, _ in false })
        let byName = Dictionary(uniqueKeysWithValues: fired.map { ($0.name, $0) })
        #expect(byName["kwh"]?.value == "500" && byName["avg_prior(kwh, 3)"]?.value == "1000" && byName["credit_code"]?.value == "91440600MA4UJ8XX1X")
        #expect(byName["avg_prior(kwh, 3)"]?.column == "kwh" && byName["avg_prior(kwh, 3)"]?.isDerived == true && byName["kwh"]?.isDerived == false)
        #expect(Self.fires(c, record: Self.record("700"), past: Self.past(["1000", "1100", "900"])) { _, _, _ in false } == nil, "a 30 % drop")
        #expect(
            Self.fires(c, record: Self.record("100"), past: Self.past(["1000", "1100"])) { _, _, _ in false } == nil,
            "too short a history never fires")
    }

    /// A step reads every rule's columns of a record into one slot array (all its rules' columns, sorted):
    /// each rule finds its own by slot and fires as it does on the record by name.
    @Test func aRuleReadsARecordBySlotAmongOtherRulesColumns() throws {
        let c = try Self.check("kwh < 0.6 * avg_prior(kwh, 3)")
        let slotted = WarningCheck.Slotted(c, slots: ["amount", "credit_code", "kwh", "legal_rep_id", "month"])
        let record: [String?] = ["9", "91440600MA4UJ8XX1X", "500", nil, "202611"]
        let fired = try #require(slotted.fires(record, past: Self.past(["1000", "1100", "900"]), today: Self.today) { _, _ in false })
        let byName = try #require(Self.fires(c, record: Self.record("500"), past: Self.past(["1000", "1100", "900"])) { _, _, _ in false })
        #expect(fired == byName)
        #expect(slotted.entity(of: record) == "91440600MA4UJ8XX1X" && slotted.slot("month") == 4 && slotted.slot("kwh_total") == nil)
    }

    @Test func prevAndCountPriorReadThePastRecords() throws {
        let c = try Self.check("count_prior(2) == 2 and kwh > prev(kwh) * 2")
        #expect(Self.fires(c, record: Self.record("300"), past: Self.past(["100", "50"])) { _, _, _ in false } != nil)
        #expect(Self.fires(c, record: Self.record("300"), past: Self.past(["100"])) { _, _, _ in false } == nil)
    }

    @Test func aListingIsLookedUpInTheOtherResource() throws {
        let c = try Self.check("listed_in('102003-00001', 'legal_rep_id', legal_rep_id)")
        #expect(c.listings.map { "\($0.resource) \($0.column) \($0.value)" } == ["102003-00001 legal_rep_id legal_rep_id"])
        var asked: [String] = []
        var record = Self.record("1")
        record["legal_rep_id"] = "440604199001011234"
        let fired = Self.fires(c, record: record, past: []) { r, col, v in
            asked.append("\(r)/\(col)/\(v)"); return true
        }
        #expect(fired != nil && asked == ["102003-00001/legal_rep_id/440604199001011234"])
        #expect(Self.fires(c, record: record, past: []) { _, _, _ in false } == nil)
    }

    @Test func aggregatesAreExactDecimals() {
        #expect(HistoryFunction.avg.apply(["1", "2"], count: 2) == "1.5")
        #expect(HistoryFunction.avg.apply(["0.1", "0.2"], count: 2) == "0.15")
        #expect(HistoryFunction.sum.apply(["0.1", "0.2", "9"], count: 2) == "0.3")
        #expect(HistoryFunction.min.apply(["3", "-2.5", "1"], count: 3) == "-2.5")
        #expect(HistoryFunction.max.apply(["3", "-2.5", "1"], count: 3) == "3")
        #expect(HistoryFunction.count.apply(["3"], count: 3) == "1")
        #expect(HistoryFunction.avg.apply(["3", "x"], count: 2) == nil, "a value that is not a number")
        #expect(HistoryFunction.avg.apply(["3", nil, "1"], count: 2) == nil, "a record without a value is not skipped over")
        #expect(HistoryFunction.prev.apply([nil, "1"], count: 1) == nil)
    }

    /// A rule that does not compile is refused with the position; so are unknown columns, a window out of
    /// range, history without an order column, an unknown subscriber.
    @Test func aBrokenDefinitionNamesEveryFault() {
        let bad = Self.rule("kwh < avg_prior(kwhh, 3)").problems(layout: Self.layout, departments: Self.departments)
        #expect(bad.map(\.field) == ["condition"] && bad[0].code == "unknown_column" && bad[0].messageEn.contains("character 17"))
        #expect(Self.rule("kwh < avg_prior(kwh, 99)").problems(layout: Self.layout, departments: Self.departments).map(\.code) == ["invalid_window"])
        #expect(Self.rule("kwh < prev(kwh)", order: nil).problems(layout: Self.layout, departments: Self.departments).map(\.field) == ["order"])
        var rule = Self.rule("kwh > 10000")
        rule.entity = ["nope"]; rule.subscribers = ["999"]; rule.show = ["kwh", "x"]
        #expect(rule.problems(layout: Self.layout, departments: Self.departments).map(\.field) == ["entity[0]", "show[1]", "subscribers[0]"])
        #expect(Self.rule("kwh > 10000").problems(layout: Self.layout, departments: Self.departments).isEmpty)
        rule = Self.rule("kwh > 10000")
        rule.subscribers = Array(repeating: rule.subscribers[0], count: WarningRule.maxSubscribers + 1)
        #expect(rule.problems(layout: Self.layout, departments: Self.departments).map(\.code) == ["too_many"])
    }

    @Test func firingsWithinTheWindowMerge() {
        var rule = Self.rule("kwh > 1")
        #expect(rule.merges(openedSecondsAgo: 3_600) && !rule.merges(openedSecondsAgo: 31 * 86_400))
        rule.mergeHours = 0
        #expect(!rule.merges(openedSecondsAgo: 1))
    }
}

@Suite("Services: a warning's states")
struct WarningStateTests {
    @Test func aWarningIsAcknowledgedAssignedAndClosedOnce() {
        #expect(WarningState.open.after(.ack) == .acknowledged)
        #expect(WarningState.acknowledged.after(.ack) == nil && WarningState.assigned.after(.ack) == nil)
        #expect(WarningState.open.after(.assign) == .assigned && WarningState.assigned.after(.assign) == .assigned)
        #expect(WarningState.acknowledged.after(.close) == .closed)
        #expect(WarningState.allCases.filter { $0 != .closed }.allSatisfy { $0.after(.close) == .closed })
        #expect(WarningState.Action.allCases.allSatisfy { WarningState.closed.after($0) == nil })
    }
}

@Suite("Services: a changed record as rules read it")
struct FlatJSONTextTests {
    /// Strings unescaped, numbers and booleans as written, nulls absent; `only` keeps the columns rules read.
    @Test func aRecordIsReadForTheColumnsRulesNeed() {
        let text = #"{"a": "x\"y", "b": 12.50, "c": null, "d": true, "名称": "佛山"}"#
        #expect(FlatJSONText.fields(text) == ["a": "x\"y", "b": "12.50", "d": "true", "名称": "佛山"])
        #expect(FlatJSONText.fields(text, only: .init(["b", "c", "名称", "z"])) == ["b": "12.50", "名称": "佛山"])
        #expect(FlatJSONText.fields("[1, 2]") == nil)
    }

    /// By slot, in the names' sorted order; the reading stops once every name has been met, so what
    /// follows is not read (a change record's other columns).
    @Test func aRecordIsReadBySlotUntilEveryNameIsMet() {
        var scratch: [UInt8] = []
        func slots(_ text: String, _ names: Set<String>) -> [String?]? {
            var text = text
            return text.withUTF8 { FlatJSONText.Names(names).slots(utf8: $0, scratch: &scratch) }
        }
        #expect(FlatJSONText.Names(["名称", "b", "a"]).all == ["a", "b", "名称"])
        #expect(slots(#"{"名称": "佛\n山", "b": 12.50, "x": 1, "a": null}"#, ["a", "b", "名称"]) == [nil, "12.50", "佛\n山"])
        #expect(slots(#"{"b": "1", "a": true, "c": not json"#, ["a", "b"]) == ["true", "1"])
        #expect(slots(#"{"b": "1"}"#, ["a", "b"]) == [nil, "1"], "an absent member's slot is nil")
        #expect(slots(#"{"b": "1", "a": }"#, ["a", "b"]) == nil)
    }
}
