/// The demo city's public car parks: each has a fixed capacity, place and kind, and its occupancy
/// follows the kind's day — offices full on weekday working hours and empty at weekends, malls
/// busiest in the afternoon and evening and more so at weekends, homes full at night, stations
/// and hospitals busy by day — so the vacancies at any minute are a pure function of the car park
/// and the time, and the history loaded at start joins the live reports.
public enum DemoCarParks {
    public enum Kind: Int, CaseIterable, Sendable {
        case office, mall, residential, station, hospital
    }

    public struct Lot: Sendable {
        public var kind: Kind
        public var capacity: Int
        public var lon: Double, lat: Double
    }

    /// Car park `n` of district `district` (its name's district): kind, capacity and a point near the district's centre.
    public static func lot(_ n: Int, district: Int) -> Lot {
        var rng = DemoRandom(seed: 0x5EED_CA12 ^ (UInt64(n) &* 0x9E37_79B9_7F4A_7C15))
        _ = rng.next()
        let kind = Kind(rawValue: rng.int(Kind.allCases.count)) ?? .mall
        let range: ClosedRange<Double> =
            switch kind {
            case .office: 80...600
            case .mall: 300...2_000
            case .residential: 150...1_200
            case .station: 200...1_500
            case .hospital: 100...800
            }
        let capacity = Int(DemoValues.logUniform(range, &rng)) / 10 * 10
        let d = DemoFoshan.districts[district]
        // Car parks gather in the built-up centre: the offsets shrink towards it.
        let u = rng.unit() * 2 - 1, v = rng.unit() * 2 - 1
        return Lot(kind: kind, capacity: max(capacity, 40), lon: d.lon + u * abs(u) * d.dLon, lat: d.lat + v * abs(v) * d.dLat)
    }

    /// Occupancy (0–1) by hour of day (0…23), weekday then weekend, per kind.
    static let curves: [Kind: (weekday: [Double], weekend: [Double])] = [
        .office: (
            [0.08, 0.06, 0.05, 0.05, 0.05, 0.06, 0.12, 0.35, 0.75, 0.92, 0.95, 0.94, 0.85, 0.90, 0.94, 0.93, 0.88, 0.70, 0.40, 0.22, 0.15, 0.12, 0.10, 0.09],
            [0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.06, 0.08, 0.12, 0.18, 0.22, 0.24, 0.22, 0.22, 0.22, 0.20, 0.18, 0.14, 0.10, 0.08, 0.07, 0.06, 0.05, 0.05]
        ),
        .mall: (
            [0.06, 0.04, 0.03, 0.03, 0.03, 0.04, 0.06, 0.10, 0.18, 0.30, 0.45, 0.58, 0.65, 0.62, 0.60, 0.62, 0.66, 0.72, 0.80, 0.84, 0.78, 0.60, 0.35, 0.15],
            [0.08, 0.05, 0.04, 0.03, 0.03, 0.04, 0.06, 0.10, 0.22, 0.45, 0.70, 0.86, 0.93, 0.95, 0.96, 0.96, 0.95, 0.94, 0.96, 0.95, 0.88, 0.70, 0.42, 0.18]
        ),
        .residential: (
            [0.93, 0.94, 0.95, 0.95, 0.95, 0.93, 0.86, 0.70, 0.55, 0.50, 0.48, 0.50, 0.55, 0.52, 0.50, 0.50, 0.55, 0.62, 0.75, 0.85, 0.90, 0.92, 0.93, 0.93],
            [0.94, 0.95, 0.95, 0.95, 0.95, 0.95, 0.93, 0.88, 0.80, 0.72, 0.66, 0.65, 0.68, 0.66, 0.64, 0.65, 0.70, 0.76, 0.84, 0.88, 0.91, 0.93, 0.94, 0.94]
        ),
        .station: (
            [0.25, 0.20, 0.18, 0.18, 0.20, 0.30, 0.50, 0.70, 0.82, 0.85, 0.84, 0.82, 0.80, 0.80, 0.82, 0.84, 0.86, 0.88, 0.85, 0.75, 0.62, 0.50, 0.40, 0.30],
            [0.30, 0.25, 0.22, 0.20, 0.22, 0.30, 0.45, 0.62, 0.78, 0.88, 0.92, 0.90, 0.88, 0.88, 0.90, 0.92, 0.93, 0.92, 0.86, 0.76, 0.65, 0.55, 0.45, 0.35]
        ),
        .hospital: (
            [0.20, 0.18, 0.16, 0.16, 0.16, 0.20, 0.35, 0.75, 0.95, 0.98, 0.97, 0.92, 0.80, 0.85, 0.92, 0.90, 0.80, 0.60, 0.42, 0.35, 0.30, 0.26, 0.24, 0.22],
            [0.20, 0.18, 0.16, 0.16, 0.16, 0.18, 0.28, 0.50, 0.68, 0.72, 0.70, 0.65, 0.58, 0.60, 0.62, 0.60, 0.55, 0.45, 0.36, 0.32, 0.28, 0.25, 0.23, 0.22]
        )
    ]

    /// Whether local day `days` (since 1970-01-01, a Thursday) is a Saturday or Sunday.
    public static func isWeekend(daysSinceEpoch days: Int) -> Bool { ((days % 7) + 7 + 3) % 7 >= 5 }

    /// Free spaces of `lot` at the city's wall-clock second `localSeconds`: the kind's curve,
    /// interpolated between hours, plus a small wobble that changes every five minutes.
    public static func free(_ lot: Lot, n: Int, atLocal localSeconds: Int) -> Int {
        let days = localSeconds >= 0 ? localSeconds / 86_400 : (localSeconds - 86_399) / 86_400
        let second = localSeconds - days * 86_400
        let hour = second / 3600, f = Double(second % 3600) / 3600
        let curve = curves[lot.kind]!
        let day = isWeekend(daysSinceEpoch: days) ? curve.weekend : curve.weekday
        let next = hour == 23 ? (isWeekend(daysSinceEpoch: days + 1) ? curve.weekend : curve.weekday)[0] : day[hour + 1]
        var occupied = day[hour] * (1 - f) + next * f
        var rng = DemoRandom(seed: UInt64(truncatingIfNeeded: n &* 1_000_003 &+ localSeconds / 300))
        _ = rng.next()
        occupied += (rng.unit() - 0.5) * 0.06
        occupied = min(max(occupied, 0), 1)
        return max(0, min(lot.capacity, Int((Double(lot.capacity) * (1 - occupied)).rounded())))
    }
}
