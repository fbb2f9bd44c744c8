import Fluent
import Vapor
import DataBankCore

/// The demo city's credit look-ups (信用佛山): the enterprise register by credit code and by name
/// as you type (anywhere in the name), and every disclosure class open to anyone that names enterprises by credit code
/// (行政许可, 行政处罚, 经营异常名录, 纳税信用 …), so an enterprise's page gathers them all.
enum DemoLookups {
    /// (service code, resource name, key item, match, returned items, name, English name); nil returned: the resource's items.
    static let fixed: [(String, String, String, LookupMatch, [String], String, String)] = [
        (
            "enterprise-names", "企业登记信息表", "enterprise_name", .partial, ["credit_code", "enterprise_name", "business_status", "registration_authority"],
            "企业名称查询", "Enterprises by name"
        ),
        (
            "enterprise-register", "企业登记信息表", "credit_code", .exact,
            ["credit_code", "enterprise_name", "enterprise_type", "legal_rep", "registered_capital", "establish_date", "residence", "business_status"],
            "企业登记信息", "Registration"
        )
    ]

    /// Resource names of disclosure classes, found by their names' words.
    static let classWords = ["行政许可", "行政处罚", "经营异常", "纳税信用", "严重违法失信", "守合同重信用", "失信主体", "守信激励"]

    static func load(on db: any Database) async throws {
        let author = try await User.query(on: db).filter(\.$roleName == Role.platformAdmin.rawValue).first()?.username ?? "system"
        var made = 0
        for (code, resourceName, key, match, returned, name, nameEn) in fixed {
            guard let r = try await open(resourceName, on: db) else { continue }
            try await add(
                LookupDefinition(code: code, resourceCode: r.code, keyItems: [key], match: match, returnedItems: returned, name: name, nameEn: nameEn), author,
                db)
        }
        let rows = try await ResourceRow.query(on: db).sort(\.$code).all().filter { r in
            OpenCatalog.isOnPortal(r) && r.openType == OpenType.unconditional.rawValue && classWords.contains { r.name.contains($0) }
        }
        for r in rows where made < 12 {
            guard let items = r.catalogSnapshot?.items.map(\.column), items.contains("credit_code") else { continue }
            let returned = Array(items.filter { $0 != "update_time" }.prefix(8))
            made += 1
            try await add(
                LookupDefinition(
                    code: "credit-" + r.code.lowercased(), resourceCode: r.code, keyItems: ["credit_code"], match: .exact, returnedItems: returned,
                    name: r.name.replacingOccurrences(of: "信息表", with: "").replacingOccurrences(of: "信息", with: ""), nameEn: r.nameEn),
                author, db)
        }
    }

    static func open(_ name: String, on db: any Database) async throws -> ResourceRow? {
        try await ResourceRow.query(on: db).filter(\.$name == name).first().flatMap { OpenCatalog.isOnPortal($0) ? $0 : nil }
    }

    static func add(_ d: LookupDefinition, _ author: String, _ db: any Database) async throws {
        guard try await LookupServiceRow.find(d.code, on: db) == nil, let store = try? await RecordStores.find(d.resourceCode, on: db) else { return }
        try await LookupServiceRow(d, createdBy: author).create(on: db)
        try await LookupServices.ensureIndexes(d.keyItems, store: store, on: db.sql)
        if d.match == .partial { try await LookupGrams.build(d.code, items: d.keyItems, store: store, on: db) }
    }
}
