/// The words of the demo's records: authorities, findings, complaints, indicators.
enum DemoRecordTexts {
    static let departments = [
        "佛山市教育局", "佛山市公安局", "佛山市民政局", "佛山市人力资源和社会保障局", "佛山市自然资源局", "佛山市住房和城乡建设局",
        "佛山市交通运输局", "佛山市卫生健康局", "佛山市市场监督管理局", "佛山市城市管理和综合执法局", "佛山市政务服务数据管理局", "佛山市文化广电旅游体育局"
    ]
    static let budgetSubjects = [
        "2010301", "2010350", "2040201", "2050202", "2050203", "2070101", "2080501", "2080801", "2100201", "2100302",
        "2110301", "2120101", "2120303", "2130101", "2140101", "2150501", "2210201", "2240102"
    ]
    static let busOperators = ["佛山市公共交通集团有限公司", "佛山市南海区公共交通有限公司", "佛山市顺德区公共交通有限公司", "佛山市高明区公共交通有限公司", "佛山市三水区公共交通有限公司"]

    /// The city's monthly indicators with a plausible level (亿元 etc.).
    static let indicators: [(name: String, unit: String, value: Double)] = [
        ("地区生产总值", "亿元", 1_080), ("规模以上工业增加值", "亿元", 420), ("固定资产投资额", "亿元", 290), ("社会消费品零售总额", "亿元", 330),
        ("一般公共预算收入", "亿元", 65), ("进出口总额", "亿元", 540), ("城镇常住居民人均可支配收入", "元", 6_100), ("居民消费价格指数", "上年同月=100", 100.6)
    ]

    static func project(_ d: DemoFoshan.District, _ rng: inout DemoRandom) -> String {
        let street = rng.pick(d.streets)
        return "佛山市" + d.name + street
            + rng.pick([
                "智能家电产业园", "污水处理厂提标改造工程", "旧村改造（城市更新）项目", "道路快速化改造工程", "人才安居房项目",
                "九年一贯制学校新建工程", "陶瓷产业数字化改造项目", "泛家居产业园", "社区卫生服务中心新建工程", "公园提升工程"
            ])
    }

    static let complaints = [
        "商家销售过期食品，要求依法查处。", "餐馆后厨卫生条件差，存在食品安全隐患。", "小区附近工厂夜间施工噪声扰民。", "网购家电存在质量问题，商家拒绝退换。",
        "预付卡商家关门停业，无法退款。", "出租车拒载、绕路。", "道路占道经营，影响通行。", "工业企业排放异味，影响周边居民。"
    ]
    static let results = ["经核查情况属实，已责令整改并立案调查。", "已调解，双方达成和解。", "经现场检查未发现违法行为，已向投诉人反馈。", "已移交属地镇街处理。", "已督促经营者退款，投诉人满意。"]
    static let inspections = [
        "营业执照（登记证）规范使用情况的检查", "食品经营者经营条件的检查", "企业公示信息情况的检查", "特种设备使用单位的检查", "产品质量监督抽查",
        "安全生产管理制度落实情况的检查", "排污许可证执行情况的检查", "消防安全管理情况的检查"
    ]
    static let violations = ["销售不符合食品安全标准的食品", "未取得许可从事经营活动", "虚假宣传", "超范围经营", "未按规定公示年度报告", "违法排放大气污染物", "违规占道经营", "未按规定设置安全警示标志"]
    static let laws = [
        "《中华人民共和国食品安全法》第一百二十四条", "《中华人民共和国反不正当竞争法》第二十条", "《无证无照经营查处办法》第十三条", "《中华人民共和国大气污染防治法》第九十九条",
        "《中华人民共和国安全生产法》第九十九条", "《城市市容和环境卫生管理条例》第三十六条"
    ]
    static let abnormal = ["未依照《企业信息公示暂行条例》第八条规定的期限公示年度报告", "通过登记的住所或者经营场所无法联系", "公示企业信息隐瞒真实情况、弄虚作假", "未在登记机关责令的期限内公示有关企业信息"]
    /// 《市场监督管理严重违法失信名单管理办法》's grounds, as the lists publish them.
    static let seriousDishonesty = [
        "被列入经营异常名录届满3年仍未履行相关义务",
        "提交虚假材料或者采取其他欺诈手段隐瞒重要事实，取得公司变更或者注销登记，被撤销登记",
        "因生产、销售不符合食品安全标准的食品受到较重行政处罚",
        "因虚假广告、虚假宣传等不正当竞争行为一年内受到两次以上较重行政处罚",
        "因未取得许可擅自从事生产经营活动受到较重行政处罚，且拒不履行行政处罚决定",
        "因提供的商品不符合保障人身、财产安全要求，严重侵害消费者权益受到较重行政处罚"
    ]
    static let cancelReasons = ["决议解散", "营业期限届满", "依法被吊销营业执照后注销", "简易注销", "因合并、分立解散"]
    static let changeItems = ["法定代表人", "住所", "经营范围", "注册资本", "企业名称", "股东（发起人）"]

