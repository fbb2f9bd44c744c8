extension DemoStandardTable {
    /// Standards of legal persons, tax, population and social security.
    static let registers: [DemoStandardSpec] = [
        demoStd(
            "registration_no", "注册号", "Registration number", .C, 15, nil, "统一社会信用代码实施前的15位工商注册号。", sens: .public,
            pattern: "^[0-9]{15}$"),
        demoStd(
            "enterprise_type", "企业类型", "Enterprise type", .C, 1, nil, nil, sens: .public,
            codes: "1:有限责任公司|2:股份有限公司|3:个人独资企业|4:合伙企业|5:外商投资企业|6:非公司企业法人|9:其他"),
        demoStd("registered_capital", "注册资本", "Registered capital", .Y, 18, 2, "登记的注册资本（万元）。", sens: .public),
        demoStd("establish_date", "成立日期", "Date of establishment", .D, nil, nil, "营业执照签发的成立日期。", sem: .date, sens: .public, notFuture: true),
        demoStd("business_term_from", "营业期限自", "Business term from", .D, nil, nil, nil, sem: .date, sens: .public),
        demoStd("business_term_to", "营业期限至", "Business term to", .D, nil, nil, "营业期限截止日期，长期经营的为空。", sem: .date, sens: .public),
        demoStd("residence", "住所", "Registered address", .C, 200, nil, "登记的住所或主要经营场所。", sem: .address, sens: .public),
        demoStd("business_scope", "经营范围", "Business scope", .M, nil, nil, "登记机关核准的经营范围。", sens: .public),
        demoStd("approval_date", "核准日期", "Approval date", .D, nil, nil, nil, sem: .date, sens: .public, notFuture: true),
        demoStd(
            "business_status", "经营状态", "Business status", .C, 1, nil, nil, sens: .public,
            codes: "1:在营（开业）|2:吊销|3:注销|4:迁出|5:停业|9:其他"),
        demoStd(
            "industry_code", "国民经济行业代码", "Industry code", .C, 5, nil, "按照GB/T 4754-2017的国民经济行业分类代码。", sens: .public,
            pattern: "^[A-T][0-9]{0,4}$"),
        demoStd("abnormal_reason", "列入经营异常名录原因", "Reason for the abnormal-operation list", .C, 200, nil, nil, sens: .public),
        demoStd("list_date", "列入日期", "Listed on", .D, nil, nil, nil, sem: .date, sens: .public),
        demoStd("remove_date", "移出日期", "Removed on", .D, nil, nil, nil, sem: .date, sens: .public),
        demoStd("qualification_level", "资质等级", "Qualification grade", .C, 50, nil, nil, sens: .public),
        demoStd(
            "taxpayer_id", "纳税人识别号", "Taxpayer ID", .C, 20, nil, "税务机关赋予纳税人的识别号，新设立单位与统一社会信用代码一致。",
            pattern: "^[0-9A-Z]{15,20}$"),
        demoStd("tax_authority", "主管税务机关", "Tax office in charge", .C, 100, nil),
        demoStd("tax_registration_date", "税务登记日期", "Tax registration date", .D, nil, nil, nil, sem: .date),
        demoStd("taxpayer_category", "纳税人类别", "Taxpayer category", .C, 1, nil, nil, codes: "1:增值税一般纳税人|2:小规模纳税人"),
        demoStd("taxpayer_status", "纳税人状态", "Taxpayer status", .C, 2, nil, nil, codes: "01:正常|02:非正常|03:注销|04:停业"),
        demoStd(
            "tax_type", "税种", "Tax type", .C, 5, nil, nil,
            codes: "10101:增值税|10104:企业所得税|10106:个人所得税|10109:城市维护建设税|10110:房产税|10111:印花税|10112:城镇土地使用税"),
        demoStd("tax_period", "税款所属期", "Tax period", .C, 6, nil, "税款所属年月，格式为YYYYMM。", pattern: yearMonth),
        demoStd("tax_amount", "税额", "Tax amount", .Y, 18, 2, "实际缴纳的税款金额（元），属纳税人商业秘密。", sens: .sensitive),
        demoStd("credit_rating", "纳税信用等级", "Tax credit rating", .C, 1, nil, nil, sens: .public, codes: "A:A级|B:B级|M:M级|C:C级|D:D级"),
        demoStd("household_no", "户号", "Household number", .C, 20, nil, "户籍管理部门编制的户号。", sens: .sensitive),
        demoStd("household_relation", "与户主关系", "Relation to head of household", .C, 2, nil, nil, codes: "01:户主|02:配偶|03:子女|04:父母|99:其他"),
        demoStd("native_place", "籍贯", "Native place", .C, 100, nil),
        demoStd("domicile_address", "户籍地址", "Registered residence", .C, 200, nil, "常住户口登记的住址。", sem: .address, sens: .sensitive),
        demoStd("residence_address", "居住地址", "Current address", .C, 200, nil, "实际居住的详细地址。", sem: .address, sens: .sensitive),
        demoStd(
            "marital_status", "婚姻状况", "Marital status", .C, 2, nil, "按照GB/T 2261.2的婚姻状况代码。", sens: .sensitive,
            codes: "10:未婚|20:已婚|30:丧偶|40:离婚"),
        demoStd(
            "education_level", "学历", "Education", .C, 2, nil, "按照GB/T 4658的学历代码。",
            codes: "10:研究生|20:大学本科|30:大学专科|40:中等职业教育|60:普通高级中学|70:初级中学|80:小学|90:其他"),
        demoStd("police_station", "户籍派出所", "Police station", .C, 100, nil),
        demoStd("move_in_date", "迁入日期", "Moved in on", .D, nil, nil, nil, sem: .date),
        demoStd("key_person_category", "重点人员类别", "Category of person of interest", .C, 4, nil, "公安机关掌握的重点人员类别，属国家秘密。", sens: .secret),
        demoStd("control_level", "管控级别", "Control level", .C, 1, nil, "公安机关确定的管控级别，属国家秘密。", sens: .secret),
        demoStd("police_facility_code", "警用设施编号", "Police facility code", .C, 32, nil, "警用地理信息中设施的编号，属国家秘密。", sens: .secret),
        demoStd(
            "vehicle_type", "车辆类型", "Vehicle type", .C, 3, nil, "按照GA 802的机动车类型代码。",
            codes: "K11:大型普通客车|K21:中型普通客车|K31:小型普通客车|K33:轿车|H11:重型普通货车|H31:轻型普通货车|M21:普通二轮摩托车"),
        demoStd("vehicle_brand", "品牌型号", "Make and model", .C, 100, nil),
        demoStd(
            "social_security_no", "社会保障号码", "Social security number", .C, 18, nil, "社会保障号码，与公民身份号码一致。", sens: .sensitive,
            pattern: "^[0-9]{17}[0-9X]$"),
        demoStd(
            "insured_type", "险种类型", "Insurance type", .C, 3, nil, nil,
            codes: "110:企业职工基本养老保险|120:机关事业单位养老保险|210:失业保险|310:职工基本医疗保险|390:城乡居民基本医疗保险|410:工伤保险|510:生育保险"),
        demoStd("insured_status", "参保状态", "Insurance status", .C, 1, nil, nil, codes: "1:参保缴费|2:暂停缴费|3:终止参保"),
        demoStd("insured_date", "参保日期", "Insured since", .D, nil, nil, nil, sem: .date),
        demoStd("contribution_base", "缴费基数", "Contribution base", .Y, 18, 2, "核定的月缴费工资基数（元）。", sens: .sensitive),
        demoStd("contribution_month", "缴费月份", "Contribution month", .C, 6, nil, "费款所属年月，格式为YYYYMM。", pattern: yearMonth),
        demoStd("employer_contribution", "单位缴费金额", "Employer contribution", .Y, 18, 2, nil, sens: .sensitive),
        demoStd("personal_contribution", "个人缴费金额", "Personal contribution", .Y, 18, 2, nil, sens: .sensitive),
        demoStd("fund_account", "公积金个人账号", "Housing fund account", .C, 20, nil, nil, sens: .sensitive, pattern: "^[0-9]{8,20}$"),
        demoStd("deposit_base", "缴存基数", "Deposit base", .Y, 18, 2, nil, sens: .sensitive),
        demoStd("deposit_ratio", "缴存比例", "Deposit ratio (%)", .N, 5, 2, "单位和个人各自的缴存比例（%）。"),
        demoStd("monthly_deposit", "月缴存额", "Monthly deposit", .Y, 18, 2, nil, sens: .sensitive),
        demoStd("fund_balance", "账户余额", "Account balance", .Y, 18, 2, nil, sens: .sensitive),
        demoStd("account_status", "账户状态", "Account status", .C, 1, nil, nil, codes: "1:正常|2:封存|3:冻结|4:销户"),
        demoStd("loan_contract_no", "借款合同编号", "Loan contract number", .C, 32, nil),
        demoStd("loan_amount", "贷款金额", "Loan amount", .Y, 18, 2, nil, sens: .sensitive),
        demoStd("loan_term", "贷款期限", "Loan term (months)", .I, nil, nil, "以月计的贷款期限。"),
        demoStd("assistance_type", "救助类别", "Assistance type", .C, 1, nil, nil, codes: "1:最低生活保障|2:特困人员供养|3:低收入家庭|4:临时救助"),
        demoStd("assistance_amount", "保障金额", "Assistance amount", .Y, 18, 2, "每月发放的保障金额（元）。", sens: .sensitive),
        demoStd("family_size", "家庭人口数", "Household size", .I, nil, nil),
        demoStd("capacity", "容纳人数", "Capacity", .I, nil, nil, nil, sens: .public)
    ]

    /// Standards of housing, land, transport, health, education and the other bureaus' registers.
    static let domains: [DemoStandardSpec] = [
        demoStd("house_address", "房屋坐落", "Property address", .C, 200, nil, nil, sem: .address),
        demoStd("house_area", "建筑面积", "Floor area (m²)", .N, 10, 2, "房屋建筑面积（平方米）。"),
        demoStd("lease_start", "租赁起始日期", "Lease start", .D, nil, nil, nil, sem: .date),
        demoStd("lease_end", "租赁终止日期", "Lease end", .D, nil, nil, nil, sem: .date),
        demoStd("rent", "月租金", "Monthly rent", .Y, 18, 2),
        demoStd("real_estate_cert", "不动产权证号", "Real estate title number", .C, 50, nil, "不动产权证书号，如粤（2016）佛山市不动产权第0001234号。"),
        demoStd(
            "parcel_no", "宗地代码", "Parcel code", .C, 19, nil, "按照GB/T 26424编制的19位宗地代码。", sens: .public,
            pattern: "^[0-9]{12}[A-Z]{2}[0-9]{5}$"),
        demoStd(
            "land_use", "土地用途", "Land use", .C, 2, nil, "按照GB/T 21010的土地利用现状分类一级类代码。", sens: .public,
            codes: "01:耕地|05:商服用地|06:工矿仓储用地|07:住宅用地|08:公共管理与公共服务用地|10:交通运输用地|11:水域及水利设施用地"),
        demoStd("land_area", "土地面积", "Land area (m²)", .N, 14, 2, nil, sens: .public),
        demoStd(
            "project_code", "投资项目统一代码", "Investment project code", .C, 24, nil, "全国投资项目在线审批监管平台赋予的项目代码。",
            sens: .public, pattern: "^[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9]{6}$"),
        demoStd("project_name", "项目名称", "Project name", .C, 200, nil, nil, sens: .public),
        demoStd("total_investment", "总投资", "Total investment", .Y, 18, 2, "项目总投资（万元）。", sens: .public),
        demoStd("construction_unit", "建设单位", "Developer", .C, 200, nil, nil, sens: .public),
        demoStd("vehicle_id", "车辆编号", "Vehicle number", .C, 20, nil, "公交企业内部的车辆自编号。", sens: .public),
        demoStd("line_no", "线路编号", "Route number", .C, 20, nil, "公交线路编号。", sens: .public),
        demoStd("route_name", "线路名称", "Route name", .C, 100, nil, nil, sens: .public),
        demoStd("operator_name", "运营单位", "Operator", .C, 200, nil, nil, sens: .public),
        demoStd("gps_time", "定位时间", "Fix time", .T, nil, nil, "车载终端采集定位数据的时间。", sens: .public),
        demoStd("speed", "速度", "Speed (km/h)", .N, 6, 2, nil, sens: .public),
        demoStd("direction", "方向角", "Heading", .I, nil, nil, "以正北为0度顺时针计的行驶方向。", sens: .public),
        demoStd("stop_name", "站点名称", "Stop name", .C, 100, nil, nil, sens: .public),
        demoStd("berth_count", "泊位数", "Parking spaces", .I, nil, nil, "停车场的总泊位数。", sens: .public),
        demoStd("free_berths", "空余泊位数", "Free spaces", .I, nil, nil, "采集时刻的空余泊位数。", sens: .public),
        demoStd("charge_standard", "收费标准", "Charges", .C, 200, nil, nil, sens: .public),
        demoStd(
            "institution_type", "机构类别", "Institution type", .C, 1, nil, nil, sens: .public,
            codes: "A:医院|B:社区卫生服务中心（站）|C:卫生院|D:门诊部、诊所|E:急救中心|J:疾病预防控制中心"),
        demoStd(
            "institution_level", "医院等级", "Hospital grade", .C, 2, nil, nil, sens: .public,
            codes: "11:三级甲等|12:三级乙等|21:二级甲等|22:二级乙等|31:一级|99:未定级"),
        demoStd("bed_count", "核定床位数", "Approved beds", .I, nil, nil, nil, sens: .public),
        demoStd("practitioner_cert_no", "医师执业证书编码", "Physician licence number", .C, 30, nil),
        demoStd("practice_category", "执业类别", "Practice category", .C, 1, nil, nil, codes: "1:临床|2:中医|3:口腔|4:公共卫生"),
        demoStd("birth_cert_no", "出生医学证明编号", "Birth certificate number", .C, 20, nil, nil, sens: .sensitive),
        demoStd("school_code", "学校标识码", "School code", .C, 10, nil, "教育部赋予学校的10位标识码。", sens: .public, pattern: "^[0-9]{10}$"),
        demoStd("school_name", "学校名称", "School name", .C, 200, nil, nil, sens: .public),
        demoStd(
            "school_type", "学校类别", "School type", .C, 3, nil, nil, sens: .public,
            codes: "111:幼儿园|211:小学|311:初级中学|312:九年一贯制学校|342:普通高级中学|365:中等职业学校"),
        demoStd("student_count", "在校学生数", "Students", .I, nil, nil, nil, sens: .public),
        demoStd("teacher_count", "教职工数", "Staff", .I, nil, nil, nil, sens: .public),
        demoStd("points_score", "积分", "Points", .N, 6, 1, "按积分入学办法计算的申请人积分。"),
        demoStd("admission_result", "录取结果", "Admission result", .C, 1, nil, nil, codes: "1:已录取|2:未录取|3:候补"),
        demoStd("medical_insurance_type", "医保类型", "Medical insurance type", .C, 1, nil, nil, codes: "1:职工基本医疗保险|2:城乡居民基本医疗保险"),
        demoStd("settlement_no", "结算流水号", "Settlement number", .C, 32, nil),
        demoStd("settlement_date", "结算日期", "Settlement date", .D, nil, nil, nil, sem: .date),
        demoStd("total_cost", "医疗总费用", "Total medical cost", .Y, 18, 2, nil, sens: .sensitive),
        demoStd("fund_payment", "统筹基金支付", "Paid by the pooled fund", .Y, 18, 2, nil, sens: .sensitive),
        demoStd(
            "designated_institution_code", "定点医药机构编码", "Designated institution code", .C, 12, nil, nil, sens: .public,
            pattern: "^[HP][0-9]{11}$"),
        demoStd(
            "service_category", "事项类型", "Service type", .C, 2, nil, nil, sens: .public,
            codes: "01:行政许可|02:行政给付|03:行政确认|04:行政裁决|05:其他行政权力|06:公共服务"),
        demoStd("legal_time_limit", "法定办结时限", "Statutory time limit (working days)", .I, nil, nil, nil, sens: .public),
        demoStd("promised_time_limit", "承诺办结时限", "Promised time limit (working days)", .I, nil, nil, nil, sens: .public),
        demoStd("handling_location", "办理地点", "Where to apply", .C, 200, nil, nil, sens: .public),
        demoStd("accept_time", "受理时间", "Accepted at", .T, nil, nil),
        demoStd("finish_time", "办结时间", "Completed at", .T, nil, nil),
        demoStd(
            "satisfaction", "评价等级", "Rating", .C, 1, nil, "政务服务“好差评”评价等级。", sens: .public,
            codes: "5:非常满意|4:满意|3:基本满意|2:不满意|1:非常不满意"),
        demoStd("aqi", "空气质量指数", "Air quality index", .I, nil, nil, nil, sens: .public),
        demoStd("pm25", "PM2.5浓度", "PM2.5 (µg/m³)", .N, 8, 1, nil, sens: .public),
        demoStd("discharge_permit_no", "排污许可证编号", "Discharge permit number", .C, 30, nil, nil, sens: .public),
        demoStd("pollutant_type", "污染物类别", "Pollutant type", .C, 1, nil, nil, sens: .public, codes: "1:废水|2:废气|3:固体废物|4:噪声"),
        demoStd("fiscal_year", "预算年度", "Fiscal year", .C, 4, nil, nil, sens: .public, pattern: "^[0-9]{4}$"),
        demoStd(
            "budget_subject", "支出功能分类科目", "Expenditure function code", .C, 20, nil, "政府收支分类科目中的支出功能分类编码。",
            sens: .public, pattern: "^[0-9]{3,7}$"),
        demoStd("budget_amount", "预算金额", "Budget", .Y, 18, 2, "预算数（万元）。", sens: .public),
        demoStd("executed_amount", "执行金额", "Spent", .Y, 18, 2, "执行数（万元）。", sens: .public),
        demoStd("lawyer_license_no", "律师执业证号", "Lawyer licence number", .C, 17, nil, nil, sens: .public, pattern: "^[0-9]{17}$"),
        demoStd("law_firm_name", "律师事务所名称", "Law firm", .C, 200, nil, nil, sens: .public),
        demoStd("open_hours", "开放时间", "Opening hours", .C, 100, nil, nil, sens: .public),
        demoStd(
            "heritage_level", "保护级别", "Protection level", .C, 1, nil, nil, sens: .public,
            codes: "1:全国重点文物保护单位|2:省级文物保护单位|3:市级文物保护单位|4:区级文物保护单位"),
        demoStd("planting_area", "种植面积", "Planted area (mu)", .N, 12, 2, nil, sens: .public),
        demoStd("output", "产量", "Output (t)", .N, 14, 2, nil, sens: .public),
        demoStd("hazard_level", "风险等级", "Risk level", .C, 1, nil, nil, codes: "1:重大|2:较大|3:一般|4:低"),
        demoStd("electricity_consumption", "用电量", "Electricity used (kWh)", .N, 18, 2, "统计期内的用电量（千瓦时），可用于企业经营异常预警。"),
        demoStd("energy_consumption", "综合能耗", "Energy use (tce)", .N, 14, 2, "统计期内的综合能源消费量（吨标准煤）。"),
        demoStd("rd_expense", "研发费用", "R&D expenditure", .Y, 18, 2, "研究开发费用（万元）。"),
        demoStd("water_level", "水位", "Water level (m)", .N, 8, 2, nil, sens: .public),
        demoStd("rainfall", "降雨量", "Rainfall (mm)", .N, 8, 1, nil, sens: .public),
        demoStd("monitor_time", "监测时间", "Observed at", .T, nil, nil, nil, sens: .public),
        demoStd("temperature", "气温", "Temperature (°C)", .N, 5, 1, nil, sens: .public),
        demoStd("humidity", "相对湿度", "Relative humidity (%)", .I, nil, nil, nil, sens: .public),
        demoStd("wind_speed", "风速", "Wind speed (m/s)", .N, 5, 1, nil, sens: .public),
        demoStd(
            "warning_type", "预警类型", "Warning type", .C, 2, nil, nil, sens: .public,
            codes: "01:台风|02:暴雨|03:高温|04:寒冷|05:大雾|06:灰霾|07:大风|08:冰雹|09:雷雨大风"),
        demoStd("warning_level", "预警级别", "Warning level", .C, 1, nil, nil, sens: .public, codes: "1:红色|2:橙色|3:黄色|4:蓝色"),
        demoStd("asset_total", "资产总额", "Total assets", .Y, 18, 2, "期末资产总额（万元）。"),
        demoStd("shareholding_ratio", "持股比例", "Shareholding (%)", .N, 5, 2),
        demoStd("audit_finding", "审计发现问题", "Audit findings", .M, nil, nil)
    ]

    /// Added after the first release of the library (their codes follow the generated standards'):
    /// the credit disclosure classes 严重违法失信名单 and 守合同重信用.
    static let later: [DemoStandardSpec] = [
        demoStd("dishonesty_reason", "列入严重违法失信名单原因", "Reason for the serious violation and dishonesty list", .C, 300, nil, nil, sens: .public),
        demoStd("listing_authority", "作出决定机关", "Deciding authority", .C, 100, nil, "作出列入、移出或公示决定的行政机关。", sens: .public),
        demoStd("publicity_year", "公示年度", "Year of publication", .C, 4, nil, nil, sens: .public, pattern: "^[0-9]{4}$"),
        demoStd("consecutive_years", "连续公示年数", "Consecutive years published", .I, 2, nil, "截至公示年度连续被公示为“守合同重信用”企业的年数。", sens: .public)
    ]
}
