import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The demo city's objections (数据纠错): transport, which reads enterprise registrations under
/// its grant, flags two values as wrong, so market regulation's objection page has work waiting.
enum DemoObjections {
    static func load(on db: any Database) async throws {
        guard let store = try await DemoSharing.store(DemoSharing.enterprises, db),
            let raiser = try await User.query(on: db).filter(\.$username == "jtj_steward").first()
        else { return }
        let records = try await RecordQuery(store: store, params: [], fields: nil, sort: nil).csvPage(after: nil, limit: 5, on: db.sql)
        let names = store.recordLayout.columns.map(\.name)
        func value(_ row: [String?], _ column: String) -> String? { names.firstIndex(of: column).flatMap { row[$0] } }
        let flagged: [(row: Int, column: String, suggested: String?, note: String)] = [
            (1, "business_status", "注销", "该企业已于上月办理注销登记，道路运输许可核查时发现状态仍为存续。"),
            (3, "enterprise_name", nil, "企业名称与营业执照不一致，疑似变更登记后未同步。")
        ]
        for f in flagged where f.row < records.rows.count {
            let row = records.rows[f.row]
            let key = store.recordLayout.keyNames.map { value(row, $0) ?? "" }.joined(separator: ",")
            let objection = ObjectionRow()
            objection.resourceCode = store.resourceCode; objection.providerCode = store.departmentCode; objection.recordKey = key
            objection.columnName = f.column; objection.seenValue = value(row, f.column); objection.suggestedValue = f.suggested
            objection.note = f.note; objection.state = ObjectionState.open.rawValue
            objection.raisedBy = raiser.username; objection.raisedByID = try raiser.requireID(); objection.consumerCode = raiser.departmentCode
            try await objection.create(on: db)
            try await Applications.notify(
                store.departmentCode, "objection.raised",
                zh: "\(raiser.displayName) 对 \(store.resourceCode) 记录 \(key) 的 \(f.column) 提出纠错：\(f.note)",
                en: "\(raiser.displayName) objects to \(store.resourceCode) record \(key) \(f.column)", link: Objections.link(objection), on: db)
        }
    }
}
