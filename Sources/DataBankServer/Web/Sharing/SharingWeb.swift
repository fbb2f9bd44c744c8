import Fluent
import Plot
import Vapor
import DataBankCore

/// What the governed-sharing pages share: badges, labels, mask choices, and names for codes.
enum SharingWeb {
    static func applicationLink(_ id: UUID?) -> String { id.map { SiteURL.application($0).path } ?? "" }
    static func applyLink(_ code: String) -> String { SiteURL.resource(code, .apply).path }

    /// The application's status as a coloured pill.
    static func statusBadge(_ raw: String, _ s: Strings) -> Body {
        let kind =
            [
                "pending": "state-submitted", "approved": "state-published", "partiallyApproved": "state-notice",
                "rejected": "share-none", "withdrawn": "state-retired", "escalated": "state-changeRequested"
            ][raw] ?? "state-draft"
        return .badge(s.label(ApplicationStatus.self, raw), kind, testid: "application-status")
    }

    static func overdueBadge(_ s: Strings) -> Body { .badge(s.t("已超期", "Overdue"), "overdue", testid: "overdue") }

    /// A grant's state (`active`, `expired`, `revoked`, `notYetValid`) as a pill.
    static func grantState(_ raw: String, _ s: Strings) -> Body {
        let labels: [String: (String, String, String)] = [
            "active": ("有效", "Active", "state-published"), "expired": ("已过期", "Expired", "state-retired"),
            "revoked": ("已撤销", "Revoked", "share-none"), "notYetValid": ("未生效", "Not yet valid", "state-submitted")
        ]
        let l = labels[raw] ?? (raw, raw, "state-draft")
        return .badge(s.t(l.0, l.1), l.2, testid: "grant-state")
    }

    /// Every mask rule in its text form with its label; the item's default is marked.
    static func maskOptions(_ s: Strings, default d: MaskRule?) -> [(String, String)] {
        let all: [MaskRule] =
            [.clear] + MaskKind.allCases.map { .mask($0) } + Generalization.allCases.map { .generalize($0) }
            + [.pseudonym(perConsumer: true), .pseudonym(perConsumer: false), .suppress]
        return all.map { rule in
            (rule.text, rule.label(s.lang) + (rule == d ? s.t("（默认）", " (default)") : ""))
        }
    }

    /// "2025-03-01 至 2026-03-01" / "2025-03-01 to 2026-03-01".
    static func period(_ from: String, _ until: String, _ s: Strings) -> String { s.t("\(from) 至 \(until)", "\(from) to \(until)") }

    /// The row scope as the text the forms take (`region_code=440604`), or "all rows".
    static func rowScope(_ scope: GrantScope, _ s: Strings) -> String {
        scope.rowFilter.isEmpty ? s.t("全部行", "All rows") : Applications.filterText(scope.rowFilter)
    }

