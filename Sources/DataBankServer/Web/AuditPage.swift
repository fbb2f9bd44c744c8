import Fluent
import Plot
import SQLKit
import Vapor
import DataBankCore

/// `GET /audit`: the audit log for the data authority — filter by department, resource,
/// actor, operation and time; the chain's verification at the top.
enum AuditPage {
    static func show(req: Request) async throws -> Response {
        try req.authorize(.readAudit)
        let s = req.strings
        let q = FormData(query: req)
        let sql = req.db.sql
        var conditions: [SQLQueryString] = ["1 = 1"]
        if let d = q["department"], !d.isEmpty { conditions.append("department_code = \(bind: d)") }
        if let r = q["resource"], !r.isEmpty { conditions.append("resource_code = \(bind: r)") }
        if let a = q["actor"], !a.isEmpty { conditions.append("actor_name = \(bind: a)") }
        if let o = q["operation"], !o.isEmpty { conditions.append("operation LIKE \(bind: o + "%")") }
        // Days are the city's (Asia/Shanghai), as shown; entries keep UTC ISO 8601 text, compared as such.
        if let from = q["from"].flatMap(DisplayTime.startOfDay) { conditions.append("at >= \(bind: from.iso8601Millis)") }
        if let to = q["to"].flatMap(DisplayTime.startOfDay) { conditions.append("at < \(bind: to.addingTimeInterval(86_400).iso8601Millis)") }
        let filter = conditions.joined(separator: " AND ")
        let offset = max(q.int("offset") ?? 0, 0)
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE \(filter)").first()?.decode(column: "n", as: Int.self) ?? 0
        let entries = try await sql.raw("SELECT * FROM audit_log WHERE \(filter) ORDER BY seq DESC LIMIT 100 OFFSET \(literal: offset)")
            .all().map(AuditLog.decode)
        let verified: AuditLog.Verification
        do { verified = try await AuditLog.verify(on: req.db, trail: req.application.auditTrail) } catch let error as AuditKeyError {
            verified = AuditLog.Verification(broken: AuditChain.Break(seq: 0, reason: error.description))  // an unreadable checkpoint file
        }
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        let resources = try await SharingWeb.resourceNames(entries.compactMap(\.resourceCode), req: req)
        let people = try await Directory.displayNames(entries.filter { $0.actorKind != "app" }.map(\.actorName), on: req.db)
        let chain: Body =
            verified.broken.map { b in
                .banner(
                    "error", .p(.esc(s.t("审计链断裂于第 \(b.seq) 条：\(b.reason)", "The audit chain is broken at entry \(b.seq): \(b.reason)"))), testid: "audit-chain")
            }
            ?? .banner(
                "ok", .p(.esc(s.t("审计链完整：已核验 \(verified.checked) 条。", "Audit chain intact: \(verified.checked) entries verified."))), testid: "audit-chain")
        let rows: [[Body]] = entries.map { e in
            [
                .esc("\(e.seq)"), .el("time", .cls("nowrap"), .attr("datetime", e.at), .esc(DisplayTime.parse(e.at).map(DisplayTime.plain) ?? e.at)),
                .span(.attr("title", e.actorName), .esc("\(people[e.actorName] ?? e.actorName) · \(actorKind(e.actorKind, s))")),
                .esc(e.departmentCode.flatMap { names[$0] } ?? e.departmentCode ?? ""),
                e.resourceCode.map { SharingWeb.resource($0, resources) } ?? .empty,
                .span(.attr("title", e.operation), .esc(s.auditOperation(e.operation))), .esc("\(e.recordCount)"), .esc(e.purpose ?? ""),
                .el("code", .attr("title", e.requestHash ?? ""), .esc(String((e.requestHash ?? "").prefix(12))))
            ]
        }
        let content: [Body] = [
            Layout.heading(s.t("审计日志", "Audit log")),
            chain,
            .getForm(
                SiteURL.audit.path,
                [
                    .cls("filter-bar"),
                    .select(
                        "department", [("", s.t("全部部门", "All departments"))] + names.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                        selected: q["department"] ?? "", .attr("aria-label", s.t("部门", "Department"))),
                    .input([.v("type", "text"), .v("name", "resource"), .v("placeholder", s.t("资源代码", "Resource code")), .v("value", q["resource"] ?? "")]),
                    .input([.v("type", "text"), .v("name", "actor"), .v("placeholder", s.t("操作人用户名", "Actor's username")), .v("value", q["actor"] ?? "")]),
                    .select(
                        "operation",
                        [("", s.t("全部操作", "All operations"))]
                            + Self.operations.map { ($0, $0.hasSuffix(".") ? s.auditOperationGroup($0) : s.auditOperation($0)) },
                        selected: q["operation"] ?? "", .attr("aria-label", s.t("操作", "Operation"))),
                    .input([
                        .v("type", "date"), .v("name", "from"), .v("value", q["from"] ?? ""), .v("aria-label", s.t("起始日期（北京时间）", "From (China Standard Time)"))
                    ]),
                    .input([.v("type", "date"), .v("name", "to"), .v("value", q["to"] ?? ""), .v("aria-label", s.t("截止日期（北京时间）", "To (China Standard Time)"))]),
                    .submit(s.t("筛选", "Filter"), .cls("primary"))
                ]),
            .section(
                .cls("card"),
                .p(.cls("hint"), .esc(s.t("共 \(total) 条，显示最新 100 条。", "\(total) entries; the newest 100 shown."))),
                .dataTable(
                    [
                        "#", s.t("时间", "Time") + " " + DisplayTime.zoneName(s.lang), s.t("操作人", "Actor"), s.t("部门", "Department"), s.t("资源", "Resource"),
                        s.t("操作", "Operation"), s.t("记录数", "Records"), s.t("用途", "Purpose"), s.t("请求哈希", "Request hash")
                    ],
                    rows, testid: "audit-entries", cls: "data compact"))
        ]
        return Layout.render(req, title: s.t("审计日志", "Audit log"), path: SiteURL.audit.path, content)
    }

    /// The operations offered in the filter (a trailing dot: every operation of the group); the filter matches by prefix.
    static let operations = [
        "load.", "read", "query", "latest", "changes", "changes.stream", "subscribe", "delete", "export.datapackage",
        "quarantine.resubmit", "web.view", "web.loads", "profile.read", "objection.", "webhook.deliver", "refused.", "catalog.comment",
        "warnings.read", "warning."
    ]

    static func actorKind(_ kind: String, _ s: Strings) -> String {
        switch kind {
        case "user": return s.t("网页", "web")
        case "token": return s.t("API 令牌", "API token")
        case "app": return s.t("应用", "app")
        case "cli": return s.t("命令行", "command line")
        case "anonymous": return s.t("匿名", "anonymous")
        default: return kind
        }
    }
}
