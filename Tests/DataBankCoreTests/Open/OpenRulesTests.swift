import Testing
@testable import DataBankCore

/// The open portal's pure rules: sign-up fields, call limits (rate, daily quota, instance share),
/// reuse links, and the read decision for a registered member of the public.
@Suite("Open portal rules")
struct OpenRulesTests {
    @Test func signupFields() {
        #expect(PublicSignup.problems(username: "dev_alice", email: "a@example.com", password: "long-enough").isEmpty)
        #expect(PublicSignup.problems(username: "Al", email: "a@b", password: "short").map(\.field) == ["username", "email", "password"])
        #expect(PublicSignup.usernameProblem("1abc") != nil)
        #expect(PublicSignup.usernameProblem("张三") != nil)
        #expect(PublicSignup.emailProblem("a b@example.com") != nil)
        #expect(PublicSignup.passwordProblem(String(repeating: "密", count: 30), username: "x")?.code == "password_too_long")
        #expect(PublicSignup.passwordProblem("dev_alice123", username: "dev_alice")?.code == "weak_password")
    }

    @Test func rateLimitRefillsAndRefuses() {
        let limit = CallLimit(perMinute: 2, perDay: nil)
        var c = CallCounter(limit: limit, instances: 1, now: 0, day: 0)
        #expect(c.take(limit: limit, instances: 1, now: 0, day: 0, secondsToMidnight: 100).remaining == 1)
        #expect(c.take(limit: limit, instances: 1, now: 0, day: 0, secondsToMidnight: 100).allowed)
        let refused = c.take(limit: limit, instances: 1, now: 0, day: 0, secondsToMidnight: 100)
        #expect(!refused.allowed && refused.retryAfter == 30 && refused.reset == 60)
        #expect(c.take(limit: limit, instances: 1, now: 31, day: 0, secondsToMidnight: 100).allowed)
    }

    @Test func dailyQuotaAndNextDay() {
        let limit = CallLimit(perMinute: 100, perDay: 2)
        var c = CallCounter(limit: limit, instances: 1, now: 0, day: 5)
        #expect(c.take(limit: limit, instances: 1, now: 0, day: 5, secondsToMidnight: 900).quotaRemaining == 1)
        #expect(c.take(limit: limit, instances: 1, now: 1, day: 5, secondsToMidnight: 899).allowed)
        let spent = c.take(limit: limit, instances: 1, now: 2, day: 5, secondsToMidnight: 898)
        #expect(!spent.allowed && spent.quotaSpent && spent.retryAfter == 898)
        #expect(c.take(limit: limit, instances: 1, now: 900, day: 6, secondsToMidnight: 86_400).allowed)
    }

    /// Flushed totals from every instance count; this instance's flushed calls are not counted twice.
    @Test func mergedTotals() {
        let limit = CallLimit(perMinute: 100, perDay: 10)
        var c = CallCounter(limit: limit, instances: 1, now: 0, day: 1)
        for _ in 0..<3 { _ = c.take(limit: limit, instances: 1, now: 0, day: 1, secondsToMidnight: 10) }
        c.merged(sharedTotal: 8, flushedLocal: 3, day: 1)
        #expect(c.usedToday == 8)
        #expect(c.take(limit: limit, instances: 1, now: 0, day: 1, secondsToMidnight: 10).quotaRemaining == 1)
    }

    @Test func instanceShare() {
        #expect(CallLimit(perMinute: 120, perDay: nil).share(of: 4) == 30)
        #expect(CallLimit(perMinute: 10, perDay: nil).share(of: 3) == 4)
        #expect(CallLimit(perMinute: 1, perDay: nil).share(of: 5) == 1)
    }

    @Test(arguments: [
        "javascript:alert(1)", "data:text/html,x", "/relative", "ftp://example.com", "https://", "https://user:pw@example.com",
        "https://example.com/a b"
    ])
    func badReuseLinks(_ url: String) {
        #expect(ReuseDraft.urlProblem(url)?.code == "invalid_url")
    }

    @Test func goodReuseLink() {
        #expect(ReuseDraft.urlProblem("https://example.com/app?x=1") == nil)
        #expect(ReuseDraft(name: "x", url: "http://example.com", description: "", datasets: ["a"]).problems().isEmpty)
        #expect(ReuseDraft(name: "", url: "http://example.com", description: "", datasets: []).problems().map(\.field) == ["name", "datasets"])
    }

    /// A registered member of the public reads open data, reads through their own grant, and nothing else.
    @Test func readDecisionForRegisteredUsers() {
        let person = Actor(userID: "p1", role: .publicUser, departmentCode: "")
        #expect(person.consumerCode == "user:p1")
        func facts(grant: Bool, open: Bool, inCatalog: Bool = true) -> ReadAccess.Facts {
            ReadAccess.Facts(actor: person, provider: "440600001", inCatalogForReader: inCatalog, hasGrant: grant, openToPublic: open)
        }
        #expect(ReadAccess.decide(facts(grant: false, open: true)) == .openPortal)
        #expect(ReadAccess.decide(facts(grant: true, open: false)) == .grant)
        #expect(ReadAccess.decide(facts(grant: false, open: false)) == .noGrant)
        #expect(ReadAccess.decide(facts(grant: false, open: false, inCatalog: false)) == .hidden)
    }
}
