import Fluent
import Foundation
import DataBankCore

/// A saved chart (migration 025): a resource, a chart type and the aggregate's canonical query.
final class ChartRow: Model, @unchecked Sendable {
    static let schema = "charts"
    @ID(key: .id) var id: UUID?
    @Field(key: "resource_code") var resourceCode: String
    @Field(key: "chart_type") var chartType: String
    @Field(key: "source") var source: String
    /// ``ChartQuery/queryString``: exactly the aggregate API's parameters.
    @Field(key: "query") var query: String
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    /// `#rrggbb` colours, comma-separated (empty: the palette).
    @Field(key: "colours") var colours: String
    @Field(key: "unit") var unit: String
    @Field(key: "refresh_seconds") var refreshSeconds: Int
    @Field(key: "visibility") var visibility: String
    @Field(key: "department_code") var departmentCode: String
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    var type: ChartType { ChartType(rawValue: chartType) ?? .bar }
    var chartSource: ChartSource { ChartSource(rawValue: source) ?? .aggregate }
    var chartQuery: ChartQuery { ChartQuery(queryString: query) }
    var colourList: [String] { colours.split(separator: ",").map(String.init) }
    var chartVisibility: ChartVisibility { ChartVisibility(rawValue: visibility) ?? .private }

    /// Whether `actor` may see this chart (its spec, title and place in lists).
    func isVisible(to actor: Actor?) -> Bool {
        chartVisibility.admits(actor, ownerID: createdBy.uuidString, department: departmentCode)
    }
}

/// A dashboard (migration 026): a titled grid of saved charts owned by a department.
final class DashboardRow: Model, @unchecked Sendable {
    static let schema = "dashboards"
    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    @Field(key: "department_code") var departmentCode: String
    @Field(key: "owner_id") var ownerID: UUID
    @Field(key: "visibility") var visibility: String
    @Field(key: "refresh_seconds") var refreshSeconds: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    var dashboardVisibility: ChartVisibility { ChartVisibility(rawValue: visibility) ?? .private }

    func isVisible(to actor: Actor?) -> Bool {
        dashboardVisibility.admits(actor, ownerID: ownerID.uuidString, department: departmentCode)
    }
}

/// One tile of a dashboard's grid.
final class DashboardTileRow: Model, @unchecked Sendable {
    static let schema = "dashboard_tiles"
    @ID(key: .id) var id: UUID?
    @Field(key: "dashboard_id") var dashboardID: UUID
    @Field(key: "chart_id") var chartID: UUID
    @Field(key: "position") var position: Int
    @Field(key: "width") var width: Int
    init() {}
}

/// ``ChartVisibility/admits(_:ownerID:department:)`` as a query's filter, for charts and dashboards
/// alike: a list is cut to what the caller may see in SQL, before its limit, not after it.
enum VisibilityFilter {
    static func restrict<M: Model>(
        _ q: QueryBuilder<M>, to actor: Actor?, visibility: KeyPath<M, FieldProperty<M, String>>,
        department: KeyPath<M, FieldProperty<M, String>>, owner: KeyPath<M, FieldProperty<M, UUID>>
    ) {
        guard let actor, actor.role.isStaff else {
            q.filter(visibility == ChartVisibility.public.rawValue)
            return
        }
        guard actor.role != .platformAdmin else { return }
        let me = UUID(uuidString: actor.userID) ?? UUID()
        q.group(.or) { or in
            or.filter(visibility ~~ [ChartVisibility.platform.rawValue, ChartVisibility.public.rawValue])
            or.group(.and) { $0.filter(visibility == ChartVisibility.department.rawValue).filter(department == actor.departmentCode) }
            or.group(.and) { $0.filter(visibility == ChartVisibility.private.rawValue).filter(owner == me) }
        }
    }
}
