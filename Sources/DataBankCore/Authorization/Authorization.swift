/// A user's role on the platform.
public enum Role: String, CatalogTerm {
    case platformAdmin, departmentAdmin, steward, reviewer, viewer
    /// A registered member of the public (a citizen or a developer of the open data portal): no
    /// department, never inside government. Signs up on the portal; reads open data and what a
    /// provider granted them, with API keys that are rate-limited.
    case publicUser
    /// A resident or an enterprise signed in through the identity provider (我的数据): never a user
    /// account, never inside government; reads only the records about itself.
    case subject
    public var zh: String {
        [
            "platformAdmin": "平台管理员", "departmentAdmin": "部门管理员", "steward": "数据专员",
            "reviewer": "目录审核员", "viewer": "浏览者", "publicUser": "注册用户", "subject": "数据主体"
        ][rawValue]!
    }
    public var en: String {
        [
            "platformAdmin": "Platform admin", "departmentAdmin": "Department admin", "steward": "Data steward",
            "reviewer": "Catalog reviewer", "viewer": "Viewer", "publicUser": "Registered user", "subject": "Data subject"
        ][rawValue]!
    }

    /// Whether this role works inside government (every role but a registered member of the public or a subject).
    public var isStaff: Bool { self != .publicUser && self != .subject }
}

/// Who is asking: nobody (`nil` actor), a signed-in user of a department, or a registered member
/// of the public (``Role/publicUser``, whose department code is empty).
public struct Actor: Hashable, Sendable {
    public var userID: String
    public var role: Role
    public var departmentCode: String
    public init(userID: String, role: Role, departmentCode: String) {
        self.userID = userID; self.role = role; self.departmentCode = departmentCode
    }

    /// The prefix of a registered member of the public's consumer code (`user:<id>`).
    public static let publicConsumerPrefix = "user:"

    /// Who holds grants for this actor: their department, or — for a registered member of the
    /// public, who has none — the person themselves (`user:<id>`, never a department's code).
    public var consumerCode: String {
        switch role {
        case .publicUser: Self.publicConsumerPrefix + userID
        case .subject: "subject:" + userID  // holds no grant: never a department's code
        default: departmentCode
        }
    }
}

