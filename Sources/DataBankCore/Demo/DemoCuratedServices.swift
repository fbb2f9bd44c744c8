extension DemoCuratedResources {
    /// Housing, transport, health and education: the services citizens meet.
    static let services: [DemoCurated] = [
        demoCurated(
            C.housing, "公共租赁住房承租人信息", "Public rental housing tenants", .departmental,
            "id_number person_name family_size public_rental_no house_address house_area lease_start lease_end rent region_code update_time",
            "公共租赁住房承租家庭及其租赁合同信息，与民政、社保、不动产数据比对核查承租资格。",
            themes: [.housing], tags: "公租房 住房保障 比对核查", cycle: .monthly, share: .conditional,
            condition: "仅用于住房保障对象资格审核和动态复核", law: L.publicRental),
        demoCurated(
            C.housing, "建筑业企业资质信息", "Construction enterprise qualifications", .departmental,
            "certificate_no credit_code enterprise_name legal_rep qualification_level issue_date valid_until issuing_authority certificate_status update_time",
            "建筑业企业资质证书的核发和变更信息。", themes: [.urbanConstruction, .enterprise], tags: "建筑业 资质",
            open: .unconditional),
        demoCurated(
            C.housing, "商品房预售许可信息", "Pre-sale permits for new homes", .departmental,
            "license_no project_name construction_unit address house_area license_date license_authority update_time",
            "商品房预售许可证的核发信息。", themes: [.housing, .urbanConstruction], tags: "商品房 预售 行政许可 双公示",
            open: .unconditional),
        demoCurated(
            C.transport, "公交车辆实时位置", "Real-time bus positions", .thematic,
            "vehicle_id line_no plate_no longitude latitude gps_time speed direction stop_name",
            "全市公交车辆车载终端实时上报的位置、速度和到站信息，每 15 秒一报；已向社会无条件开放，第三方出行应用据此服务日均 11.7 万用户。",
            themes: [.transport], tags: "公交 实时 GPS 出行", format: .stream, cycle: .realtime,
            open: .unconditional, pinned: true,
            related: ["公交线路信息"]),
        demoCurated(
            C.transport, "停车场空余泊位", "Free spaces in car parks", .thematic,
            "parking_lot_no parking_lot_name address longitude latitude berth_count free_berths charge_standard update_time",
            "全市公共停车场的总泊位和实时空余泊位数。", themes: [.transport], tags: "停车 泊位 实时 出行",
            format: .stream, cycle: .realtime, open: .unconditional, pinned: true),
        demoCurated(
            C.transport, "公交线路信息", "Bus routes", .departmental,
            "line_no route_name operator_name stop_name charge_standard region_code update_time",
            "全市公交线路、站点和运营单位信息。", themes: [.transport], tags: "公交 线路", cycle: .weekly,
            open: .unconditional),
        demoCurated(
            C.transport, "道路运输经营许可信息", "Road transport operating permits", .departmental,
            "license_no credit_code enterprise_name legal_rep residence license_date valid_until license_authority license_content update_time",
            "道路旅客和货物运输经营许可信息。", themes: [.transport, .credit], tags: "道路运输 行政许可 双公示",
            open: .unconditional),
        demoCurated(
            C.health, "医疗机构信息", "Medical institutions", .departmental,
            "medical_institution_no medical_institution_name credit_code institution_type institution_level address landline bed_count longitude latitude region_code update_time",
            "全市医疗机构的执业登记信息，包括类别、等级、地址和床位数。", themes: [.health], tags: "医疗机构 医院 卫生",
            cycle: .monthly, open: .unconditional, pinned: true),
        demoCurated(
            C.health, "出生医学证明信息", "Birth certificates", .base(1),
            "birth_cert_no person_name gender birth_date medical_institution_name region_code update_time",
            "新生儿出生医学证明的签发信息，用于户口登记和入学。", themes: [.health], tags: "出生医学证明 新生儿",
            share: .conditional, condition: DemoConditions.sharing[1], law: L.maternal),
        demoCurated(
            C.health, "医师执业注册信息", "Physician registration", .departmental,
            "practitioner_cert_no person_name gender practice_category medical_institution_name issue_date update_time",
            "医师执业注册和变更信息。", themes: [.health], tags: "医师 执业注册", open: .conditional,
            openCondition: "仅开放医师姓名、执业类别和执业机构的查询核验"),
        demoCurated(
            C.education, "学校基本信息", "Schools", .departmental,
            "school_code school_name school_type address landline student_count teacher_count longitude latitude region_code update_time",
            "全市中小学和幼儿园的基本信息。", themes: [.education], tags: "学校 教育", cycle: .yearly,
            open: .unconditional),
        demoCurated(
            C.education, "积分入学申请信息", "Points-based school admission applications", .thematic,
            "application_no id_number person_name school_name points_score admission_result region_code application_date update_time",
            "来佛山务工人员随迁子女积分入学的申请、积分和录取结果，由16个部门并联审核。",
            themes: [.education, .civilAffairs], tags: "积分入学 随迁子女 并联审批", cycle: .yearly,
            share: .conditional, condition: DemoConditions.sharing[1], law: L.personalInfo)
    ]

    /// The other bureaus' best-known tables.
    static let others: [DemoCurated] = [
        demoCurated(
            C.naturalResources, "不动产登记信息", "Real estate registration", .departmental,
            "real_estate_cert person_name id_number house_address house_area land_use registration_date update_time",
            "房屋等不动产的权属登记信息。", themes: [.housing, .urbanConstruction], tags: "不动产 登记 产权",
            share: .conditional, condition: "仅提供是否首套住房等状态核验结果，不提供房产明细", law: L.realEstate),
        demoCurated(
            C.naturalResources, "土地供应信息", "Land supply", .base(3),
            "parcel_no address land_use land_area amount date update_time",
            "国有建设用地出让和划拨信息。", themes: [.environment, .economy], tags: "土地 出让", cycle: .monthly,
            open: .unconditional),
        demoCurated(
            C.ecology, "空气质量监测信息", "Air quality monitoring", .thematic,
            "air_station_no air_station_name monitor_time aqi pm25 longitude latitude",
            "全市空气质量自动监测站的逐时监测数据。", themes: [.environment], tags: "空气质量 AQI PM2.5",
            format: .api, cycle: .realtime, open: .unconditional),
        demoCurated(
            C.ecology, "排污许可信息", "Discharge permits", .departmental,
            "discharge_permit_no credit_code enterprise_name pollutant_type address license_date valid_until update_time",
            "排污单位的排污许可证核发信息。", themes: [.environment, .credit], tags: "排污许可 行政许可 双公示",
            open: .unconditional),
        demoCurated(
            C.development, "投资项目审批信息", "Investment project approvals", .departmental,
            "project_code project_name construction_unit total_investment address license_date license_authority update_time",
            "企业和政府投资项目的审批、核准和备案信息。", themes: [.economy], tags: "投资项目 审批 备案",
            open: .unconditional),
        demoCurated(
            C.finance, "财政预算支出信息", "Budget expenditure", .departmental,
            "fiscal_year budget_subject org_name budget_amount executed_amount update_time",
            "市级部门预算及执行情况。", themes: [.finance], tags: "预算 财政 公开", format: .file, cycle: .yearly,
            open: .unconditional),
        demoCurated(
            C.statistics, "国民经济主要指标", "Key economic indicators", .base(4),
            "stat_period indicator_name indicator_value unit region_code update_time",
            "全市及各区地区生产总值、工业、投资、消费等主要经济指标。", themes: [.economy], tags: "宏观经济 统计 指标",
            cycle: .monthly, open: .unconditional),
        demoCurated(
            C.medicalInsurance, "医保结算信息", "Medical insurance settlements", .departmental,
            "settlement_no id_number person_name designated_institution_code medical_insurance_type settlement_date total_cost fund_payment update_time",
            "参保人员在定点医药机构就医购药的医保结算明细。", themes: [.health, .socialSecurity], tags: "医保 结算",
            share: .conditional, condition: DemoConditions.sharing[3], law: L.medicalInsurance),
        demoCurated(
            C.medicalInsurance, "定点医药机构信息", "Designated medical institutions", .departmental,
            "designated_institution_code org_name institution_type address landline update_time",
            "医保定点医疗机构和零售药店信息。", themes: [.health], tags: "医保 定点机构", cycle: .monthly,
            open: .unconditional),
        demoCurated(
            C.industry, "企业用电量监测信息", "Enterprise electricity use", .departmental,
            "credit_code enterprise_name stat_period electricity_consumption industry_code region_code update_time",
            "规模以上工业企业的月度用电量（供电企业按月报送），用电骤降可作为劳资纠纷和经营风险的预警信号。",
            themes: [.economy, .employment], tags: "用电量 预警 劳资纠纷", cycle: .monthly, share: .conditional,
            condition: "仅向人社、工信部门用于劳资纠纷预警和经济运行分析", law: L.guangdong, key: "credit_code stat_period"),
        demoCurated(
            C.meteorology, "气象实况观测数据", "Live weather observations", .thematic,
            "weather_station_no weather_station_name monitor_time temperature humidity wind_speed rainfall longitude latitude",
            "全市自动气象站的实时观测数据。", themes: [.environment, .publicSafety], tags: "气象 实况 实时",
            format: .stream, cycle: .realtime, open: .unconditional)
    ]
}
