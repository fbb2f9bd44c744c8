import Testing
@testable import DataBankCore

/// The demand workflow's table: what each state allows, and when an answer is overdue.
@Suite("Demand workflow")
struct DemandWorkflowTests {
    @Test func transitionsFollowTheRegistry() {
        #expect(DemandWorkflow.next(.pending, .accept) == .accepted)
        #expect(DemandWorkflow.next(.accepted, .fulfil) == .fulfilled)
        #expect(DemandWorkflow.next(.pending, .decline) == .declined)
        #expect(DemandWorkflow.next(.pending, .assign) == .pending)
        #expect(DemandWorkflow.next(.accepted, .accept) == nil)
        #expect(DemandWorkflow.next(.accepted, .assign) == nil)
        for action in DemandAction.allCases {
            #expect(DemandWorkflow.next(.fulfilled, action) == nil)
        }
        #expect(DemandWorkflow.next(.declined, .vote) == .declined)
        #expect(DemandWorkflow.next(.declined, .fulfil) == nil)
    }

    @Test func onlyAPendingDemandPastItsDueDayIsOverdue() {
        let due = CivilDate(year: 2026, month: 12, day: 4)!
        #expect(!DemandWorkflow.isOverdue(state: .pending, due: due, today: due))
        #expect(DemandWorkflow.isOverdue(state: .pending, due: due, today: due.adding(days: 1)))
        #expect(!DemandWorkflow.isOverdue(state: .accepted, due: due, today: due.adding(days: 30)))
    }

    @Test func unmetCountsEverythingNotFulfilled() {
        var c = DemandCounts()
        c.add(.pending, 2); c.add(.accepted, 1); c.add(.fulfilled, 4); c.add(.declined, 3)
        #expect(c.total == 10)
        #expect(c.unmet == 6)
    }
}
