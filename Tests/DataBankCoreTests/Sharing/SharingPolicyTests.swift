import Testing
@testable import DataBankCore

@Suite("Sharing policy: applications")
struct SharingPolicyTests {
    static let scope = GrantScope(items: ["name", "mobile"])

    func request(_ sharing: SharingType = .conditional, scope: GrantScope = scope, from: String = "2024-07-01", until: String = "2025-06-30",
                 purpose: String = "核验低保申请人", basis: String = "《社会救助暂行办法》") -> AccessRequest {
        AccessRequest(sharing: sharing, scope: scope, validFrom: SharingFixture.day(from), validUntil: SharingFixture.day(until),
                      purpose: purpose, legalBasis: basis)
    }

    func problems(_ r: AccessRequest) -> [FieldError] { SharingPolicy.problems(r, layout: SharingFixture.layout, today: SharingFixture.today) }

    /// A complete application has no problems.
    @Test func complete() {
        #expect(problems(request()).isEmpty)
    }

    /// A 不予共享 resource cannot be applied for.
    @Test func notShareable() {
        #expect(problems(request(.none)).map(\.code) == ["not_shareable"])
        #expect(problems(request(.none)).first?.field == "resource")
    }

    /// The purpose is always required; the legal basis for conditional sharing only.
    @Test func requiredTexts() {
        #expect(problems(request(purpose: "  ")).map(\.field) == ["purpose"])
        #expect(problems(request(basis: "")).map(\.field) == ["legalBasis"])
        #expect(problems(request(.unconditional, basis: "")).isEmpty)
        #expect(problems(request(purpose: "")).allSatisfy { $0.code == "required" })
    }

    /// The scope's own problems are the application's problems.
    @Test func scopeProblems() {
        #expect(problems(request(scope: GrantScope(items: []))).map(\.code) == ["no_items"])
        #expect(problems(request(scope: GrantScope(items: ["ghost"]))).map(\.code) == ["unknown_item"])
    }

    /// A period that ends before it starts, or has already ended, is `invalid_period`.
    @Test func invalidPeriods() {
        #expect(problems(request(from: "2024-07-01", until: "2024-06-30")).map(\.code) == ["invalid_period"])
        #expect(problems(request(from: "2024-01-01", until: "2024-06-14")).map(\.code) == ["invalid_period"])
        #expect(problems(request(from: "2024-06-15", until: "2024-06-15")).isEmpty)
    }

    /// A period may run three years to the day, not longer.
    @Test func periodLimit() {
        #expect(problems(request(from: "2024-07-01", until: "2027-07-01")).isEmpty)
        #expect(problems(request(from: "2024-07-01", until: "2027-07-02")).map(\.code) == ["period_too_long"])
        #expect(problems(request(from: "2024-02-29", until: "2027-02-28")).isEmpty)
        #expect(problems(request(from: "2024-02-29", until: "2027-03-01")).map(\.code) == ["period_too_long"])
    }

    /// Every problem speaks both languages.
    @Test func bilingual() {
        let all = problems(request(.none, scope: GrantScope(items: []), from: "2024-07-01", until: "2024-06-01", purpose: "", basis: ""))
        #expect(all.count == 4)
        #expect(all.allSatisfy { !$0.message.isEmpty && !$0.messageEn.isEmpty })
    }

    /// Only unconditional resources are approved at once.
    @Test func approvesAtOnce() {
        #expect(SharingPolicy.approvesAtOnce(.unconditional))
        #expect(!SharingPolicy.approvesAtOnce(.conditional))
        #expect(!SharingPolicy.approvesAtOnce(.none))
    }
}
