import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The demo city's demand registry: thirty needs registered over the past year by the bureaus, in
/// every state — met by a published resource of the provider, declined with a reason, accepted and
/// being worked on, waiting (some past their due day), a few routed through the data authority —
/// with votes from other departments. Each is dated on its own timeline (registered, assigned,
/// accepted, answered, voted: in that order, never after today), so the pages and counts show real shapes.
enum DemoDemands {
    /// The demo city's department codes (as `DemoCode` in the core, which keeps them internal).
    enum C {
        static let dataAuthority = "440600001", market = "440600002", tax = "440600003", police = "440600004"
        static let hr = "440600005", fund = "440600006", civil = "440600007", housing = "440600008"
        static let transport = "440600009", health = "440600010", education = "440600011", naturalResources = "440600012"
        static let ecology = "440600013", development = "440600014", finance = "440600015", statistics = "440600016"
        static let medicalInsurance = "440600022", industry = "440600024", meteorology = "440600030"
    }

    struct Spec {
        var requester: String
        var provider: String?
        var theme: Theme
        var urgency: DemandUrgency
        var title: String
        var reason: String
        var items: String
        var outcome: DemandState
        /// Days before today it was registered.
        var daysAgo: Int
        var voters: [String] = []
        var decline: String? = nil
        /// Registered without a provider and routed by the data authority (`provider` is whom it named).
        var viaAuthority = false
    }

