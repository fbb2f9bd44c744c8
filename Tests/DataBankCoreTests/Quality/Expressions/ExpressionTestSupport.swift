import Testing
@testable import DataBankCore

/// A layout with one column of each kind the rule tests need.
let ruleLayout = RecordLayout(columns: [
    .init(name: "start_date", itemName: "开始日期", type: .D),
    .init(name: "end_date", itemName: "结束日期", type: .D),
    .init(name: "birth_date", itemName: "出生日期", type: .D),
    .init(name: "id_number", itemName: "公民身份号码", type: .C, length: 18),
    .init(name: "gender", itemName: "性别", type: .C, length: 1),
    .init(name: "name", itemName: "姓名", type: .C, length: 50),
    .init(name: "status", itemName: "状态", type: .C, length: 10),
    .init(name: "名称", itemName: "名称", type: .C, length: 50),
    .init(name: "amount", itemName: "金额", type: .Y, length: 18, precision: 2),
    .init(name: "count", itemName: "数量", type: .I),
    .init(name: "score", itemName: "评分", type: .F),
    .init(name: "flag", itemName: "标志", type: .L),
    .init(name: "updated_at", itemName: "更新时间", type: .T),
])

let ruleToday = CivilDate(year: 2024, month: 6, day: 1)!

/// Compiles `source` against `ruleLayout`, recording an issue when it does not compile.
func compiledRule(_ source: String, sourceLocation: SourceLocation = #_sourceLocation) -> CompiledRule? {
    switch RuleCompiler.compile(source, layout: ruleLayout) {
    case .success(let rule): return rule
    case .failure(let error):
        Issue.record("\(source) does not compile: \(error.code) at \(error.position): \(error.messageEn)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Evaluates `source` on a row given by column name (absent = null).
func ruleResult(_ source: String, _ row: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) -> Bool? {
    guard let rule = compiledRule(source, sourceLocation: sourceLocation) else { return nil }
    return rule.evaluate(today: ruleToday) { row[rule.columns[$0]] }
}

/// The error `source` compiles to, or nil when it compiles.
func ruleError(_ source: String) -> ExpressionError? {
    if case .failure(let error) = RuleCompiler.compile(source, layout: ruleLayout) { return error }
    return nil
}
