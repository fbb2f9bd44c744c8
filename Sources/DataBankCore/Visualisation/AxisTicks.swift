import Foundation

/// A value axis: its ends and the ticks between them, every tick a multiple of a "nice" step
/// (1, 2 or 5 × 10ⁿ), 4 to 7 of them.
public struct AxisScale: Sendable, Hashable {
    public var lower: Double, upper: Double, step: Double
    public var ticks: [Double]

    /// Where `value` falls between `lower` (0) and `upper` (1).
    public func fraction(_ value: Double) -> Double { upper == lower ? 0.5 : (value - lower) / (upper - lower) }
}

public enum AxisTicks {
    /// A scale covering `min...max`; bars pass `includeZero` so that lengths stay honest.
    public static func scale(min: Double, max: Double, includeZero: Bool, maxTicks: Int = 7) -> AxisScale {
        var lo = min.isFinite ? min : 0, hi = max.isFinite ? max : 0
        if includeZero {
            lo = Swift.min(lo, 0)
            hi = Swift.max(hi, 0)
        }
        if lo == hi {
            // One value: an axis from zero to it (or around it when it is zero).
            if lo == 0 {
                hi = 1
            } else if lo > 0 {
                lo = includeZero ? 0 : lo - abs(lo) * 0.5
                hi = hi + (includeZero ? 0 : abs(hi) * 0.5)
            } else {
                hi = includeZero ? 0 : hi + abs(hi) * 0.5
                lo = lo - (includeZero ? 0 : abs(lo) * 0.5)
            }
        }
        let range = hi - lo
        var exponent = Int(floor(log10(range))) - 2
        while true {
            for m in [1.0, 2.0, 5.0] {
                let step = m * pow(10, Double(exponent))
                let first = floor(lo / step + 1e-9), last = ceil(hi / step - 1e-9)
                let count = Int(last - first) + 1
                if count <= maxTicks {
                    let ticks = (0..<count).map { clean((first + Double($0)) * step, step: step) }
                    return AxisScale(lower: ticks.first!, upper: ticks.last!, step: step, ticks: ticks)
                }
            }
            exponent += 1
        }
    }

    /// Removes binary noise (0.30000000000000004) by rounding to the step's decimals.
    static func clean(_ v: Double, step: Double) -> Double {
        let decimals = ChartNumberFormat.decimals(forStep: step)
        let p = pow(10, Double(decimals))
        let r = (v * p).rounded() / p
        return r == 0 ? 0 : r  // no "-0"
    }
}

/// Numbers as a chart writes them: thousands separators, and 万/亿 (zh) or K/M/B (en) where
/// the full figure would crowd an axis.
public enum ChartNumberFormat {
    /// Decimals needed to tell ticks `step` apart.
    public static func decimals(forStep step: Double) -> Int {
        guard step > 0, step.isFinite else { return 0 }
        return Swift.max(0, Swift.min(6, -Int(floor(log10(step) + 1e-9))))
    }

    /// `1234567.5` → `1,234,567.5` with `decimals` digits after the point.
    public static func grouped(_ value: Double, decimals: Int = 0) -> String {
        let negative = value < 0
        let text = String(format: "%.\(decimals)f", abs(value))
        let parts = text.split(separator: ".", maxSplits: 1)
        var integer = ""
        for (i, ch) in parts[0].reversed().enumerated() {
            if i > 0, i % 3 == 0 { integer.append(",") }
            integer.append(ch)
        }
        var out = String(integer.reversed())
        if parts.count > 1 { out += "." + parts[1] }
        if negative, out.contains(where: { $0 != "0" && $0 != "." && $0 != "," }) { out = "-" + out }
        return out
    }

    /// A value with the fewest decimals that show it (up to 2), grouped.
    public static func value(_ value: Double) -> String {
        if value == value.rounded() { return grouped(value) }
        let one = grouped(value, decimals: 1)
        return abs(value * 10 - (value * 10).rounded()) < 1e-9 ? one : grouped(value, decimals: 2)
    }

    /// The unit an axis running up to `magnitude` is written in: 1, 万 or 亿 (zh); 1, K, M or B (en).
    public static func unit(forMagnitude magnitude: Double, language: ChartLanguage) -> (divisor: Double, suffix: String) {
        let m = abs(magnitude)
        switch language {
        case .zh:
            if m >= 1e8 { return (1e8, "亿") }
            if m >= 1e4 { return (1e4, "万") }
        case .en:
            if m >= 1e9 { return (1e9, "B") }
            if m >= 1e6 { return (1e6, "M") }
            if m >= 1e4 { return (1e3, "K") }
        }
        return (1, "")
    }

