extension EvaluationScheme {
    /// The scheme DataBank ships (seeded by migration as `default`): fifteen indicators over the
    /// three dimensions, weights adding up to 100 (governance 40, application 35, control 25), and
    /// the seed's unit types — city departments worth 1.5 points of the annual assessment, districts 0.28.
    public static let standard = EvaluationScheme(
        code: "default", name: "政务数据工作年度评估（默认方案）", nameEn: "Annual data-work evaluation (default scheme)",
        indicators: [
            .init(
                code: "catalog-completeness", name: "目录完整性", nameEn: "Catalog completeness", dimension: .governance,
                formula: "ratio(resources_published, resources_total)", weight: 8, evidence: "resources_published"),
            .init(
                code: "items-standardised", name: "信息项关联标准", nameEn: "Items bound to standards", dimension: .governance,
                formula: "ratio(items_bound_to_standard, items_total)", weight: 6, evidence: "items_bound_to_standard"),
            .init(
                code: "published-on-time", name: "资源按时发布", nameEn: "Resources published on time", dimension: .governance,
                formula: "ratio(resources_published_on_time, resources_published)", weight: 6, evidence: "resources_published_on_time"),
            .init(
                code: "update-timeliness", name: "数据按周期更新", nameEn: "Update timeliness vs cycle", dimension: .governance,
                formula: "if(stores_total == 0, 0, ratio(updates_on_time, stores_total))", weight: 7, evidence: "updates_on_time"),
            .init(
                code: "quality-score", name: "数据质量得分", nameEn: "Quality scores", dimension: .governance,
                formula: "if(quality_runs > 0, quality_score_avg, 0)", weight: 7, evidence: "quality_score_avg"),
            .init(
                code: "objections-in-time", name: "纠错按时处理", nameEn: "Objections settled in time", dimension: .governance,
                formula: "if(objections_due == 0, 100, ratio(objections_settled_in_time, objections_due))", weight: 6,
                evidence: "objections_settled_in_time"),
            .init(
                code: "records-shared", name: "共享数据量", nameEn: "Records shared", dimension: .application,
                formula: "min(100, 20 * log10(1 + records_shared))", weight: 7, evidence: "records_shared"),
            .init(
                code: "consumers-served", name: "服务部门数", nameEn: "Consumers served", dimension: .application,
                formula: "min(100, 10 * consumers_served)", weight: 7, evidence: "consumers_served"),
            .init(
                code: "applications-in-time", name: "共享申请按时答复", nameEn: "Applications answered within the deadline",
                dimension: .application, formula: "if(applications_due == 0, 100, ratio(applications_answered_in_time, applications_due))",
                weight: 8, evidence: "applications_answered_late"),
            .init(
                code: "verifications-served", name: "核验服务调用", nameEn: "Verification calls served", dimension: .application,
                formula: "min(100, 25 * log10(1 + verification_calls))", weight: 5, evidence: "verification_calls"),
            .init(
                code: "demand-met", name: "需求满足率", nameEn: "Demand met", dimension: .application,
                formula: "if(demands_received == 0, 100, ratio(demands_met, demands_received))", weight: 8, evidence: "demands_met"),
            .init(
                code: "audit-intact", name: "审计链完整", nameEn: "Audit chain intact", dimension: .control,
                formula: "100 * audit_chain_intact", weight: 5, evidence: "audit_chain_intact"),
            .init(
                code: "grants-reviewed", name: "授权到期前复核", nameEn: "Grants reviewed before expiry", dimension: .control,
                formula: "if(grants_expiring == 0, 100, ratio(grants_reviewed_before_expiry, grants_expiring))", weight: 7,
                evidence: "grants_reviewed_before_expiry"),
            .init(
                code: "sensitive-masked", name: "敏感项默认脱敏", nameEn: "Sensitive items masked by default", dimension: .control,
                formula: "if(sensitive_items == 0, 100, ratio(sensitive_items_masked, sensitive_items))", weight: 7,
                evidence: "sensitive_items_masked"),
            .init(
                code: "no-overdue-countersign", name: "无超期会签", nameEn: "No overdue countersign", dimension: .control,
                formula: "max(0, 100 - 25 * countersign_overdue)", weight: 6, evidence: "countersign_overdue")
        ],
        unitTypes: [
            .init(code: "city", name: "市直部门", nameEn: "City departments", levels: ["city"], assessmentWeight: 1.5),
            .init(code: "district", name: "区", nameEn: "Districts", levels: ["district"], assessmentWeight: 0.28)
        ])
}
