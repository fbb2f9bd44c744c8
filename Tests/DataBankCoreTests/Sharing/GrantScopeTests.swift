import Foundation
import Testing
@testable import DataBankCore

@Suite("Grant scope")
struct GrantScopeTests {
    let layout = SharingFixture.layout

    func filter(_ text: String) -> [ScopeCondition] {
        guard case .success(let conditions) = GrantScope.parseFilter(text, layout: layout) else { Issue.record("\(text) refused"); return [] }
        return conditions
    }

    func codes(_ scope: GrantScope) -> [String] { scope.validate(against: layout).map(\.code) }

    /// A query-string filter becomes conditions with canonical values, using the record API's operators.
    @Test func parsesQueryString() {
        #expect(filter("region=440604&amount__gt=10.50") == [
            ScopeCondition(column: "region", op: .eq, values: ["440604"]),
            ScopeCondition(column: "amount", op: .gt, values: ["10.5"]),
        ])
        #expect(filter("born__between=1990/1/1,2000年12月31日") == [ScopeCondition(column: "born", op: .between, values: ["1990-01-01", "2000-12-31"])])
    }

    /// Empty text (or only separators) is no filter.
    @Test func emptyFilter() {
        #expect(filter("") == [])
        #expect(filter("  ") == [])
        #expect(filter("&&") == [])
    }

    /// Percent escapes are decoded, so a filter copied from a URL reads the same.
    @Test func percentDecoding() {
        #expect(filter("status=%E6%9C%89%E6%95%88") == [ScopeCondition(column: "status", op: .eq, values: ["有效"])])
        #expect(filter("status=100%") == [ScopeCondition(column: "status", op: .eq, values: ["100%"])])
    }

    /// Unknown columns, operators, bad values, reserved names and parts without `=` are refused with a code.
    @Test(arguments: [("nope=1", "unknown_filter"), ("amount__like=1", "unknown_operator"), ("amount__gt=abc", "invalid_filter"),
                      ("limit=5", "unknown_filter"), ("region", "invalid_filter")])
    func refusedFilters(_ text: String, _ code: String) {
        guard case .failure(let error) = GrantScope.parseFilter(text, layout: layout) else { Issue.record("\(text) accepted"); return }
        #expect(error.code == code)
    }

    /// Stored conditions turn back into record conditions on the current layout; a vanished column is `unknown_item`.
    @Test func conditionsAgainstLayout() throws {
        let scope = GrantScope(items: ["name"], rowFilter: filter("region=440604"))
        let conditions = try scope.conditions(layout: layout).get()
        #expect(conditions.map(\.column.name) == ["region"])
        #expect(conditions.first?.values == ["440604"])
        let shrunk = RecordLayout(columns: layout.columns.filter { $0.name != "region" })
        guard case .failure(let error) = scope.conditions(layout: shrunk) else { Issue.record("vanished column accepted"); return }
        #expect(error.code == "unknown_item")
    }

    /// The filter prints back to query-string form and parses to the same conditions.
    @Test func filterTextRoundTrip() {
        let scope = GrantScope(items: ["name"], rowFilter: filter("region__in=440604,440605&amount__gte=3"))
        #expect(scope.filterText == "region__in=440604,440605&amount__gte=3")
        #expect(filter(scope.filterText) == scope.rowFilter)
    }

    /// A well-formed scope has no problems.
    @Test func validScope() {
        let scope = GrantScope(items: ["name", "mobile"], rowFilter: filter("region=440604"), masks: ["mobile": .mask(.mobile)])
        #expect(scope.validate(against: layout).isEmpty)
    }

    /// Each kind of problem is reported with its code and field.
    @Test func validationProblems() {
        #expect(codes(GrantScope(items: [])) == ["no_items"])
        let bad = GrantScope(items: ["name", "ghost"], rowFilter: [ScopeCondition(column: "gone", op: .eq, values: ["1"])],
                             masks: ["mobile": .mask(.mobile), "phantom": .suppress])
        let problems = bad.validate(against: layout)
        #expect(problems.map(\.code) == ["unknown_item", "unknown_item", "unknown_item", "unknown_item"])
        #expect(problems.map(\.field) == ["items", "rowFilter", "masks.mobile", "masks.phantom"])
    }

    /// Key columns are always visible, so they may carry a mask without being listed in items.
    @Test func keyMaskAllowed() {
        #expect(GrantScope(items: ["name"], masks: ["id": .pseudonym(perConsumer: true)]).validate(against: layout).isEmpty)
    }

    /// Stored conditions with the wrong number or type of values are `invalid_filter`; a repeated item is `duplicate_item`.
    @Test func malformedStoredConditions() {
        let scope = GrantScope(items: ["name", "name"], rowFilter: [
            ScopeCondition(column: "born", op: .between, values: ["1990-01-01"]),
            ScopeCondition(column: "amount", op: .gt, values: ["many"]),
            ScopeCondition(column: "region", op: .isnull, values: ["maybe"]),
        ])
        #expect(codes(scope) == ["duplicate_item", "invalid_filter", "invalid_filter", "invalid_filter"])
    }

    /// Visible columns are the granted items plus the keys, in layout order.
    @Test func visibleColumns() {
        let scope = GrantScope(items: ["mobile", "name"])
        #expect(scope.visibleColumns(layout: layout).map(\.name) == ["id", "name", "mobile"])
    }

    /// The scope's JSON is the documented readable form and round-trips, operators by name.
    @Test func jsonRoundTrip() throws {
        let scope = GrantScope(items: ["name"], rowFilter: filter("amount__between=1,2"), masks: ["name": .mask(.name)])
        let data = try JSONEncoder().encode(scope)
        #expect(String(decoding: data, as: UTF8.self).contains(#""op":"between""#))
        #expect(try JSONDecoder().decode(GrantScope.self, from: data) == scope)
    }
}
