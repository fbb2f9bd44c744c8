/// Where a data demand (数据需求) stands: 待受理 → 已受理 → 已满足 (linked to what met it) or
/// 无法满足 (with the reason). A provider may also answer a demand straight from 待受理.
public enum DemandState: String, CaseIterable, Codable, Sendable {
    case pending, accepted, fulfilled, declined

    public var zh: String { ["pending": "待受理", "accepted": "已受理", "fulfilled": "已满足", "declined": "无法满足"][rawValue]! }
    public var en: String { ["pending": "Pending", "accepted": "Accepted", "fulfilled": "Fulfilled", "declined": "Declined"][rawValue]! }

    /// Still waiting for an answer from the provider (or from the data authority, to assign one).
    public var isOpen: Bool { self == .pending || self == .accepted }
    /// Not met: open, or answered "cannot be met". What the unmet counts and the gap list hold.
    public var isUnmet: Bool { self != .fulfilled }
}

/// What can be done to a demand once registered.
public enum DemandAction: String, CaseIterable, Codable, Sendable {
    /// The provider takes it on (待受理 → 已受理).
    case accept
    /// The provider links the resource or grant that meets it (→ 已满足).
    case fulfil
    /// The provider says it cannot be met, and why (→ 无法满足).
    case decline
    /// The data authority names the provider of a demand registered without one (stays 待受理).
    case assign
    /// Another department says "we need it too" (我也需要): no change of state.
    case vote

    public var zh: String { ["accept": "受理", "fulfil": "满足", "decline": "无法满足", "assign": "指派提供方", "vote": "我也需要"][rawValue]! }
    public var en: String { ["accept": "Accept", "fulfil": "Fulfil", "decline": "Decline", "assign": "Assign a provider", "vote": "We need it too"][rawValue]! }
}

/// How urgent the requester says the need is (the official document grades 平件 / 加急 / 特急).
public enum DemandUrgency: String, CaseIterable, Codable, Sendable {
    case normal, urgent, critical
    public var zh: String { ["normal": "一般", "urgent": "加急", "critical": "特急"][rawValue]! }
    public var en: String { ["normal": "Normal", "urgent": "Urgent", "critical": "Critical"][rawValue]! }
    /// Sort weight: the most urgent first.
    public var rank: Int { ["normal": 0, "urgent": 1, "critical": 2][rawValue]! }
}

/// The demand workflow's rules, without I/O: which action is allowed from which state, and what follows.
public enum DemandWorkflow {
    /// The state after `action` from `state`, or nil when the action is not allowed there (409).
    public static func next(_ state: DemandState, _ action: DemandAction) -> DemandState? {
        switch (state, action) {
        case (.pending, .accept): return .accepted
        case (.pending, .fulfil), (.accepted, .fulfil): return .fulfilled
        case (.pending, .decline), (.accepted, .decline): return .declined
        case (.pending, .assign): return .pending
        case (.pending, .vote), (.accepted, .vote), (.declined, .vote): return state
        default: return nil
        }
    }

    /// Whether the answer is overdue: still pending (not yet accepted or answered) after its due day.
    /// The due day itself is in time, as for applications (``WorkingDays/isOverdue(deadline:today:)``).
    public static func isOverdue(state: DemandState, due: CivilDate?, today: CivilDate) -> Bool {
        guard state == .pending, let due else { return false }
        return WorkingDays.isOverdue(deadline: due, today: today)
    }
}

/// How many demands a provider (or a theme) has, by state; `unmet` is every one not fulfilled.
public struct DemandCounts: Codable, Equatable, Sendable {
    public var pending: Int
    public var accepted: Int
    public var fulfilled: Int
    public var declined: Int
    /// Votes ("我也需要") on the unmet ones: how many more departments wait for them.
    public var votes: Int

    public init(pending: Int = 0, accepted: Int = 0, fulfilled: Int = 0, declined: Int = 0, votes: Int = 0) {
        self.pending = pending; self.accepted = accepted; self.fulfilled = fulfilled; self.declined = declined; self.votes = votes
    }

    public var total: Int { pending + accepted + fulfilled + declined }
    public var unmet: Int { total - fulfilled }

    public mutating func add(_ state: DemandState, _ n: Int) {
        switch state {
        case .pending: pending += n
        case .accepted: accepted += n
        case .fulfilled: fulfilled += n
        case .declined: declined += n
        }
    }
}
