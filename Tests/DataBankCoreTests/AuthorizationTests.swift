import Testing
@testable import DataBankCore

/// The expected answer for one cell of the policy, without the deny message.
enum Outcome: Equatable, Sendable, CustomStringConvertible {
    case allow, signIn, deny
    init(_ d: Decision) {
        switch d {
        case .allow: self = .allow
        case .needsSignIn: self = .signIn
        case .deny: self = .deny
        }
    }
    var description: String {
        switch self {
        case .allow: "allow"
        case .signIn: "needsSignIn"
        case .deny: "deny"
        }
    }
}

/// One row of the policy: an action, what anonymous visitors get, and one cell per role.
/// Cells: `A` allowed in every department, `O` allowed in the actor's own department only, `-` denied.
struct PolicyRow: CustomTestStringConvertible, Sendable {
    var action: CatalogAction
    var anonymous: Outcome
    var cells: [Role: Character]
    var testDescription: String { action.rawValue }
}

/// THE POLICY, written out. Columns: platformAdmin, departmentAdmin, steward, reviewer, viewer, publicUser
/// (a registered member of the public: open data, their own applications, reuses and feedback — nothing internal),
/// subject (a resident or an enterprise signed in through the identity provider: its own data, nothing else).
// Read as a table, so kept aligned:
// swift-format-ignore
let policy: [PolicyRow] = {
    let rows: [(CatalogAction, Outcome, String)] = [
        //                    anonymous   pA dA st rv vw pu sj
        (.readPublished,     .allow,     "A  A  A  A  A  A  A"),
        (.readUnpublished,   .signIn,    "A  O  O  A  O  -  -"),
        (.readClassified,    .signIn,    "A  O  O  A  -  -  -"),
        (.createResource,    .signIn,    "A  O  O  -  -  -  -"),
        (.editResource,      .signIn,    "A  O  O  -  -  -  -"),
        (.submit,            .signIn,    "A  O  O  -  -  -  -"),
        (.withdraw,          .signIn,    "A  O  O  -  -  -  -"),
        (.requestChange,     .signIn,    "A  O  O  -  -  -  -"),
        (.approve,           .signIn,    "A  -  -  A  -  -  -"),
        (.reject,            .signIn,    "A  -  -  A  -  -  -"),
        (.publish,           .signIn,    "A  -  -  A  -  -  -"),
        (.retire,            .signIn,    "A  O  -  A  -  -  -"),
        (.comment,           .signIn,    "A  A  A  A  A  -  -"),
        (.readReviewQueue,   .signIn,    "A  -  -  A  -  -  -"),
        (.manageDepartments, .signIn,    "A  -  -  -  -  -  -"),
        (.manageStandards,   .signIn,    "A  -  -  A  -  -  -"),
        (.manageUsers,       .signIn,    "A  O  -  -  -  -  -"),
        (.manageOwnTokens,   .signIn,    "A  A  A  A  A  A  -"),
        (.createEdition,     .signIn,    "A  -  -  -  -  -  -"),
        (.readRecords,       .signIn,    "A  O  O  -  -  -  -"),
        (.writeRecords,      .signIn,    "-  O  O  -  -  -  -"),
        (.readAudit,         .signIn,    "A  -  -  -  -  -  -"),
        (.readLoads,         .signIn,    "A  O  O  -  -  -  -"),
        (.applyForAccess,    .signIn,    "A  O  O  -  -  -  -"),
        (.reviewApplication, .signIn,    "A  O  O  -  -  -  -"),
        (.countersign,       .signIn,    "A  -  -  -  -  -  -"),
        (.manageApps,        .signIn,    "A  O  O  -  -  -  -"),
        (.manageVerificationServices, .signIn, "A  O  O  -  -  -  -"),
        (.readGrants,        .signIn,    "A  A  A  A  A  -  -"),
        (.manageQualityRules, .signIn,   "-  O  O  -  -  -  -"),
        (.runQualityCheck,   .signIn,    "A  O  O  -  -  -  -"),
        (.raiseObjection,    .signIn,    "A  A  A  A  A  -  -"),
        (.resolveObjection,  .signIn,    "-  O  O  -  -  -  -"),
        (.withdrawObjection, .signIn,    "A  O  O  -  -  -  -"),
        (.applyForOpenData,  .signIn,    "-  -  -  -  -  A  -"),
        (.submitReuse,       .signIn,    "-  -  -  -  -  A  -"),
        (.giveFeedback,      .signIn,    "A  A  A  A  A  A  -"),
        (.changeOwnPassword, .signIn,    "A  A  A  A  A  A  -"),
        (.confirmPublicUsers, .signIn,   "A  -  -  -  -  -  -"),
        (.approveReuses,     .signIn,    "A  -  -  -  -  -  -"),
        (.manageDeveloperKeys, .signIn,  "A  -  -  -  -  -  -"),
        (.manageLookupServices, .signIn, "A  O  O  -  -  -  -"),
        (.manageRollups,     .signIn,    "A  O  O  -  -  -  -"),
        (.manageCharts,      .signIn,    "A  O  O  -  -  -  -"),
        (.manageDashboards,  .signIn,    "A  O  O  -  -  -  -"),
        (.registerDemand,    .signIn,    "O  O  O  -  -  A  -"),
        (.voteDemand,        .signIn,    "O  O  O  -  -  -  -"),
        (.answerDemand,      .signIn,    "A  O  O  -  -  -  -"),
        (.assignDemand,      .signIn,    "A  -  -  -  -  -  -"),
        (.readDemandGaps,    .signIn,    "A  -  -  -  -  -  -"),
        (.readCockpit,       .signIn,    "A  -  -  -  -  -  -"),
        (.manageEvaluation,  .signIn,    "A  -  -  -  -  -  -"),
        (.readEvaluation,    .signIn,    "A  O  O  A  O  -  -"),
        (.manageConnectors,  .signIn,    "A  O  O  -  -  -  -"),
        (.readConnectors,    .signIn,    "A  O  O  -  -  -  -"),
        (.manageFederation,  .signIn,    "A  -  -  -  -  -  -"),
        (.manageJointChecks, .signIn,    "A  O  O  -  -  -  -"),
        (.runJointChecks,    .signIn,    "O  O  O  -  O  -  -"),
        (.manageWarningRules, .signIn,   "A  O  O  -  -  -  -"),
        (.handleWarnings,    .signIn,    "A  O  O  -  O  -  -"),
        (.manageSubjectViews, .signIn,   "-  O  O  -  -  -  -"),
        (.readOwnData,       .signIn,    "-  -  -  -  -  -  A"),
        (.objectToOwnData,   .signIn,    "-  -  -  -  -  -  A"),
    ]
    let roles: [Role] = [.platformAdmin, .departmentAdmin, .steward, .reviewer, .viewer, .publicUser, .subject]
    return rows.map { action, anonymous, cells in
        let letters = cells.filter { $0 != " " }
        precondition(letters.count == roles.count, "row \(action) has \(letters.count) cells")
        return PolicyRow(action: action, anonymous: anonymous, cells: Dictionary(uniqueKeysWithValues: zip(roles, letters)))
    }
}()

