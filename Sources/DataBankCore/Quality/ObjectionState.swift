/// Where an objection (数据纠错) stands. Only an open one can be settled; every settlement is final,
/// so the scores count each objection once.
public enum ObjectionState: String, CaseIterable, Codable, Sendable {
    case open, accepted, rejected, withdrawn

    public var zh: String { ["open": "待处理", "accepted": "已采纳", "rejected": "未采纳", "withdrawn": "已撤回"][rawValue]! }
    public var en: String { ["open": "Open", "accepted": "Accepted", "rejected": "Rejected", "withdrawn": "Withdrawn"][rawValue]! }

    /// Whether an objection in this state may still be accepted, rejected or withdrawn.
    public var isOpen: Bool { self == .open }
}

/// How many objections a resource (or a department's resources) drew, by state: what the
/// quality scores count.
public struct ObjectionCounts: Codable, Equatable, Sendable {
    public var open: Int
    public var accepted: Int
    public var rejected: Int
    public var withdrawn: Int

    public init(open: Int = 0, accepted: Int = 0, rejected: Int = 0, withdrawn: Int = 0) {
        self.open = open; self.accepted = accepted; self.rejected = rejected; self.withdrawn = withdrawn
    }

    /// Settled by the provider (accepted or rejected); a withdrawal settles nothing on its side.
    public var resolved: Int { accepted + rejected }
    public var total: Int { open + accepted + rejected + withdrawn }

    public mutating func add(_ state: ObjectionState, _ n: Int) {
        switch state {
        case .open: open += n
        case .accepted: accepted += n
        case .rejected: rejected += n
        case .withdrawn: withdrawn += n
        }
    }
}