    /// One number, short: `12,345` → `1.2万` / `12.3K`; small numbers as they are.
    public static func abbreviated(_ value: Double, language: ChartLanguage) -> String {
        let (divisor, suffix) = unit(forMagnitude: value, language: language)
        if divisor == 1 { return Self.value(value) }
        let scaled = value / divisor
        let decimals = abs(scaled) >= 100 ? 0 : 1
        var text = grouped(scaled, decimals: decimals)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text + suffix
    }

    /// The labels of a scale's ticks, all in one unit (so "5,000 / 1万 / 1.5万" never mix).
    public static func tickLabels(_ scale: AxisScale, language: ChartLanguage) -> [String] {
        let magnitude = Swift.max(abs(scale.lower), abs(scale.upper))
        let (divisor, suffix) = unit(forMagnitude: magnitude, language: language)
        let decimals = self.decimals(forStep: scale.step / divisor)
        return scale.ticks.map { $0 == 0 ? "0" : grouped($0 / divisor, decimals: decimals) + suffix }
    }
}

/// A date axis: how a bucket's start is written, and which buckets get a label when there are
/// more than fit (every 1st, 2nd, 7th … day; every 1st, 3rd, 6th … month).
public enum ChartDateAxis {
    /// The platform's calendar for date buckets: Gregorian, weeks from Monday, Beijing time.
    public static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!  // the platform's dates are Beijing time
        c.firstWeekday = 2
        return c
    }()

    /// The bucket that suits dates spanning `seconds`, aiming at no more than `maxTicks` labels.
    public static func unit(spanning seconds: Double, maxTicks: Int = 7) -> ChartDateUnit {
        let day = 86_400.0
        if seconds <= day * Double(maxTicks) * 2 { return .day }
        if seconds <= day * 7 * Double(maxTicks) * 2 { return .week }
        if seconds <= day * 30.5 * Double(maxTicks) * 2 { return .month }
        if seconds <= day * 91.3 * Double(maxTicks) * 2 { return .quarter }
        return .year
    }

    /// `2026-03-01` as a month → "2026年3月" / "Mar 2026".
    public static func label(_ date: Date, unit: ChartDateUnit, language: ChartLanguage) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .weekOfYear, .yearForWeekOfYear], from: date)
        let y = c.year ?? 0, m = c.month ?? 1, d = c.day ?? 1
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        switch (unit, language) {
        case (.day, .zh): return "\(m)月\(d)日"
        case (.day, .en): return "\(months[m - 1]) \(d)"
        case (.week, .zh): return "\(m)月\(d)日起"
        case (.week, .en): return "wk \(months[m - 1]) \(d)"
        case (.month, .zh): return "\(y)年\(m)月"
        case (.month, .en): return "\(months[m - 1]) \(y)"
        case (.quarter, .zh): return "\(y)年Q\((m - 1) / 3 + 1)"
        case (.quarter, .en): return "Q\((m - 1) / 3 + 1) \(y)"
        case (.year, .zh): return "\(y)年"
        case (.year, .en): return "\(y)"
        }
    }

    /// The indexes of the `count` buckets that get a label: every k-th, k a natural stride of the
    /// unit, the smallest that leaves at most `maxLabels`.
    public static func labelled(count: Int, unit: ChartDateUnit, maxLabels: Int) -> [Int] {
        guard count > 0 else { return [] }
        let strides: [Int]
        switch unit {
        case .day: strides = [1, 2, 7, 14, 28, 91, 182, 364]
        case .week: strides = [1, 2, 4, 13, 26, 52]
        case .month: strides = [1, 2, 3, 6, 12, 24, 60]
        case .quarter: strides = [1, 2, 4, 8, 20]
        case .year: strides = [1, 2, 5, 10, 20, 50, 100]
        }
        let limit = Swift.max(1, maxLabels)
        let k = strides.first { (count + $0 - 1) / $0 <= limit } ?? Int((Double(count) / Double(limit)).rounded(.up))
        return Array(stride(from: 0, to: count, by: k))
    }
}
