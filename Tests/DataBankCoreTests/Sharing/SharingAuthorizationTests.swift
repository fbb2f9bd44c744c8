import Testing
@testable import DataBankCore

@Suite("Authorization: governed sharing")
struct SharingAuthorizationTests {
    static let consumer = "440605001", provider = "440605002"

    func actor(_ role: Role, in department: String = consumer) -> Actor { Actor(userID: "u", role: role, departmentCode: department) }

    /// A department applies only for itself: the department checked is the consumer.
    @Test func applyForOwnDepartment() {
        #expect(Authorization.decide(actor(.steward), .applyForAccess, departmentCode: Self.consumer).isAllowed)
        #expect(!Authorization.decide(actor(.steward), .applyForAccess, departmentCode: Self.provider).isAllowed)
        #expect(!Authorization.decide(actor(.viewer), .applyForAccess, departmentCode: Self.consumer).isAllowed)
    }

    /// The provider reviews; the applying department cannot approve its own application.
    @Test func providerReviews() {
        #expect(Authorization.decide(actor(.departmentAdmin, in: Self.provider), .reviewApplication, departmentCode: Self.provider).isAllowed)
        #expect(!Authorization.decide(actor(.departmentAdmin), .reviewApplication, departmentCode: Self.provider).isAllowed)
        #expect(!Authorization.decide(actor(.reviewer), .reviewApplication, departmentCode: Self.provider).isAllowed)
    }

    /// Only the data authority countersigns overdue applications, for any department.
    @Test func countersign() {
        #expect(Authorization.decide(actor(.platformAdmin), .countersign, departmentCode: Self.provider).isAllowed)
        for role in Role.allCases where role != .platformAdmin {
            #expect(!Authorization.decide(actor(role, in: Self.provider), .countersign, departmentCode: Self.provider).isAllowed)
        }
    }

    /// Apps and verification services are managed within their own department.
    @Test(arguments: [CatalogAction.manageApps, .manageVerificationServices])
    func manageOwn(_ action: CatalogAction) {
        #expect(Authorization.reach(actor(.steward), action) == .own(Self.consumer))
        #expect(Authorization.reach(actor(.platformAdmin), action) == .all)
        #expect(Authorization.reach(actor(.reviewer), action) == Authorization.Reach.none)
    }

    /// Every signed-in user inside government may read who holds which grant (a registered member of
    /// the public may not); anonymous visitors are asked to sign in.
    @Test func readGrants() {
        #expect(Authorization.decide(nil, .readGrants) == .needsSignIn)
        for role in Role.allCases { #expect(Authorization.decide(actor(role), .readGrants).isAllowed == role.isStaff) }
    }
}
