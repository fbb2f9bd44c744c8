extension CivilDate {
    /// ISO weekday: 1 Monday … 7 Sunday (1970-01-01, day 0, was a Thursday).
    public var weekday: Int {
        let days = daysSinceEpoch
        return ((days % 7 + 7) % 7 + 3) % 7 + 1
    }

    /// The date `days` days later (earlier when negative).
    public func adding(days: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// The same day `years` years later; 29 February becomes 28 February in a common year.
    public func addingYears(_ years: Int) -> CivilDate {
        let y = year + years
        return CivilDate(year: y, month: month, day: min(day, CivilDate.days(inMonth: month, year: y))) ?? self
    }
}

/// Deadlines in working days (工作日), as the sharing rules count them: Monday to Friday,
/// minus public holidays, plus the weekend days worked in their place (调休).
///
/// The calendar changes every year by State Council notice, so holidays and worked weekend
/// days are passed in rather than built in.
public enum WorkingDays {
    public static func isWorkingDay(_ date: CivilDate, holidays: Set<CivilDate> = [], workdays: Set<CivilDate> = []) -> Bool {
        if workdays.contains(date) { return true }
        return date.weekday <= 5 && !holidays.contains(date)
    }

    /// The working day `days` working days after `date` (before it when negative); `date` itself
    /// does not count, so an application made on Friday with 5 days is due the next Friday.
    /// With 0, `date` itself.
    public static func add(_ days: Int, to date: CivilDate, holidays: Set<CivilDate> = [], workdays: Set<CivilDate> = []) -> CivilDate {
        var current = date
        var left = abs(days)
        let step = days < 0 ? -1 : 1
        while left > 0 {
            current = current.adding(days: step)
            if isWorkingDay(current, holidays: holidays, workdays: workdays) { left -= 1 }
        }
        return current
    }

    /// Whether a deadline has passed: the deadline day itself is still in time.
    public static func isOverdue(deadline: CivilDate, today: CivilDate) -> Bool { today > deadline }
}
