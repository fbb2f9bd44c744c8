import Plot
import Vapor
import DataBankCore

/// The parts of the resource page.
enum ResourceSections {
    static func resourceLink(_ code: String) -> String { SiteURL.resource(code).path }

    static func text(_ s: String?) -> Body {
        guard let s, !s.trimmingCharacters(in: .whitespaces).isEmpty else { return .span(.cls("none"), "—") }
        return .esc(s)
    }

    static func metadata(_ r: ResourceSnapshot, _ m: ResourcePage.Model, _ s: Strings) -> Body {
        .fields(
            [
                (s.field("code"), .span(.cls("code"), .esc(r.code))),
                (s.field("name"), .esc(r.name)),
                (s.field("nameEn"), text(r.nameEn)),
                (s.field("departmentCode"), .link(SiteURL.department(r.departmentCode).path, m.departmentNames[r.departmentCode] ?? r.departmentCode)),
                (s.field("office"), text(r.office)),
                (s.field("classification"), .span(.cls("code"), .esc(r.classification))),
                (s.field("catalogKind"), .esc(s.label(r.catalogKind))),
                (s.field("abstract"), .p(.cls("abstract"), .esc(r.abstract))),
                (s.field("format"), .esc(s.label(r.format))),
                (s.field("updateCycle"), .esc(s.label(r.updateCycle))),
                (s.field("publishDate"), text(r.publishDate)),
                (s.field("contact"), text(r.contact)),
                (s.field("classified"), .esc(s.yesNo(r.classified))),
                (
                    s.field("themes"),
                    r.themes.isEmpty
                        ? text(nil)
                        : .group(
                            r.themes.map { theme in
                                Body.link("\(SiteURL.catalog.path)?theme=\(theme.rawValue)", s.label(theme), .cls("chip"))
                            })
                ),
                (s.field("tags"), r.tags.isEmpty ? text(nil) : .group(r.tags.map { Body.span(.cls("tag"), .esc($0)) })),
                (
                    s.field("relatedCodes"),
                    r.relatedCodes.isEmpty
                        ? text(nil)
                        : .group(
                            r.relatedCodes.map { code in
                                Body.link(resourceLink(code), code, .cls("code related"), .testid("related-code"))
                            })
                ),
                (s.t("状态", "Status"), .esc(s.label(m.row.state)))
            ], testid: "metadata")
    }

    static func sharing(_ r: ResourceSnapshot, _ s: Strings) -> Body {
        .fields([
            (s.field("sharing.type"), .badge(s.label(r.sharing.type), "share-\(r.sharing.type.rawValue)", testid: "sharing-type")),
            (s.field("sharing.condition"), text(r.sharing.condition)),
            (s.field("sharing.method"), .esc(s.label(r.sharing.method))),
            (s.field("sharing.legalBasis"), text(r.sharing.legalBasis)),
            (s.field("open.type"), .badge(s.label(r.open.type), "open-\(r.open.type.rawValue)", testid: "open-type")),
            (s.field("open.condition"), text(r.open.condition))
        ])
    }

    static func items(_ items: [InformationItem], standards: [String: String], _ s: Strings) -> Body {
        let headers = [
            "#", s.itemField("name"), s.itemField("column"), s.itemField("standardCode"), s.itemField("dataType"),
            s.itemField("length"), s.itemField("primaryKey"), s.itemField("required"), s.itemField("sensitivity")
        ]
        let rows: [[Body]] = items.enumerated().map { i, item in
            [
                .esc(String(i + 1)),
                .esc(item.name),
                .span(.cls("code"), .esc(item.column)),
                .group([
                    .link(SiteURL.standard(item.standardCode).path, item.standardCode, .cls("code")),
                    standards[item.standardCode].map { Body.span(.cls("muted"), .esc(" \($0)")) } ?? .empty
                ]),
                .esc("\(item.dataType.rawValue) \(s.label(item.dataType))"),
                .esc(item.length.map(String.init) ?? "—"),
                item.primaryKey ? .span(.cls("yes"), .esc("✓ " + s.t("主键", "PK"))) : .empty,
                .esc(s.yesNo(item.required)),
                .badge(s.label(item.sensitivity), "sens-\(item.sensitivity.rawValue)")
            ]
        }
        return .dataTable(headers, rows, testid: "items-table")
    }

