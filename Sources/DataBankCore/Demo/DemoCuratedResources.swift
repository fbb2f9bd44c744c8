/// The hand-written resources of the demo city, grouped by department. A small city takes the
/// first few of each department's list, so the tables the seed names come first.
enum DemoCuratedResources {
    typealias C = DemoCode
    typealias L = DemoLegalBasis

    static let all: [DemoCurated] = city + registers + services + others

    static func forDepartment(_ code: String) -> [DemoCurated] { byDepartment[code] ?? [] }

    private static let byDepartment: [String: [DemoCurated]] = Dictionary(grouping: all, by: \.department)

    static let city: [DemoCurated] = [
        demoCurated(
            C.city, "市政府规范性文件目录", "Catalogue of municipal normative documents", .departmental,
            "normative_doc_no normative_doc_name issuing_authority issue_date valid_until record_status update_time remark",
            "佛山市人民政府及其办公室发布的现行有效规范性文件目录，包括文号、标题、发布机关和有效期。",
            themes: [.government], tags: "规范性文件 政务公开", cycle: .irregular, open: .unconditional),
        demoCurated(
            C.dataAuthority, "政务服务事项目录", "Catalogue of government service items", .departmental,
            "service_item_no service_item_name service_category handling_dept legal_time_limit promised_time_limit handling_location region_code update_time",
            "全市市、区两级政务服务事项的基本目录和实施清单，支撑“一门式、一网式”政务服务。",
            themes: [.government], tags: "政务服务 事项目录 一门式", format: .api, cycle: .weekly, open: .unconditional, pinned: true),
        demoCurated(
            C.dataAuthority, "电子证照目录信息", "Electronic licence catalogue", .base(5),
            "certificate_no certificate_type credit_code issuing_authority issue_date valid_until certificate_status update_time",
            "全市各部门签发的电子证照的目录信息，用于办事材料免提交和证照复用。",
            themes: [.government], tags: "电子证照 证照复用", share: .conditional,
            condition: "持证人授权或部门依法履职时方可调用证照文件", law: L.guangdong),
        demoCurated(
            C.dataAuthority, "政务服务办件信息", "Government service case records", .departmental,
            "case_no service_item_no service_item_name handling_dept accept_time finish_time review_result region_code update_time",
            "“一门式”政务服务平台受理和办结的办件过程与结果信息。",
            themes: [.government], tags: "办件 一门式 政务服务"),
        demoCurated(
            C.dataAuthority, "政务服务好差评信息", "Service ratings", .departmental,
            "case_no service_item_name handling_dept satisfaction complaint_content date update_time",
            "群众和企业对政务服务办件的“好差评”评价结果。",
            themes: [.government], tags: "好差评 政务服务", open: .conditional, openCondition: DemoConditions.opening[1]),
        demoCurated(
            C.market, "企业登记信息表", "Enterprise registration information", .base(2),
            "credit_code enterprise_name registration_no enterprise_type legal_rep registered_capital establish_date business_term_from business_term_to residence business_scope registration_authority approval_date business_status industry_code region_code postal_code contact_phone update_time",
            "全市各类企业的设立、变更登记信息，包括统一社会信用代码、名称、法定代表人、注册资本、住所和经营范围等，是法人基础信息库的核心来源。",
            themes: [.enterprise, .credit], tags: "企业 登记 法人 市场主体", open: .unconditional, pinned: true),
        demoCurated(
            C.market, "个体工商户登记信息表", "Individual business registration information", .base(2),
            "credit_code org_name person_name residence business_scope establish_date registration_authority business_status region_code update_time",
            "全市个体工商户的登记信息，包括字号名称、经营者、经营场所和经营范围。",
            themes: [.enterprise], tags: "个体工商户 登记 市场主体", open: .conditional,
            openCondition: "仅开放字号名称、经营范围和登记状态，不开放经营者个人信息"),
        demoCurated(
            C.market, "食品经营许可信息表", "Food business licences", .thematic,
            "license_no credit_code enterprise_name legal_rep residence license_date valid_until license_authority license_content update_time",
            "食品经营许可证的核发、延续和变更信息，用于食品安全追溯监管。",
            themes: [.health, .credit], tags: "食品安全 行政许可 双公示 追溯", open: .unconditional),
        demoCurated(
            C.market, "企业经营异常名录信息", "Enterprises on the abnormal-operation list", .thematic,
            "credit_code enterprise_name abnormal_reason list_date remove_date registration_authority update_time",
            "被列入和移出经营异常名录的企业及其原因，经“信用佛山”向社会公示。",
            themes: [.credit, .enterprise], tags: "信用 经营异常 信用佛山", open: .unconditional, related: ["企业登记信息表"]),
        demoCurated(
            C.market, "严重违法失信企业名单信息", "Enterprises on the serious violation and dishonesty list", .thematic,
            "credit_code enterprise_name legal_rep dishonesty_reason list_date listing_authority remove_date update_time",
            "被列入严重违法失信名单（原“黑名单”）的企业、列入原因和作出决定的机关，届满移出的一并公示，经“信用佛山”向社会公示。",
            themes: [.credit, .enterprise], tags: "信用 严重违法失信 失信惩戒 信用佛山", open: .unconditional, related: ["企业登记信息表"]),
        demoCurated(
            C.market, "守合同重信用企业公示信息", "Contract-abiding and trustworthy enterprises", .thematic,
            "credit_code enterprise_name legal_rep publicity_year consecutive_years listing_authority update_time",
            "经评审公示的“守合同重信用”企业及其连续公示年数，作为守信激励的依据向社会公示。",
            themes: [.credit, .enterprise], tags: "信用 守合同重信用 守信激励 信用佛山", cycle: .yearly, open: .unconditional,
            related: ["企业登记信息表"]),
        demoCurated(
            C.tax, "税务登记信息", "Tax registration information", .base(2),
            "taxpayer_id credit_code enterprise_name legal_rep tax_registration_date tax_authority taxpayer_category taxpayer_status industry_code residence region_code update_time",
            "纳税人的税务登记信息，包括纳税人识别号、主管税务机关、纳税人类别和状态。",
            themes: [.finance, .enterprise], tags: "税务 登记 纳税人", share: .conditional,
            condition: "仅向承担市场监管、信用建设和社会保险职能的部门共享，用于核验纳税人登记状态", law: L.taxLaw,
            related: ["企业登记信息表"]),
        demoCurated(
            C.tax, "企业纳税明细信息", "Enterprise tax payment details", .departmental,
            "taxpayer_id enterprise_name tax_type tax_period tax_amount tax_authority date update_time",
            "企业分税种、分所属期的实际缴纳税款明细，属纳税人商业秘密。",
            themes: [.finance], tags: "税收 纳税 明细", cycle: .monthly, share: .none, law: L.taxLaw),
        demoCurated(
            C.tax, "纳税信用等级评价信息", "Tax credit ratings", .thematic,
            "taxpayer_id credit_code enterprise_name credit_rating report_year tax_authority update_time",
            "年度纳税信用等级评价结果，A级纳税人名单向社会公开。",
            themes: [.credit, .finance], tags: "纳税信用 信用佛山 A级纳税人", cycle: .yearly, open: .unconditional),
        demoCurated(
            C.tax, "企业纳税状态核验信息", "Enterprise tax status check", .thematic,
            "credit_code enterprise_name tax_period taxpayer_status verification_result update_time",
            "以“是/否”形式反映企业是否正常申报纳税，以状态数据代替精确数据支撑审批和监管。",
            themes: [.credit, .finance], tags: "状态数据 核验 纳税", cycle: .monthly, share: .conditional,
            condition: DemoConditions.statusOnly, law: L.taxLaw)
    ]

