/// What one reader may read of one record store: the single decision behind every path out of a
/// store (records, exports, Data Package, change feed, SSE, webhooks, objections, profile, quality
/// examples, verification). The server gathers the facts; this decides. Never re-derive it.
public enum ReadAccess: Equatable, Sendable {
    /// Everything, in clear: the provider department and the data authority (which must state a purpose).
    case full
    /// Through the reader's active grant: its items, its rows, its masks.
    case grant
    /// As the open portal publishes it: every item under its default mask (an openly published resource).
    case openPortal
    /// The reader may not know the resource exists: answer exactly what an unknown code gets (404).
    case hidden
    /// Nobody is signed in and nothing is open to the public: 401.
    case needsSignIn
    /// Signed in, the resource is visible, but the reader holds no grant: 403 `no_grant`.
    case noGrant

    /// What the decision needs to know, gathered by the server.
    public struct Facts: Sendable {
        /// The signed-in user, if any (an app has none).
        public var actor: Actor?
        /// The department an app token belongs to, when an app asks.
        public var appDepartment: String?
        /// The department that provides the resource.
        public var provider: String
        /// Whether the catalog shows this resource to the reader (published and not classified beyond them).
        public var inCatalogForReader: Bool
        /// Whether the reader (the user's department, or the app through a grant bound to it) holds an active grant.
        public var hasGrant: Bool
        /// Whether the resource is published and open to the public without conditions (无条件开放).
        public var openToPublic: Bool

        public init(actor: Actor?, appDepartment: String? = nil, provider: String, inCatalogForReader: Bool,
                    hasGrant: Bool, openToPublic: Bool) {
            self.actor = actor; self.appDepartment = appDepartment; self.provider = provider
            self.inCatalogForReader = inCatalogForReader; self.hasGrant = hasGrant; self.openToPublic = openToPublic
        }
    }

    /// Decides, in this order: the provider's own readers (and the data authority) read everything;
    /// a grant's holder reads its view; whoever may not see the catalog entry learns nothing; an
    /// openly published resource is read under its default masks; everyone else is refused.
    public static func decide(_ f: Facts) -> ReadAccess {
        if let app = f.appDepartment {
            if app == f.provider { return .full }
            if f.hasGrant { return .grant }
        } else if Authorization.decide(f.actor, .readRecords, departmentCode: f.provider).isAllowed {
            return .full
        } else if f.actor != nil, f.hasGrant {
            return .grant
        }
        guard f.inCatalogForReader else { return .hidden }
        if f.openToPublic { return .openPortal }
        if f.actor == nil && f.appDepartment == nil { return .needsSignIn }
        return .noGrant
    }

    /// Whether this read must state a purpose: every read of another department's data under a
    /// grant or by the data authority (open data needs none).
    public static func needsPurpose(_ access: ReadAccess, _ f: Facts) -> Bool {
        switch access {
        case .full, .grant: return (f.actor?.departmentCode ?? f.appDepartment) != f.provider
        default: return false
        }
    }
}
