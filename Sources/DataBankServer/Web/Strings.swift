import Vapor
import DataBankCore

/// The page language and its translations: every label is written in both languages at the
/// point of use, `s.t("目录", "Catalog")`, so no key can go missing.
struct Strings: Sendable {
    let lang: String

    init(_ lang: String) { self.lang = lang == "en" ? "en" : "zh" }
    init(_ req: Request) { self.init(req.language) }

    var isEnglish: Bool { lang == "en" }

    func t(_ zh: String, _ en: String) -> String { isEnglish ? en : zh }

    /// A closed-vocabulary label (`SharingType.conditional` → 有条件共享 / Conditional sharing).
    func label<T: CatalogTerm>(_ term: T) -> String { term.label(lang) }

    /// The label of a raw vocabulary value, or the value itself when unknown.
    func label<T: CatalogTerm>(_ type: T.Type, _ raw: String?) -> String {
        guard let raw else { return "" }
        return T(rawValue: raw)?.label(lang) ?? raw
    }

    /// A field error's message in the page language.
    func message(_ e: FieldError) -> String { isEnglish ? e.messageEn : e.message }

    func yesNo(_ b: Bool) -> String { b ? t("是", "Yes") : t("否", "No") }

    func date(_ d: Date?) -> String { d?.ymd ?? "—" }

    /// A moment for display: the one format and zone of every page (``DisplayTime``).
    func dateTime(_ d: Date?) -> String {
        guard let d else { return "—" }
        return DisplayTime.format(d, lang)
    }

    /// A load mode (`upsert`, `append`, `replace`) in the page language.
    func loadMode(_ raw: String) -> String {
        switch raw {
        case "upsert": return t("更新或新增", "Upsert")
        case "append": return t("仅新增", "Append")
        case "replace": return t("整体替换", "Replace all")
        default: return raw
        }
    }

    /// A group of audit operations in the audit page's filter (`load.` → 载入（全部方式）).
    func auditOperationGroup(_ prefix: String) -> String {
        switch prefix {
        case "load.": return t("载入（全部方式）", "Loads (every mode)")
        case "objection.": return t("纠错（全部）", "Objections (all)")
        case "refused.": return t("拒绝访问（全部）", "Refused access (all)")
        case "warning.": return t("预警处置（全部）", "Warnings handled (all)")
        default: return prefix
        }
    }

    /// An audit log operation (`load.upsert`, `read`, `refused.purpose` …) in the page language; the
    /// raw code stays in the entry (and the filter), the label is for reading.
    func auditOperation(_ op: String) -> String {
        if op.hasPrefix("load.") { return t("载入（\(loadMode(String(op.dropFirst(5))))）", "Load (\(loadMode(String(op.dropFirst(5)))))") }
        if op.hasPrefix("refused.") { return t("拒绝访问（\(op.dropFirst(8))）", "Refused (\(op.dropFirst(8)))") }
        if op.hasPrefix("objection."), op != "objection.raise", op != "objection.view" {
            return t("纠错处理（\(op.dropFirst(10))）", "Objection settled (\(op.dropFirst(10)))")
        }
        let names: [String: (String, String)] = [
            "read": ("查询记录", "Read records"), "query": ("查询记录", "Query records"), "query.aggregate": ("聚合统计", "Aggregate records"),
            "latest": ("读取最新状态", "Read latest state"),
            "changes": ("读取变更", "Read changes"), "changes.stream": ("订阅变更流", "Change stream"), "subscribe": ("创建订阅", "Subscribe"),
            "delete": ("删除记录", "Delete records"), "export.datapackage": ("导出数据包", "Export data package"),
            "quarantine.resubmit": ("重新提交被拒绝行", "Resubmit refused rows"), "web.view": ("网页查看记录", "View records (web)"),
            "web.loads": ("查看载入记录", "View loads"), "profile.read": ("查看字段画像", "View column profile"),
            "objection.raise": ("提出纠错", "Raise objection"), "objection.view": ("查看纠错", "View objection"),
            "webhook.deliver": ("推送订阅", "Webhook delivery"), "catalog.comment": ("公示期意见", "Public notice comment"),
            "open.preview": ("开放门户预览", "Open portal preview"), "export.xlsx": ("导出 XLSX", "Export XLSX"),
            "export.csv": ("导出 CSV", "Export CSV"), "export.json": ("导出 JSON", "Export JSON"), "export.ndjson": ("导出 NDJSON", "Export NDJSON"),
            "warnings.read": ("查看预警", "Read warnings"), "warnings.deliver": ("推送预警", "Warning webhook delivery"),
            "warning.ack": ("确认预警", "Acknowledge warning"), "warning.assign": ("指派预警", "Assign warning"), "warning.close": ("关闭预警", "Close warning"),
            "warning-rule.define": ("设置预警规则", "Set up warning rule"), "warning-rule.retire": ("停用预警规则", "Retire warning rule"),
            "warning-hook.set": ("设置预警回调", "Set warning webhook")
        ]
        return names[op].map { t($0.0, $0.1) } ?? op
    }

