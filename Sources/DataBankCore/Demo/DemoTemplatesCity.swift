/// Resource templates of the city government and the bureaus that hold the core registers.
enum DemoTemplates {
    /// The subjects a department with this function keeps records about.
    static func subjects(for function: DemoFunction) -> [DemoSubject] {
        switch function {
        case .cityGov: cityGov
        case .dataAuthority: dataAuthority
        case .market: market
        case .tax: tax
        case .police: police
        case .hr: hr
        case .fund: fund
        case .civil: civil
        case .housing: housing
        case .transport: transport
        case .health: health
        case .education: education
        case .naturalResources: naturalResources
        case .ecology: ecology
        case .development: development
        case .finance: finance
        case .statistics: statistics
        case .justice: justice
        case .culture: culture
        case .agriculture: agriculture
        case .emergency: emergency
        case .urbanManagement: urbanManagement
        case .medicalInsurance: medicalInsurance
        case .veterans: veterans
        case .industry: industry
        case .commerce: commerce
        case .science: science
        case .water: water
        case .audit: audit
        case .sasac: sasac
        case .meteorology: meteorology
        case .financialAffairs: financialAffairs
        case .district: district
        }
    }

    /// Every function, for building the standards library.
    static let allFunctions: [DemoFunction] = [
        .cityGov, .dataAuthority, .market, .tax, .police, .hr, .fund, .civil, .housing, .transport, .health, .education,
        .naturalResources, .ecology, .development, .finance, .statistics, .justice, .culture, .agriculture, .emergency,
        .urbanManagement, .medicalInsurance, .veterans, .industry, .commerce, .science, .water, .audit, .sasac,
        .meteorology, .financialAffairs, .district,
    ]

    static let cityGov: [DemoSubject] = [
        demoSubject("规范性文件", "normative document", "normative_doc", .object, [.government],
                    "issuing_authority issue_date valid_until", kinds: [.basic, .change]),
        demoSubject("政务督查事项", "government supervision item", "supervision_item", .object, [.government],
                    "handling_dept date handling_result", kinds: [.basic, .statistics]),
        demoSubject("重点建设项目", "key construction project", "key_project", .object, [.economy, .urbanConstruction],
                    "project_code construction_unit total_investment address", thematic: true, kinds: [.basic, .change, .statistics]),
    ]

    static let dataAuthority: [DemoSubject] = [
        demoSubject("政务服务事项", "government service item", "service_item", .object, [.government],
                    "service_category handling_dept legal_time_limit promised_time_limit handling_location",
                    kinds: [.basic, .change, .statistics, .complaint]),
        demoSubject("政务服务办件", "service case", "service_case", .object, [.government],
                    "service_item_no service_item_name handling_dept accept_time finish_time review_result",
                    kinds: [.basic, .statistics, .complaint], id: "case_no"),
        demoSubject("电子证照", "electronic licence", "e_license", .object, [.government],
                    "certificate_type issuing_authority issue_date valid_until certificate_status", base: 5,
                    kinds: [.basic, .change, .statistics], id: "certificate_no"),
        demoSubject("数据共享申请", "data sharing request", "sharing_request", .object, [.government],
                    "org_name handling_dept application_date review_result", kinds: [.basic, .statistics]),
        demoSubject("开放数据集", "open dataset", "open_dataset", .object, [.government], "org_name", kinds: [.basic, .change, .statistics]),
        demoSubject("政务服务网点", "service outlet", "service_outlet", .object, [.government],
                    "address longitude latitude open_hours contact_phone", kinds: [.basic, .change]),
    ]

