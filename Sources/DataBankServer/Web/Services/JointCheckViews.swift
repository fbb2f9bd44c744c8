import Foundation
import Plot
import Vapor
import DataBankCore

/// The joint checks a window can open: each with its owner and the departments it asks.
struct JointCheckListView {
    let req: Request
    let checks: [JointCheckInfo]
    var s: Strings { req.strings }

    func render() -> Response {
        let title = s.t("联办核验", "Joint checks")
        var content: [Body] = [
            .div(
                .cls("page-head"), .h1(.testid("page-title"), .esc(title)),
                .p(
                    .cls("lede"),
                    .esc(
                        s.t(
                            "一次受理，多个部门同时核验：窗口人员填写申请人信息，各部门的核验服务并行答复，每次核验都记入审计日志。",
                            "One request, many departments at once: the window clerk fills in the applicant's form, each department's verification service answers in parallel, and every check is written to the audit log."
                        ))))
        ]
        if checks.isEmpty {
            content.append(.section(.cls("card"), .p(.cls("empty"), .esc(s.t("尚未设置联办事项。", "No joint checks are set up yet.")))))
        }
        for c in checks {
            let name = s.isEnglish ? (c.nameEn ?? c.name) : c.name
            let providers = Array(Set(c.services.map(\.providerName))).sorted()
            content.append(
                .section(
                    .cls("card"), .testid("joint-check-\(c.code)"),
                    .h2(.link(SiteURL.jointCheck(c.code).path, name)),
                    JointCheckWindowView.description(c.definition, s).map { Body.p(.esc($0)) } ?? .empty,
                    .fields([
                        (s.t("核验服务", "Services"), .esc(s.t("\(c.services.count) 项", "\(c.services.count)"))),
                        (s.t("核验部门", "Departments"), .esc(providers.joined(separator: s.t("、", ", ")))),
                        (s.t("判定规则", "Rule"), .esc(JointCheckWindowView.ruleText(c.definition.rule, s)))
                    ]),
                    .div(.cls("form-actions"), .link(SiteURL.jointCheck(c.code).path, s.t("打开受理窗口", "Open the window"), .cls("button primary")))))
        }
        return Layout.render(req, title: title, path: SiteURL.jointChecks.path, content)
    }
}

/// A joint check's window: the applicant form beside the departments' answers, then the result as a
/// receipt to print.
struct JointCheckWindowView {
    let req: Request
    let c: JointCheckPages.Context
    let form: FormData?
    let error: AppError?
    let result: Result?

    /// A finished run: the applicant's values as checked, its answer, the request ID every audit entry of
    /// the run carries (the receipt's number), when it ran.
    struct Result {
        var applicant: [String: String]
        var answer: JointCheckAnswer
        var requestID: String
        var at: Date
    }

    var s: Strings { req.strings }
    var check: JointCheck { c.check }
    var points: Bool { if case .points = check.rule { true } else { false } }

    func render(status: HTTPResponseStatus = .ok) -> Response {
        let name = s.isEnglish ? (check.nameEn ?? check.name) : check.name
        let content: [Body] = [
            .div(
                .cls("page-head"),
                .p(.cls("crumbs"), .link(SiteURL.jointChecks.path, s.t("联办核验", "Joint checks")), .text(" › "), .esc(name)),
                .h1(.testid("page-title"), .esc(name)),
                Self.description(check, s).map { Body.p(.cls("lede"), .esc($0)) } ?? .empty,
                .p(.cls("hint"), .esc(Self.ruleText(check.rule, s)))),
            .div(
                .cls("joint-window"),
                applicantForm(),
                .section(
                    .cls("card"), .testid("joint-answers"),
                    .h2(.esc(s.t("各部门核验", "Each department's answer"))),
                    answersTable()),
                .div(.attr("id", "joint-verdict"), .testid("joint-verdict-box"), result.map { verdict($0) } ?? .empty))
        ]
        let banner = summary()
        return Layout.render(req, title: name, status: status, path: SiteURL.jointChecks.path, banners: [banner], content)
    }

    /// Every problem of a refused form (each message names its field's label), or the error alone.
    func summary() -> Body {
        guard let error else { return .empty }
        guard !error.details.isEmpty else { return Layout.errorBanner(error, s) }
        return .banner(
            "error", .p(.strong(.esc(s.t("未能核验：有 \(error.details.count) 处需要修改。", "Not checked: \(error.details.count) problem(s) to fix.")))),
            .ul(.group(error.details.map { e in Node<HTML.ListContext>.li(.esc(s.message(e))) })), testid: "error-summary")
    }

