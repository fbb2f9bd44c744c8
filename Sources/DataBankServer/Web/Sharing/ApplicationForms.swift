import Plot
import Vapor
import DataBankCore

/// The forms of the application page.
extension ApplicationView {
    /// The values a form shows: as posted when it was this form that failed, else `fallback`.
    func kept(_ form: String, _ name: String, _ fallback: String) -> String {
        guard failed == form, let posted else { return fallback }
        return posted.raw(name)
    }

    func formView(_ form: String) -> SharingFormView {
        SharingFormView(s: s, errors: failed == form ? FieldErrors(error) : FieldErrors())
    }

    /// Approve, approve in part (items, masks, rows, end date), or reject (reason required).
    func decisionForm(_ form: String, _ heading: String, prefix: String) -> Body {
        let f = formView(form)
        let reshown = failed == form && posted != nil
        var parts: [Body] = [.cls("sharing-form decision-form"), .attr("novalidate", ""), .testid("\(prefix)decision-form")]
        if info.kind == "resource" {
            let scope = ScopeFields(s: s, form: f, items: m.items,
                                    checked: reshown ? Set(posted!.all("items")) : Set(info.scope.items),
                                    masks: reshown ? ScopeFields.posted(posted!) : info.scope.masks.mapValues(\.text),
                                    defaults: m.defaults, prefix: prefix)
            parts.append(.el("fieldset", .el("legend", .esc(s.t("部分同意时的范围", "Scope for a partial approval"))),
                             .p(.cls("hint"), .esc(s.t("“同意”按申请范围授权；“部分同意”按下面调整后的范围授权：可减少信息项、加严脱敏、缩小行范围或缩短期限。",
                                                       "Approve grants what was asked; Approve in part grants the scope below: fewer items, stricter masks, fewer rows or a shorter period."))),
                             scope.table(),
                             f.text("rowFilter", s.t("行范围", "Row scope"), value: kept(form, "rowFilter", Applications.filterText(info.scope.rowFilter)),
                                    hint: s.t("须保留申请中的条件，可增加条件，如 region_code=440604。", "Keep the conditions asked; you may add more, e.g. region_code=440604."),
                                    prefix: prefix)))
        }
        parts.append(.div(.cls("grid"),
            f.text("validUntil", s.t("批准期限至", "Grant until"), value: kept(form, "validUntil", info.validUntil), type: "date",
                   hint: s.t("部分同意时可缩短。", "May be shortened when approving in part."), prefix: prefix),
            f.area("reason", s.t("理由（不同意时必填）", "Reason (required to reject)"), value: kept(form, "reason", ""), prefix: prefix)))
        parts.append(.div(.cls("form-actions"),
            .submit(s.t("同意", "Approve"), .attr("name", "decision"), .attr("value", "approve"), .cls("primary"), .testid("\(prefix)decide-approve")),
            .submit(s.t("部分同意", "Approve in part"), .attr("name", "decision"), .attr("value", "approvePart"), .testid("\(prefix)decide-approvePart")),
            .submit(s.t("不同意", "Reject"), .attr("name", "decision"), .attr("value", "reject"), .cls("danger"), .testid("\(prefix)decide-reject"))))
        return .section(.cls("card"), .attr("id", form), .testid("\(form)-card"),
                        .h2(.esc(heading)), f.inline("scope"), f.inline("status"), f.inline("decision"),
                        .postForm("\(link)/\(form)", csrf: req.csrfToken, parts))
    }

    func escalateForm() -> Body {
        let f = formView("escalate")
        return .section(.cls("card"), .testid("escalate-card"),
            .h2(.esc(s.t("督办", "Escalate"))),
            .p(.cls("hint"), .esc(s.t("申请已超过审核期限。提请协调后提供方会收到通知，平台可会签决定。",
                                      "The application is past its deadline. Escalating notifies the provider; the platform may then countersign."))),
            .postForm("\(link)/escalate", csrf: req.csrfToken, [
                .cls("sharing-form"),
                f.area("note", s.t("说明", "Note"), value: kept("escalate", "note", "")),
                .submit(s.t("提请协调", "Escalate"), .cls("primary"), .testid("escalate-submit")),
            ]))
    }

    func withdrawForm() -> Body {
        .section(.cls("card"), .testid("withdraw-card"),
            .h2(.esc(s.t("撤回申请", "Withdraw"))),
            formView("withdraw").inline("status"),
            .postForm("\(link)/withdraw", csrf: req.csrfToken, [
                .cls("inline"),
                .submit(s.t("撤回申请", "Withdraw the application"), .cls("danger"), .testid("withdraw-submit")),
            ]))
    }
}