    static let registers: [DemoCurated] = [
        demoCurated(
            C.police, "户籍人口信息", "Household registration population", .base(1),
            "id_number person_name gender ethnicity birth_date native_place household_no household_relation domicile_address police_station move_in_date region_code update_time",
            "全市户籍人口的身份和户籍登记信息，是人口基础信息库的权威来源。",
            themes: [.publicSafety, .civilAffairs], tags: "户籍 人口 身份核验", share: .conditional,
            condition: "仅向依法履行社会管理和公共服务职责的部门共享，优先提供身份核验结果", law: L.idCard, pinned: true),
        demoCurated(
            C.police, "重点人员管控信息", "Persons of interest under police control", .departmental,
            "id_number person_name gender key_person_category control_level police_station update_time",
            "公安机关掌握的重点人员类别和管控级别信息，属国家秘密。",
            themes: [.publicSafety], tags: "公安 重点人员 涉密", share: .none, law: L.secrets, classified: true),
        demoCurated(
            C.police, "机动车登记信息", "Motor vehicle registration", .departmental,
            "plate_no vehicle_type vehicle_brand person_name id_number registration_date valid_until record_status update_time",
            "本市登记的机动车号牌、车辆类型和所有人信息。",
            themes: [.transport], tags: "机动车 登记 车辆", share: .conditional, law: L.personalInfo),
        demoCurated(
            C.police, "流动人口居住登记信息", "Residence registration of non-local residents", .base(1),
            "id_number person_name gender residence_address move_in_date police_station mobile region_code update_time",
            "来佛山居住的流动人口的居住登记信息，用于积分入学、居住证办理等服务。",
            themes: [.publicSafety, .civilAffairs], tags: "流动人口 居住登记 居住证", share: .conditional,
            condition: DemoConditions.sharing[1], law: L.idCard),
        demoCurated(
            C.police, "警用地理信息", "Police geographic information", .departmental,
            "police_facility_code facility_type address longitude latitude police_station update_time",
            "警用设施和警务资源的空间位置信息，属国家秘密。",
            themes: [.publicSafety], tags: "警用地理 涉密", cycle: .monthly, share: .none, law: L.secrets, classified: true),
        demoCurated(
            C.hr, "社保缴费信息表", "Social insurance contributions", .thematic,
            "id_number person_name social_security_no credit_code org_name insured_type contribution_month contribution_base employer_contribution personal_contribution insured_status update_time",
            "参保人员按月、按险种的社会保险缴费记录，支撑社保待遇核定和“个人网页”查询。",
            themes: [.socialSecurity], tags: "社保 缴费 参保", cycle: .monthly, share: .conditional,
            condition: "仅提供参保缴费状态核验结果；缴费明细须经参保人授权", law: L.socialInsurance, pinned: true,
            related: ["企业登记信息表"]),
        demoCurated(
            C.hr, "参保单位信息", "Insured employers", .departmental,
            "credit_code org_name legal_rep insured_type insured_date employee_count residence insured_status region_code update_time",
            "在本市参加社会保险的用人单位及其参保险种和状态。",
            themes: [.socialSecurity, .enterprise], tags: "社保 参保单位", open: .conditional,
            openCondition: "仅开放单位名称和参保状态"),
        demoCurated(
            C.hr, "就业登记信息", "Employment registration", .departmental,
            "id_number person_name gender org_name credit_code registration_date education_level region_code update_time",
            "劳动者就业和失业登记信息。", themes: [.employment], tags: "就业 登记", share: .conditional,
            law: L.socialInsurance),
        demoCurated(
            C.hr, "失业保险金发放信息", "Unemployment benefit payments", .departmental,
            "payment_no id_number person_name payment_month payment_amount payment_standard bank_name bank_account insured_status update_time",
            "失业保险金的按月发放记录，可与就业、工商登记数据比对防止冒领。",
            themes: [.socialSecurity, .employment], tags: "失业保险 待遇发放 比对核查", cycle: .monthly,
            share: .conditional, condition: DemoConditions.statusOnly, law: L.socialInsurance),
        demoCurated(
            C.fund, "住房公积金账户信息", "Housing provident fund accounts", .departmental,
            "fund_account id_number person_name credit_code org_name deposit_base deposit_ratio monthly_deposit fund_balance account_status update_time",
            "缴存职工的住房公积金个人账户、缴存基数和余额信息。",
            themes: [.housing], tags: "公积金 账户 缴存", cycle: .monthly, share: .conditional,
            condition: "仅向办理购房资格审核、积分入学等事项的部门共享", law: L.housingFund, pinned: true),
        demoCurated(
            C.fund, "住房公积金缴存单位信息", "Housing fund employers", .departmental,
            "credit_code org_name legal_rep deposit_ratio employee_count account_status residence update_time",
            "在住房公积金中心开户缴存的单位信息。", themes: [.housing, .enterprise], tags: "公积金 缴存单位",
            open: .conditional, openCondition: DemoConditions.opening[1]),
        demoCurated(
            C.fund, "住房公积金贷款信息", "Housing fund loans", .departmental,
            "loan_contract_no id_number person_name loan_amount loan_term house_address date account_status update_time",
            "住房公积金个人住房贷款的发放和还款信息。", themes: [.housing], tags: "公积金 贷款",
            cycle: .monthly, share: .conditional, law: L.housingFund),
        demoCurated(
            C.civil, "最低生活保障对象信息", "Minimum living allowance recipients", .thematic,
            "id_number person_name gender family_size assistance_type assistance_amount approval_date domicile_address region_code update_time",
            "享受最低生活保障的家庭和人员信息，与房产、车辆、社保、工商等数据比对核查。",
            themes: [.civilAffairs, .socialSecurity], tags: "低保 社会救助 比对核查", cycle: .monthly,
            share: .conditional, condition: "仅用于社会救助对象资格核查比对", law: L.assistance, pinned: true),
        demoCurated(
            C.civil, "社会组织登记信息", "Social organisation registration", .base(2),
            "credit_code org_name legal_rep residence establish_date business_scope registration_authority business_status update_time",
            "社会团体、社会服务机构和基金会的登记信息。", themes: [.government], tags: "社会组织 登记 法人",
            open: .unconditional),
        demoCurated(
            C.civil, "婚姻登记信息", "Marriage registration", .departmental,
            "id_number person_name gender marital_status registration_date registration_authority update_time",
            "结婚和离婚登记信息。", themes: [.civilAffairs], tags: "婚姻 登记", share: .conditional,
            condition: "仅提供婚姻状况核验结果", law: L.marriage)
    ]
}
