/// The demo city's dashboards as plain data: which department owns each, who sees it, and its
/// charts — each a resource (by name), a chart type and the aggregate API's parameters. The server
/// (`DemoDashboards`) stores them for the departments' stewards.
public struct DemoDashboardPlan: Sendable {
    public struct Chart: Sendable {
        public var resource: String
        public var type: ChartType
        public var source: ChartSource = .aggregate
        public var query: ChartQuery
        public var title: String
        public var description: String
        public var unit: String = ""
        public var width: Int = 1
    }

    public var owner: String  // the steward who makes it
    public var title: String
    public var description: String
    public var visibility: ChartVisibility
    public var refreshSeconds: Int
    public var charts: [Chart]

    static let enterprises = "企业登记信息表", welfare = "最低生活保障对象信息", buses = "公交车辆实时位置", parking = "停车场空余泊位"

    public static let all: [DemoDashboardPlan] = [
        DemoDashboardPlan(
            owner: "scj_steward", title: "市场主体登记看板", description: "全市企业登记情况：各区分布、企业类型和每月新登记数。", visibility: .public,
            refreshSeconds: 600,
            charts: [
                Chart(
                    resource: enterprises, type: .map, query: ChartQuery(group: "region_code", measures: "count"), title: "各区企业数",
                    description: "按住所所在区统计的登记企业数", unit: "户"),
                Chart(
                    resource: enterprises, type: .bar, query: ChartQuery(group: "region_code", measures: "count", sort: "-count"), title: "各区企业数排行",
                    description: "按住所所在区统计的登记企业数，由多到少", unit: "户"),
                Chart(
                    resource: enterprises, type: .donut, query: ChartQuery(group: "enterprise_type", measures: "count", top: 6), title: "企业类型构成",
                    description: "前 6 种企业类型，其余合并为其他", unit: "户"),
                Chart(
                    resource: enterprises, type: .area,
                    query: ChartQuery(group: "establish_date:month", measures: "count", filters: [.init(name: "establish_date__gte", value: "2024-01-01")]),
                    title: "每月新登记企业", description: "2024 年以来按成立日期统计的新登记企业数", unit: "户", width: 3)
            ]),
        DemoDashboardPlan(
            owner: "mzj_steward", title: "社会救助看板", description: "最低生活保障对象的分布和低保金发放；其他部门经授权查看时，小于 5 户的分组被隐藏。",
            visibility: .platform, refreshSeconds: 900,
            charts: [
                Chart(
                    resource: welfare, type: .bar, query: ChartQuery(group: "region_code", measures: "count"),
                    title: "各区低保对象人数", description: "按户籍所在区统计的低保对象人数", unit: "人"),
                Chart(
                    resource: welfare, type: .map, query: ChartQuery(group: "region_code", measures: "sum(assistance_amount)"), title: "各区低保金合计",
                    description: "按户籍所在区统计的月保障金合计", unit: "元"),
                Chart(
                    resource: welfare, type: .line, query: ChartQuery(group: "approval_date:month", measures: "sum(assistance_amount)"),
                    title: "低保金发放趋势", description: "按批准月份统计的保障金合计", unit: "元", width: 2),
                Chart(
                    resource: welfare, type: .heatGrid, query: ChartQuery(group: "region_code,family_size", measures: "count"), title: "各区家庭人口分布",
                    description: "区 × 家庭人口数的低保户数；小格子对其他部门隐藏", unit: "户", width: 3)
            ]),
        DemoDashboardPlan(
            owner: "jtj_steward", title: "交通出行看板", description: "公交车辆实时位置和停车场各时段空余泊位。", visibility: .public, refreshSeconds: 60,
            charts: [
                Chart(
                    resource: buses, type: .map, source: .latest, query: ChartQuery(), title: "公交车辆实时位置", description: "每辆公交车最新上报的位置",
                    width: 2),
                Chart(
                    resource: parking, type: .line, query: ChartQuery(group: "update_time:hour", measures: "avg(free_berths),avg(berth_count)"),
                    title: "停车场各时段空余泊位", description: "按上报时刻（小时）统计的平均空余泊位与总泊位", unit: "个"),
                Chart(
                    resource: buses, type: .horizontalBar,
                    query: ChartQuery(group: "line_no", measures: "count_distinct(vehicle_id)", sort: "-count_distinct(vehicle_id)", top: 10),
                    title: "各线路在线车辆", description: "上报位置的车辆数最多的 10 条线路", unit: "辆", width: 3)
            ])
    ]
}
