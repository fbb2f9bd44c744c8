/// One row of the demo standards table. `key` doubles as the column name of items bound to it.
struct DemoStandardSpec: Sendable {
    var key: String
    var name: String
    var nameEn: String
    var type: DataType
    var length: Int?
    var precision: Int?
    var definition: String
    var semantic: SemanticKind
    var sensitivity: Sensitivity
    var pattern: String?
    var codes: [CodeListEntry]
    /// A date that cannot be later than today (不晚于当日).
    var notFuture = false
}

/// Builds a standard row; `codes` is a compact code list, `"1:男|2:女"`.
func demoStd(
    _ key: String, _ name: String, _ en: String, _ type: DataType, _ length: Int? = nil, _ precision: Int? = nil,
    _ definition: String? = nil, sem: SemanticKind = .plain, sens: Sensitivity = .internal,
    pattern: String? = nil, codes: String = "", notFuture: Bool = false
) -> DemoStandardSpec {
    let list =
        codes.isEmpty
        ? []
        : codes.split(separator: "|").map { pair -> CodeListEntry in
            let parts = pair.split(separator: ":", maxSplits: 1)
            return CodeListEntry(code: String(parts[0]), label: String(parts[1]))
        }
    let def =
        definition
        ?? (list.isEmpty
            ? "\(name)，按本市政务信息资源目录的统一口径采集和填报。"
            : "\(name)，取值须为本标准值域中的代码。")
    return DemoStandardSpec(
        key: key, name: name, nameEn: en, type: type, length: type.hasLength ? length : nil,
        precision: precision, definition: def, semantic: sem, sensitivity: sens, pattern: pattern, codes: list,
        notFuture: notFuture)
}

enum DemoStandardTable {
    static let yearMonth = "^[0-9]{4}(0[1-9]|1[0-2])$"

