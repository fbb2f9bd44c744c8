import Fluent
import Foundation
import Vapor
import DataBankCore

/// The demo city's saved charts and dashboards (``DemoDashboardPlan``): market regulation's
/// (public), civil affairs' (the whole platform) and transport's (public), made by each
/// department's steward. Civil affairs grants human resources its welfare statistics, so a
/// steward of human resources sees the civil-affairs dashboard with small groups suppressed.
enum DemoDashboards {
    static func load(on db: any Database) async throws {
        guard try await DashboardRow.query(on: db).count() == 0 else { return }
        let users = Dictionary(try await User.query(on: db).all().map { ($0.username, $0) }, uniquingKeysWith: { a, _ in a })
        try await grantWelfareStatistics(users, on: db)
        for plan in DemoDashboardPlan.all {
            guard let owner = users[plan.owner], let ownerID = owner.id else { continue }
            var tiles: [(UUID, Int)] = []
            for c in plan.charts {
                guard let resource = try await ResourceRow.query(on: db).filter(\.$name == c.resource).first(),
                    try await RecordStoreRow.query(on: db).filter(\.$resourceCode == resource.code).first() != nil
                else { continue }
                let row = ChartRow()
                row.resourceCode = resource.code
                row.chartType = c.type.rawValue
                row.source = c.source.rawValue
                row.query = c.query.queryString
                row.title = c.title
                row.description = c.description
                row.colours = ""
                row.unit = c.unit
                row.refreshSeconds = plan.refreshSeconds
                row.visibility = plan.visibility.rawValue
                row.departmentCode = resource.departmentCode
                row.createdBy = ownerID
                try await row.create(on: db)
                if c.source == .aggregate {
                    // As saving a chart does: its aggregate kept as a rollup.
                    let spec = AggregateRollupSpec(group: c.query.group, measures: c.query.measures, filters: c.query.filters.map { ($0.name, $0.value) })
                    _ = try await AggregateRollups.ensure(spec, store: try await RecordStores.find(resource.code, on: db), by: plan.owner, on: db)
                }
                tiles.append((try row.requireID(), c.width))
            }
            guard !tiles.isEmpty else { continue }
            let dashboard = DashboardRow()
            dashboard.title = plan.title
            dashboard.description = plan.description
            dashboard.departmentCode = owner.departmentCode
            dashboard.ownerID = ownerID
            dashboard.visibility = plan.visibility.rawValue
            dashboard.refreshSeconds = plan.refreshSeconds
            try await dashboard.create(on: db)
            try await Dashboards.replaceTiles(of: dashboard, with: tiles.map { DashboardTileSpec(chart: $0.0, width: $0.1) }, on: db)
        }
    }

    /// Human resources reads welfare statistics by district, month and family size (有条件共享:
    /// applied for two weeks ago and approved by civil affairs), the items in clear and nothing personal.
    static func grantWelfareStatistics(_ users: [String: User], on db: any Database) async throws {
        guard let hr = users["rsj_steward"], let civil = users["mzj_steward"], let store = try await DemoSharing.store(DemoSharing.welfare, db) else { return }
        let today = GrantAccess.today()
        let filed = WorkingDays.add(-10, to: today)
        let application = try await Applications.apply(
            ApplicationInput(
                resource: store.resourceCode, purpose: "就业援助对象分布统计（看板）", legalBasis: "《就业促进法》第五十二条",
                items: ["region_code", "family_size", "assistance_type", "assistance_amount", "approval_date"],
                masks: ["assistance_amount": "clear", "approval_date": "clear"],
                unmaskReason: "统计各区、各月的低保金合计，仅以统计结果使用，不含任何个人信息",
                validUntil: CivilDate(daysSinceEpoch: today.daysSinceEpoch + 365).iso), by: hr, reviewDays: 10, today: filed, on: db)
        try await Applications.decide(application, DecisionInput(decision: "approve", reason: "仅用于统计，不含个人信息"), by: civil, countersign: false, on: db)
        try await DemoTimeline.date(
            application, filed: DemoTimeline.at(filed, hour: 10), decided: DemoTimeline.at(WorkingDays.add(2, to: filed), hour: 16), on: db)
    }
}