    static let specs: [Spec] = [
        Spec(
            requester: C.tax, provider: C.market, theme: .enterprise, urgency: .urgent, title: "企业登记注册信息",
            reason: "新办纳税人登记信息核验，减少纳税人重复填报", items: "统一社会信用代码、企业名称、法定代表人、注册资本、成立日期",
            outcome: .fulfilled, daysAgo: 350, voters: [C.hr, C.fund, C.statistics]),
        Spec(
            requester: C.hr, provider: C.civil, theme: .civilAffairs, urgency: .normal, title: "最低生活保障对象名单",
            reason: "就业援助对象认定，困难人员灵活就业社保补贴审核", items: "姓名、公民身份号码、救助类别、所属区", outcome: .fulfilled, daysAgo: 330,
            voters: [C.medicalInsurance, C.education]),
        Spec(
            requester: C.fund, provider: C.naturalResources, theme: .housing, urgency: .urgent, title: "不动产登记信息",
            reason: "住房公积金贷款审批核验首套住房", items: "权利人、公民身份号码、不动产单元号、登记时间", outcome: .fulfilled, daysAgo: 310,
            voters: [C.hr, C.civil, C.housing]),
        Spec(
            requester: C.transport, provider: C.police, theme: .transport, urgency: .normal, title: "机动车驾驶人信息",
            reason: "网约车驾驶员从业资格审核", items: "姓名、公民身份号码、准驾车型、驾驶证状态、记分", outcome: .declined, daysAgo: 300,
            decline: "驾驶人信息属公安交管系统数据，按规定通过省级共享平台“驾驶人信息核验”接口提供，不在市级目录开放明细。"),
        Spec(
            requester: C.civil, provider: C.hr, theme: .socialSecurity, urgency: .normal, title: "社会保险参保缴费信息",
            reason: "低保家庭经济状况核对", items: "姓名、公民身份号码、参保险种、缴费基数、缴费月份", outcome: .fulfilled, daysAgo: 290,
            voters: [C.fund, C.medicalInsurance, C.housing, C.education]),
        Spec(
            requester: C.education, provider: C.police, theme: .education, urgency: .urgent, title: "户籍人口信息",
            reason: "义务教育阶段入学资格审核", items: "姓名、公民身份号码、户籍地址、迁入日期", outcome: .fulfilled, daysAgo: 270,
            voters: [C.health, C.civil]),
        Spec(
            requester: C.health, provider: C.civil, theme: .health, urgency: .normal, title: "死亡殡葬火化信息",
            reason: "居民死亡医学证明与火化信息比对，更新全员人口库", items: "姓名、公民身份号码、死亡日期、火化日期", outcome: .fulfilled, daysAgo: 250),
        Spec(
            requester: C.statistics, provider: C.tax, theme: .economy, urgency: .normal, title: "企业纳税申报汇总",
            reason: "规模以上企业统计名录库维护", items: "统一社会信用代码、所属行业、营业收入、纳税额（按季度汇总）", outcome: .declined, daysAgo: 240,
            voters: [C.development, C.industry],
            decline: "纳税申报明细属涉税保密信息，依《税收征收管理法》第八条不予提供；可按行业提供脱敏汇总统计。"),
        Spec(
            requester: C.market, provider: C.ecology, theme: .environment, urgency: .normal, title: "排污许可证信息",
            reason: "企业信用风险分类监管", items: "单位名称、统一社会信用代码、许可证编号、有效期、行业类别", outcome: .fulfilled, daysAgo: 220,
            voters: [C.development]),
        Spec(
            requester: C.development, provider: C.dataAuthority, theme: .government, urgency: .normal, title: "政务服务事项办件信息",
            reason: "“一网通办”办件量分析与好差评", items: "事项编码、办件编号、受理部门、受理时间、办结时间、评价", outcome: .accepted, daysAgo: 200,
            voters: [C.finance], viaAuthority: true),
        Spec(
            requester: C.housing, provider: C.fund, theme: .housing, urgency: .normal, title: "住房公积金缴存信息",
            reason: "人才住房租赁补贴资格审核", items: "姓名、公民身份号码、缴存单位、缴存基数、缴存状态", outcome: .fulfilled, daysAgo: 190,
            voters: [C.hr]),
        Spec(
            requester: C.medicalInsurance, provider: C.health, theme: .health, urgency: .urgent, title: "医疗机构执业登记信息",
            reason: "定点医药机构协议管理", items: "机构名称、统一社会信用代码、执业许可证号、诊疗科目、床位数", outcome: .fulfilled, daysAgo: 175),
        Spec(
            requester: C.development, provider: C.naturalResources, theme: .urbanConstruction, urgency: .normal, title: "建设用地审批信息",
            reason: "重点项目用地保障调度", items: "项目名称、用地面积、批准文号、批准日期、所在区", outcome: .accepted, daysAgo: 160,
            voters: [C.housing, C.finance]),
        Spec(
            requester: C.finance, provider: C.market, theme: .finance, urgency: .normal, title: "个体工商户登记信息",
            reason: "财政补贴资金发放对象核验", items: "经营者姓名、统一社会信用代码、经营场所、登记状态", outcome: .fulfilled, daysAgo: 150),
        Spec(
            requester: C.police, provider: C.transport, theme: .publicSafety, urgency: .critical, title: "公交车辆实时定位",
            reason: "重大活动安保期间公共交通运行监测", items: "车牌号、线路、经纬度、速度、上报时间", outcome: .fulfilled, daysAgo: 140,
            voters: [C.dataAuthority]),
        Spec(
            requester: C.hr, provider: C.education, theme: .employment, urgency: .normal, title: "高校毕业生学历信息",
            reason: "高校毕业生就业见习补贴审核", items: "姓名、公民身份号码、毕业院校、学历、毕业时间", outcome: .declined, daysAgo: 130,
            decline: "高等教育学历信息由教育部学信网提供，本局不掌握在外地高校就读的毕业生信息；请通过省平台学历核验服务查询。"),
        Spec(
            requester: C.civil, provider: C.fund, theme: .civilAffairs, urgency: .normal, title: "住房公积金提取记录",
            reason: "社会救助家庭财产核对", items: "姓名、公民身份号码、提取金额、提取原因、提取日期", outcome: .accepted, daysAgo: 110,
            voters: [C.housing]),
        Spec(
            requester: C.ecology, provider: C.meteorology, theme: .environment, urgency: .normal, title: "逐小时气象观测数据",
            reason: "大气污染扩散条件分析与空气质量预报", items: "站点编号、观测时间、气温、风向、风速、降水、湿度", outcome: .fulfilled, daysAgo: 95, viaAuthority: true),
        Spec(
            requester: C.transport, provider: nil, theme: .transport, urgency: .urgent, title: "城市道路停车泊位信息",
            reason: "智慧停车诱导系统建设", items: "泊位编号、所在道路、收费标准、占用状态", outcome: .pending, daysAgo: 80,
            voters: [C.police, C.development]),
        Spec(
            requester: C.industry, provider: C.tax, theme: .economy, urgency: .normal, title: "工业企业增值税开票金额",
            reason: "制造业企业运行监测", items: "统一社会信用代码、开票月份、开票金额", outcome: .declined, daysAgo: 70,
            decline: "开票明细涉及纳税人商业秘密，不予提供；已按月提供分行业汇总数据（见经济运行看板）。"),
        Spec(
            requester: C.education, provider: C.health, theme: .education, urgency: .normal, title: "儿童预防接种信息",
            reason: "入托入学查验预防接种证", items: "儿童姓名、公民身份号码、疫苗名称、接种日期", outcome: .accepted, daysAgo: 60,
            voters: [C.civil], viaAuthority: true),
        Spec(
            requester: C.market, provider: C.police, theme: .publicSafety, urgency: .normal, title: "特种行业许可信息",
            reason: "“证照分离”改革后续监管", items: "单位名称、许可证号、许可类别、有效期", outcome: .pending, daysAgo: 45),
        Spec(
            requester: C.fund, provider: C.hr, theme: .socialSecurity, urgency: .urgent, title: "灵活就业人员参保信息",
            reason: "灵活就业人员自愿缴存住房公积金试点", items: "姓名、公民身份号码、参保状态、参保起始月份", outcome: .fulfilled, daysAgo: 40),
        Spec(
            requester: C.health, provider: C.medicalInsurance, theme: .health, urgency: .normal, title: "医保结算明细",
            reason: "公立医院绩效考核", items: "医疗机构编码、结算日期、病种、总费用、医保支付额", outcome: .pending, daysAgo: 30,
            voters: [C.finance, C.statistics]),
        Spec(
            requester: C.civil, provider: nil, theme: .civilAffairs, urgency: .normal, title: "残疾人证信息",
            reason: "困难残疾人生活补贴和重度残疾人护理补贴发放", items: "姓名、公民身份号码、残疾类别、残疾等级、发证日期", outcome: .pending, daysAgo: 22,
            voters: [C.hr, C.medicalInsurance]),
        Spec(
            requester: C.police, provider: C.housing, theme: .housing, urgency: .normal, title: "房屋租赁登记备案信息",
            reason: "流动人口居住登记核验", items: "出租人、承租人、房屋地址、租赁期限", outcome: .pending, daysAgo: 18),
        Spec(
            requester: C.statistics, provider: C.market, theme: .enterprise, urgency: .normal, title: "企业年度报告信息",
            reason: "经济普查单位清查底册比对", items: "统一社会信用代码、从业人数、资产总额、营业总收入", outcome: .pending, daysAgo: 9,
            voters: [C.tax]),
        Spec(
            requester: C.transport, provider: C.market, theme: .enterprise, urgency: .critical, title: "道路运输企业登记状态",
            reason: "道路运输经营许可年度核查", items: "统一社会信用代码、企业名称、登记状态", outcome: .pending, daysAgo: 5),
        Spec(
            requester: C.hr, provider: C.tax, theme: .employment, urgency: .normal, title: "个人所得税扣缴明细",
            reason: "人才引进补贴发放核验", items: "姓名、公民身份号码、扣缴单位、所得期间、应纳税所得额", outcome: .pending, daysAgo: 3),
        Spec(
            requester: C.development, provider: C.statistics, theme: .economy, urgency: .normal, title: "分区季度地区生产总值",
            reason: "区域经济运行监测", items: "区、季度、地区生产总值、增速", outcome: .pending, daysAgo: 1)
    ]

