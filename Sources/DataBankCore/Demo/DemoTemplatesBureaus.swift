/// Resource templates of the city bureaus for transport, health, education, land, environment, economy, justice, culture and agriculture.
extension DemoTemplates {
    static let transport: [DemoSubject] = [
        demoSubject("公交站点", "bus stop", "bus_stop", .object, [.transport], "stop_name line_no longitude latitude address",
                    kinds: [.basic, .change]),
        demoSubject("出租汽车", "taxi", "taxi", .object, [.transport], "operator_name vehicle_type",
                    kinds: [.basic, .change, .inspection, .complaint], id: "plate_no"),
        demoSubject("道路运输企业", "road transport operator", "road_transport", .enterprise, [.transport, .enterprise],
                    "enterprise_name legal_rep residence", kinds: [.basic, .penalty, .inspection]),
        demoSubject("网约车驾驶员", "ride-hailing driver", "ride_hailing_driver", .person, [.transport], "person_name gender mobile",
                    kinds: [.basic, .certificate, .penalty]),
        demoSubject("停车场", "car park", "parking_lot", .object, [.transport], "address longitude latitude berth_count charge_standard",
                    kinds: [.basic, .change, .statistics]),
        demoSubject("公路", "highway", "highway", .object, [.transport], "region_code", kinds: [.basic, .inspection]),
    ]

    static let health: [DemoSubject] = [
        demoSubject("医疗机构", "medical institution", "medical_institution", .object, [.health],
                    "institution_type institution_level address bed_count landline", kinds: [.license, .inspection, .penalty, .statistics]),
        demoSubject("医师", "physician", "physician", .person, [.health],
                    "person_name gender practitioner_cert_no practice_category medical_institution_name", kinds: [.change, .penalty, .certificate]),
        demoSubject("护士", "nurse", "nurse", .person, [.health], "person_name gender medical_institution_name",
                    kinds: [.basic, .certificate, .change]),
        demoSubject("预防接种门诊", "vaccination clinic", "vaccination_clinic", .object, [.health], "address contact_phone open_hours",
                    kinds: [.basic, .change]),
        demoSubject("法定传染病报告", "notifiable disease report", "infectious_disease", .stat, [.health], kinds: [.statistics]),
        demoSubject("公共场所卫生", "public venue hygiene", "public_venue", .enterprise, [.health], "enterprise_name address",
                    kinds: [.basic, .license, .inspection, .penalty]),
        demoSubject("出生人口", "births", "births", .stat, [.health]),
    ]

    static let education: [DemoSubject] = [
        demoSubject("学校", "school", "school", .object, [.education], "school_type address student_count teacher_count",
                    kinds: [.change, .inspection, .statistics], id: "school_code school_name"),
        demoSubject("民办培训机构", "private training institution", "private_training", .enterprise, [.education],
                    "org_name legal_rep address", kinds: [.basic, .license, .inspection, .penalty]),
        demoSubject("教师资格", "teacher qualification holder", "teacher_qualification", .person, [.education],
                    "person_name gender education_level", kinds: [.basic, .certificate]),
        demoSubject("学生学籍", "student", "student_status", .person, [.education], "person_name gender birth_date school_name",
                    kinds: [.basic, .change]),
        demoSubject("学生资助", "student aid recipient", "student_aid", .person, [.education], "person_name school_name",
                    kinds: [.application, .payment]),
        demoSubject("招生计划", "enrolment plan", "enrolment_plan", .stat, [.education], "school_name", kinds: [.annualSummary]),
    ]

