import Foundation
import Testing
@testable import DataBankCore

@Suite("Heat score, percentiles and the 80/20 set")
struct HeatScoreTests {
    /// The score is Σ weight × ln(1 + count), rounded to one decimal; nothing used scores 0.
    @Test func scoreIsTheLogScaledWeightedSum() {
        #expect(HeatScore.score(HeatCounts()) == 0)
        let c = HeatCounts(queries: 99, recordsOut: 999, departments: 3, apps: 1, downloads: 9, portalViews: 19, verifications: 4, applications: 2)
        let expected =
            1 * log(100.0) + 0.5 * log(1000.0) + 3 * log(4.0) + 2 * log(2.0) + 1 * log(10.0) + 0.5 * log(20.0) + 1 * log(5.0) + 2 * log(3.0)
        #expect(HeatScore.score(c) == (expected * 10).rounded() / 10)
    }

    /// Breadth counts for more than bulk: ten departments beat one department's ten-fold requests.
    @Test func breadthOutweighsBulk() {
        let broad = HeatCounts(queries: 100, departments: 10)
        let bulk = HeatCounts(queries: 1_000, departments: 1)
        #expect(HeatScore.score(broad) > HeatScore.score(bulk))
    }

    /// Percentile = share of the others scoring strictly lower; ties share a rank; top = 100.
    @Test func percentileRanks() {
        #expect(HeatScore.percentiles([5, 1, 3, 3, 0]) == [100, 25, 50, 50, 0])
        #expect(HeatScore.percentiles([7]) == [100])
        #expect(HeatScore.percentiles([]) == [])
        #expect(HeatScore.percentiles([0, 0, 0]) == [0, 0, 0])
    }

    /// The core set is the smallest prefix by use that reaches 80 % of the total.
    @Test func paretoCoreIsTheSmallestSetReachingEightyPercent() {
        let p = HeatPareto(uses: [100, 500, 5, 300, 50, 20, 10, 10, 5, 0])
        #expect(p.order.prefix(4) == [1, 3, 0, 4])
        #expect(p.coreCount == 2)  // 500 + 300 = 800 of 1,000
        #expect(p.core == [1, 3])
        #expect(p.cumulative[1] == 0.8)
        #expect(p.cumulative.last == 1)
        #expect(HeatPareto(uses: [500, 299, 201]).coreCount == 3)  // 799 of 1,000 is short of 80 %: the third closes it
        #expect(HeatPareto(uses: [0, 0]).coreCount == 0)
        #expect(HeatPareto(uses: []).coreCount == 0)
    }

    /// Periods: the window ends today and holds `days` days.
    @Test func periodWindows() {
        let today = CivilDate(year: 2026, month: 12, day: 6)!
        #expect(HeatPeriod.week.firstDay(endingOn: today).iso == "2026-11-30")
        #expect(HeatPeriod.day.firstDay(endingOn: today) == today)
        #expect(HeatPeriod.year.firstDay(endingOn: today).iso == "2025-12-07")
        #expect(HeatPeriod(rawValue: "30d") == .month)
        #expect(HeatPeriod(rawValue: "2d") == nil)
        #expect(HeatPeriod.allowed == "1d, 7d, 30d, 365d")
    }

    /// The demo's plan is skewed: about a fifth of the resources carry 80 % of weekday use, and
    /// weekends are quieter than weekdays.
    @Test func demoUsageIsSkewedAndWeekly() {
        let resources = (0..<500).map { DemoUsage.Resource(code: String(format: "R%04d", $0), department: "D\($0 % 40)", holdsRecords: $0 % 5 == 0) }
        let plan = DemoUsage(resources: resources, departments: (0..<40).map { "D\($0)" }, endingOn: CivilDate(year: 2026, month: 12, day: 6)!)
        #expect(plan.days.count == 365)
        var use: [String: Int] = [:]
        for p in plan.pairs { use[p.resource, default: 0] += p.base / 1000 }
        let pareto = HeatPareto(uses: resources.map { use[$0.code] ?? 0 })
        let share = Double(pareto.coreCount) / Double(resources.count)
        #expect(share > 0.1 && share < 0.3, "core share \(share)")
        let saturday = plan.days.first { CivilDate(year: 2026, month: 12, day: 5)!.iso == $0.day }!
        let friday = plan.days.first { CivilDate(year: 2026, month: 12, day: 4)!.iso == $0.day }!
        #expect(saturday.factor * 2 < friday.factor)
        #expect(!plan.pairs.contains { $0.consumer == $0.provider })
    }
}
