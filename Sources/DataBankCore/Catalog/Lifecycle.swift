/// Where a resource stands in the catalog's review flow.
///
/// ```
/// draft ──submit──▶ submitted ──approve──▶ notice (公示) ──publish──▶ published
///   ▲                   │ reject              │ reject                 │ requestChange
///   └───────────────────┴─────────────────────┘                        ▼
///                                                  changeRequested ──submit──▶ submitted …
/// published ──retire──▶ retired
/// ```
/// A change (变更) opens a new revision of a published resource; the published revision stays
/// in the catalog until the change itself is published.
public enum LifecycleState: String, CatalogTerm {
    case draft, submitted, notice, published, changeRequested, retired
    public var zh: String {
        ["draft": "草稿", "submitted": "待审核", "notice": "公示中", "published": "已发布",
         "changeRequested": "变更中", "retired": "已撤销"][rawValue]!
    }
    public var en: String {
        ["draft": "Draft", "submitted": "Submitted", "notice": "Public notice", "published": "Published",
         "changeRequested": "Change requested", "retired": "Retired"][rawValue]!
    }
    /// Whether a steward may edit the working revision in this state.
    public var isEditable: Bool { self == .draft || self == .changeRequested }
}

/// A step of the review flow. Each is an action in the authorization table too.
public enum LifecycleAction: String, CatalogTerm {
    case submit, approve, reject, publish, requestChange, retire, withdraw
    public var zh: String {
        ["submit": "提交审核", "approve": "审核通过并公示", "reject": "退回", "publish": "发布",
         "requestChange": "申请变更", "retire": "撤销", "withdraw": "撤回"][rawValue]!
    }
    public var en: String {
        ["submit": "Submit for review", "approve": "Approve and give notice", "reject": "Return",
         "publish": "Publish", "requestChange": "Request a change", "retire": "Retire", "withdraw": "Withdraw"][rawValue]!
    }
    /// Actions that must say why (a refusal must give its reasons).
    public var needsReason: Bool { self == .reject || self == .retire || self == .requestChange }
}

/// The transition table of the review flow.
public enum Lifecycle {
    /// The state after `action`, or `nil` when the action is not allowed from `state`.
    ///
    /// `hasPublishedRevision` matters for `reject` and `withdraw` of a change: the working
    /// revision goes back to `changeRequested`, not `draft`, while the old revision stays published.
    public static func next(from state: LifecycleState, by action: LifecycleAction, hasPublishedRevision: Bool) -> LifecycleState? {
        let editable: LifecycleState = hasPublishedRevision ? .changeRequested : .draft
        switch (state, action) {
        case (.draft, .submit), (.changeRequested, .submit): return .submitted
        case (.submitted, .approve): return .notice
        case (.submitted, .reject), (.notice, .reject): return editable
        case (.submitted, .withdraw): return editable
        case (.notice, .publish): return .published
        case (.published, .requestChange): return .changeRequested
        case (.published, .retire): return .retired
        case (.changeRequested, .withdraw): return hasPublishedRevision ? .published : nil
        default: return nil
        }
    }

    /// The actions allowed from `state`, in display order.
    public static func actions(from state: LifecycleState, hasPublishedRevision: Bool) -> [LifecycleAction] {
        LifecycleAction.allCases.filter { next(from: state, by: $0, hasPublishedRevision: hasPublishedRevision) != nil }
    }

    /// Days a resource stays in public notice (公示期) before it may be published.
    public static let defaultNoticeDays = 7
}