    /// Identifiers, contact details and the fields every kind of record uses.
    static let common: [DemoStandardSpec] = [
        demoStd(
            "credit_code", "统一社会信用代码", "Unified social credit code", .C, 18, nil,
            "按照GB 32100-2015赋予法人和其他组织的18位统一社会信用代码。", sem: .creditCode, sens: .public,
            pattern: "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"),
        demoStd(
            "id_number", "公民身份号码", "Resident ID number", .C, 18, nil,
            "按照GB 11643-1999编制的18位公民身份号码，末位为校验码。", sem: .residentID, sens: .sensitive, pattern: "^[0-9]{17}[0-9X]$"),
        demoStd("person_name", "姓名", "Name", .C, 50, nil, "自然人在户籍管理部门登记的姓名。", sem: .personName, sens: .sensitive),
        demoStd("gender", "性别", "Gender", .C, 1, nil, "按照GB/T 2261.1的人的性别代码。", codes: "1:男|2:女"),
        demoStd(
            "birth_date", "出生日期", "Date of birth", .D, nil, nil, "自然人的出生日期，格式为YYYY-MM-DD。", sem: .date, sens: .sensitive,
            notFuture: true),
        demoStd(
            "ethnicity", "民族", "Ethnicity", .C, 2, nil, "按照GB/T 3304的中国各民族名称代码。",
            codes: "01:汉族|02:蒙古族|03:回族|04:藏族|05:维吾尔族|06:苗族|07:彝族|08:壮族|09:布依族|10:朝鲜族|11:满族|97:其他"),
        demoStd(
            "mobile", "手机号码", "Mobile phone number", .C, 11, nil, "11位移动电话号码。", sem: .mobile, sens: .sensitive,
            pattern: "^1[3-9][0-9]{9}$"),
        demoStd(
            "landline", "固定电话", "Landline number", .C, 20, nil, "区号加本地号码组成的固定电话号码。", sem: .landline,
            pattern: "^0[0-9]{2,3}-?[0-9]{7,8}$"),
        demoStd("contact_phone", "联系电话", "Contact phone", .C, 20, nil, "单位或个人对外公布的联系电话。"),
        demoStd(
            "email", "电子邮箱", "Email address", .C, 100, nil, "电子邮件地址。", sem: .email,
            pattern: #"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$"#),
        demoStd("address", "地址", "Address", .C, 200, nil, "包含区、镇（街道）、路名和门牌号的详细地址。", sem: .address),
        demoStd("postal_code", "邮政编码", "Postal code", .C, 6, nil, "6位邮政编码。", sem: .postalCode, sens: .public, pattern: "^[0-9]{6}$"),
        demoStd(
            "region_code", "行政区划代码", "Administrative region code", .C, 6, nil,
            "按照GB/T 2260的县级行政区划代码。", sem: .regionCode, sens: .public, pattern: "^[0-9]{6}$",
            codes: "440604:禅城区|440605:南海区|440606:顺德区|440607:三水区|440608:高明区"),
        demoStd("date", "日期", "Date", .D, nil, nil, "公历日期，格式为YYYY-MM-DD。", sem: .date, sens: .public),
        demoStd("amount", "金额", "Amount", .Y, 18, 2, "以人民币元计的金额，保留两位小数。"),
        demoStd(
            "plate_no", "车牌号码", "Licence plate number", .C, 10, nil, "公安机关交通管理部门核发的机动车号牌号码。", sem: .plate,
            pattern: "^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-HJ-NP-Z0-9]{5,6}$"),
        demoStd("org_name", "单位名称", "Organisation name", .C, 200, nil, "法人或其他组织登记的全称。", sens: .public),
        demoStd("enterprise_name", "企业名称", "Enterprise name", .C, 200, nil, "企业在登记机关核准登记的名称。", sens: .public),
        demoStd("legal_rep", "法定代表人", "Legal representative", .C, 50, nil, "依法代表法人行使职权的负责人姓名。", sem: .personName, sens: .public),
        demoStd("contact_person", "联系人", "Contact person", .C, 50, nil, "业务联系人姓名。", sem: .personName, sens: .sensitive),
        demoStd("longitude", "经度", "Longitude", .F, 11, 6, "CGCS2000坐标系下的经度，以度为单位，保留6位小数。", sens: .public),
        demoStd("latitude", "纬度", "Latitude", .F, 10, 6, "CGCS2000坐标系下的纬度，以度为单位，保留6位小数。", sens: .public),
        demoStd("data_source", "数据来源单位", "Data source", .C, 100, nil, "产生该条记录的业务单位或系统。", sens: .public),
        demoStd("record_status", "记录状态", "Record status", .C, 1, nil, nil, sens: .public, codes: "1:有效|0:无效"),
        demoStd("create_time", "创建时间", "Created at", .T, nil, nil, "记录首次写入业务系统的时间。"),
        demoStd("update_time", "数据更新时间", "Updated at", .T, nil, nil, "记录最近一次更新的时间。", sens: .public),
        demoStd("remark", "备注", "Remarks", .M, nil, nil, "需要补充说明的其他内容。"),
        demoStd("registration_date", "登记日期", "Registration date", .D, nil, nil, "办理登记的日期。", sem: .date),
        demoStd("registration_authority", "登记机关", "Registration authority", .C, 100, nil, "办理登记的行政机关名称。", sens: .public),
        demoStd(
            "stat_period", "统计期", "Statistical period", .C, 6, nil, "统计数据所属的年份（YYYY）或年月（YYYYMM）。", sens: .public,
            pattern: "^[0-9]{4}((0[1-9])|(1[0-2]))?$"),
        demoStd("indicator_name", "指标名称", "Indicator", .C, 100, nil, "统计指标的规范名称。", sens: .public),
        demoStd("indicator_value", "指标值", "Indicator value", .N, 20, 4, "统计指标在统计期内的数值。", sens: .public),
        demoStd("unit", "计量单位", "Unit of measure", .C, 20, nil, "指标值的计量单位。", sens: .public),
        demoStd("report_year", "报告年度", "Report year", .C, 4, nil, "报告所属的公历年度。", pattern: "^[0-9]{4}$"),
        demoStd(
            "verification_result", "核验结果", "Verification result", .C, 1, nil,
            "只反映状态的核验结论，用于以状态数据代替精确数据共享。", codes: "1:是|0:否"),
        demoStd("facility_type", "设施类型", "Facility type", .C, 50, nil),
        demoStd("handling_dept", "实施主体", "Handling department", .C, 100, nil, "负责办理或实施的部门名称。", sens: .public),
        demoStd("case_no", "办件编号", "Case number", .C, 32, nil, "政务服务办件的唯一编号。"),
        demoStd("review_result", "审核结果", "Review result", .C, 1, nil, nil, codes: "1:通过|2:不通过|3:退回补正"),
        demoStd("application_no", "申请编号", "Application number", .C, 32, nil, "受理申请时生成的唯一编号。"),
        demoStd("application_date", "申请日期", "Application date", .D, nil, nil, nil, sem: .date),
        demoStd("bank_account", "银行账号", "Bank account number", .C, 30, nil, "收款人银行结算账户号码。", sens: .sensitive, pattern: "^[0-9]{10,30}$"),
        demoStd("bank_name", "开户银行", "Bank", .C, 100, nil),
        demoStd("payment_no", "发放流水号", "Payment number", .C, 32, nil, "每笔资金发放的唯一流水号。"),
        demoStd("payment_month", "发放月份", "Payment month", .C, 6, nil, "资金发放所属年月，格式为YYYYMM。", pattern: yearMonth),
        demoStd("payment_amount", "发放金额", "Amount paid", .Y, 18, 2, "本次实际发放的金额（元）。", sens: .sensitive),
        demoStd("payment_standard", "发放标准", "Payment standard", .C, 200, nil, "适用的补助或待遇发放标准。", sens: .public),
        demoStd("certificate_no", "证书编号", "Certificate number", .C, 50, nil, "证照上印制的唯一编号。"),
        demoStd("certificate_type", "证照类型", "Certificate type", .C, 100, nil, "证照的规范名称，如营业执照、食品经营许可证。", sens: .public),
        demoStd("certificate_status", "证照状态", "Certificate status", .C, 1, nil, nil, sens: .public, codes: "1:有效|2:注销|3:吊销|4:过期"),
        demoStd("issue_date", "发证日期", "Issue date", .D, nil, nil, nil, sem: .date, sens: .public),
        demoStd("valid_until", "有效期至", "Valid until", .D, nil, nil, "证照或许可有效期的截止日期。", sem: .date, sens: .public),
        demoStd("issuing_authority", "发证机关", "Issuing authority", .C, 100, nil, nil, sens: .public),
        demoStd("change_record_no", "变更记录编号", "Change record number", .C, 32, nil),
        demoStd("change_item", "变更事项", "Changed item", .C, 100, nil, "发生变更的登记事项名称。", sens: .public),
        demoStd("before_change", "变更前内容", "Before change", .M, nil, nil),
        demoStd("after_change", "变更后内容", "After change", .M, nil, nil),
        demoStd("change_date", "变更日期", "Change date", .D, nil, nil, nil, sem: .date, sens: .public),
        demoStd("cancel_date", "注销日期", "Deregistration date", .D, nil, nil, nil, sem: .date, sens: .public),
        demoStd("cancel_reason", "注销原因", "Deregistration reason", .C, 200, nil),
        demoStd("complaint_no", "投诉举报编号", "Complaint number", .C, 32, nil),
        demoStd("complaint_date", "受理日期", "Date received", .D, nil, nil, nil, sem: .date),
        demoStd("complaint_content", "投诉举报内容", "Complaint", .M, nil, nil, "投诉举报人反映的问题。"),
        demoStd("handling_result", "处理结果", "Outcome", .M, nil, nil),
        demoStd("inspection_no", "检查编号", "Inspection number", .C, 32, nil),
        demoStd("inspection_date", "检查日期", "Inspection date", .D, nil, nil, nil, sem: .date, sens: .public),
        demoStd("inspection_item", "检查事项", "Inspection item", .C, 200, nil, "“双随机、一公开”抽查事项名称。", sens: .public),
        demoStd(
            "inspection_result", "检查结果", "Inspection result", .C, 1, nil, nil, sens: .public,
            codes: "1:未发现问题|2:发现问题已责令改正|3:发现问题待后续处理|4:未发现开展本项目抽查涉及的经营活动"),
        demoStd("inspection_authority", "检查实施机关", "Inspecting authority", .C, 100, nil, nil, sens: .public),
        demoStd("license_no", "许可证编号", "Licence number", .C, 50, nil, "行政许可决定书或许可证的编号。", sens: .public),
        demoStd("license_date", "许可决定日期", "Licence decision date", .D, nil, nil, nil, sem: .date, sens: .public),
        demoStd("license_authority", "许可机关", "Licensing authority", .C, 100, nil, nil, sens: .public),
        demoStd("license_content", "许可内容", "Licensed activity", .M, nil, nil, "行政许可的具体内容和范围。", sens: .public),
        demoStd("penalty_doc_no", "行政处罚决定书文号", "Penalty decision number", .C, 100, nil, nil, sens: .public),
        demoStd("violation_type", "违法行为类型", "Violation", .C, 200, nil, nil, sens: .public),
        demoStd("penalty_basis", "处罚依据", "Legal basis of the penalty", .C, 500, nil, "作出处罚所依据的法律法规条款。", sens: .public),
        demoStd(
            "penalty_kind", "处罚类别", "Penalty kind", .C, 1, nil, nil, sens: .public,
            codes: "1:警告|2:罚款|3:没收违法所得、没收非法财物|4:责令停产停业|5:暂扣或者吊销许可证、执照|6:行政拘留|9:其他"),
        demoStd("penalty_amount", "罚没金额", "Fine and confiscation", .Y, 18, 2, "罚款和没收违法所得的合计金额（元）。", sens: .public),
        demoStd("penalty_date", "处罚决定日期", "Penalty date", .D, nil, nil, nil, sem: .date, sens: .public),
        demoStd("penalty_authority", "处罚机关", "Penalising authority", .C, 100, nil, nil, sens: .public),
        demoStd("report_no", "年报编号", "Annual report number", .C, 32, nil),
        demoStd("submit_date", "报送日期", "Submission date", .D, nil, nil, nil, sem: .date),
        demoStd("employee_count", "从业人数", "Employees", .I, nil, nil, "报告期末的从业人员数。"),
        demoStd("revenue", "营业收入", "Operating revenue", .Y, 18, 2, "报告期内的营业收入（万元）。")
    ]
}