@Suite("Authorization")
struct AuthorizationTests {
    static let ownDept = "440605001"
    static let otherDept = "440605002"

    /// The written-out policy covers every action exactly once and every role.
    @Test func policyCoversEverything() {
        #expect(policy.map(\.action) == CatalogAction.allCases)
        #expect(Set(Role.allCases) == [.platformAdmin, .departmentAdmin, .steward, .reviewer, .viewer, .publicUser, .subject])
        for row in policy { #expect(Set(row.cells.keys) == Set(Role.allCases)) }
    }

    /// Every role × every action, on the actor's own and another department, and anonymously, decides as the policy says.
    @Test(arguments: policy)
    func matrix(_ row: PolicyRow) {
        #expect(Outcome(Authorization.decide(nil, row.action, departmentCode: Self.ownDept)) == row.anonymous)
        #expect(Outcome(Authorization.decide(nil, row.action)) == row.anonymous)
        for role in Role.allCases {
            let actor = Actor(userID: "u-\(role.rawValue)", role: role, departmentCode: Self.ownDept)
            let cell = row.cells[role]!
            let own: Outcome = cell == "-" ? .deny : .allow
            let other: Outcome = cell == "A" ? .allow : .deny
            #expect(
                Outcome(Authorization.decide(actor, row.action, departmentCode: Self.ownDept)) == own,
                "\(role.rawValue) \(row.action.rawValue) own department")
            #expect(
                Outcome(Authorization.decide(actor, row.action, departmentCode: Self.otherDept)) == other,
                "\(role.rawValue) \(row.action.rawValue) other department")
        }
    }

    /// With no owning department (e.g. creating an edition), a role is allowed where the policy lets it act
    /// everywhere; an own-department rule asked without the department denies (never allow by omission).
    @Test(arguments: policy)
    func noOwningDepartment(_ row: PolicyRow) {
        for role in Role.allCases {
            let actor = Actor(userID: "u", role: role, departmentCode: Self.ownDept)
            let expected: Outcome = row.cells[role]! == "A" ? .allow : .deny
            #expect(Outcome(Authorization.decide(actor, row.action)) == expected, "\(role.rawValue)")
        }
    }

    /// Every CatalogAction has a rule in the table, so no route falls through to "No rule".
    @Test(arguments: CatalogAction.allCases)
    func everyActionHasARule(_ action: CatalogAction) {
        #expect(Authorization.table[action] != nil)
    }

    /// A refusal to a signed-in user says why, in a non-empty message.
    @Test func denyCarriesReason() {
        let viewer = Actor(userID: "v", role: .viewer, departmentCode: Self.ownDept)
        guard case .deny(let why) = Authorization.decide(viewer, .approve) else { Issue.record("viewer approved"); return }
        #expect(!why.isEmpty)
        let steward = Actor(userID: "s", role: .steward, departmentCode: Self.ownDept)
        guard case .deny(let other) = Authorization.decide(steward, .editResource, departmentCode: Self.otherDept) else {
            Issue.record("steward edited another department"); return
        }
        #expect(other.contains(Self.otherDept))
        #expect(!Authorization.decide(viewer, .approve).isAllowed)
        #expect(Authorization.decide(viewer, .readPublished).isAllowed)
    }

    /// `everyone` reaches all resources, even anonymously.
    @Test func reachEveryone() {
        #expect(Authorization.reach(nil, .readPublished) == .all)
        #expect(Authorization.reach(Actor(userID: "v", role: .viewer, departmentCode: "d"), .readPublished) == .all)
    }

    /// `signedIn` reaches nothing anonymously and everything once signed in.
    @Test func reachSignedIn() {
        #expect(Authorization.reach(nil, .comment) == Authorization.Reach.none)
        #expect(Authorization.reach(Actor(userID: "v", role: .viewer, departmentCode: "d"), .comment) == .all)
    }

    /// A role rule reaches everywhere for `.any` roles, the actor's own department for `.own`, nothing otherwise or anonymously.
    @Test(arguments: [
        (Role.platformAdmin, CatalogAction.readUnpublished, Authorization.Reach.all),
        (.reviewer, .readUnpublished, .all),
        (.departmentAdmin, .readUnpublished, .own("440605001")),
        (.steward, .readClassified, .own("440605001")),
        (.viewer, .readUnpublished, .own("440605001")),
        (.viewer, .readClassified, Authorization.Reach.none),
        (.steward, .readReviewQueue, Authorization.Reach.none),
        (.departmentAdmin, .manageUsers, .own("440605001"))
    ])
    func reachRoles(_ role: Role, _ action: CatalogAction, _ expected: Authorization.Reach) {
        #expect(Authorization.reach(Actor(userID: "u", role: role, departmentCode: "440605001"), action) == expected)
        #expect(Authorization.reach(nil, action) == Authorization.Reach.none)
    }

    /// `reach` agrees with the policy for every role and action.
    @Test(arguments: policy)
    func reachAgreesWithPolicy(_ row: PolicyRow) {
        for role in Role.allCases {
            let expected: Authorization.Reach =
                switch row.cells[role]! {
                case "A": .all
                case "O": .own(Self.ownDept)
                default: .none
                }
            #expect(
                Authorization.reach(Actor(userID: "u", role: role, departmentCode: Self.ownDept), row.action) == expected,
                "\(role.rawValue)")
        }
    }

    /// Each lifecycle action maps to the catalog action of the same name, so its authorization entry is used.
    @Test(arguments: LifecycleAction.allCases)
    func lifecycleActionMaps(_ action: LifecycleAction) {
        let mapped = CatalogAction(action)
        #expect(mapped.rawValue == action.rawValue)
        #expect(Authorization.table[mapped] != nil)
    }

    /// The mapping is one-to-one: seven lifecycle actions, seven distinct catalog actions.
    @Test func lifecycleMappingIsInjective() {
        let mapped = Set(LifecycleAction.allCases.map(CatalogAction.init))
        #expect(mapped == [.submit, .approve, .reject, .publish, .requestChange, .retire, .withdraw])
    }
}
