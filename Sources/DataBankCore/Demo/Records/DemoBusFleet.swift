import Foundation

/// The demo city's buses: routes between real places of Foshan, each bus driving back and forth
/// along its route at city-bus speeds (stopping at stops), so its position at any second is a
/// pure function of the bus and the time. The history loaded at start and the live reports
/// while the demo runs come from the same function, so the tracks join up.
public enum DemoBusFleet {
    public struct Stop: Sendable { public var name: String, lon: Double, lat: Double }
    public struct Route: Sendable { public var line: String, stops: [Stop] }

    public struct Fix: Sendable {
        public var route: Int, lon: Double, lat: Double
        /// km/h
        public var speed: Double
        /// Degrees clockwise from north.
        public var heading: Int
        public var stop: String
    }

    public static let maxBuses = 400

    public static let routes: [Route] = [
        Route(
            line: "101",
            stops: [
                Stop(name: "祖庙", lon: 113.1140, lat: 23.0300), Stop(name: "普君北路", lon: 113.1230, lat: 23.0380),
                Stop(name: "季华园", lon: 113.1300, lat: 23.0160), Stop(name: "千灯湖", lon: 113.1480, lat: 23.0420),
                Stop(name: "桂城地铁站", lon: 113.1560, lat: 23.0330), Stop(name: "平洲", lon: 113.1820, lat: 23.0200)
            ]),
        Route(
            line: "K1",
            stops: [
                Stop(name: "佛山西站", lon: 113.0310, lat: 23.0750), Stop(name: "罗村", lon: 113.0420, lat: 23.0610),
                Stop(name: "张槎", lon: 113.0740, lat: 23.0490), Stop(name: "佛山火车站", lon: 113.1080, lat: 23.0480),
                Stop(name: "大沥", lon: 113.1150, lat: 23.0890)
            ]),
        Route(
            line: "302",
            stops: [
                Stop(name: "大良钟楼", lon: 113.2480, lat: 22.8400), Stop(name: "顺德新城", lon: 113.2670, lat: 22.8120),
                Stop(name: "容桂", lon: 113.2720, lat: 22.7770), Stop(name: "容桂港", lon: 113.2900, lat: 22.7620)
            ]),
        Route(
            line: "321",
            stops: [
                Stop(name: "北滘", lon: 113.2080, lat: 22.9260), Stop(name: "碧江", lon: 113.2390, lat: 22.9430),
                Stop(name: "陈村", lon: 113.2380, lat: 22.9700), Stop(name: "广州南站方向", lon: 113.2600, lat: 22.9880)
            ]),
        Route(
            line: "330",
            stops: [
                Stop(name: "乐从", lon: 113.0900, lat: 22.9560), Stop(name: "龙江", lon: 113.0800, lat: 22.8800),
                Stop(name: "勒流", lon: 113.1700, lat: 22.8700), Stop(name: "大良", lon: 113.2400, lat: 22.8430)
            ]),
        Route(
            line: "高明1",
            stops: [
                Stop(name: "荷城", lon: 112.8850, lat: 22.9000), Stop(name: "高明汽车站", lon: 112.8920, lat: 22.8880),
                Stop(name: "杨和", lon: 112.9400, lat: 22.8100), Stop(name: "明城", lon: 112.7500, lat: 22.8600)
            ]),
        Route(
            line: "三水2",
            stops: [
                Stop(name: "西南", lon: 112.8950, lat: 23.1780), Stop(name: "云东海", lon: 112.9400, lat: 23.2000),
                Stop(name: "乐平", lon: 112.9900, lat: 23.2800), Stop(name: "芦苞", lon: 112.9400, lat: 23.3300)
            ]),
        Route(
            line: "南海8",
            stops: [
                Stop(name: "狮山", lon: 113.0000, lat: 23.1300), Stop(name: "官窑", lon: 113.0500, lat: 23.1900),
                Stop(name: "里水", lon: 113.1400, lat: 23.1900), Stop(name: "和顺", lon: 113.0900, lat: 23.2200)
            ]),
        Route(
            line: "南海5",
            stops: [
                Stop(name: "西樵山", lon: 112.9700, lat: 22.9300), Stop(name: "丹灶", lon: 112.9100, lat: 23.0500),
                Stop(name: "九江", lon: 112.9900, lat: 22.8500)
            ]),
        Route(
            line: "禅城7",
            stops: [
                Stop(name: "石湾", lon: 113.1150, lat: 23.0000), Stop(name: "南庄", lon: 113.0200, lat: 23.0000),
                Stop(name: "绿岛湖", lon: 113.0400, lat: 23.0280), Stop(name: "季华六路", lon: 113.0700, lat: 23.0150)
            ])
    ]