/// Everything the platform lets someone do to the catalog. Every route names one.
public enum CatalogAction: String, CaseIterable, Sendable {
    case readPublished, readUnpublished, readClassified
    case createResource, editResource, submit, withdraw, requestChange, approve, reject, publish, retire
    case comment, readReviewQueue
    case manageDepartments, manageStandards, manageUsers, manageOwnTokens, createEdition
    /// The data bus: records of a resource's store, its change feed, and the audit trail.
    case readRecords, writeRecords, readAudit
    /// A store's loads and refused rows (the provider's working data; the data authority reads them with a purpose).
    case readLoads
    /// Governed sharing: applications for access, their review, apps, verification services, grants.
    case applyForAccess, reviewApplication, countersign, manageApps, manageVerificationServices, readGrants
    /// Data quality: the provider's rules and policy on its resources; checks and profile scans on demand.
    case manageQualityRules, runQualityCheck
    /// Objections (数据纠错): a reader flags a value as wrong, the provider settles it, the raiser may withdraw it.
    case raiseObjection, resolveObjection, withdrawObjection
    /// The open data portal's registered users: applying for a 有条件开放 dataset, submitting a reuse,
    /// feedback on a dataset, and one's own password; the platform admin confirms sign-ups and reuses,
    /// and sets developer keys' limits or revokes them.
    case applyForOpenData, submitReuse, giveFeedback, changeOwnPassword, confirmPublicUsers, approveReuses, manageDeveloperKeys
    /// Public disclosure look-ups (信用佛山): the provider or the data authority defines them on an open resource.
    case manageLookupServices
    /// Rollups (aggregates kept up to date for charts): the resource's provider or the data authority registers them.
    case manageRollups
    /// Visualisation: saved charts and dashboards belong to a department; its stewards (and the data
    /// authority) create, change and delete them. Who *sees* one is its visibility (``ChartVisibility``);
    /// what its data shows is always the viewer's own read decision.
    case manageCharts, manageDashboards
    /// The demand registry (需求登记): registering a need (a department's stewards, or a registered member of
    /// the public for themselves), voting for another department's (我也需要), the provider's answer
    /// (accept, fulfil, decline), the data authority assigning a provider and reading the gap list.
    case registerDemand, voteDemand, answerDemand, assignDemand, readDemandGaps
    /// The leaders' cockpit (可视化决策, `/cockpit`): the whole city's figures on one page — for the data
    /// authority (the platform admin); there is no separate leader role.
    case readCockpit
    /// Department performance evaluation (绩效评估): the data authority writes schemes, runs, freezes and
    /// adjusts evaluations; reading a unit's report is per department (department = the unit evaluated).
    case manageEvaluation, readEvaluation
    /// Connectors (前置交换): scheduled pulls from a department's own systems into its published
    /// resource's store (department = the resource's provider). Its stewards and the data authority
    /// create, change, run and delete them; reading their runs is the same as reading the store's loads.
    case manageConnectors, readConnectors
    /// Federation (上连省厅，下连各区): this node's identity and the peers (parent, children) it trusts.
    /// Only the data authority registers them: a peer's key admits that node's requests to the platform.
    case manageFederation
    /// Services on shared data: joint checks (一件事联办), set up by a department and run by its window.
    case manageJointChecks, runJointChecks
    /// Early warnings (预警): a rule is set up by a department that may read the watched store (department =
    /// the rule's owner; the same stewards also keep the department's warning webhook); its warnings are
    /// handled — acknowledged, assigned, closed — by the subscribing departments (department = the subscriber).
    case manageWarningRules, handleWarnings
    /// 我的数据: the provider marks a resource subject-visible; a subject reads the records about
    /// itself and who accessed them, and objects to a value about itself.
    case manageSubjectViews, readOwnData, objectToOwnData

    /// The lifecycle action's own authorization entry.
    public init(_ action: LifecycleAction) {
        switch action {
        case .submit: self = .submit
        case .withdraw: self = .withdraw
        case .requestChange: self = .requestChange
        case .approve: self = .approve
        case .reject: self = .reject
        case .publish: self = .publish
        case .retire: self = .retire
        }
    }
}

/// The answer to "may this actor do this?".
public enum Decision: Equatable, Sendable {
    case allow
    /// Nobody is signed in and the action needs someone: answer 401.
    case needsSignIn
    /// Signed in but not allowed: answer 403 with the reason.
    case deny(String)

    public var isAllowed: Bool { self == .allow }
}

/// Role × action: the one place that decides who may do what.
///
/// Read the table row by row: `.own` means only for resources (or users) of the actor's
/// own department; `.any` means for every department.
public enum Authorization {
    public enum Scope: Sendable { case any, own }
    public enum Rule: Sendable {
        case everyone
        /// Anyone with an account signed in, a registered member of the public included (a data subject has none).
        case signedIn
        /// Anyone signed in inside government (every role but ``Role/publicUser``).
        case staff
        case roles([Role: Scope])
    }

