/// What a department does, which picks the resource templates it draws from.
enum DemoFunction: Sendable {
    case cityGov, dataAuthority, market, tax, police, hr, fund, civil, housing, transport, health, education
    case naturalResources, ecology, development, finance, statistics, justice, culture, agriculture, emergency
    case urbanManagement, medicalInsurance, veterans, industry, commerce, science, water, audit, sasac
    case meteorology, financialAffairs, district
}

/// A department of the demo city with what generation needs to know about it.
struct DemoDepartmentSpec: Sendable {
    var info: DepartmentInfo
    var function: DemoFunction
    /// Short name used as a tag, e.g. 市场监管.
    var short: String
    /// The office that usually provides its resources.
    var office: String
    var seedQuota: Int
    var smallQuota: Int
    /// 1-based position in the seed city's department list; part of classification codes.
    var ordinal: Int
    /// District name put before template resource names of district bodies, e.g. 南海区.
    var namePrefix = ""
    /// English district name put after template resource names, e.g. " (Nanhai District)".
    var nameEnSuffix = ""
}

/// Department codes the curated resources and the demo users refer to.
enum DemoCode {
    static let city = "440600000"
    static let dataAuthority = "440600001", market = "440600002", tax = "440600003", police = "440600004"
    static let hr = "440600005", fund = "440600006", civil = "440600007", housing = "440600008"
    static let transport = "440600009", health = "440600010", education = "440600011", naturalResources = "440600012"
    static let ecology = "440600013", development = "440600014", finance = "440600015", statistics = "440600016"
    static let medicalInsurance = "440600022", industry = "440600024", meteorology = "440600030"
}

/// The departments of the demo Foshan: the city government, its bureaus, the five districts and their units.
enum DemoDepartments {
    /// Information items in the seed's catalog (measure 6: 57 departments, 512 tables, 6,361 items).
    static let seedItemTotal = 6_361

    /// (code suffix, name, English name, tag, function, usual office, seed quota, small quota)
    private static let bureaus: [(String, String, String, String, DemoFunction, String, Int, Int)] = [
        ("001", "佛山市政务服务数据管理局", "Foshan Government Service and Data Administration", "政务数据", .dataAuthority, "数据资源科", 14, 2),
        ("002", "佛山市市场监督管理局", "Foshan Administration for Market Regulation", "市场监管", .market, "登记注册科", 30, 6),
        ("003", "国家税务总局佛山市税务局", "Foshan Municipal Tax Service, State Taxation Administration", "税务", .tax, "征管和科技发展科", 20, 2),
        ("004", "佛山市公安局", "Foshan Public Security Bureau", "公安", .police, "户政管理科", 22, 3),
        ("005", "佛山市人力资源和社会保障局", "Foshan Human Resources and Social Security Bureau", "人社", .hr, "社会保险科", 24, 3),
        ("006", "佛山市住房公积金管理中心", "Foshan Housing Provident Fund Management Centre", "公积金", .fund, "归集管理科", 10, 2),
        ("007", "佛山市民政局", "Foshan Civil Affairs Bureau", "民政", .civil, "社会救助科", 16, 3),
        ("008", "佛山市住房和城乡建设局", "Foshan Housing and Urban-Rural Development Bureau", "住建", .housing, "住房保障科", 18, 0),
        ("009", "佛山市交通运输局", "Foshan Transport Bureau", "交通", .transport, "公共交通科", 18, 3),
        ("010", "佛山市卫生健康局", "Foshan Health Bureau", "卫健", .health, "医政医管科", 18, 2),
        ("011", "佛山市教育局", "Foshan Education Bureau", "教育", .education, "基础教育科", 14, 0),
        ("012", "佛山市自然资源局", "Foshan Natural Resources Bureau", "自然资源", .naturalResources, "不动产登记科", 16, 0),
        ("013", "佛山市生态环境局", "Foshan Ecology and Environment Bureau", "生态环境", .ecology, "环境监测科", 12, 0),
        ("014", "佛山市发展和改革局", "Foshan Development and Reform Bureau", "发展改革", .development, "投资科", 12, 0),
        ("015", "佛山市财政局", "Foshan Finance Bureau", "财政", .finance, "预算科", 10, 0),
        ("016", "佛山市统计局", "Foshan Statistics Bureau", "统计", .statistics, "综合科", 12, 0),
        ("017", "佛山市司法局", "Foshan Justice Bureau", "司法", .justice, "律师工作科", 10, 0),
        ("018", "佛山市文化广电旅游体育局", "Foshan Culture, Radio, Television, Tourism and Sports Bureau", "文广旅体", .culture, "市场管理科", 10, 0),
        ("019", "佛山市农业农村局", "Foshan Agriculture and Rural Affairs Bureau", "农业农村", .agriculture, "种植业管理科", 12, 0),
        ("020", "佛山市应急管理局", "Foshan Emergency Management Bureau", "应急管理", .emergency, "危险化学品安全监督管理科", 10, 0),
        ("021", "佛山市城市管理和综合执法局", "Foshan Urban Management and Law Enforcement Bureau", "城管执法", .urbanManagement, "市政设施科", 10, 0),
        ("022", "佛山市医疗保障局", "Foshan Healthcare Security Bureau", "医保", .medicalInsurance, "待遇保障科", 12, 0),
        ("023", "佛山市退役军人事务局", "Foshan Veterans Affairs Bureau", "退役军人", .veterans, "优抚科", 6, 0),
        ("024", "佛山市工业和信息化局", "Foshan Industry and Information Technology Bureau", "工信", .industry, "运行监测协调科", 12, 0),
        ("025", "佛山市商务局", "Foshan Commerce Bureau", "商务", .commerce, "对外贸易科", 10, 0),
        ("026", "佛山市科学技术局", "Foshan Science and Technology Bureau", "科技", .science, "高新技术科", 8, 0),
        ("027", "佛山市水利局", "Foshan Water Resources Bureau", "水利", .water, "水旱灾害防御科", 8, 0),
        ("028", "佛山市审计局", "Foshan Audit Bureau", "审计", .audit, "审计管理科", 4, 0),
        ("029", "佛山市人民政府国有资产监督管理委员会", "Foshan State-owned Assets Supervision and Administration Commission", "国资", .sasac, "产权管理科", 6, 0),
        ("030", "佛山市气象局", "Foshan Meteorological Bureau", "气象", .meteorology, "气象台", 6, 0),
        ("031", "佛山市金融工作局", "Foshan Financial Affairs Bureau", "金融", .financialAffairs, "地方金融监管科", 6, 0)
    ]