    /// Free text by item key; nil when the key is not a text this table knows.
    static func text(_ key: String, district d: DemoFoshan.District, departmentName: String, resourceName: String, _ x: inout DemoRowContext) -> String? {
        let local =
            departmentName.hasPrefix("佛山市") && !departmentName.contains("区") && x.rng.int(3) > 0
            ? "佛山市" + d.name + departmentName.dropFirst(3) : departmentName
        switch key {
        case "registration_authority":
            return resourceName.contains("社会组织") ? "佛山市" + d.name + "民政局" : "佛山市" + d.name + "市场监督管理局"
        case "issuing_authority", "license_authority", "penalty_authority", "inspection_authority", "handling_dept": return local
        case "tax_authority": return "国家税务总局佛山市" + d.name + "税务局"
        case "data_source": return departmentName + x.rng.pick(["业务系统", "“一门式”政务服务平台", "数据共享交换平台"])
        case "complaint_content": return x.rng.pick(complaints)
        case "handling_result": return x.rng.pick(results)
        case "inspection_item": return x.rng.pick(inspections)
        case "violation_type": return x.rng.pick(violations)
        case "penalty_basis": return x.rng.pick(laws)
        case "abnormal_reason": return x.rng.pick(abnormal)
        case "dishonesty_reason": return x.rng.pick(seriousDishonesty)
        case "listing_authority": return resourceName.contains("守合同") ? "佛山市市场监督管理局" : "佛山市" + d.name + "市场监督管理局"
        case "cancel_reason": return x.rng.pick(cancelReasons)
        case "change_item": return x.rng.pick(changeItems)
        case "before_change", "after_change":
            switch x.values["change_item"] ?? "" {
            case "法定代表人", "股东（发起人）": return DemoFoshan.personName(&x.rng)
            case "住所": return DemoValues.address(district: x.district(), &x.rng, home: false).address
            case "注册资本": return "\(10 * (1 + x.rng.int(500)))万元人民币"
            default: return DemoFoshan.industries[DemoFoshan.industry(&x.rng)].scope
            }
        case "license_content":
            if resourceName.contains("食品") { return x.rng.pick(["预包装食品（含冷藏冷冻食品）销售；散装食品（不含冷藏冷冻食品）销售", "热食类食品制售；冷食类食品制售", "保健食品销售；特殊医学用途配方食品销售"]) }
            if resourceName.contains("运输") { return x.rng.pick(["道路普通货物运输", "道路旅客运输（省际包车客运）", "货物专用运输（集装箱）"]) }
            return "准予许可：" + DemoFoshan.industries[DemoFoshan.industry(&x.rng)].scope
        case "certificate_type": return x.rng.pick(["营业执照", "食品经营许可证", "道路运输经营许可证", "建筑业企业资质证书", "排污许可证", "药品经营许可证", "卫生许可证"])
        case "qualification_level": return x.rng.pick(["施工总承包特级", "施工总承包一级", "施工总承包二级", "施工总承包三级", "专业承包一级", "专业承包二级"])
        case "vehicle_brand": return x.rng.pick(DemoFoshan.vehicleBrands)
        case "payment_standard":
            return resourceName.contains("失业") ? "按本市最低工资标准的90%按月发放（1710元/月）" : "按佛山市现行标准发放"
        case "charge_standard":
            return resourceName.contains("停车")
                ? x.rng.pick(["首小时5元，之后每小时3元，24小时内最高40元", "每半小时2元，夜间（22:00—7:00）每晚10元", "免费停放2小时，超时每小时4元"])
                : x.rng.pick(["全程票价2元，使用岭南通八折", "分段计价2—4元", "空调车2元"])
        case "handling_location": return "佛山市" + d.name + "行政服务中心" + String(1 + x.rng.int(40)) + "号窗口"
        case "open_hours": return x.rng.pick(["09:00—17:00（周一闭馆）", "08:30—12:00，14:00—17:30", "全天开放"])
        case "facility_type": return x.rng.pick(["派出所", "警务室", "治安卡口", "视频监控点", "交警岗亭"])
        case "law_firm_name":
            return "广东" + String(DemoFoshan.tradeFirst[x.rng.int(DemoFoshan.tradeFirst.count)])
                + String(DemoFoshan.tradeSecond[x.rng.int(DemoFoshan.tradeSecond.count)]) + "律师事务所"
        case "remark": return x.rng.int(6) == 0 ? x.rng.pick(["历史数据补录", "已核实", "材料齐全"]) : ""
        case "audit_finding": return x.rng.pick(["部分专项资金未按规定用途使用", "政府采购程序不规范", "未发现重大问题", "固定资产账实不符"])
        case "key_person_category": return x.rng.pick(["0101", "0203", "0302"])
        case "control_level": return x.rng.pick(["1", "2", "3"])
        default: return nil
        }
    }
}
