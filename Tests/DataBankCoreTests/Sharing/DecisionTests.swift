import Testing
@testable import DataBankCore

@Suite("Sharing policy: decisions")
struct DecisionTests {
    static let asked = GrantScope(items: ["name", "mobile"], masks: ["mobile": .mask(.mobile)])
    static let askedUntil = SharingFixture.day("2025-06-30")

    func check(_ kind: DecisionKind, current: ApplicationStatus = .pending, granted: GrantScope? = nil,
               until: String? = nil, reason: String? = nil) -> String? {
        SharingPolicy.checkDecision(kind, current: current, asked: Self.asked, askedUntil: Self.askedUntil, granted: granted,
                                    grantedUntil: until.map(SharingFixture.day), reason: reason)?.code
    }

    /// Pending and escalated applications may be decided; decided or withdrawn ones may not.
    @Test(arguments: ApplicationStatus.allCases)
    func onlyOpenApplications(_ status: ApplicationStatus) {
        let expected: String? = [.pending, .escalated].contains(status) ? nil : "already_decided"
        #expect(check(.approve, current: status) == expected)
        #expect(check(.reject, current: status, reason: "无依据") == expected)
    }

    /// A rejection needs a reason that is more than spaces.
    @Test func rejectNeedsReason() {
        #expect(check(.reject) == "reason_required")
        #expect(check(.reject, reason: "  ") == "reason_required")
        #expect(check(.reject, reason: "申请依据不足") == nil)
    }

    /// Approval grants exactly what was asked: nil or the same scope and period pass, anything else does not.
    @Test func approveKeepsScope() {
        #expect(check(.approve) == nil)
        #expect(check(.approve, granted: Self.asked, until: "2025-06-30") == nil)
        #expect(check(.approve, granted: GrantScope(items: ["name"])) == "scope_changed")
        #expect(check(.approve, until: "2025-01-01") == "scope_changed")
    }

    /// Approving part needs a narrower scope or a shorter period.
    @Test func approvePartNarrows() {
        #expect(check(.approvePart, granted: GrantScope(items: ["mobile"], masks: ["mobile": .mask(.mobile)])) == nil)
        #expect(check(.approvePart, until: "2024-12-31") == nil)
        #expect(check(.approvePart, granted: GrantScope(items: ["name"]), until: "2024-12-31") == nil)
    }

    /// Approving part that changes nothing, or widens the scope or the period, is `not_narrower`.
    @Test func approvePartRefused() {
        #expect(check(.approvePart) == "not_narrower")
        #expect(check(.approvePart, granted: Self.asked, until: "2025-06-30") == "not_narrower")
        #expect(check(.approvePart, granted: GrantScope(items: ["name", "mobile", "id_number"], masks: Self.asked.masks)) == "not_narrower")
        #expect(check(.approvePart, granted: GrantScope(items: ["name"]), until: "2026-01-01") == "not_narrower")
        #expect(check(.approvePart, granted: GrantScope(items: ["name", "mobile"], masks: ["mobile": .clear])) == "not_narrower")
    }

    /// Each decision leads to its status.
    @Test func statusAfter() {
        #expect(SharingPolicy.status(after: .approve) == .approved)
        #expect(SharingPolicy.status(after: .approvePart) == .partiallyApproved)
        #expect(SharingPolicy.status(after: .reject) == .rejected)
    }

    /// Statuses have labels in both languages.
    @Test(arguments: ApplicationStatus.allCases)
    func statusLabels(_ status: ApplicationStatus) {
        #expect(!status.zh.isEmpty && !status.en.isEmpty)
    }
}
