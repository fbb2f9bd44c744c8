/// Where an application for access stands.
public enum ApplicationStatus: String, CatalogTerm {
    case pending, approved, partiallyApproved, rejected, withdrawn, escalated
    public var zh: String {
        ["pending": "待审核", "approved": "已同意", "partiallyApproved": "部分同意", "rejected": "不同意",
         "withdrawn": "已撤回", "escalated": "已提请协调"][rawValue]!
    }
    public var en: String {
        ["pending": "Pending", "approved": "Approved", "partiallyApproved": "Partially approved", "rejected": "Rejected",
         "withdrawn": "Withdrawn", "escalated": "Escalated"][rawValue]!
    }
    /// Whether the provider may still decide it (an escalated application is decided by the data authority).
    public var isOpen: Bool { self == .pending || self == .escalated }
}

/// What the provider answers to an application.
public enum DecisionKind: String, Codable, Sendable, CaseIterable {
    case approve, approvePart, reject
}

/// A consumer department's application for access to one resource, before it is stored.
public struct AccessRequest: Sendable {
    /// The resource's sharing type at the time of application.
    public var sharing: SharingType
    public var scope: GrantScope
    public var validFrom: CivilDate
    public var validUntil: CivilDate
    /// What the data is for (用途), shown to the provider and kept in the audit trail.
    public var purpose: String
    /// The law, regulation or document that entitles the consumer (依据).
    public var legalBasis: String

    public init(sharing: SharingType, scope: GrantScope, validFrom: CivilDate, validUntil: CivilDate, purpose: String, legalBasis: String) {
        self.sharing = sharing; self.scope = scope; self.validFrom = validFrom; self.validUntil = validUntil
        self.purpose = purpose; self.legalBasis = legalBasis
    }
}

/// The rules for applications and decisions (国发〔2016〕51号: sharing is the rule; conditional
/// sharing needs an application that the provider answers, and refusals need a reason).
public enum SharingPolicy {
    /// The longest period a grant may run before it must be applied for again.
    public static let maximumYears = 3

    /// Problems with an application before it is stored (empty: it may be stored).
    ///
    /// A period that has already ended (validUntil before `today`) is `invalid_period` too.
    public static func problems(_ request: AccessRequest, layout: RecordLayout, today: CivilDate) -> [FieldError] {
        var problems: [FieldError] = []
        if request.sharing == .none {
            problems.append(FieldError(field: "resource", code: "not_shareable", message: "该资源为不予共享，不能申请",
                                       messageEn: "This resource is not shared; it cannot be applied for"))
        }
        if request.purpose.trimmingSpaces.isEmpty {
            problems.append(FieldError(field: "purpose", code: "required", message: "请填写数据用途", messageEn: "State what the data is for"))
        }
        if request.sharing == .conditional && request.legalBasis.trimmingSpaces.isEmpty {
            problems.append(FieldError(field: "legalBasis", code: "required", message: "有条件共享资源须填写申请依据",
                                       messageEn: "Conditionally shared data needs a legal basis"))
        }
        problems += request.scope.validate(against: layout)
        if request.validUntil < request.validFrom {
            problems.append(FieldError(field: "validUntil", code: "invalid_period", message: "截止日期早于起始日期",
                                       messageEn: "The period ends before it starts"))
        } else if request.validUntil < today {
            problems.append(FieldError(field: "validUntil", code: "invalid_period", message: "截止日期已过",
                                       messageEn: "The period has already ended"))
        } else if request.validUntil > request.validFrom.addingYears(maximumYears) {
            problems.append(FieldError(field: "validUntil", code: "period_too_long", message: "使用期限不得超过 \(maximumYears) 年",
                                       messageEn: "The period may not exceed \(maximumYears) years"))
        }
        return problems
    }

    /// Unconditional resources are approved at once (the application is still recorded).
    public static func approvesAtOnce(_ sharing: SharingType) -> Bool { sharing == .unconditional }

    /// Checks a provider's decision; nil when it may be recorded.
    ///
    /// Only an open (pending or escalated) application may be decided. A rejection needs a
    /// reason. "Approve part" must narrow the scope and/or shorten the period (and may not widen
    /// either); "approve" grants exactly what was asked. A nil `granted`/`grantedUntil` means "as asked".
    public static func checkDecision(_ kind: DecisionKind, current: ApplicationStatus, asked: GrantScope, askedUntil: CivilDate,
                                     granted: GrantScope?, grantedUntil: CivilDate?, reason: String?) -> FieldError? {
        guard current.isOpen else {
            return FieldError(field: "status", code: "already_decided", message: "该申请已处理（\(current.zh)），不能再审核",
                              messageEn: "This application is already \(current.en.lowercased()); it cannot be decided again")
        }
        let scope = granted ?? asked, until = grantedUntil ?? askedUntil
        switch kind {
        case .reject:
            if (reason ?? "").trimmingSpaces.isEmpty {
                return FieldError(field: "reason", code: "reason_required", message: "不同意时须说明理由",
                                  messageEn: "A rejection needs a reason")
            }
        case .approvePart:
            let narrower = scope.isNarrowing(of: asked) && until <= askedUntil && (scope != asked || until < askedUntil)
            if !narrower {
                return FieldError(field: "scope", code: "not_narrower", message: "部分同意须缩小申请范围或缩短期限，且不得超出申请",
                                  messageEn: "A partial approval must narrow the scope or shorten the period, and never go beyond the application")
            }
        case .approve:
            if scope != asked || until != askedUntil {
                return FieldError(field: "scope", code: "scope_changed", message: "同意即按申请范围授权；如需调整请选择部分同意",
                                  messageEn: "Approval grants what was asked; to change it, approve in part")
            }
        }
        return nil
    }

    /// The application's status once the decision is recorded.
    public static func status(after kind: DecisionKind) -> ApplicationStatus {
        switch kind {
        case .approve: .approved
        case .approvePart: .partiallyApproved
        case .reject: .rejected
        }
    }
}