    /// The working revision's changes against the published one.
    static func pending(_ changes: [FieldChange], _ m: ResourcePage.Model, _ s: Strings) -> Body {
        .section(
            .cls("card pending"), .testid("pending-diff"),
            .h2(
                .esc(
                    s.t(
                        "待发布的变更（第 \(m.row.workingRevision) 版对比第 \(m.row.publishedRevision ?? 0) 版）",
                        "Pending change (revision \(m.row.workingRevision) against \(m.row.publishedRevision ?? 0))"))),
            changes.isEmpty
                ? .p(.cls("muted"), .esc(s.t("工作版本与已发布版本相同。", "The working revision equals the published one.")))
                : changeTable(changes, s))
    }

    static func changeTable(_ changes: [FieldChange], _ s: Strings) -> Body {
        .dataTable(
            [s.t("字段", "Field"), s.t("原值", "Before"), s.t("新值", "After")],
            changes.map { c in
                [
                    .group([.esc(s.field(c.path)), .br(), .span(.cls("code muted"), .esc(c.path))]), .el("del", text(c.old)), .el("ins", text(c.new))
                ]
            }, testid: "changes-table", cls: "data diff")
    }

    static func history(_ m: ResourcePage.Model, _ s: Strings) -> Body {
        let code = m.row.code
        let revisions: Body =
            m.revisions.isEmpty
            ? .p(.cls("muted"), .esc(s.t("暂无已发布版本。", "No published revision yet.")))
            : .dataTable(
                [s.t("版本", "Revision"), s.t("作者", "Author"), s.t("创建", "Created"), s.t("发布", "Published")],
                m.revisions.map { r in
                    [
                        .link("\(resourceLink(code))?revision=\(r.number)", s.t("第 \(r.number) 版", "Revision \(r.number)")),
                        .esc(r.authorName), .esc(s.dateTime(r.createdAt)), .esc(r.publishedAt.map { s.dateTime($0) } ?? s.t("未发布", "Not published"))
                    ]
                }, testid: "revisions")
        var parts: [Body] = [.h2(.esc(s.t("版本与流转", "History"))), .h3(.esc(s.t("版本记录", "Revisions"))), revisions]
        if let transitions = m.transitions {
            parts.append(.h3(.esc(s.t("审核记录", "Review steps"))))
            parts.append(
                transitions.isEmpty
                    ? .p(.cls("muted"), .esc(s.t("暂无记录。", "No steps yet.")))
                    : .dataTable(
                        [s.t("时间", "When"), s.t("操作人", "Who"), s.t("操作", "Action"), s.t("状态", "State"), s.t("理由", "Reason")],
                        transitions.map { t in
                            [
                                .esc(s.dateTime(t.at)), .esc(t.actorName), .esc(s.label(LifecycleAction.self, t.action)),
                                .esc("\(s.label(LifecycleState.self, t.fromState)) → \(s.label(LifecycleState.self, t.toState))"),
                                text(t.reason)
                            ]
                        }, testid: "transitions"))
        }
        parts.append(.h3(.esc(s.t("收录的目录版本", "In editions"))))
        parts.append(
            m.editions.isEmpty
                ? .p(.cls("muted"), .esc(s.t("尚未收录于任何目录版本。", "Not in any edition yet.")))
                : .ul(
                    .testid("editions"),
                    .group(
                        m.editions.map { e in
                            Node<HTML.ListContext>.li(
                                .link(SiteURL.edition(e.slug).path, e.title),
                                .span(.cls("muted"), .esc(s.t("（第 \(e.revision) 版）", " (revision \(e.revision))"))))
                        })))
        return .section(.cls("card"), .attr("id", "history"), .group(parts))
    }

