import Plot
import Vapor
import DataBankCore

/// What the demand pages share: names, the state badge, the due day.
enum DemandWeb {
    static func stateBadge(_ state: DemandState, _ s: Strings) -> Body {
        .badge(s.t(state.zh, state.en), "demand-\(state.rawValue)", testid: "demand-state")
    }

    static func urgency(_ raw: String, _ s: Strings) -> String {
        DemandUrgency(rawValue: raw).map { s.t($0.zh, $0.en) } ?? raw
    }

    static func theme(_ raw: String?, _ s: Strings) -> String {
        guard let raw, !raw.isEmpty else { return s.t("未分主题", "No theme") }
        return Theme(rawValue: raw).map { s.t($0.zh, $0.en) } ?? raw
    }

    /// The requester: a department's name, or "注册用户 name" for a member of the public.
    static func requester(_ row: DemandRow, _ names: [String: String], _ s: Strings) -> String {
        row.requesterCode.hasPrefix(Actor.publicConsumerPrefix)
            ? s.t("注册用户 \(row.requesterName)", "Registered user \(row.requesterName)") : names[row.requesterCode] ?? row.requesterCode
    }

    static func provider(_ code: String?, _ names: [String: String], _ s: Strings) -> String {
        guard let code, !code.isEmpty else { return s.t("待数据管理机构指派", "To be assigned by the data authority") }
        return names[code] ?? code
    }

    /// The due day, with the overdue badge once it has passed unanswered.
    static func due(_ row: DemandRow, today: CivilDate, _ s: Strings) -> Body {
        guard row.demandState == .pending else { return .esc(row.due) }
        return .group([.esc(row.due), row.isOverdue(today: today) ? .group([.text(" "), SharingWeb.overdueBadge(s)]) : .empty])
    }

    /// Labels of the fields a demand's errors name.
    static func fieldLabel(_ field: String, _ s: Strings) -> String {
        let names: [String: (String, String)] = [
            "title": ("需要什么数据", "What data"), "reason": ("用途", "Why"), "items": ("需要的数据项", "Items wanted"),
            "standards": ("标准数据元", "Standard data elements"), "theme": ("主题", "Theme"), "urgency": ("紧急程度", "Urgency"),
            "provider": ("提供方", "Provider"), "resource": ("资源代码", "Resource code"), "grant": ("授权编号", "Grant"), "state": ("状态", "State"),
            "department": ("部门", "Department"), "demand": ("需求", "Demand")
        ]
        return names[field].map { s.t($0.0, $0.1) } ?? SharingWeb.fieldLabel(field, s)
    }

    /// The summary of a failed form, worded with the demand's field names.
    static func summary(_ error: AppError?, _ s: Strings) -> Body {
        guard let error else { return .empty }
        guard !error.details.isEmpty else { return Layout.errorBanner(error, s) }
        return .banner(
            "error",
            .p(.strong(.esc(s.t("未能提交：有 \(error.details.count) 处需要修改。", "Not sent: \(error.details.count) problem(s) to fix.")))),
            .ul(.group(error.details.map { e in Node<HTML.ListContext>.li(.esc("\(fieldLabel(e.field, s))：\(s.message(e))")) })),
            testid: "error-summary")
    }

    /// The list of resources that may already answer a need.
    static func suggestions(_ list: [DemandSuggestion], _ names: [String: String], _ s: Strings) -> Body {
        guard !list.isEmpty else {
            return SharingWeb.empty(s, "suggestions-empty", "目录中未找到相近的资源。", "No similar resource found in the catalog.")
        }
        return .ul(
            .cls("suggestions"), .testid("suggestions"),
            .group(
                list.map { r in
                    Node<HTML.ListContext>.li(
                        .link(SiteURL.resource(r.code).path, s.isEnglish ? (r.nameEn ?? r.name) : r.name, .testid("suggestion")),
                        .span(.cls("muted"), .esc(" \(r.code) · \(names[r.department] ?? r.department)")))
                }))
    }
}
