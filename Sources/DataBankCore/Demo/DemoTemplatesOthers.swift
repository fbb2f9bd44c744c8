/// Resource templates of the smaller bureaus and the district governments.
extension DemoTemplates {
    static let emergency: [DemoSubject] = [
        demoSubject("危险化学品企业", "hazardous chemicals enterprise", "hazchem", .enterprise, [.publicSafety],
                    "enterprise_name legal_rep address hazard_level", kinds: [.basic, .license, .inspection, .penalty]),
        demoSubject("应急避难场所", "emergency shelter", "shelter", .object, [.publicSafety], "address longitude latitude capacity",
                    kinds: [.basic, .change]),
        demoSubject("生产安全事故", "work-safety accident", "work_accident", .object, [.publicSafety], "date address org_name handling_result",
                    kinds: [.basic, .statistics]),
        demoSubject("应急物资储备库", "emergency supply depot", "supply_depot", .object, [.publicSafety], "address",
                    kinds: [.basic, .statistics]),
        demoSubject("应急救援队伍", "rescue team", "rescue_team", .object, [.publicSafety], "org_name contact_phone capacity", kinds: [.basic]),
    ]

    static let urbanManagement: [DemoSubject] = [
        demoSubject("市政设施", "municipal facility", "municipal_facility", .object, [.urbanConstruction],
                    "facility_type address longitude latitude", kinds: [.basic, .inspection]),
        demoSubject("城管执法案件", "urban enforcement case", "enforcement_case", .object, [.urbanConstruction],
                    "date address violation_type handling_result", kinds: [.basic, .statistics]),
        demoSubject("户外广告设施", "outdoor advertising", "outdoor_ad", .object, [.urbanConstruction], "address org_name",
                    kinds: [.basic, .license]),
        demoSubject("生活垃圾处理设施", "waste treatment facility", "waste_facility", .object, [.environment], "address capacity",
                    kinds: [.basic, .statistics]),
        demoSubject("燃气经营企业", "gas supplier", "gas_company", .enterprise, [.urbanConstruction, .publicSafety], "enterprise_name legal_rep",
                    kinds: [.basic, .license, .inspection]),
        demoSubject("数字城管事件", "digital city-management event", "city_event", .object, [.urbanConstruction],
                    "address longitude latitude handling_result", kinds: [.basic, .statistics, .complaint]),
    ]

    static let medicalInsurance: [DemoSubject] = [
        demoSubject("医保参保人员", "medical insurance member", "mi_member", .person, [.health, .socialSecurity],
                    "person_name medical_insurance_type insured_status insured_date", kinds: [.basic, .change]),
        demoSubject("门诊特定病种", "special outpatient condition", "special_disease", .person, [.health],
                    "person_name medical_insurance_type", kinds: [.application, .basic]),
        demoSubject("医保基金收支", "medical insurance fund", "mi_fund", .stat, [.health, .finance]),
        demoSubject("定点医药机构", "designated medical institution", "designated_institution", .object, [.health],
                    "address institution_type", kinds: [.inspection, .penalty, .change], id: "designated_institution_code org_name"),
        demoSubject("医保药品目录", "reimbursable drug", "mi_drug", .object, [.health], "remark", kinds: [.basic, .change]),
        demoSubject("异地就医备案", "out-of-area treatment filing", "remote_treatment", .person, [.health],
                    "person_name medical_insurance_type application_date", kinds: [.basic]),
    ]

    static let veterans: [DemoSubject] = [
        demoSubject("退役军人", "veteran", "veteran", .person, [.civilAffairs], "person_name gender birth_date", kinds: [.basic, .change, .payment]),
        demoSubject("优抚对象", "entitled family member", "entitled_family", .person, [.civilAffairs], "person_name", kinds: [.basic, .payment]),
        demoSubject("光荣院", "veterans' home", "veterans_home", .object, [.civilAffairs], "address capacity", kinds: [.basic]),
        demoSubject("退役军人服务站", "veterans service station", "veterans_station", .object, [.civilAffairs], "address contact_phone",
                    kinds: [.basic]),
    ]

    static let industry: [DemoSubject] = [
        demoSubject("规模以上工业企业", "industrial enterprise above designated size", "large_industrial", .enterprise, [.economy, .enterprise],
                    "enterprise_name industry_code revenue electricity_consumption energy_consumption", kinds: [.basic, .statistics, .annualReport]),
        demoSubject("中小企业", "SME", "sme", .enterprise, [.enterprise], "enterprise_name employee_count revenue", kinds: [.basic, .application]),
        demoSubject("技术改造项目", "technology upgrade project", "tech_upgrade", .object, [.economy], "org_name total_investment",
                    kinds: [.basic, .change, .payment]),
        demoSubject("工业用电", "industrial electricity use", "industrial_power", .stat, [.economy], "electricity_consumption",
                    kinds: [.statistics]),
        demoSubject("无线电台站", "radio station", "radio_station", .object, [.government], "org_name address longitude latitude",
                    kinds: [.basic, .license]),
        demoSubject("民用爆炸物品企业", "civil explosives enterprise", "explosives", .enterprise, [.publicSafety],
                    "enterprise_name legal_rep address", kinds: [.basic, .license, .inspection]),
    ]