    /// Buttons for the allowed review steps; reasons where a step needs one.
    static func actions(_ m: ResourcePage.Model, req: Request, posted: FormData?, failedAction: String?) -> Body {
        let actions = m.detail.allowedActions.compactMap(LifecycleAction.init(rawValue:))
        guard !actions.isEmpty, m.viewingRevision == nil else { return .empty }
        let s = req.strings
        let forms: [Body] = actions.map { a in
            var nodes: [Body] = [.cls("action-form"), .hidden("action", a.rawValue), .hidden("version", String(m.row.version))]
            if a.needsReason {
                let kept = failedAction == a.rawValue ? posted?.raw("reason") ?? "" : ""
                nodes.append(.el("label", .attr("for", Forms.id("reason-\(a.rawValue)")), .esc(s.t("理由（必填）", "Reason (required)"))))
                nodes.append(
                    .element(
                        named: "textarea",
                        nodes: [
                            .attr("name", "reason"), .attr("id", Forms.id("reason-\(a.rawValue)")),
                            .attr("rows", "2"), .flag("required"), .testid("reason-\(a.rawValue)"), .esc(kept)
                        ]))
            }
            nodes.append(.submit(s.label(a), .cls(a == .reject || a == .retire ? "danger" : "primary"), .testid("action-\(a.rawValue)")))
            return .postForm(SiteURL.resource(m.row.code, .transition).path, csrf: req.csrfToken, nodes)
        }
        return .section(
            .cls("card actions"), .testid("actions"), .h2(.esc(s.t("可执行的操作", "Next steps"))),
            .div(.cls("action-row"), .group(forms)))
    }

    static func comments(_ comments: [CommentRow], _ m: ResourcePage.Model, req: Request, posted: FormData?) -> Body {
        let s = req.strings
        let list: Body =
            comments.isEmpty
            ? .p(.cls("muted"), .esc(s.t("暂无意见。", "No comments yet.")))
            : .ul(
                .cls("comments"), .testid("comments"),
                .group(
                    comments.map { c in
                        Node<HTML.ListContext>.li(
                            .p(
                                .cls("comment-meta"), .strong(.esc(c.authorName)), .text(" · "), .esc(s.dateTime(c.createdAt)),
                                .esc(s.t(" · 第 \(c.revision) 版", " · revision \(c.revision)"))),
                            .p(.cls("comment-body"), .esc(c.body)))
                    }))
        let form: Body =
            m.canComment
            ? .postForm(
                SiteURL.resource(m.row.code, .comments).path, csrf: req.csrfToken,
                [
                    .cls("comment-form"),
                    .el("label", .attr("for", "f-body"), .esc(s.t("公示期意见", "Comment during the public notice"))),
                    .element(
                        named: "textarea",
                        nodes: [
                            .attr("name", "body"), .attr("id", "f-body"), .attr("rows", "3"), .flag("required"),
                            .testid("comment-body"), .esc(posted?.raw("body") ?? "")
                        ]),
                    .submit(s.t("提交意见", "Add comment"), .testid("comment-submit"))
                ])
            : m.row.state == .notice && req.user == nil
                ? .p(
                    .testid("comment-sign-in"), .esc(s.t("公示期内欢迎提出意见：", "Opinions are welcome during the public notice: ")),
                    .link(SiteURL.login.with([("next", SiteURL.resource(m.row.code).path)]), s.t("登录后提交意见", "Sign in to comment"), .cls("button")))
                : .empty
        // Comments may hold contact details: the provider and the reviewers read them all, a commenter their own.
        let who: Body =
            m.row.state == .notice && req.user != nil
            ? .p(
                .cls("hint"),
                .esc(
                    m.seesAllComments
                        ? s.t("公示期意见仅提供方和审核人员可见。", "Comments are seen by the provider and the reviewers only.")
                        : s.t("您的意见仅您本人、提供方和审核人员可见。", "Your comments are seen by you, the provider and the reviewers only."))) : .empty
        let title =
            m.seesAllComments || req.user == nil
            ? s.t("意见（\(comments.count)）", "Comments (\(comments.count))") : s.t("我的意见（\(comments.count)）", "My comments (\(comments.count))")
        return .section(
            .cls("card"), .attr("id", "comments"), .h2(.esc(req.user == nil ? s.t("公示期意见", "Comments on the public notice") : title)),
            req.user == nil ? .empty : list, who, form)
    }
}