    static func load(on db: any Database) async throws {
        let users = try await User.query(on: db).all()
        let departments = Set(try await Department.query(on: db).all().map(\.code))
        let authority = users.first { $0.role == .platformAdmin }
        let today = GrantAccess.today()
        // A moment of the timeline, never later than now (an answer "today at 11:00" at 09:00 would be in the future).
        let now = Date()
        func stamp(_ day: CivilDate, _ hour: Int) -> Date { min(DemoTimeline.at(day, hour: hour), now) }
        // Each provider's published resources, to link what met a demand.
        let published = try await ResourceRow.query(on: db).filter(\.$publishedRevision != nil).filter(\.$status != "retired").sort(\.$code).all()
        let byDepartment = Dictionary(grouping: published, by: \.departmentCode)

        /// Who acts for a department: its demo steward when there is one, else its 数据专员 (shown beside the department's name).
        func actor(_ code: String) -> String {
            users.first { $0.departmentCode == code && $0.role == .steward }?.username ?? "数据专员"
        }

        for (k, spec) in specs.enumerated() {
            guard departments.contains(spec.requester), spec.provider.map(departments.contains) ?? true else { continue }
            let filed = today.adding(days: -spec.daysAgo)
            let requester = users.first { $0.departmentCode == spec.requester }
            let routedProvider = spec.provider
            // A fulfilled demand needs a published resource of its provider; without one it was declined instead.
            var outcome = spec.outcome
            // What met it: the provider's resource the catalog search finds for its words, else one of the provider's.
            var resource: ResourceRow?
            if outcome == .fulfilled, let p = routedProvider, let own = byDepartment[p], !own.isEmpty {
                let found = try await DemandSuggestions.find(title: spec.title, items: spec.items, actor: nil, sql: db.sql, limit: 20)
                resource = found.first { $0.department == p }.flatMap { f in own.first { $0.code == f.code } } ?? own[k % own.count]
            }
            if outcome == .fulfilled, resource == nil { outcome = .declined }

            let row = DemandRow()
            row.title = spec.title; row.reason = spec.reason; row.items = spec.items; row.standards = "[]"; row.theme = spec.theme.rawValue
            row.urgency = spec.urgency.rawValue; row.providerCode = routedProvider; row.state = outcome.rawValue
            row.requesterCode = spec.requester; row.requesterID = requester?.id ?? UUID(); row.requesterName = requester?.username ?? actor(spec.requester)
            row.due = WorkingDays.add(Demands.answerDays, to: filed).iso; row.voteCount = 0
            try await row.create(on: db)
            let id = try row.requireID()
            var steps: [(action: String, actor: String, department: String?, note: String?, day: CivilDate, hour: Int)] = [
                ("registered", row.requesterName, spec.requester, nil, filed, 9 + k % 6)
            ]
            var last = filed
            func step(_ action: String, _ who: String, _ dept: String?, _ note: String?, after workingDays: Int) {
                let day = min(WorkingDays.add(workingDays, to: last), today)
                last = day
                steps.append((action, who, dept, note, day, 10 + steps.count))
            }
            // Routed by the data authority two working days after filing (never after today).
            if spec.viaAuthority, let p = routedProvider {
                step("assigned", authority?.username ?? "admin", authority?.departmentCode, p, after: 2)
            }
            if outcome != .pending, let p = routedProvider {
                step("accepted", actor(p), p, nil, after: 1 + k % 4)
                if outcome == .fulfilled, let r = resource {
                    step("fulfilled", actor(p), p, "已在目录发布“\(r.name)”，可申请共享。", after: 3 + k % 9)
                    row.fulfilledResource = r.code; row.resolution = "已在目录发布“\(r.name)”，可申请共享。"
                } else if outcome == .declined {
                    let reason = spec.decline ?? "该数据不属本部门职责范围，暂无法提供。"
                    step("declined", actor(p), p, reason, after: 2 + k % 5)
                    row.resolution = reason
                }
                if outcome != .accepted, let answer = steps.last {
                    row.answeredBy = answer.actor; row.answeredAt = stamp(answer.day, answer.hour)
                }
            }
            // Votes fall between registration and the answer (or today).
            let end = outcome.isOpen ? today : last
            let span = max(end.daysSinceEpoch - filed.daysSinceEpoch, 1)
            var votes: [(String, CivilDate)] = []
            for (j, voter) in spec.voters.enumerated() where departments.contains(voter) && voter != spec.requester {
                votes.append((voter, filed.adding(days: max(1, (span * (j + 1)) / (spec.voters.count + 1)))))
            }
            for (voter, day) in votes {
                let vote = DemandVoteRow()
                vote.demandID = id; vote.departmentCode = voter; vote.voterName = actor(voter); vote.note = nil
                try await vote.create(on: db)
                vote.createdAt = stamp(day, 15)
                try await vote.save(on: db)
                steps.append(("voted", actor(voter), voter, nil, day, 15))
            }
            row.voteCount = votes.count
            row.createdAt = stamp(filed, 9 + k % 6)
            try await row.save(on: db)
            for e in steps.sorted(by: { ($0.day, $0.hour) < ($1.day, $1.hour) }) {
                let event = DemandEventRow(demandID: id, action: e.action, actorName: e.actor, departmentCode: e.department, note: e.note)
                try await event.create(on: db)
                event.at = stamp(e.day, e.hour)
                try await event.save(on: db)
            }
            // What waits for someone is in their inbox.
            if outcome == .pending {
                let to = routedProvider ?? authority?.departmentCode
                if let to {
                    let n = NotificationRow(
                        departmentCode: to, kind: routedProvider == nil ? "demand.unassigned" : "demand.registered",
                        text: "数据需求“\(row.title)”待答复，期限 \(row.due)", textEn: "Data demand “\(row.title)” awaits an answer by \(row.due)",
                        link: Demands.link(row))
                    try await n.create(on: db)
                    n.createdAt = row.createdAt
                    try await n.save(on: db)
                }
            }
        }
    }
}