    /// Resource names by code, in the page language.
    static func resourceNames(_ codes: [String], req: Request) async throws -> [String: String] {
        let unique = Array(Set(codes))
        guard !unique.isEmpty else { return [:] }
        let rows = try await ResourceRow.query(on: req.db).filter(\.$code ~~ unique).all()
        return Dictionary(rows.map { ($0.code, req.language == "en" ? ($0.nameEn ?? $0.name) : $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// A resource as a link with its name, and its code underneath in small print.
    static func resource(_ code: String, _ names: [String: String]) -> Body {
        .group([
            .link(SiteURL.resource(code).path, names[code] ?? code, .testid("resource-name")), .br(),
            .span(.cls("code muted"), .esc(code))
        ])
    }

    /// Labels of the sharing forms' fields (the error paths of the service layer).
    static func fieldLabel(_ field: String, _ s: Strings) -> String {
        if field.hasPrefix("masks.") { return s.t("脱敏规则：", "Mask: ") + field.dropFirst("masks.".count) }
        let key = Forms.errorKey(field)
        let names: [String: (String, String)] = [
            "purpose": ("用途", "Purpose"), "legalBasis": ("申请依据", "Legal basis"), "items": ("信息项", "Items"),
            "rowFilter": ("行范围", "Row scope"), "validFrom": ("起始日期", "Valid from"), "validUntil": ("截止日期", "Valid until"),
            "unmaskReason": ("不脱敏理由", "Reason for unmasking"), "app": ("应用", "App"), "reason": ("理由", "Reason"),
            "scope": ("授权范围", "Scope"), "status": ("状态", "Status"), "resource": ("资源", "Resource"), "decision": ("决定", "Decision"),
            "name": ("应用名称", "App name"), "ratePerMinute": ("每分钟请求数", "Requests per minute"), "grants": ("绑定的授权", "Bound grants"),
            "note": ("说明", "Note")
        ]
        return names[key].map { s.t($0.0, $0.1) } ?? s.field(field)
    }

    /// Today in the city, and a date `days` later, as `YYYY-MM-DD`.
    static func day(plus days: Int = 0) -> String { CivilDate(daysSinceEpoch: GrantAccess.today().daysSinceEpoch + days).iso }

    /// An empty-list paragraph.
    static func empty(_ s: Strings, _ testid: String, _ zh: String = "暂无。", _ en: String = "Nothing here.") -> Body {
        .p(.cls("muted empty"), .testid(testid), .esc(s.t(zh, en)))
    }

    /// The error a posted form re-shows (client errors), or nil: the caller rethrows.
    static func showable(_ error: any Error) -> AppError? {
        let e = AppError.from(error)
        guard (400..<500).contains(e.status.code), e.status != .notFound, e.status != .unauthorized else { return nil }
        return e
    }
}

/// A form's fields with their error messages next to them and a summary on top.
struct SharingFormView {
    let s: Strings
    let errors: FieldErrors

    /// Every error, each naming its field.
    func summary(_ error: AppError?) -> Body {
        guard let error else { return .empty }
        if errors.isEmpty { return Layout.errorBanner(error, s) }
        return .banner(
            "error",
            .p(.strong(.esc(s.t("未能提交：有 \(errors.all.count) 处需要修改。", "Not sent: \(errors.all.count) problem(s) to fix.")))),
            .ul(.group(errors.all.map { e in Node<HTML.ListContext>.li(.esc("\(SharingWeb.fieldLabel(e.field, s))：\(s.message(e))")) })),
            testid: "error-summary")
    }

    func inline(_ key: String) -> Body {
        let list = errors.errors(key)
        guard !list.isEmpty else { return .empty }
        return .group(list.map { Body.p(.cls("field-error"), .testid("error-\(key)"), .esc(s.message($0))) })
    }

    func invalid(_ key: String) -> Bool { !errors.errors(key).isEmpty }

    /// A labelled field: label, input, hint, inline errors.
    func field(_ key: String, _ label: String, _ input: Body, hint: String? = nil, wide: Bool = false, id: String? = nil) -> Body {
        .div(
            .cls("field" + (invalid(key) ? " invalid" : "") + (wide ? " wide" : "")),
            .el("label", .attr("for", id ?? Forms.id(key)), .esc(label)),
            input,
            hint.map { Body.p(.cls("hint"), .esc($0)) } ?? .empty,
            inline(key))
    }

    func text(
        _ key: String, _ label: String, value: String, type: String = "text", hint: String? = nil, placeholder: String = "",
        wide: Bool = false, required: Bool = false, prefix: String = ""
    ) -> Body {
        let id = Forms.id(prefix + key)
        return field(
            key, label,
            .input([
                .v("type", type), .v("name", key), .v("id", id), .v("value", value), .v("placeholder", placeholder),
                .on("required", required), .on("aria-invalid", invalid(key)), .v("data-testid", "\(prefix)input-\(key)")
            ]),
            hint: hint, wide: wide, id: id)
    }

    func area(_ key: String, _ label: String, value: String, hint: String? = nil, required: Bool = false, prefix: String = "") -> Body {
        let id = Forms.id(prefix + key)
        return field(
            key, label,
            .element(
                named: "textarea",
                nodes: [
                    .attr("name", key), .attr("id", id), .attr("rows", "2"), .flag("required", required),
                    .testid("\(prefix)input-\(key)"), .esc(value)
                ]),
            hint: hint, wide: true, id: id)
    }
}

extension FieldErrors {
    /// The field errors an ``AppError`` carries.
    init(_ error: AppError?) { self.init(error?.details ?? []) }
}