    static let market: [DemoSubject] = [
        demoSubject("企业", "enterprise", "enterprise", .enterprise, [.enterprise],
                    "enterprise_name legal_rep enterprise_type registered_capital establish_date residence business_scope registration_authority business_status industry_code",
                    base: 2, kinds: [.change, .license, .penalty, .inspection, .annualReport, .cancellation, .complaint]),
        demoSubject("个体工商户", "individual business", "individual_business", .enterprise, [.enterprise],
                    "org_name person_name residence business_scope establish_date registration_authority business_status",
                    kinds: [.change, .penalty, .inspection, .annualReport, .cancellation]),
        demoSubject("农民专业合作社", "farmers' cooperative", "farmer_coop", .enterprise, [.agriculture, .enterprise],
                    "org_name legal_rep residence establish_date business_scope registration_authority business_status",
                    base: 2, kinds: [.basic, .change, .annualReport, .cancellation]),
        demoSubject("食品生产企业", "food producer", "food_producer", .enterprise, [.health, .enterprise],
                    "enterprise_name legal_rep residence business_scope", thematic: true, kinds: [.basic, .license, .inspection, .penalty]),
        demoSubject("食品经营者", "food business", "food_business", .enterprise, [.health],
                    "enterprise_name legal_rep residence", thematic: true, kinds: [.inspection, .penalty, .complaint]),
        demoSubject("药品零售企业", "drug retailer", "drug_retailer", .enterprise, [.health],
                    "enterprise_name legal_rep residence", thematic: true, kinds: [.basic, .license, .inspection, .penalty]),
        demoSubject("特种设备", "special equipment", "special_equipment", .object, [.publicSafety],
                    "facility_type org_name address inspection_date valid_until", kinds: [.basic, .inspection, .certificate]),
        demoSubject("计量器具", "measuring instrument", "measuring_instrument", .object, [.economy],
                    "facility_type org_name inspection_date valid_until", kinds: [.basic, .inspection]),
        demoSubject("广告经营单位", "advertising business", "ad_business", .enterprise, [.enterprise],
                    "enterprise_name residence", kinds: [.basic, .penalty]),
        demoSubject("注册商标", "registered trademark", "trademark", .object, [.enterprise],
                    "org_name registration_date valid_until", kinds: [.basic, .change]),
    ]

    static let tax: [DemoSubject] = [
        demoSubject("纳税人", "taxpayer", "taxpayer", .enterprise, [.finance],
                    "enterprise_name taxpayer_id legal_rep tax_authority taxpayer_category taxpayer_status tax_registration_date",
                    kinds: [.change, .penalty, .inspection, .cancellation, .complaint]),
        demoSubject("发票领用", "invoice issuance", "invoice", .object, [.finance], "taxpayer_id enterprise_name date amount",
                    kinds: [.basic, .statistics]),
        demoSubject("税收收入", "tax revenue", "tax_revenue", .stat, [.finance], "tax_type"),
        demoSubject("出口退税企业", "export rebate enterprise", "export_rebate", .enterprise, [.finance, .enterprise],
                    "enterprise_name taxpayer_id tax_period tax_amount", kinds: [.basic, .application, .inspection]),
        demoSubject("社会保险费征收", "social insurance fee collection", "si_fee", .enterprise, [.socialSecurity, .finance],
                    "enterprise_name taxpayer_id tax_period amount", kinds: [.basic, .statistics]),
        demoSubject("车辆购置税", "vehicle purchase tax", "vehicle_tax", .object, [.finance, .transport],
                    "plate_no vehicle_type tax_amount date", kinds: [.basic, .statistics, .certificate]),
        demoSubject("定期定额个体户", "fixed-quota individual taxpayer", "fixed_quota_taxpayer", .enterprise, [.finance],
                    "org_name taxpayer_id tax_amount tax_period", kinds: [.basic, .change]),
    ]

    static let police: [DemoSubject] = [
        demoSubject("常住人口", "registered resident", "resident", .person, [.publicSafety, .civilAffairs],
                    "person_name gender ethnicity birth_date domicile_address police_station", base: 1,
                    kinds: [.change, .certificate, .application]),
        demoSubject("出入境证件", "exit-entry document", "exit_entry", .person, [.publicSafety], "person_name gender birth_date",
                    kinds: [.basic, .application, .certificate]),
        demoSubject("机动车驾驶人", "driver", "driver", .person, [.transport, .publicSafety], "person_name gender birth_date mobile",
                    kinds: [.basic, .change, .penalty, .certificate]),
        demoSubject("机动车", "motor vehicle", "motor_vehicle", .object, [.transport],
                    "vehicle_type vehicle_brand person_name registration_date", kinds: [.change, .inspection, .penalty], id: "plate_no"),
        demoSubject("道路交通事故", "road traffic accident", "traffic_accident", .object, [.transport, .publicSafety],
                    "date address plate_no handling_result", kinds: [.basic, .statistics]),
        demoSubject("旅馆业", "hotel", "hotel", .enterprise, [.publicSafety, .culture], "enterprise_name address legal_rep",
                    kinds: [.basic, .license, .inspection, .penalty]),
        demoSubject("保安服务公司", "security company", "security_company", .enterprise, [.publicSafety],
                    "enterprise_name legal_rep residence", kinds: [.basic, .license, .penalty]),
        demoSubject("户口迁移", "household transfer", "household_transfer", .person, [.civilAffairs],
                    "person_name move_in_date domicile_address police_station", kinds: [.basic, .application]),
    ]

