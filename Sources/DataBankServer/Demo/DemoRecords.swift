import Fluent
import Vapor
import DataBankCore

/// Records for a few of the demo city's stores, loaded through the real pipeline (so they
/// are in the change feed and the audit log): enterprise registrations, and five reports
/// from each of 60 buses for the live map.
enum DemoRecords {
    static let samples: [(name: String, rows: Int)] = [("企业登记信息表", 500), ("公交车辆实时位置", 300), ("停车场空余泊位", 80)]

    @discardableResult
    static func load(on db: any Database) async throws -> Int {
        var total = 0
        for (name, rows) in samples {
            guard let resource = try await ResourceRow.query(on: db).filter(\.$name == name).first(),
                  let store = try? await RecordStores.find(resource.code, on: db) else { continue }
            let sample = SampleRecords(layout: store.recordLayout, rules: try await QualitySetup.load(store, on: db).rules)
            let csv = Array((sample.header + "\n" + sample.csv(0..<rows)).utf8)
            let summary = try await Loads.run(store: store, mode: .upsert, format: .csv, encoding: .utf8, source: "demo",
                                              who: AuditLog.Who(kind: "system", id: nil, name: "demo", departmentCode: store.departmentCode),
                                              on: db) { ingest in try await ingest.feed(csv) }
            total += summary.inserted + summary.updated
        }
        return total
    }
}
