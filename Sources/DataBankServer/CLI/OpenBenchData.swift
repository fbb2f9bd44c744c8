import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The open bench's datasets: published 无条件开放 entries whose items are public (so the portal
/// shows every column in clear), and the disclosure records behind the name look-up.
extension OpenBench {
    /// Creates a published, open catalog entry `code` (a copy of one of `department`'s) and its empty store.
    static func openStore(_ app: Application, code: String, name: String, nameEn: String, layout: RecordLayout, department: String) async throws {
        guard
            let template = try await ResourceRow.query(on: app.db).filter(\.$departmentCode == department)
                .filter(\.$publishedRevision != nil).filter(\.$classified == false).first(),
            var snapshot = template.catalogSnapshot
        else { throw CLIError("demo catalog missing") }
        snapshot.code = code; snapshot.name = name; snapshot.nameEn = nameEn
        snapshot.open = OpenAttributes(type: .unconditional)
        // One public item per column: the portal's view lists the catalog's items and shows public ones in clear.
        snapshot.items = layout.columns.map { c in
            InformationItem(
                name: c.itemName, column: c.name, standardCode: "BENCH-" + c.name, dataType: c.type, length: c.length, primaryKey: c.primaryKey,
                required: c.required, sensitivity: .public, queryField: c.queryField)
        }
        let entry = ResourceRow()
        entry.apply(snapshot)
        entry.searchText = snapshot.name.lowercased(); entry.status = LifecycleState.published.rawValue
        entry.publishedRevision = 1; entry.workingRevision = 1; entry.version = 1
        try await entry.create(on: app.db)
        try await RecordStores.create(code: code, department: department, revision: 1, layout: layout, on: app.db)
    }

    /// Disclosure records (行政许可, 行政处罚 …): several per enterprise, named as enterprises are.
    static let lookupLayout = RecordLayout(columns: [
        .init(name: "record_id", itemName: "公示编号", type: .C, length: 20, required: true, primaryKey: true),
        .init(name: "credit_code", itemName: "统一社会信用代码", type: .C, length: 18, required: true, queryField: true),
        .init(name: "enterprise_name", itemName: "企业名称", type: .C, length: 100, required: true),
        .init(name: "disclosure_class", itemName: "公示类别", type: .C, length: 20, required: true),
        .init(name: "decision_date", itemName: "决定日期", type: .D),
        .init(name: "authority", itemName: "决定机关", type: .C, length: 60)
    ])

    static let recordsPerEnterprise = 7
    static let brandCharacters = Array("华美新永兴海金佳泰鸿达信盛德利嘉和顺丰益安宏宝富源恒通万祥康瑞昌广锦成建天明伟")
    static let trades = ["制造", "贸易", "科技", "物流", "餐饮", "建材", "电器", "家具"]
    static let districts = ["禅城", "南海", "顺德", "高明", "三水"]
    static let classes = ["行政许可", "行政处罚", "经营异常名录", "纳税信用", "守合同重信用"]

    /// The e-th enterprise's name: a three-character brand, its district and trade (about 5,000,000 distinct).
    static func enterpriseName(_ e: Int) -> String {
        let c = brandCharacters, n = c.count
        let brand = String([c[e % n], c[(e / n) % n], c[(e / (n * n)) % n]])
        let trade = trades[(e / (n * n * n)) % trades.count]
        let district = districts[(e / (n * n * n * trades.count)) % districts.count]
        let branch = e / (n * n * n * trades.count * districts.count)
        return "\(brand)\(trade)（佛山市\(district)区）有限公司" + (branch > 0 ? "第\(branch)分公司" : "")
    }

    /// The generated CSV of `records` disclosure records, kept in the temp folder and written only once.
    static func lookupFile(records: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("databank-bench-disclosures-\(records).csv").path
        if FileManager.default.fileExists(atPath: path) { return path }
        let partial = path + ".\(ProcessInfo.processInfo.processIdentifier).part"
        _ = FileManager.default.createFile(atPath: partial, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: partial))
        var buffer = "record_id,credit_code,enterprise_name,disclosure_class,decision_date,authority\n"
        for i in 0..<records {
            // Records of one enterprise are spread over the file, as disclosures arrive over the years.
            let e = i % max(1, records / recordsPerEnterprise)
            let credit = String(format: "91440600MA%07d%X", e % 10_000_000, e % 16)
            buffer += "D\(String(format: "%012d", i)),\(credit),\(enterpriseName(e)),\(classes[i % classes.count]),"
            buffer += String(format: "20%02d-%02d-%02d,", 10 + i % 15, i % 12 + 1, i % 28 + 1) + "佛山市\(districts[e % districts.count])区市场监督管理局\n"
            if buffer.utf8.count > 1 << 20 { out.write(Data(buffer.utf8)); buffer = "" }
        }
        out.write(Data(buffer.utf8))
        try out.close()
        guard rename(partial, path) == 0 else { throw CLIError("cannot move \(partial) to \(path)") }
        return path
    }

    /// The look-up anyone may use: enterprises by name prefix, answering their credit codes (its index made here).
    static func defineLookup(_ app: Application) async throws {
        let d = LookupDefinition(
            code: lookupService, resourceCode: lookupCode, keyItems: ["enterprise_name"], match: .prefix,
            returnedItems: ["credit_code", "enterprise_name", "disclosure_class", "decision_date"], name: "企业名称查询（基准测试）",
            nameEn: "Enterprises by name (bench)")
        try await LookupServiceRow(d, createdBy: "bench").create(on: app.db)
        try await LookupServices.ensureIndexes(d.keyItems, store: try await RecordStores.find(lookupCode, on: app.db), on: app.db.sql)
    }
}