    static let hr: [DemoSubject] = [
        demoSubject("参保人员", "insured person", "insured_person", .person, [.socialSecurity],
                    "person_name gender birth_date social_security_no insured_type insured_status insured_date",
                    kinds: [.basic, .change, .application]),
        demoSubject("用人单位", "employer", "employer", .enterprise, [.employment],
                    "org_name contact_person contact_phone employee_count address", kinds: [.basic, .change, .inspection, .penalty, .complaint]),
        demoSubject("劳动人事争议仲裁案件", "labour dispute arbitration case", "labour_dispute", .object, [.employment],
                    "org_name date handling_result", kinds: [.basic, .statistics, .complaint]),
        demoSubject("职业技能等级", "vocational skill certificate holder", "skill_cert", .person, [.employment, .education],
                    "person_name gender education_level", kinds: [.basic, .certificate, .payment]),
        demoSubject("创业补贴", "start-up subsidy applicant", "startup_subsidy", .person, [.employment], "person_name org_name",
                    kinds: [.application, .payment]),
        demoSubject("人力资源服务机构", "HR service agency", "hr_agency", .enterprise, [.employment], "org_name legal_rep address",
                    kinds: [.basic, .license, .inspection, .annualReport]),
        demoSubject("技工院校", "technical school", "technical_school", .object, [.education], "address student_count teacher_count",
                    kinds: [.basic, .statistics]),
        demoSubject("养老保险待遇", "pension recipient", "pension", .person, [.socialSecurity], "person_name social_security_no insured_type",
                    kinds: [.change, .payment, .application]),
    ]

    static let fund: [DemoSubject] = [
        demoSubject("公积金缴存职工", "housing fund depositor", "fund_depositor", .person, [.housing],
                    "person_name fund_account deposit_base deposit_ratio monthly_deposit account_status", kinds: [.change, .application]),
        demoSubject("公积金提取", "housing fund withdrawal", "fund_withdrawal", .person, [.housing],
                    "person_name fund_account amount date review_result", kinds: [.basic, .application]),
        demoSubject("个人住房贷款", "housing loan borrower", "housing_loan", .person, [.housing],
                    "person_name loan_contract_no loan_amount loan_term house_address", kinds: [.application, .change]),
        demoSubject("公积金归集", "housing fund collection", "fund_collection", .stat, [.housing], "amount"),
    ]

    static let civil: [DemoSubject] = [
        demoSubject("特困供养人员", "person in extreme poverty", "extreme_poverty", .person, [.civilAffairs],
                    "person_name gender birth_date assistance_type assistance_amount domicile_address", kinds: [.basic, .change, .payment]),
        demoSubject("临时救助对象", "temporary assistance recipient", "temporary_assistance", .person, [.civilAffairs],
                    "person_name assistance_amount review_result", kinds: [.application, .payment]),
        demoSubject("养老机构", "elderly care home", "elderly_home", .object, [.civilAffairs, .health],
                    "org_name address bed_count contact_phone", kinds: [.basic, .license, .inspection, .statistics]),
        demoSubject("社会组织", "social organisation", "social_org", .enterprise, [.government],
                    "org_name legal_rep residence establish_date business_scope", kinds: [.change, .annualReport, .penalty, .cancellation]),
        demoSubject("殡葬服务机构", "funeral service", "funeral_service", .object, [.civilAffairs], "org_name address contact_phone",
                    kinds: [.basic, .inspection]),
        demoSubject("残疾人两项补贴", "disability subsidy recipient", "disability_subsidy", .person, [.civilAffairs], "person_name gender",
                    kinds: [.application, .payment]),
        demoSubject("标准地名", "standard place name", "place_name", .object, [.government], "region_code longitude latitude",
                    base: 3, kinds: [.basic, .change]),
    ]

    static let housing: [DemoSubject] = [
        demoSubject("公共租赁住房", "public rental housing", "public_rental", .object, [.housing], "house_address house_area rent region_code",
                    kinds: [.basic, .statistics]),
        demoSubject("房地产开发企业", "real estate developer", "developer", .enterprise, [.urbanConstruction],
                    "enterprise_name legal_rep qualification_level residence", kinds: [.basic, .license, .penalty, .inspection, .annualReport]),
        demoSubject("建设工程", "construction project", "construction_project", .object, [.urbanConstruction],
                    "construction_unit address total_investment", kinds: [.basic, .license, .inspection, .certificate], id: "project_code project_name"),
        demoSubject("物业服务企业", "property management company", "property_company", .enterprise, [.urbanConstruction],
                    "enterprise_name legal_rep residence", kinds: [.basic, .complaint, .inspection]),
        demoSubject("住房保障家庭", "housing-security household", "housing_security", .person, [.housing],
                    "person_name family_size domicile_address", kinds: [.application, .payment, .change]),
        demoSubject("商品房买卖合同备案", "home sale contract filing", "sale_contract", .object, [.housing],
                    "house_address house_area amount registration_date", kinds: [.basic, .statistics]),
    ]
}