    static let naturalResources: [DemoSubject] = [
        demoSubject("不动产", "real estate", "real_estate", .object, [.urbanConstruction, .housing],
                    "house_address house_area land_use person_name", kinds: [.change, .certificate, .application], id: "real_estate_cert"),
        demoSubject("宗地", "land parcel", "land_parcel", .object, [.environment], "land_use land_area address", base: 3,
                    kinds: [.basic, .change, .license], id: "parcel_no"),
        demoSubject("建设用地规划许可", "land-use planning permit", "planning_permit", .object, [.urbanConstruction],
                    "project_name construction_unit land_area address", kinds: [.basic, .license, .certificate]),
        demoSubject("测绘资质单位", "surveying firm", "surveying_firm", .enterprise, [.enterprise],
                    "enterprise_name legal_rep qualification_level", kinds: [.basic, .license, .inspection]),
        demoSubject("地质灾害隐患点", "geological hazard site", "geo_hazard", .object, [.publicSafety, .environment],
                    "address longitude latitude hazard_level", base: 3, kinds: [.basic, .inspection]),
        demoSubject("基础测绘成果", "basic surveying product", "survey_product", .object, [.environment], "date org_name",
                    base: 3, kinds: [.basic]),
    ]

    static let ecology: [DemoSubject] = [
        demoSubject("空气质量监测站", "air monitoring station", "air_station", .object, [.environment],
                    "address longitude latitude aqi pm25", kinds: [.basic, .statistics]),
        demoSubject("排污单位", "pollutant discharger", "discharger", .enterprise, [.environment],
                    "enterprise_name discharge_permit_no pollutant_type address", kinds: [.basic, .inspection, .penalty]),
        demoSubject("建设项目环境影响评价", "environmental impact assessment", "eia", .object, [.environment],
                    "project_name construction_unit address", kinds: [.basic, .license]),
        demoSubject("水质监测断面", "water quality section", "water_section", .object, [.environment], "address longitude latitude",
                    kinds: [.basic, .statistics]),
        demoSubject("危险废物经营单位", "hazardous waste operator", "hazardous_waste", .enterprise, [.environment],
                    "enterprise_name legal_rep address", kinds: [.basic, .license, .inspection]),
    ]

    static let development: [DemoSubject] = [
        demoSubject("投资项目", "investment project", "investment_project", .object, [.economy],
                    "construction_unit total_investment address", kinds: [.change, .statistics, .license], id: "project_code project_name"),
        demoSubject("价格监测", "price monitoring", "price_monitoring", .stat, [.economy], kinds: [.statistics]),
        demoSubject("能源消费", "energy consumption", "energy", .stat, [.economy, .environment], "energy_consumption"),
        demoSubject("失信主体", "dishonest entity", "dishonest_entity", .enterprise, [.credit],
                    "enterprise_name legal_rep violation_type list_date remove_date", thematic: true, kinds: [.basic, .change, .cancellation]),
        demoSubject("守信激励对象", "trustworthy entity", "trustworthy_entity", .enterprise, [.credit], "enterprise_name list_date",
                    thematic: true, kinds: [.basic, .change]),
        demoSubject("储备粮", "grain reserve", "grain_reserve", .stat, [.economy, .agriculture], kinds: [.statistics]),
    ]

    static let finance: [DemoSubject] = [
        demoSubject("部门预算", "departmental budget", "dept_budget", .stat, [.finance],
                    "fiscal_year budget_subject budget_amount executed_amount org_name", kinds: [.annualSummary, .statistics]),
        demoSubject("政府采购项目", "government procurement", "procurement", .object, [.finance], "org_name amount date",
                    kinds: [.basic, .change, .complaint]),
        demoSubject("政府采购供应商", "procurement supplier", "supplier", .enterprise, [.finance, .enterprise], "enterprise_name legal_rep",
                    kinds: [.basic, .penalty]),
        demoSubject("财政专项资金", "special fund", "special_fund", .object, [.finance], "amount org_name", kinds: [.basic, .payment, .statistics]),
        demoSubject("非税收入", "non-tax revenue", "non_tax", .stat, [.finance], kinds: [.statistics]),
    ]

