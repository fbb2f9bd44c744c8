@testable import DataBankServer
import DataBankCore
import Foundation
import Testing

/// The meter is on the hot path of every open data call: it must cost next to nothing (one lock,
/// two dictionary updates, no database round trip). Prints the cost per call (docs/PERFORMANCE.md).
@Suite("Open portal: meter cost")
struct UsageMeterCostTests {
    @Test func takeCostsMicroseconds() {
        let meter = UsageMeter()
        let limit = CallLimit(perMinute: 1_000_000, perDay: 10_000_000)
        let subjects = (0..<1_000).map { "key:\($0)" }
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        let calls = 200_000
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<calls {
            _ = meter.take(subject: subjects[i % subjects.count], resource: "101001-00001", limit: limit, instances: 1, now: now)
        }
        let perCall = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(calls)
        print("UsageMeter.take: \(Int(perCall)) ns per call (\(calls) calls over \(subjects.count) callers)")
        // Generous for a debug build on a shared machine; the point is "no round trip" (≥ 100 µs).
        #expect(perCall < 50_000)
    }
}
