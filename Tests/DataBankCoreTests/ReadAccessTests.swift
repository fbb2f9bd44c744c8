import Testing
@testable import DataBankCore

/// The one read decision: who reads a store in full, through a grant, as the open portal, or not at all.
@Suite("Read access decision")
struct ReadAccessDecisionTests {
    static let provider = "440605001"
    static let other = "440605002"

    func facts(_ actor: Actor?, app: String? = nil, inCatalog: Bool = true, grant: Bool = false, open: Bool = false) -> ReadAccess.Facts {
        ReadAccess.Facts(actor: actor, appDepartment: app, provider: Self.provider, inCatalogForReader: inCatalog, hasGrant: grant, openToPublic: open)
    }

    func user(_ role: Role, _ department: String) -> Actor { Actor(userID: "u", role: role, departmentCode: department) }

    @Test func providerAndAuthorityReadInFull() {
        #expect(ReadAccess.decide(facts(user(.steward, Self.provider))) == .full)
        #expect(ReadAccess.decide(facts(user(.departmentAdmin, Self.provider))) == .full)
        #expect(ReadAccess.decide(facts(user(.platformAdmin, "000000"))) == .full)
        #expect(ReadAccess.decide(facts(nil, app: Self.provider)) == .full)
    }

    @Test func otherDepartmentsReadThroughGrants() {
        #expect(ReadAccess.decide(facts(user(.steward, Self.other), grant: true)) == .grant)
        #expect(ReadAccess.decide(facts(user(.steward, Self.other))) == .noGrant)
        #expect(ReadAccess.decide(facts(nil, app: Self.other, grant: true)) == .grant)
        #expect(ReadAccess.decide(facts(nil, app: Self.other)) == .noGrant)
        // A grant holder reads a resource hidden from the catalog (classified beyond them).
        #expect(ReadAccess.decide(facts(user(.steward, Self.other), inCatalog: false, grant: true)) == .grant)
    }

    @Test func hiddenResourcesAreUnknown() {
        #expect(ReadAccess.decide(facts(user(.steward, Self.other), inCatalog: false)) == .hidden)
        #expect(ReadAccess.decide(facts(nil, inCatalog: false)) == .hidden)
        #expect(ReadAccess.decide(facts(nil, inCatalog: false, open: true)) == .hidden)
    }

    @Test func openDataUnderDefaultMasks() {
        #expect(ReadAccess.decide(facts(nil, open: true)) == .openPortal)
        #expect(ReadAccess.decide(facts(user(.viewer, Self.other), open: true)) == .openPortal)
        #expect(ReadAccess.decide(facts(nil)) == .needsSignIn)
    }

    @Test func purposeIsAskedOfOtherDepartmentsOnly() {
        let consumer = facts(user(.steward, Self.other), grant: true)
        #expect(ReadAccess.needsPurpose(.grant, consumer))
        let authority = facts(user(.platformAdmin, "000000"))
        #expect(ReadAccess.needsPurpose(.full, authority))
        let own = facts(user(.steward, Self.provider))
        #expect(!ReadAccess.needsPurpose(.full, own))
        #expect(!ReadAccess.needsPurpose(.openPortal, facts(nil, open: true)))
    }
}