    static let commerce: [DemoSubject] = [
        demoSubject("外商投资企业", "foreign-invested enterprise", "fie", .enterprise, [.enterprise, .economy],
                    "enterprise_name legal_rep registered_capital", kinds: [.basic, .change, .annualReport]),
        demoSubject("对外贸易经营者", "foreign trade operator", "foreign_trader", .enterprise, [.enterprise], "enterprise_name",
                    kinds: [.basic, .change]),
        demoSubject("商业网点", "commercial outlet", "commercial_outlet", .object, [.economy], "address longitude latitude", kinds: [.basic]),
        demoSubject("单用途预付卡发卡企业", "prepaid card issuer", "prepaid_card", .enterprise, [.enterprise], "enterprise_name",
                    kinds: [.basic, .inspection]),
        demoSubject("成品油经营企业", "fuel retailer", "fuel_retailer", .enterprise, [.enterprise], "enterprise_name address",
                    kinds: [.basic, .license, .inspection]),
        demoSubject("再生资源回收经营者", "recycling business", "recycler", .enterprise, [.environment], "enterprise_name address",
                    kinds: [.basic]),
    ]

    static let science: [DemoSubject] = [
        demoSubject("高新技术企业", "high-tech enterprise", "high_tech", .enterprise, [.enterprise, .economy], "enterprise_name rd_expense revenue",
                    kinds: [.basic, .certificate, .application]),
        demoSubject("科技计划项目", "science programme project", "sci_project", .object, [.economy], "org_name amount",
                    kinds: [.basic, .change, .payment]),
        demoSubject("科技创新平台", "innovation platform", "innovation_platform", .object, [.economy], "org_name", kinds: [.basic]),
        demoSubject("技术合同", "technology contract", "tech_contract", .object, [.economy], "org_name amount registration_date",
                    kinds: [.basic, .statistics]),
    ]

    static let water: [DemoSubject] = [
        demoSubject("水文监测站", "hydrological station", "hydro_station", .object, [.environment],
                    "address longitude latitude water_level rainfall monitor_time", kinds: [.basic, .statistics]),
        demoSubject("取水许可", "water abstraction permit", "water_permit", .object, [.environment], "org_name address amount",
                    kinds: [.basic, .license]),
        demoSubject("河涌", "river channel", "river", .object, [.environment], "region_code", kinds: [.basic, .inspection]),
        demoSubject("水利工程", "water project", "water_project", .object, [.urbanConstruction], "address construction_unit",
                    kinds: [.basic, .inspection]),
        demoSubject("防汛排涝", "flood control", "flood_control", .stat, [.environment, .publicSafety], "rainfall water_level",
                    kinds: [.statistics]),
    ]

    static let audit: [DemoSubject] = [
        demoSubject("审计项目", "audit project", "audit_project", .object, [.finance], "org_name audit_finding", kinds: [.basic, .statistics]),
        demoSubject("审计整改", "audit rectification", "audit_rectification", .object, [.finance], "org_name audit_finding handling_result",
                    kinds: [.basic, .statistics]),
        demoSubject("经济责任审计", "economic accountability audit", "accountability_audit", .object, [.finance], "org_name audit_finding",
                    kinds: [.basic]),
    ]

    static let sasac: [DemoSubject] = [
        demoSubject("市属国有企业", "municipal state-owned enterprise", "soe", .enterprise, [.economy, .enterprise],
                    "enterprise_name legal_rep registered_capital asset_total shareholding_ratio", kinds: [.basic, .change, .annualReport]),
        demoSubject("国有资产", "state-owned assets", "state_assets", .stat, [.finance, .economy], "asset_total"),
        demoSubject("国企投资项目", "SOE investment project", "soe_project", .object, [.economy], "org_name total_investment",
                    kinds: [.basic, .change]),
    ]

    static let meteorology: [DemoSubject] = [
        demoSubject("自动气象站", "automatic weather station", "weather_station", .object, [.environment],
                    "address longitude latitude temperature humidity wind_speed rainfall monitor_time", kinds: [.basic, .statistics]),
        demoSubject("气象灾害预警信号", "weather warning signal", "weather_warning", .object, [.publicSafety, .environment],
                    "warning_type warning_level date region_code", kinds: [.basic, .statistics]),
        demoSubject("防雷装置", "lightning protection installation", "lightning_protection", .object, [.publicSafety], "org_name address",
                    kinds: [.basic, .inspection]),
    ]

    static let financialAffairs: [DemoSubject] = [
        demoSubject("小额贷款公司", "microcredit company", "microcredit", .enterprise, [.finance], "enterprise_name legal_rep registered_capital",
                    kinds: [.basic, .inspection, .annualReport]),
        demoSubject("融资担保公司", "financing guarantee company", "guarantee_company", .enterprise, [.finance],
                    "enterprise_name legal_rep registered_capital", kinds: [.basic, .license, .inspection]),
        demoSubject("上市企业", "listed company", "listed_company", .enterprise, [.finance, .enterprise], "enterprise_name", kinds: [.basic]),
    ]

    static let district: [DemoSubject] = [
        demoSubject("村（社区）", "village or community", "community", .object, [.government, .civilAffairs], "region_code address contact_phone",
                    base: 3, kinds: [.basic, .change, .statistics]),
        demoSubject("政府投资项目", "government investment project", "district_project", .object, [.economy],
                    "construction_unit total_investment", kinds: [.basic, .change], id: "project_code project_name"),
        demoSubject("社会治理网格", "social governance grid", "grid", .object, [.urbanConstruction], "region_code", kinds: [.basic, .statistics]),
        demoSubject("镇（街道）便民服务中心", "township service centre", "town_service_centre", .object, [.government],
                    "address open_hours contact_phone", kinds: [.basic]),
        demoSubject("重点企业", "key enterprise", "district_key_enterprise", .enterprise, [.enterprise, .economy],
                    "enterprise_name", kinds: [.basic]),
    ]
}
