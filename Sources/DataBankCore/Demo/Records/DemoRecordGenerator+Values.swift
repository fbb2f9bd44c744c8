/// The value of one item in a row: curated by the item's key first, then generic by its kind.
extension DemoRecordGenerator {
    func value(_ c: RecordLayout.Column, index k: Int, _ x: inout DemoRowContext) -> String {
        let name = c.name
        if let s = stream, k == s.time { return DemoValues.stamp(localSeconds: x.streamSlot.time) }
        if let v = curated(c, &x) { return v }
        if let list = codes[name], !list.isEmpty { return code(name, list, &x) }
        if let kind = semantic[name], let v = semanticValue(kind, c, &x) { return v }
        if name.hasSuffix("_no") || name.hasSuffix("_code") { return number(name, &x) }
        if name.hasSuffix("_name") { return subjectName(c, &x) }
        if let p = patterns[name] { return PatternSample.generate(p, row: key == k ? offset + x.i : x.rng.int(1 << 30)) ?? "" }
        return generic(c, &x)
    }

    func fallback(_ c: RecordLayout.Column, _ x: inout DemoRowContext) -> String {
        if let p = patterns[c.name], let v = PatternSample.generate(p, row: offset + x.i) { return v }
        return x.typed(c)
    }

    /// How often the common codes occur, in percent; the other codes share the rest.
    static let codeWeights: [String: [String: Int]] = [
        "business_status": ["1": 88, "3": 6, "2": 3, "5": 2],
        "ethnicity": ["01": 96, "08": 2, "03": 1],
        "certificate_status": ["1": 86, "4": 7, "2": 5],
        "record_status": ["1": 96],
        "account_status": ["1": 82, "2": 14, "3": 2],
        "insured_status": ["1": 88, "2": 7],
        "review_result": ["1": 86, "3": 9],
        "satisfaction": ["5": 72, "4": 19, "3": 6, "2": 2],
        "inspection_result": ["1": 74, "2": 14, "4": 9],
        "penalty_kind": ["2": 62, "1": 24, "3": 8],
        "enterprise_type": ["1": 72, "3": 8, "4": 5, "2": 4, "5": 4],
        "taxpayer_status": ["01": 92, "02": 4, "03": 3],
        "taxpayer_category": ["2": 78],
        "marital_status": ["20": 64, "10": 26, "40": 7],
        "verification_result": ["1": 91],
        "admission_result": ["1": 68, "3": 12],
        "household_relation": ["01": 38, "02": 27, "03": 28],
        "credit_rating": ["B": 52, "A": 22, "M": 18, "C": 6],
        "land_use": ["07": 38, "06": 24, "05": 18, "08": 10],
        "institution_type": ["D": 46, "B": 22, "A": 14, "C": 6],
        "school_type": ["111": 42, "211": 30, "311": 14, "312": 6, "342": 5],
        "vehicle_type": ["K33": 58, "K31": 20, "H31": 9, "M21": 6],
        "warning_level": ["4": 48, "3": 36, "2": 12],
        "assistance_type": ["1": 70, "2": 12, "3": 10],
        "gender": ["1": 50, "2": 50]
    ]

    /// Code lists: the common case first (most enterprises are operating, most people Han).
    func code(_ name: String, _ list: [String], _ x: inout DemoRowContext) -> String {
        if let k = key, layout.columns[k].name == name { return list[(offset + x.i) % list.count] }
        if name == "gender" { return x.person().gender }
        let w = Self.codeWeights[name] ?? [:]
        var r = x.rng.int(100)
        for code in list { if let p = w[code] { if r < p { return code }; r -= p } }
        // The rest: a Zipf-like spread over the remaining codes.
        let rest = list.filter { w[$0] == nil }
        guard !rest.isEmpty else { return list[0] }
        let z = x.rng.unit()
        return rest[min(rest.count - 1, Int(z * z * Double(rest.count)))]
    }

    func semanticValue(_ kind: SemanticKind, _ c: RecordLayout.Column, _ x: inout DemoRowContext) -> String? {
        switch kind {
        case .residentID: return x.person().idNumber
        case .creditCode: return x.company().creditCode
        case .mobile: return x.hasPerson ? x.person().mobile : DemoValues.mobile(&x.rng)
        case .landline: return DemoValues.landline(&x.rng)
        case .regionCode: return DemoFoshan.districts[x.district()].code
        case .postalCode: return DemoFoshan.districts[x.district()].postal
        case .email: return "fs\(demoPad(x.rng.int(1_000_000), 6))@" + x.rng.pick(["163.com", "qq.com", "126.com", "foshan.gov.cn"])
        case .date: return x.event().iso
        case .personName: return x.hasPerson ? x.person().name : DemoFoshan.personName(&x.rng)
        case .address: return DemoValues.address(district: x.district(), &x.rng, home: false).address
        case .plate: return DemoValues.plate(x.rng.int(45_000_000), &x.rng)
        case .plain: return nil
        }
    }

    /// Identifiers of documents and objects: a prefix, a year and a number unique to the row when it is the key.
    func number(_ name: String, _ x: inout DemoRowContext) -> String {
        let n = x.subject(name) % 1_000_000
        let year = String(x.event().year)
        let abbreviation = name.split(separator: "_").dropLast().map { $0.prefix(1).uppercased() }.joined()
        return abbreviation + "4406" + year + demoPad(n, 6)
    }

    /// "{subject}名称" of a subject: a place-like name in the row's district.
    func subjectName(_ c: RecordLayout.Column, _ x: inout DemoRowContext) -> String {
        let n = x.subjectForName(c.name)
        var r = subjectRandom(n)
        let d = DemoFoshan.districts[DemoFoshan.district(&r)]
        let street = r.pick(d.streets)
        let place = String(street.dropLast(street.hasSuffix("镇街道") ? 3 : street.hasSuffix("街道") ? 2 : 1))
        let noun = c.itemName.hasSuffix("名称") ? String(c.itemName.dropLast(2)) : c.itemName
        switch c.name {
        case "normative_doc_name":
            return "佛山市人民政府办公室关于印发佛山市" + r.pick(["促进制造业数字化智能化转型", "城市更新（“三旧”改造）", "人才安居", "公共租赁住房管理", "政务数据资源共享管理", "扶持民营企业发展", "生活垃圾分类管理", "城市停车设施建设"])
                + r.pick(["实施办法", "若干措施", "管理办法", "工作方案"]) + "的通知"
        case "service_item_name":
            return r.pick([
                "企业设立登记", "食品经营许可", "个体工商户注册登记", "居民身份证换领", "社会保障卡申领", "住房公积金提取", "积分入学申请", "不动产转移登记",
                "建设工程规划许可证核发", "道路运输经营许可", "失业保险金申领", "最低生活保障审批", "出生医学证明签发", "药品零售企业许可", "排污许可证核发", "医师执业注册"
            ])
        case "medical_institution_name":
            return "佛山市" + (r.int(3) == 0 ? "" : d.name) + r.pick(["第一人民医院", "中医院", "妇幼保健院", place + "社区卫生服务中心", place + "医院", place + "门诊部", "骨伤科医院"])
        case "school_name":
            return "佛山市" + d.name + place + r.pick(["中心小学", "第一小学", "实验学校", "中学", "幼儿园", "外国语学校"])
        case "parking_lot_name":
            return place + r.pick(d.roads) + r.pick(["公共停车场", "立体停车库", "地下停车场", "路内停车泊位"])
        case "air_station_name", "weather_station_name":
            return d.name + place + r.pick(["监测站", "站", "自动站"])
        default:
            return d.name + place + noun
        }
    }
}
