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

    func dateTime(_ d: Date?) -> String {
        guard let d else { return "—" }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: d)
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
            "required": ("必填", "Required"), "sensitivity": ("敏感级别", "Sensitivity"),
        ]
        return names[key].map { t($0.0, $0.1) } ?? key
    }
}

extension Request {
    /// The page language's strings.
    var strings: Strings { Strings(self) }
}
