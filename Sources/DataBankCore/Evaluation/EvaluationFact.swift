/// The named platform facts an indicator formula may use: one number per unit (department) per
/// period, each computed by one grouped SQL query over all units (`EvaluationFacts` in the server).
///
/// **State** facts describe the catalog and the stores as they stand when the run is computed (a
/// frozen run keeps them); **activity** facts count what happened inside the period.
public enum EvaluationFact: String, CaseIterable, Sendable, Codable {
    // Governance (数据治理)
    case resourcesTotal = "resources_total"
    case resourcesPublished = "resources_published"
    case resourcesPublishedOnTime = "resources_published_on_time"
    case itemsTotal = "items_total"
    case itemsBoundToStandard = "items_bound_to_standard"
    case storesTotal = "stores_total"
    case updatesOnTime = "updates_on_time"
    case qualityRuns = "quality_runs"
    case qualityScoreAvg = "quality_score_avg"
    case objectionsTotal = "objections_total"
    case objectionsDue = "objections_due"
    case objectionsSettledInTime = "objections_settled_in_time"
    // Application (数据应用)
    case requestsServed = "requests_served"
    case recordsShared = "records_shared"
    case consumersServed = "consumers_served"
    case applicationsReceived = "applications_received"
    case applicationsDue = "applications_due"
    case applicationsAnsweredInTime = "applications_answered_in_time"
    case applicationsAnsweredLate = "applications_answered_late"
    case verificationCalls = "verification_calls"
    case demandsReceived = "demands_received"
    case demandsMet = "demands_met"
    // Control (数据管控)
    case auditChainIntact = "audit_chain_intact"
    case grantsExpiring = "grants_expiring"
    case grantsReviewedBeforeExpiry = "grants_reviewed_before_expiry"
    case sensitiveItems = "sensitive_items"
    case sensitiveItemsMasked = "sensitive_items_masked"
    case countersignOverdue = "countersign_overdue"

    /// Every fact's name, as formulas spell them.
    public static let names: Set<String> = Set(allCases.map(\.rawValue))

    /// Whether the fact counts what happened inside the period (an empty period has none of these).
    public var isActivity: Bool {
        switch self {
        case .resourcesTotal, .resourcesPublished, .resourcesPublishedOnTime, .itemsTotal, .itemsBoundToStandard, .storesTotal,
            .sensitiveItems, .sensitiveItemsMasked, .auditChainIntact, .updatesOnTime:
            false
        default: true
        }
    }

    public var zh: String {
        switch self {
        case .resourcesTotal: "目录资源数（未撤销）"
        case .resourcesPublished: "已发布资源数"
        case .resourcesPublishedOnTime: "创建后 30 天内发布的资源数"
        case .itemsTotal: "已发布资源的信息项数"
        case .itemsBoundToStandard: "关联标准数据元的信息项数"
        case .storesTotal: "已发布资源的数据库数"
        case .updatesOnTime: "按更新周期按时更新的数据库数"
        case .qualityRuns: "期内质量检查次数"
        case .qualityScoreAvg: "期内质量检查平均总分"
        case .objectionsTotal: "期内收到的纠错数（不含撤回）"
        case .objectionsDue: "其中已处理或已满 15 天的纠错数"
        case .objectionsSettledInTime: "15 天内处理完毕的纠错数"
        case .requestsServed: "期内被其他部门请求次数"
        case .recordsShared: "期内共享出库记录数"
        case .consumersServed: "期内使用其数据的部门数"
        case .applicationsReceived: "期内收到的共享申请数（不含撤回）"
        case .applicationsDue: "期内已到期或已答复的申请数"
        case .applicationsAnsweredInTime: "在工作日期限内答复的申请数"
        case .applicationsAnsweredLate: "超期答复或超期未答复的申请数"
        case .verificationCalls: "期内核验调用数"
        case .demandsReceived: "期内收到的需求数"
        case .demandsMet: "其中已满足的需求数"
        case .auditChainIntact: "审计链完整（1/0）"
        case .grantsExpiring: "期内到期的授权数"
        case .grantsReviewedBeforeExpiry: "到期前已复核（续期或收回）的授权数"
        case .sensitiveItems: "敏感信息项数"
        case .sensitiveItemsMasked: "默认脱敏的敏感信息项数"
        case .countersignOverdue: "期内超期被督办、需平台会签的申请数"
        }
    }

    public var en: String {
        switch self {
        case .resourcesTotal: "Resources in the catalog (not retired)"
        case .resourcesPublished: "Published resources"
        case .resourcesPublishedOnTime: "Resources published within 30 days of creation"
        case .itemsTotal: "Items of published resources"
        case .itemsBoundToStandard: "Items bound to a standard data element"
        case .storesTotal: "Record stores of published resources"
        case .updatesOnTime: "Stores updated within their update cycle"
        case .qualityRuns: "Quality checks in the period"
        case .qualityScoreAvg: "Average overall quality score of those checks"
        case .objectionsTotal: "Objections received in the period (not withdrawn)"
        case .objectionsDue: "Of them, settled or 15 days old by the end of the period"
        case .objectionsSettledInTime: "Objections settled within 15 days"
        case .requestsServed: "Requests from other departments in the period"
        case .recordsShared: "Records shared out in the period"
        case .consumersServed: "Departments that read its data in the period"
        case .applicationsReceived: "Applications received in the period (not withdrawn)"
        case .applicationsDue: "Applications answered or past their deadline"
        case .applicationsAnsweredInTime: "Applications answered within the working-day deadline"
        case .applicationsAnsweredLate: "Applications answered late or overdue unanswered"
        case .verificationCalls: "Verification calls served in the period"
        case .demandsReceived: "Demands received in the period"
        case .demandsMet: "Of them, demands met"
        case .auditChainIntact: "Audit chain intact (1/0)"
        case .grantsExpiring: "Grants expiring in the period"
        case .grantsReviewedBeforeExpiry: "Grants reviewed (renewed or revoked) before expiry"
        case .sensitiveItems: "Sensitive items"
        case .sensitiveItemsMasked: "Sensitive items masked by default"
        case .countersignOverdue: "Overdue applications escalated for the platform's countersign"
        }
    }
}