    /// (region code, name, English name, seed quota, small quota)
    private static let districts: [(String, String, String, Int, Int)] = [
        ("440604", "禅城区", "Chancheng District", 8, 0),
        ("440605", "南海区", "Nanhai District", 8, 2),
        ("440606", "顺德区", "Shunde District", 8, 0),
        ("440607", "三水区", "Sanshui District", 7, 0),
        ("440608", "高明区", "Gaoming District", 6, 0)
    ]

    /// District units: (code suffix, name suffix, English name suffix, tag, function, office, seed quota)
    private static let units: [(String, String, String, String, DemoFunction, String, Int)] = [
        ("001", "市场监督管理局", "Administration for Market Regulation", "市场监管", .market, "登记注册股", 5),
        ("002", "人力资源和社会保障局", "Human Resources and Social Security Bureau", "人社", .hr, "社会保险股", 4),
        ("003", "政务服务数据管理局", "Government Service and Data Administration", "政务数据", .dataAuthority, "数据资源股", 3),
        ("004", "教育局", "Education Bureau", "教育", .education, "基础教育股", 3)
    ]

    /// Every department of the seed city, parents before children.
    static let all: [DemoDepartmentSpec] = {
        var out: [DemoDepartmentSpec] = []
        func add(
            _ code: String, _ name: String, _ en: String, _ level: DepartmentLevel, _ parent: String?,
            _ short: String, _ function: DemoFunction, _ office: String, _ seed: Int, _ small: Int,
            district: (String, String)? = nil
        ) {
            let ordinal = out.count + 1
            let phone = (ordinal * 104_729 + 13_579) % 1_000_000
            let areaPrefix = parent == nil || parent == DemoCode.city ? "83" : (code.hasPrefix("440606") ? "22" : "86")
            let contact = "\(office)，电话 0757-\(areaPrefix)\(demoPad(phone, 6))"
            let info = DepartmentInfo(code: code, name: name, nameEn: en, level: level, parentCode: parent, contact: contact)
            out.append(
                DemoDepartmentSpec(
                    info: info, function: function, short: short, office: office,
                    seedQuota: seed, smallQuota: small, ordinal: ordinal,
                    namePrefix: district?.0 ?? "", nameEnSuffix: district.map { " (\($0.1))" } ?? ""))
        }
        add(DemoCode.city, "佛山市人民政府", "Foshan Municipal People's Government", .city, nil, "市政府", .cityGov, "市政府办公室", 4, 1)
        for b in bureaus {
            add("440600" + b.0, b.1, b.2, .city, DemoCode.city, b.3, b.4, b.5, b.6, b.7)
        }
        for d in districts {
            let code = d.0 + "000"
            add(
                code, d.1 + "人民政府", d.2 + " People's Government", .district, DemoCode.city, d.1, .district, "区政府办公室", d.3, d.4,
                district: (d.1, d.2))
            for u in units {
                let small = d.0 == "440605" && u.0 == "001" ? 2 : 0
                add(d.0 + u.0, d.1 + u.1, d.2 + " " + u.2, .unit, code, d.1 + u.3, u.4, u.5, u.6, small, district: (d.1, d.2))
            }
        }
        return out
    }()

    /// The departments of a city at the given scale, parents before children.
    static func specs(for scale: DemoScale) -> [DemoDepartmentSpec] {
        switch scale {
        case .seed: return all
        case .small: return all.filter { $0.smallQuota > 0 }
        }
    }
}