    public static func vehicleID(_ bus: Int) -> String { "FSB" + demoPad(bus + 1, 4) }

    /// Foshan's buses carry new-energy plates, 粤E + D + five digits.
    public static func plate(_ bus: Int) -> String { "粤ED" + demoPad(12_000 + bus * 37 % 88_000, 5) }

    /// Which route each bus of a cycle drives: a route gets a bus per 3 km of its length (at least
    /// one), so long lines run more buses than short ones, as a timetable would have them.
    static let assignment: [Int] = {
        var out: [Int] = []
        let perRoute = lengths.map { max(1, Int(($0.last ?? 0) / 3_000)) }
        // Interleaved (every route once, then the longer ones again …) so a small fleet still covers every line.
        for round in 0..<(perRoute.max() ?? 1) {
            for (r, n) in perRoute.enumerated() where round < n { out.append(r) }
        }
        return out
    }()

    /// Metres along a route between its stops.
    static let lengths: [[Double]] = routes.map { r in
        var acc = [0.0]
        for k in 1..<r.stops.count { acc.append(acc[k - 1] + metres(r.stops[k - 1], r.stops[k])) }
        return acc
    }

    static func metres(_ a: Stop, _ b: Stop) -> Double {
        let dx = (b.lon - a.lon) * 102_500, dy = (b.lat - a.lat) * 110_900
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Where bus `bus` is at `t` (seconds). It covers distance at 5.5 m/s on average (about 20 km/h),
    /// faster between stops and waiting 30 s at each; at the end of the line it turns back.
    public static func fix(bus: Int, at t: Int) -> Fix {
        let r = assignment[bus % assignment.count], route = routes[r], acc = lengths[r]
        let total = acc.last!
        let phase = Double(bus * 7_919 % 10_000) / 10_000
        // One leg per stop gap: drive (at the leg's speed) then dwell 30 s; a round trip runs there and back.
        let legs = route.stops.count - 1
        let cruise = 6.5 + Double(bus % 5) * 0.4  // m/s, 23–30 km/h between stops
        let legTimes = (0..<legs).map { (acc[$0 + 1] - acc[$0]) / cruise + 30 }
        let oneWay = legTimes.reduce(0, +)
        var s = (Double(t) / (2 * oneWay) + phase).truncatingRemainder(dividingBy: 1) * 2 * oneWay
        let back = s >= oneWay
        if back { s -= oneWay }
        var leg = 0
        while leg < legs - 1 && s >= legTimes[back ? legs - 1 - leg : leg] { s -= legTimes[back ? legs - 1 - leg : leg]; leg += 1 }
        let k = back ? legs - 1 - leg : leg
        let driving = legTimes[k] - 30
        let moving = s < driving
        let f = moving ? s / driving : 1
        let from = back ? route.stops[k + 1] : route.stops[k], to = back ? route.stops[k] : route.stops[k + 1]
        // Speed rises and falls over the leg (a sine profile whose mean is the cruise speed).
        let speed = moving ? cruise * 3.6 * Double.pi / 2 * sin(Double.pi * f) : 0
        let eased = (1 - cos(Double.pi * f)) / 2
        let lon = from.lon + (to.lon - from.lon) * eased, lat = from.lat + (to.lat - from.lat) * eased
        let heading = Int((atan2((to.lon - from.lon) * 102_500, (to.lat - from.lat) * 110_900) * 180 / Double.pi + 360).truncatingRemainder(dividingBy: 360))
        _ = total
        return Fix(route: r, lon: lon, lat: lat, speed: min(speed, 60), heading: heading, stop: moving && f < 0.5 ? from.name : to.name)
    }
}
