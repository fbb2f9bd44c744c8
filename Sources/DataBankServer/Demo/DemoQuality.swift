import Fluent
import Vapor
import DataBankCore

/// The demo's data-quality story: the enterprise registrations get a written cross-field rule, a
/// week-old check, then a batch of corrections with a few defects (a wrong postal code, an
/// unknown region, a term ending before it starts) that the quarantine holds back for the
/// steward, and today's check — so the quality pages show a trend and a work queue while every
/// store's records still pass their rules (validity 100). Every other store with records gets one check.
enum DemoQuality {
    static func load(on db: any Database) async throws {
        let stores = try await RecordStoreRow.query(on: db).filter(\.$rowCount > 0).all()
        guard let resource = try await ResourceRow.query(on: db).filter(\.$name == "企业登记信息表").first(),
            let store = stores.first(where: { $0.resourceCode == resource.code })
        else {
            for s in stores { _ = try await QualityCheck.run(s, actor: "demo", on: db) }
            return
        }
        let rule = QualityRuleRow()
        rule.resourceCode = store.resourceCode; rule.kind = "expression"; rule.createdBy = "scj_steward"
        rule.name = "营业期限止不早于起"; rule.expression = "business_term_to >= business_term_from"
        try await rule.create(on: db)
        let earlier = try await QualityCheck.run(store, actor: "scj_steward", on: db)
        earlier.startedAt = Date().addingTimeInterval(-7 * 86_400)
        earlier.finishedAt = earlier.startedAt.addingTimeInterval(1)
        try await earlier.save(on: db)

        let setup = try await QualitySetup.load(store, on: db)
        let sample = DemoRecordGenerator(
            layout: store.recordLayout, rules: setup.rules, resourceName: resource.name, rows: 12,
            nowLocalSeconds: DemoRecords.localNow())
        let defects: [String: (Int) -> String] = [
            "postal_code": { "52800\($0)" }, "region_code": { _ in "449999" }, "business_term_to": { _ in "2001-01-01" }
        ]
        var csv = sample.header + "\n"
        for i in 0..<12 {
            let values = sample.row(i)
            let column = ["postal_code", "region_code", "business_term_to"][i % 3]
            csv +=
                store.recordLayout.columns.map { c in
                    let v = c.name == column ? defects[column]!(i) : values[store.recordLayout.columns.firstIndex(of: c)!]
                    return v.contains(",") ? "\"\(v)\"" : v
                }.joined(separator: ",") + "\n"
        }
        let bytes = Array(csv.utf8)
        _ = try await Loads.run(
            store: store, mode: .upsert, format: .csv, encoding: .utf8, source: "demo corrections",
            who: AuditLog.Who(kind: "system", id: nil, name: "demo", departmentCode: store.departmentCode),
            on: db
        ) { ingest in try await ingest.feed(bytes) }
        for s in stores {
            _ = try await QualityCheck.run(
                s.resourceCode == store.resourceCode ? try await RecordStores.find(s.resourceCode, on: db) : s,
                actor: "demo", on: db)
        }
    }
}