    func applicantForm() -> Body {
        let f = SharingFormView(s: s, errors: FieldErrors(error?.details ?? []))
        let name = s.isEnglish ? (check.nameEn ?? check.name) : check.name
        return .section(
            .cls("card no-print"),
            .h2(.esc(s.t("申请人信息", "The applicant"))),
            .postForm(
                SiteURL.jointCheck(check.code).path, csrf: req.csrfToken,
                [
                    .cls("sharing-form joint-form"), .attr("novalidate", ""), .testid("joint-form"), .attr("data-joint-window", ""),
                    .attr("data-asking", s.t("核验中…", "Asking…")),
                    .attr("data-failed", s.t("核验中断：连接已断开，请重新核验。", "The check was interrupted: the connection dropped; check again.")),
                    .group(
                        check.form.map { field in
                            let label = s.isEnglish ? (field.labelEn ?? field.label) : field.label
                            let hint = field.kind == .plain ? nil : s.t(field.kind.zh, field.kind.en)
                            return f.text(
                                "applicant.\(field.name)", label + (field.required ? "" : s.t("（选填）", " (optional)")),
                                value: form?.raw("applicant.\(field.name)") ?? "", hint: hint, required: field.required)
                        }),
                    f.text(
                        "purpose", s.t("用途", "Purpose"), value: form?.raw("purpose") ?? s.t("办理\(name)", "Handling \(name)"),
                        hint: s.t("每个部门的审计记录都会写明用途。", "Every department's audit entry records it."), required: true),
                    .div(
                        .cls("form-actions"),
                        .submit(s.t("同时核验", "Check with every department"), .cls("primary"), .testid("joint-submit")),
                        .link(SiteURL.jointCheck(check.code).path, s.t("清空", "Clear"), .cls("button")))
                ]))
    }

    func answersTable() -> Body {
        var headers = ["#", s.t("核验事项", "Check"), s.t("部门", "Department"), s.t("答复", "Answer"), s.t("结果", "Result")]
        if points { headers.append(s.t("得分", "Points")) }
        headers.append(s.t("用时", "Time"))
        let answers = result?.answer.answers
        return .div(
            .cls("table-wrap"),
            .table(
                .cls("data joint-steps"), .testid("joint-steps"),
                .thead(.tr(.group(headers.map { Node<HTML.TableRowContext>.th(.esc($0)) }))),
                .tbody(
                    .group(
                        c.prepared.enumerated().map { i, p in
                            Node<HTML.TableContext>.tr(
                                .attr("data-step", String(i)), .testid("joint-step-\(i)"),
                                .raw((answers.map { cells(i, $0[i]) } ?? waiting(i, p)).render()))
                        }))))
    }

    /// A row before the run: the service and its department, and whether this window may ask it.
    func waiting(_ i: Int, _ p: JointCheckRunner.Prepared) -> Body {
        let department = c.info.services[i].providerName
        let state: Body =
            p.refusal == nil
            ? .span(.cls("muted"), .esc(s.t("待核验", "Not asked yet")))
            : .group(
                .badge(Self.codeText(p.refusal ?? "", s), "share-none"),
                p.refusal == "no_grant" && p.resource != nil
                    ? .p(.cls("hint"), .link(SiteURL.resource(p.resource ?? "", .apply).path, s.t("申请该服务的授权", "Apply for this service"))) : .empty)
        return .group(
            .el("td", .esc(String(i + 1))), .el("td", .esc(s.isEnglish ? (p.labelEn ?? p.label) : p.label)), .el("td", .esc(department)),
            .el("td", .attr("data-answer", ""), state),
            .el("td", .empty), points ? .el("td", .empty) : .empty, .el("td", .empty))
    }

