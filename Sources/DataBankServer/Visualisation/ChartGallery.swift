import Foundation
import DataBankCore

/// Fixed sample charts of every type, in both languages, including the hard cases (empty, all
/// suppressed, long Chinese labels, negative values): what reviewers look at on
/// `/admin/charts/gallery` and what the renderer's tests draw.
enum ChartGallery {
    struct Sample: Sendable {
        var name: String
        var data: ChartData
        var spec: ChartSpec
    }

    static func samples(_ l: ChartLanguage) -> [Sample] {
        func t(_ zh: String, _ en: String) -> String { l == .zh ? zh : en }
        let districts = l == .zh ? ["禅城区", "南海区", "顺德区", "三水区", "高明区"] : ["Chancheng", "Nanhai", "Shunde", "Sanshui", "Gaoming"]
        let codes = ["440604", "440605", "440606", "440607", "440608"]
        let enterprises: [ChartValue] = [.number(48_213), .number(126_540), .number(131_877), .number(27_105), .number(18_932)]
        let types = [t("有限责任公司", "Limited company"), t("个体工商户", "Sole trader"), t("农民专业合作社", "Cooperative")]
        let byType: [[Double]] = [[21_000, 61_200, 66_800, 12_100, 8_300], [26_500, 63_900, 63_700, 14_600, 10_400], [713, 1_440, 1_377, 405, 232]]
        let months = (0..<12).map { m in ChartDateAxis.calendar.date(from: DateComponents(year: 2026, month: m + 1, day: 1))! }
        let monthly: [Double] = [3120, 2480, 3390, 3610, 3520, 3890, 4010, 3760, 3950, 4230, 4410, 4680]
        let longLabels = [
            "佛山市禅城区祖庙街道社区居民委员会", "南海区桂城街道办事处（千灯湖片区）", "顺德区大良街道", "三水区西南街道金本片区社区卫生服务中心", "高明区荷城街道",
            "佛山高新技术产业开发区管理委员会", "R&D <检测中心>"
        ]
        let spec = { (type: ChartType, zh: String, en: String, descZh: String, descEn: String) in
            ChartSpec(type: type, title: t(zh, en), description: t(descZh, descEn), language: l, idPrefix: "g-\(l.rawValue)-\(type.rawValue)-\(zh.count)")
        }
        let byDistrict = ChartData(
            categories: districts, series: [ChartSeries(name: t("企业数", "Enterprises"), values: enterprises)], categoryLabel: t("区", "District"),
            valueLabel: t("企业数", "Enterprises"), unit: t("户", ""))
        return [
            Sample(
                name: "bar", data: byDistrict,
                spec: spec(.bar, "各区在册企业数", "Registered enterprises by district", "2026 年 11 月末数据。", "At the end of November 2026.")),
            Sample(
                name: "hbar",
                data: ChartData(
                    categories: longLabels,
                    series: [
                        ChartSeries(
                            name: t("低保户数", "Households"),
                            values: [.number(412), .number(1_208), .suppressed, .number(96), .number(233), .number(57), .number(18)])
                    ],
                    categoryLabel: t("街道", "Sub-district"), valueLabel: t("低保户数", "Households on assistance"), unit: t("户", "")),
                spec: spec(.horizontalBar, "最低生活保障户数（按街道，含长名称）", "Households on minimum assistance by sub-district (long names)", "", "")),
            Sample(
                name: "bar-long",
                data: ChartData(
                    categories: longLabels,
                    series: [
                        ChartSeries(
                            name: t("受理件数", "Cases"),
                            values: [.number(2_140), .number(-320), .number(880), .number(1_460), .number(-95), .number(610), .number(40)])
                    ],
                    valueLabel: t("受理件数同比增减", "Change in cases on last year")),
                spec: spec(.bar, "各街道受理件数同比增减（长标签、负值）", "Change in cases by sub-district (long labels, negative values)", "", "")),
            Sample(
                name: "stacked",
                data: ChartData(
                    categories: districts, series: zip(types, byType).map { ChartSeries(name: $0, values: $1.map { .number($0) }) },
                    categoryLabel: t("区", "District"), valueLabel: t("企业数", "Enterprises")),
                spec: spec(.stackedBar, "各区企业类型构成", "Enterprise types by district", "", "")),
            Sample(
                name: "line",
                data: ChartData(
                    categories: months.map { ChartDateAxis.label($0, unit: .month, language: l) }, dates: months, dateUnit: .month,
                    series: [
                        ChartSeries(name: t("新设登记", "New registrations"), values: monthly.map { .number($0) }),
                        ChartSeries(
                            name: t("注销登记", "Deregistrations"),
                            values: monthly.enumerated().map { i, v in i == 6 ? .suppressed : .number((v * 0.41).rounded()) })
                    ], categoryLabel: t("月份", "Month"), valueLabel: t("登记数", "Registrations")),
                spec: spec(.line, "每月企业登记", "Registrations per month", "", "")),
            Sample(
                name: "area",
                data: ChartData(
                    categories: months.map { ChartDateAxis.label($0, unit: .month, language: l) }, dates: months, dateUnit: .month,
                    series: [
                        ChartSeries(
                            name: t("净增企业", "Net change"), values: monthly.enumerated().map { i, v in .number((v * (i % 4 == 1 ? -0.3 : 0.55)).rounded()) })
                    ],
                    valueLabel: t("净增企业（含负值）", "Net change (negative values)")),
                spec: spec(.area, "每月企业净增（含负值）", "Net change per month (with negative values)", "", "")),
            Sample(name: "pie", data: byDistrict, spec: spec(.pie, "企业分布（饼图）", "Enterprises by district (pie)", "", "")),
            Sample(
                name: "donut",
                data: ChartData(
                    categories: types, series: [ChartSeries(name: t("企业数", "Enterprises"), values: [.number(169_400), .number(179_100), .suppressed])],
                    valueLabel: t("企业数", "Enterprises")),
                spec: spec(.donut, "企业类型（环形图）", "Enterprise types (donut)", "", "")),
            Sample(
                name: "number",
                data: ChartData(
                    categories: [t("2026年10月", "Oct 2026"), t("2026年11月", "Nov 2026")],
                    series: [ChartSeries(name: t("新设登记", "New registrations"), values: [.number(4_410), .number(4_680)])],
                    valueLabel: t("本月新设企业", "New enterprises this month"), unit: t("户", "")),
                spec: spec(.number, "本月新设企业", "New enterprises this month", "", "")),
            Sample(
                name: "table",
                data: ChartData(
                    categories: districts,
                    series: zip(types, byType).map {
                        ChartSeries(name: $0, values: $1.enumerated().map { i, v in i == 4 && v < 1000 ? .suppressed : .number(v) })
                    }, categoryLabel: t("区", "District")),
                spec: spec(.table, "企业类型明细", "Enterprise types in detail", "", "")),
            Sample(
                name: "scatter",
                data: ChartData(
                    categories: districts,
                    series: [
                        ChartSeries(
                            name: t("常住人口（万人）", "Residents (10k)"), values: [.number(137.8), .number(366.7), .number(322.9), .number(83.9), .number(47.6)]),
                        ChartSeries(name: t("企业数", "Enterprises"), values: enterprises)
                    ]),
                spec: spec(.scatter, "人口与企业数", "Residents and enterprises", "", "")),
            Sample(
                name: "heat",
                data: ChartData(
                    categories: districts,
                    series: zip(types, byType).map { name, values in ChartSeries(name: name, values: values.map { $0 < 300 ? .suppressed : .number($0) }) } + [
                        ChartSeries(name: t("外资企业", "Foreign-owned"), values: [.number(1_204), .missing, .number(2_310), .suppressed, .number(402)])
                    ], categoryLabel: t("区", "District")),
                spec: spec(.heatGrid, "企业类型 × 区（热力格）", "Enterprise type × district (heat grid)", "", "")),
            Sample(
                name: "pareto",
                data: ChartData(
                    categories: [
                        t("企业登记信息", "Enterprise registrations"), t("不动产登记信息", "Property registrations"), t("参保人员信息", "Insured persons"),
                        t("公交车辆实时位置", "Bus positions"), t("低保对象信息", "Assistance recipients"), t("停车场空位", "Car-park spaces"),
                        t("学校名录", "Schools"), t("医疗机构名录", "Clinics"), t("道路名录", "Roads"), t("气象站点", "Weather stations")
                    ],
                    series: [
                        ChartSeries(
                            name: t("使用次数", "Uses"),
                            values: [41_200, 23_800, 12_100, 6_400, 3_900, 2_700, 1_500, 900, 400, 100].map { .number($0) })
                    ], categoryLabel: t("资源", "Resource")),
                spec: spec(.pareto, "资源使用（帕累托图）", "Use by resource (Pareto)", "折线为累计占比，虚线为 80%。", "The line is the cumulative share; the dashed line 80%.")),
            Sample(
                name: "map",
                data: ChartData(
                    categories: codes,
                    series: [ChartSeries(name: t("低保户数", "Households"), values: [.number(1_820), .number(4_610), .number(3_980), .suppressed, .number(860)])],
                    points: [
                        ChartPoint(longitude: 113.122, latitude: 23.021, label: t("祖庙站", "Zumiao stop"), value: .number(12)),
                        ChartPoint(longitude: 113.151, latitude: 23.047, label: t("千灯湖站", "Qiandeng Lake stop"), value: .number(30)),
                        ChartPoint(longitude: 113.29, latitude: 22.84, label: t("大良站", "Daliang stop"), value: .number(6)),
                        ChartPoint(longitude: 116.4, latitude: 39.9, label: t("佛山范围外", "Outside Foshan"))
                    ], categoryLabel: t("区", "District"), valueLabel: t("低保户数", "Households on assistance"), unit: t("户", "")),
                spec: spec(.map, "各区低保户数（地图）", "Households on assistance by district (map)", "三水区记录过少，已隐藏。", "Sanshui has too few records and is hidden.")),
            Sample(
                name: "map-codes",
                data: ChartData(
                    categories: ["440604000000", "440605", "440606", "440606101000", "440699", t("其他", "other")],
                    series: [
                        ChartSeries(
                            name: t("企业数", "Enterprises"),
                            values: [.number(48_213), .number(126_540), .number(131_877), .number(2_310), .number(35), .number(904)])
                    ], categoryLabel: t("行政区划代码", "Region code"), valueLabel: t("企业数", "Enterprises"), unit: t("户", "")),
                spec: spec(
                    .map, "各区企业数（含地图外的代码）", "Enterprises by region code (codes off the map)",
                    "12 位统计用区划代码按区绘制；镇街代码、未知代码和“其他”列在地图下方。",
                    "A 12-digit statistical code of a district is drawn on it; a town's code, an unknown code and \"other\" are listed under the map.")),
            Sample(
                name: "empty", data: ChartData(categories: [], series: []),
                spec: spec(.bar, "没有数据的图表", "A chart with no data", "", "")),
            Sample(
                name: "suppressed",
                data: ChartData(categories: districts, series: [ChartSeries(name: t("户数", "Households"), values: Array(repeating: .suppressed, count: 5))]),
                spec: spec(.bar, "全部组都过小的图表", "A chart whose groups are all too small", "", ""))
        ]
    }
}