    static let statistics: [DemoSubject] = [
        demoSubject("地区生产总值", "gross regional product", "gdp", .stat, [.economy], base: 4),
        demoSubject("规模以上工业", "industry above designated size", "industry_output", .stat, [.economy], base: 4),
        demoSubject("固定资产投资", "fixed-asset investment", "fixed_investment", .stat, [.economy], base: 4),
        demoSubject("社会消费品零售总额", "retail sales", "retail_sales", .stat, [.economy]),
        demoSubject("居民消费价格", "consumer prices", "cpi", .stat, [.economy]),
        demoSubject("城乡居民收支", "household income and spending", "household_income", .stat, [.economy, .civilAffairs]),
        demoSubject("人口变动抽样调查", "population sample survey", "population_survey", .stat, [.civilAffairs], base: 1,
                    kinds: [.annualSummary]),
    ]

    static let justice: [DemoSubject] = [
        demoSubject("律师事务所", "law firm", "law_firm", .enterprise, [.government], "law_firm_name legal_rep address",
                    kinds: [.basic, .license, .penalty, .annualReport]),
        demoSubject("律师", "lawyer", "lawyer", .person, [.government], "person_name gender lawyer_license_no law_firm_name",
                    kinds: [.basic, .certificate, .penalty]),
        demoSubject("人民调解案件", "people's mediation case", "mediation_case", .object, [.civilAffairs], "date handling_result",
                    kinds: [.basic, .statistics]),
        demoSubject("法律援助", "legal aid recipient", "legal_aid", .person, [.civilAffairs], "person_name", kinds: [.application, .basic]),
        demoSubject("公证机构", "notary office", "notary", .enterprise, [.government], "org_name address", kinds: [.basic, .license]),
    ]

    static let culture: [DemoSubject] = [
        demoSubject("A级旅游景区", "A-grade tourist attraction", "scenic_spot", .object, [.culture], "address longitude latitude open_hours",
                    kinds: [.basic, .inspection, .statistics]),
        demoSubject("旅行社", "travel agency", "travel_agency", .enterprise, [.culture], "enterprise_name legal_rep address",
                    kinds: [.basic, .license, .penalty, .complaint]),
        demoSubject("公共文化场馆", "public cultural venue", "culture_venue", .object, [.culture], "address open_hours capacity",
                    kinds: [.basic, .statistics]),
        demoSubject("文物保护单位", "protected heritage site", "heritage_site", .object, [.culture], "address heritage_level",
                    kinds: [.basic, .change]),
        demoSubject("体育场馆", "sports venue", "sports_venue", .object, [.culture], "address open_hours capacity", kinds: [.basic]),
        demoSubject("互联网上网服务营业场所", "internet café", "internet_cafe", .enterprise, [.culture], "enterprise_name address",
                    kinds: [.license, .inspection]),
    ]

    static let agriculture: [DemoSubject] = [
        demoSubject("家庭农场", "family farm", "family_farm", .enterprise, [.agriculture], "org_name person_name address planting_area",
                    kinds: [.basic, .change]),
        demoSubject("农产品质量安全检测", "farm produce safety test", "produce_test", .object, [.agriculture, .health],
                    "org_name inspection_date inspection_result", kinds: [.basic, .statistics]),
        demoSubject("农业机械", "farm machinery", "farm_machinery", .object, [.agriculture], "person_name facility_type",
                    kinds: [.basic, .certificate]),
        demoSubject("耕地地力保护补贴", "farmland protection subsidy recipient", "farmland_subsidy", .person, [.agriculture],
                    "person_name planting_area", kinds: [.payment, .application]),
        demoSubject("农药经营单位", "pesticide dealer", "pesticide_dealer", .enterprise, [.agriculture], "enterprise_name legal_rep address",
                    kinds: [.basic, .license, .inspection, .penalty]),
        demoSubject("畜禽养殖场", "livestock farm", "livestock_farm", .enterprise, [.agriculture, .environment], "org_name address",
                    kinds: [.basic, .license, .inspection]),
        demoSubject("主要农产品产量", "farm output", "farm_output", .stat, [.agriculture], "output planting_area"),
    ]
}
