import Testing
@testable import DataBankCore

/// The demo's car parks: fixed capacities, and vacancies that follow the hour and the day of the week.
@Suite("Demo car parks")
struct DemoCarParksTests {
    /// 2026-12-07 is a Monday, 2026-12-05 a Saturday (local time, seconds since 1970).
    static let monday = CivilDate(year: 2026, month: 12, day: 7)!.daysSinceEpoch * 86_400
    static let saturday = CivilDate(year: 2026, month: 12, day: 5)!.daysSinceEpoch * 86_400

    static func lot(_ kind: DemoCarParks.Kind) -> (DemoCarParks.Lot, Int) {
        let n = (0..<500).first { DemoCarParks.lot($0, district: 0).kind == kind }!
        return (DemoCarParks.lot(n, district: 0), n)
    }

    /// An office car park is nearly full at 10:00 on a weekday and nearly empty then at the weekend.
    @Test func officesFillOnWeekdays() {
        let (lot, n) = Self.lot(.office)
        let weekday = DemoCarParks.free(lot, n: n, atLocal: Self.monday + 10 * 3600)
        let weekend = DemoCarParks.free(lot, n: n, atLocal: Self.saturday + 10 * 3600)
        #expect(Double(weekday) < Double(lot.capacity) * 0.2)
        #expect(Double(weekend) > Double(lot.capacity) * 0.6)
        #expect(DemoCarParks.isWeekend(daysSinceEpoch: Self.saturday / 86_400) && !DemoCarParks.isWeekend(daysSinceEpoch: Self.monday / 86_400))
    }

    /// A car park keeps its capacity and place; its free spaces stay within 0…capacity all day.
    @Test func vacanciesStayWithinCapacity() {
        for n in 0..<50 {
            let lot = DemoCarParks.lot(n, district: n % 5)
            #expect(lot.capacity == DemoCarParks.lot(n, district: n % 5).capacity)
            for minute in stride(from: 0, to: 2 * 86_400, by: 900) {
                #expect((0...lot.capacity).contains(DemoCarParks.free(lot, n: n, atLocal: Self.saturday + minute)))
            }
        }
    }

    /// The real-time bus positions and car-park vacancies are open to the public (无条件开放) in the demo.
    @Test func realtimeStreamsAreOpen() throws {
        let seed = DemoCity.generate(scale: .small)
        for name in ["公交车辆实时位置", "停车场空余泊位"] {
            let r = try #require(seed.resources.first { $0.snapshot.name == name }?.snapshot)
            #expect(r.open.type == .unconditional)
        }
    }
}
