/// What a subject's records are about; picks the identifying items.
enum DemoSubjectKind: Sendable { case enterprise, person, object, stat }

/// Where a subject's resources sit in the catalog: 基础 (with its 项), 主题 or 部门.
enum DemoPlacement: Sendable, Equatable {
    /// 项 of the base catalog: 01 人口, 02 法人, 03 自然资源和空间地理, 04 宏观经济, 05 电子证照.
    case base(Int)
    case thematic
    case departmental
}

/// The kind of record a template resource holds: "{subject}{kind}信息".
enum DemoKind: Sendable, CaseIterable {
    case basic, change, license, penalty, inspection, annualReport, statistics, annualSummary
    case payment, complaint, cancellation, certificate, application

    var zh: String {
        switch self {
        case .basic: "基本"
        case .change: "变更"
        case .license: "行政许可"
        case .penalty: "行政处罚"
        case .inspection: "监督检查"
        case .annualReport: "年度报告"
        case .statistics: "统计"
        case .annualSummary: "年度汇总"
        case .payment: "资金发放"
        case .complaint: "投诉举报"
        case .cancellation: "注销"
        case .certificate: "证照"
        case .application: "申请受理"
        }
    }

    var en: String {
        switch self {
        case .basic: "basic information"
        case .change: "change records"
        case .license: "administrative licences"
        case .penalty: "administrative penalties"
        case .inspection: "inspections"
        case .annualReport: "annual reports"
        case .statistics: "statistics"
        case .annualSummary: "annual summary"
        case .payment: "payments"
        case .complaint: "complaints and reports"
        case .cancellation: "deregistrations"
        case .certificate: "certificates"
        case .application: "applications"
        }
    }

    /// The item that identifies one record of this kind, placed first as the primary key.
    var lead: String? {
        switch self {
        case .change: "change_record_no"
        case .license: "license_no"
        case .penalty: "penalty_doc_no"
        case .inspection: "inspection_no"
        case .annualReport: "report_no"
        case .payment: "payment_no"
        case .complaint: "complaint_no"
        case .certificate: "certificate_no"
        case .application: "application_no"
        case .basic, .statistics, .annualSummary, .cancellation: nil
        }
    }

    var fields: [String] {
        switch self {
        case .basic, .statistics: []
        case .change: ["change_item", "before_change", "after_change", "change_date"]
        case .license: ["license_date", "valid_until", "license_authority", "license_content"]
        case .penalty: ["violation_type", "penalty_basis", "penalty_kind", "penalty_amount", "penalty_date", "penalty_authority"]
        case .inspection: ["inspection_item", "inspection_date", "inspection_result", "inspection_authority"]
        case .annualReport: ["report_year", "submit_date", "employee_count", "revenue"]
        case .annualSummary: ["report_year"]
        case .payment: ["payment_month", "payment_amount", "payment_standard", "bank_name", "bank_account"]
        case .complaint: ["complaint_date", "complaint_content", "handling_result"]
        case .cancellation: ["cancel_date", "cancel_reason"]
        case .certificate: ["certificate_type", "issue_date", "valid_until", "issuing_authority", "certificate_status"]
        case .application: ["application_date", "review_result"]
        }
    }

    var cycle: UpdateCycle {
        switch self {
        case .basic, .change, .license, .complaint, .cancellation, .certificate, .application: .daily
        case .penalty: .weekly
        case .inspection, .statistics, .payment: .monthly
        case .annualReport, .annualSummary: .yearly
        }
    }

    /// 行政许可 and 行政处罚 are published to the credit portal (双公示).
    var isDoublePublicity: Bool { self == .license || self == .penalty }
}

/// A subject a department keeps records about, e.g. 食品经营者.
struct DemoSubject: Sendable {
    var zh: String
    var en: String
    var key: String
    var kind: DemoSubjectKind
    var themes: [Theme]
    var fields: [String]
    var placement: DemoPlacement
    var kinds: [DemoKind]
    /// Items that identify the subject; the first is the key when the kind has no lead item.
    var idKeys: [String]
    /// Whether the library needs generated "{subject}编号" / "{subject}名称" standards for it.
    var needsGeneratedStandards: Bool
}

/// Builds a subject. `fields` and `id` are space-separated standard keys.
func demoSubject(_ zh: String, _ en: String, _ key: String, _ kind: DemoSubjectKind, _ themes: [Theme], _ fields: String = "",
                 base: Int? = nil, thematic: Bool = false, kinds: [DemoKind]? = nil, id: String? = nil) -> DemoSubject {
    let defaultKinds: [DemoKind]
    let defaultID: [String]
    switch kind {
    case .enterprise:
        defaultKinds = [.basic, .change, .license, .penalty, .inspection, .annualReport, .cancellation, .complaint]
        defaultID = ["credit_code"]
    case .person:
        defaultKinds = [.basic, .change, .application, .certificate]
        defaultID = ["id_number"]
    case .object:
        defaultKinds = [.basic, .change, .inspection, .statistics]
        defaultID = ["\(key)_no", "\(key)_name"]
    case .stat:
        defaultKinds = [.statistics, .annualSummary]
        defaultID = ["stat_period", "indicator_name", "indicator_value", "unit"]
    }
    let placement: DemoPlacement = base.map { .base($0) } ?? (thematic ? .thematic : .departmental)
    let ids = id.map { $0.split(separator: " ").map(String.init) } ?? defaultID
    return DemoSubject(zh: zh, en: en, key: key, kind: kind, themes: themes,
                       fields: fields.split(separator: " ").map(String.init), placement: placement,
                       kinds: kinds ?? defaultKinds, idKeys: ids, needsGeneratedStandards: kind == .object && id == nil)
}

extension DemoSubject {
    /// Standard keys a resource of this subject and kind may hold, most important first.
    func pool(for kind: DemoKind) -> [String] {
        var keys: [String] = []
        if let lead = kind.lead { keys.append(lead) }
        keys += idKeys
        keys += fields.prefix(2)
        keys += kind.fields
        keys += fields.dropFirst(2)
        keys += ["region_code", "data_source", "record_status", "create_time", "update_time", "remark"]
        var seen: Set<String> = []
        return keys.filter { seen.insert($0).inserted }
    }

    func name(_ kind: DemoKind) -> String { zh + kind.zh + "信息" }

    func nameEn(_ kind: DemoKind) -> String {
        let phrase = en + " " + kind.en
        return phrase.prefix(1).uppercased() + phrase.dropFirst()
    }
}
