import Testing
@testable import DataBankCore

@Suite("Working days")
struct WorkingDaysTests {
    func day(_ iso: String) -> CivilDate { SharingFixture.day(iso) }

    /// Weekdays follow the calendar: 1970-01-01 was a Thursday, 2024-06-15 a Saturday.
    @Test func weekdays() {
        #expect(day("1970-01-01").weekday == 4)
        #expect(day("2024-06-15").weekday == 6)
        #expect(day("2024-06-16").weekday == 7)
        #expect(day("2024-06-17").weekday == 1)
        #expect(day("1969-12-31").weekday == 3)
    }

    /// Weekends are skipped: five working days from a Friday is the next Friday.
    @Test func skipsWeekends() {
        #expect(WorkingDays.add(5, to: day("2024-06-14")) == day("2024-06-21"))
        #expect(WorkingDays.add(1, to: day("2024-06-14")) == day("2024-06-17"))
        #expect(WorkingDays.add(1, to: day("2024-06-15")) == day("2024-06-17"))
    }

    /// Zero days is the day itself; negative days count backwards.
    @Test func zeroAndNegative() {
        #expect(WorkingDays.add(0, to: day("2024-06-15")) == day("2024-06-15"))
        #expect(WorkingDays.add(-1, to: day("2024-06-17")) == day("2024-06-14"))
    }

    /// National Day week is skipped, and the weekend days worked in its place (调休) count.
    @Test func holidaysAndMakeUpDays() {
        let holidays = Set((1...7).map { day("2024-10-0\($0)") })
        let workdays: Set<CivilDate> = [day("2024-09-29"), day("2024-10-12")]
        // From Friday 27 September: Sunday the 29th is worked, then the week off, then Tuesday the 8th onwards.
        #expect(WorkingDays.add(1, to: day("2024-09-27"), holidays: holidays, workdays: workdays) == day("2024-09-29"))
        #expect(WorkingDays.add(3, to: day("2024-09-27"), holidays: holidays, workdays: workdays) == day("2024-10-08"))
        #expect(WorkingDays.add(7, to: day("2024-09-27"), holidays: holidays, workdays: workdays) == day("2024-10-12"))
    }

    /// A deadline is overdue only after its day.
    @Test func overdue() {
        #expect(!WorkingDays.isOverdue(deadline: day("2024-06-14"), today: day("2024-06-14")))
        #expect(WorkingDays.isOverdue(deadline: day("2024-06-14"), today: day("2024-06-15")))
        #expect(!WorkingDays.isOverdue(deadline: day("2024-06-14"), today: day("2024-06-13")))
    }

    /// Adding years keeps the day, except 29 February in a common year.
    @Test func addingYears() {
        #expect(day("2024-07-01").addingYears(3) == day("2027-07-01"))
        #expect(day("2024-02-29").addingYears(1) == day("2025-02-28"))
        #expect(day("2024-02-29").addingYears(4) == day("2028-02-29"))
    }
}

@Suite("Token bucket")
struct TokenBucketTests {
    /// A full bucket allows `capacity` calls at once, then refuses with the wait until the next token.
    @Test func burstThenRefuse() {
        var bucket = TokenBucket(capacity: 3, refillPerSecond: 0.5, now: 100)
        for _ in 0..<3 { #expect(bucket.take(now: 100).allowed) }
        let refused = bucket.take(now: 100)
        #expect(!refused.allowed)
        #expect(refused.retryAfter == 2)
    }

    /// Tokens refill with time, never above capacity.
    @Test func refills() {
        var bucket = TokenBucket(capacity: 2, refillPerSecond: 1, now: 0)
        _ = bucket.take(now: 0); _ = bucket.take(now: 0)
        #expect(bucket.take(now: 0.5).retryAfter == 0.5)
        #expect(bucket.take(now: 1).allowed)
        _ = bucket.take(now: 1000)
        #expect(bucket.tokens == 1)
    }

    /// A clock that steps backwards refills nothing.
    @Test func clockBackwards() {
        var bucket = TokenBucket(capacity: 1, refillPerSecond: 1, now: 10)
        #expect(bucket.take(now: 10).allowed)
        #expect(!bucket.take(now: 5).allowed)
        #expect(bucket.take(now: 11).allowed)
    }

    /// A bucket that never refills says so with an infinite wait.
    @Test func noRefill() {
        var bucket = TokenBucket(capacity: 1, refillPerSecond: 0, now: 0)
        #expect(bucket.take(now: 0).allowed)
        #expect(bucket.take(now: 99).retryAfter == .infinity)
    }
}