    /// A row after the run (also sent alone to a window with script, as each department answers).
    func cells(_ i: Int, _ a: JointCheckAnswer.StepAnswer) -> Body {
        let answer: Body = a.answer.map { .strong(.esc(Self.answerText($0, s))) } ?? .badge(Self.codeText(a.code ?? "", s), "share-none")
        let passed: Body =
            switch a.passed {
            case true?: .badge(s.t("通过", "Pass"), "share-unconditional")
            case false?: .badge(s.t("不通过", "Fail"), "share-none")
            case nil: .span(.cls("muted"), .esc(s.t("未答复", "No answer")))
            }
        let earned = a.answer.flatMap { check.steps[i].points?[$0] } ?? 0
        return .group(
            .el("td", .esc(String(i + 1))), .el("td", .esc(s.isEnglish ? (a.labelEn ?? a.label) : a.label)), .el("td", .esc(a.providerName)),
            .el("td", .attr("data-answer", ""), answer),
            .el("td", passed), points ? .el("td", .esc(a.answer == nil ? "—" : String(earned))) : .empty,
            .el("td", .cls("num nowrap"), .esc(String(format: "%.0f ms", a.ms))))
    }

    /// The combined result, and a receipt: the applicant, the window, when, and the number (the request
    /// ID) every audit entry of the run carries.
    func verdict(_ r: Result) -> Body {
        let a = r.answer
        let (kind, text): (String, String) =
            switch a.result {
            case "passed": ("ok", s.t("核验通过", "Passed"))
            case "failed": ("error", s.t("核验未通过", "Not passed"))
            default: ("info", s.t("未能完成：有部门未答复，请处理后重新核验", "Incomplete: a department did not answer; resolve it and check again"))
            }
        let user = req.user
        var receipt: [(String, Body)] = check.form.compactMap { f in
            guard let v = r.applicant[f.name] else { return nil }
            return (s.isEnglish ? (f.labelEn ?? f.label) : f.label, .esc(v))
        }
        if let p = a.points, let t = a.threshold { receipt.append((s.t("得分", "Points"), .esc(s.t("\(p) 分（合格线 \(t) 分）", "\(p) (pass mark \(t))")))) }
        receipt += [
            (s.t("核验时间", "Checked at"), .esc(DisplayTime.format(r.at, s.lang))),
            (s.t("受理窗口", "Window"), .esc(user.map { s.t("\(c.department) \($0.displayName)", "\($0.displayName), \(c.department)") } ?? c.department)),
            (
                s.t("用时", "Time"),
                .esc(
                    s.t(
                        String(format: "%.0f ms（各部门依次核验合计 %.0f ms）", a.ms, a.sequentialMs),
                        String(format: "%.0f ms (one after another: %.0f ms)", a.ms, a.sequentialMs)))
            ),
            (s.t("受理编号", "Receipt no."), .span(.cls("code"), .testid("joint-receipt"), .esc(r.requestID)))
        ]
        return .section(
            .cls("card joint-verdict"), .testid("joint-verdict"), .attr("data-result", a.result),
            .banner(kind, .p(.strong(.esc(text))), testid: "joint-result"),
            .fields(receipt),
            .p(
                .cls("hint"),
                .esc(
                    s.t(
                        "各部门只答复核验结论，不提供原始数据；每个部门的核验和本次联办均以此受理编号记入审计日志。",
                        "Each department answers with a conclusion only, never the data; each department's check and this joint check are in the audit log under this receipt number."
                    ))),
            .div(
                .cls("form-actions no-print"),
                .el(
                    "button", .attr("type", "button"), .attr("data-print", ""), .attr("hidden", ""), .testid("joint-print"),
                    .esc(s.t("打印结果", "Print the result")))))
    }

    static func description(_ check: JointCheck, _ s: Strings) -> String? {
        s.isEnglish ? (check.descriptionEn ?? check.description) : check.description
    }

    static func ruleText(_ rule: JointCheck.Rule, _ s: Strings) -> String {
        switch rule {
        case .allPass: s.t("全部部门核验通过方为通过。", "Passed when every department's check passes.")
        case .points(let t): s.t("各项得分合计达到 \(t) 分为通过。", "Passed when the points add up to \(t).")
        }
    }

    static func answerText(_ answer: String, _ s: Strings) -> String {
        switch answer {
        case "yes": s.t("是", "Yes")
        case "no": s.t("否", "No")
        default: answer
        }
    }

    static func codeText(_ code: String, _ s: Strings) -> String {
        switch code {
        case "no_grant": s.t("本窗口未获授权", "No grant for this window")
        case "missing_value": s.t("缺少所需信息", "A value it needs is missing")
        case "service_unavailable": s.t("服务不可用", "Service unavailable")
        default: code
        }
    }
}