    // Read as a table, so kept aligned:
    // swift-format-ignore
    public static let table: [CatalogAction: Rule] = [
        .readPublished:     .everyone,
        .readUnpublished:   .roles([.platformAdmin: .any, .reviewer: .any, .departmentAdmin: .own, .steward: .own, .viewer: .own]),
        .readClassified:    .roles([.platformAdmin: .any, .reviewer: .any, .departmentAdmin: .own, .steward: .own]),
        .createResource:    .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        .editResource:      .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        .submit:            .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        .withdraw:          .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        .requestChange:     .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        .approve:           .roles([.platformAdmin: .any, .reviewer: .any]),
        .reject:            .roles([.platformAdmin: .any, .reviewer: .any]),
        .publish:           .roles([.platformAdmin: .any, .reviewer: .any]),
        .retire:            .roles([.platformAdmin: .any, .reviewer: .any, .departmentAdmin: .own]),
        .comment:           .staff,
        .readReviewQueue:   .roles([.platformAdmin: .any, .reviewer: .any]),
        .manageDepartments: .roles([.platformAdmin: .any]),
        .manageStandards:   .roles([.platformAdmin: .any, .reviewer: .any]),
        .manageUsers:       .roles([.platformAdmin: .any, .departmentAdmin: .own]),
        .manageOwnTokens:   .signedIn,
        .createEdition:     .roles([.platformAdmin: .any]),
        // Records: the provider reads and writes its own; the data authority (platform admin) reads any
        // store in full — always with a stated purpose and an audit entry (ReadAccess.needsPurpose) — but
        // writes none: loads, deletes, retention, rules and policy stay with the department that answers
        // for the data. Other departments read through grants (ReadAccess), never through this table.
        .readRecords:       .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        .writeRecords:      .roles([.departmentAdmin: .own, .steward: .own]),
        .readLoads:         .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        .readAudit:         .roles([.platformAdmin: .any]),
        // Governed sharing. A department applies for itself (department = the consumer) …
        .applyForAccess:    .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        // … the provider reviews (department = the provider) …
        .reviewApplication: .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        // … and the data authority countersigns or escalates what is overdue.
        .countersign:       .roles([.platformAdmin: .any]),
        // Apps belong to the consuming department; verification services to the provider.
        .manageApps:        .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        .manageVerificationServices: .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        // Who holds which grant is no secret inside government: transparency keeps sharing honest.
        .readGrants:        .staff,
        // A resource's quality rules are its provider's (and the data authority's) to write.
        .manageQualityRules: .roles([.departmentAdmin: .own, .steward: .own]),
        // … while checking and profiling (which change no data) the data authority may run on any store.
        .runQualityCheck:   .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        // Objections: anyone signed in may flag what they can read (whether they can read the record
        // is the grant's to say, as for every read) …
        .raiseObjection:    .staff,
        // … the provider (department = the owner of the resource) accepts or rejects …
        .resolveObjection:  .roles([.departmentAdmin: .own, .steward: .own]),
        // … and the raising department's stewards may withdraw (department = the raiser's; the raiser always may).
        .withdrawObjection: .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        // The open data portal. A registered member of the public applies for 有条件开放 data for
        // themselves (the provider reviews it as `reviewApplication`), submits reuses, and gives
        // feedback; everyone signed in may change their own password (and hold API keys:
        // `manageOwnTokens`). Nothing else in this table names `publicUser`: no internal data.
        .applyForOpenData:  .roles([.publicUser: .any]),
        .submitReuse:       .roles([.publicUser: .any]),
        .giveFeedback:      .signedIn,
        .changeOwnPassword: .signedIn,
        // The data authority confirms sign-ups (when no mail is configured) and approves reuses before they show.
        .confirmPublicUsers: .roles([.platformAdmin: .any]),
        .approveReuses:     .roles([.platformAdmin: .any]),
        .manageDeveloperKeys: .roles([.platformAdmin: .any]),
        // Look-up services belong to the open resource's provider; the data authority may define any.
        .manageLookupServices: .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        // Rollups cost the provider's writes a little: its stewards and the data authority register them.
        .manageRollups:     .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        // Saved charts and dashboards are the owner department's; the data authority may edit any.
        .manageCharts:      .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        .manageDashboards:  .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        // Demands: a department registers its own needs (department = the requester); a registered member of
        // the public registers for themselves (consumer `user:<id>`) …
        .registerDemand:    .roles([.platformAdmin: .own, .departmentAdmin: .own, .steward: .own, .publicUser: .any]),
        // … other departments say they need it too (department = the voter's own) …
        .voteDemand:        .roles([.platformAdmin: .own, .departmentAdmin: .own, .steward: .own]),
        // … the provider answers (department = the provider); the data authority answers any …
        .answerDemand:      .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        // … and routes the ones registered without a provider, and reads what is demanded but not published.
        .assignDemand:      .roles([.platformAdmin: .any]),
        .readDemandGaps:    .roles([.platformAdmin: .any]),
        // The cockpit shows every department's sharing, quality and overdue work side by side: the data authority's view.
        .readCockpit:       .roles([.platformAdmin: .any]),
        // Evaluation: the data authority (platform admin) keeps the schemes, runs and freezes the evaluation and
        // enters expert adjustments; it and the catalog reviewers (the authority's staff, who brief the leaders)
        // read every unit's report; a department reads its own unit's report.
        .manageEvaluation:  .roles([.platformAdmin: .any]),
        .readEvaluation:    .roles([.platformAdmin: .any, .reviewer: .any, .departmentAdmin: .own, .steward: .own, .viewer: .own]),
        // Connectors pull the provider's own data into its store: its stewards set them up; the data authority
        // (which runs the exchange platform) may set up and run any, so departments without IT staff are served.
        .manageConnectors:  .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        .readConnectors:    .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        .manageFederation:  .roles([.platformAdmin: .any]),
        // A joint check is set up by the department whose window serves the applicant (department = the owner);
        // anyone of that department runs it, under the department's own grants for each service.
        .manageJointChecks: .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        .runJointChecks:    .roles([.platformAdmin: .own, .departmentAdmin: .own, .steward: .own, .viewer: .own]),
        .manageWarningRules: .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own]),
        .handleWarnings:    .roles([.platformAdmin: .any, .departmentAdmin: .own, .steward: .own, .viewer: .own]),
        // 我的数据: the provider (department = the resource's) decides what its subjects see; a subject reads
        // and objects only about itself (the handler filters by the subject's own key), nobody else does.
        .manageSubjectViews: .roles([.departmentAdmin: .own, .steward: .own]),
        .readOwnData:       .roles([.subject: .any]),
        .objectToOwnData:   .roles([.subject: .any]),
    ]

    /// Decides whether `actor` may perform `action` on something owned by `departmentCode`
    /// (`nil` when the action has no owning department, e.g. creating an edition).
    public static func decide(_ actor: Actor?, _ action: CatalogAction, departmentCode: String? = nil) -> Decision {
        guard let rule = table[action] else { return .deny("No rule for \(action.rawValue)") }
        switch rule {
        case .everyone: return .allow
        case .signedIn:
            guard let actor else { return .needsSignIn }
            return actor.role == .subject ? .deny("A data subject may not \(action.rawValue)") : .allow
        case .staff:
            guard let actor else { return .needsSignIn }
            return actor.role.isStaff ? .allow : .deny("A registered user may not \(action.rawValue)")
        case .roles(let roles):
            guard let actor else { return .needsSignIn }
            guard let scope = roles[actor.role] else {
                return .deny("A \(actor.role.en.lowercased()) may not \(action.rawValue)")
            }
            if scope == .own {
                // An own-department rule asked without a department denies: never allow by omission.
                guard let owner = departmentCode else { return .deny("\(action.rawValue) needs the department it concerns") }
                if owner != actor.departmentCode { return .deny("Only \(owner)'s own users may \(action.rawValue)") }
            }
            return .allow
        }
    }
}

extension Authorization {
    /// Whether `action` is one a data subject takes (its row names ``Role/subject``): its routes admit a
    /// signed-in subject and nobody else.
    public static func isForSubjects(_ action: CatalogAction) -> Bool {
        if case .roles(let roles)? = table[action] { return roles[.subject] != nil }
        return false
    }

    /// How far an allowed action reaches for this actor: nowhere, their own department, or everywhere.
    public enum Reach: Sendable, Equatable { case none, own(String), all }

    /// The reach of `action` for `actor`, for filtering lists in SQL.
    public static func reach(_ actor: Actor?, _ action: CatalogAction) -> Reach {
        guard let rule = table[action] else { return .none }
        switch rule {
        case .everyone: return .all
        case .signedIn: return actor == nil || actor?.role == .subject ? .none : .all
        case .staff: return actor?.role.isStaff == true ? .all : .none
        case .roles(let roles):
            guard let actor, let scope = roles[actor.role] else { return .none }
            return scope == .any ? .all : .own(actor.departmentCode)
        }
    }
}