    /// "共 12 条" / "12 results".
    func count(_ n: Int) -> String { t("共 \(n) 条", n == 1 ? "1 result" : "\(n) results") }

    /// Labels of resource fields, keyed like ``FieldError/field`` and ``FieldChange/path``.
    func field(_ path: String) -> String {
        let base = path.split(separator: "[").first.map(String.init) ?? path
        let names: [String: (String, String)] = [
            "code": ("资源代码", "Resource code"), "name": ("资源名称", "Name"), "nameEn": ("英文名称", "English name"),
            "departmentCode": ("提供方", "Provider"), "office": ("提供方内部部门", "Office"),
            "classification": ("分类代码", "Classification"), "catalogKind": ("目录类型", "Catalog kind"),
            "abstract": ("摘要", "Abstract"), "format": ("资源格式", "Format"),
            "sharing.type": ("共享类型", "Sharing type"), "sharing.condition": ("共享条件", "Sharing condition"),
            "sharing.method": ("共享方式", "Sharing method"), "sharing.legalBasis": ("不予共享/有条件共享依据", "Legal basis"),
            "open.type": ("开放类型", "Open type"), "open.condition": ("开放条件", "Open condition"),
            "updateCycle": ("更新周期", "Update cycle"), "publishDate": ("发布日期", "Publish date"),
            "relatedCodes": ("关联资源代码", "Related resources"), "themes": ("主题", "Themes"), "tags": ("标签", "Tags"),
            "contact": ("联系方式", "Contact"), "classified": ("涉密", "Classified"), "items": ("信息项", "Information items"),
            "version": ("版本", "Version"), "reason": ("理由", "Reason"), "action": ("操作", "Action"), "body": ("意见", "Comment"),
            "year": ("年份", "Year"), "phase": ("期数", "Phase"), "title": ("标题", "Title"),
            // Objections (数据纠错).
            "recordKey": ("记录主键", "Record key"), "column": ("数据项", "Item"), "suggested": ("建议值", "Suggested value"),
            "value": ("更正值", "Corrected value"), "note": ("说明", "Note"),
            // Uploads.
            "file": ("文件", "File"), "mode": ("方式", "Mode"), "encoding": ("编码", "Encoding")
        ]
        if path.hasPrefix("items["), let dot = path.firstIndex(of: ".") {
            let sub = String(path[path.index(after: dot)...])
            let item = itemField(sub)
            let row = path.dropFirst("items[".count).prefix { $0 != "]" }
            return t("信息项 \(Int(row).map { String($0 + 1) } ?? String(row))：\(item)", "Item \(Int(row).map { String($0 + 1) } ?? String(row)): \(item)")
        }
        if let n = names[path] ?? names[base] { return t(n.0, n.1) }
        return path
    }

    func itemField(_ key: String) -> String {
        let names: [String: (String, String)] = [
            "name": ("名称", "Name"), "column": ("字段名", "Column"), "standardCode": ("信息项标准", "Standard"),
            "dataType": ("数据类型", "Data type"), "length": ("长度", "Length"), "primaryKey": ("主键", "Primary key"),
            "required": ("必填", "Required"), "sensitivity": ("敏感级别", "Sensitivity")
        ]
        return names[key].map { t($0.0, $0.1) } ?? key
    }
}

extension Request {
    /// The page language's strings.
    var strings: Strings { Strings(self) }
}
