/// Deterministic, valid records for any layout: for demos, benchmarks and crash tests.
///
/// Row `i` always gives the same values; key columns are distinct for every row.
public struct SampleRecords: Sendable {
    public let layout: RecordLayout
    let samples: SampleValues
    /// - Parameter rules: the store's quality rules, so values pass them (identifiers with valid
    ///   check characters, codes from the code lists, values matching the patterns).
    public init(layout: RecordLayout, rules: [QualityRule] = []) { self.layout = layout; self.samples = SampleValues(rules: rules) }

    static let words = Array("佛山南海禅城顺德高明三水市场监管人社公积金民政住建交通卫健教育企业登记社保缴费信息")

    public func value(_ c: RecordLayout.Column, row i: Int) -> String {
        // Coordinates fall in Foshan; a stream's entity repeats every 60 rows (60 vehicles reporting).
        if c.name == "longitude" || c.name == "latitude", [.N, .F, .B, .Y].contains(c.type) {
            let base = c.name == "longitude" ? 112.85 : 22.85
            let spread = Double((i &* 7919) % 1000) / (c.name == "longitude" ? 2000 : 2500)
            let places = min(c.precision ?? 6, 6)
            let scaled = Int(((base + spread) * pow10(places)).rounded())
            let unit = Int(pow10(places))
            return places == 0 ? String(scaled) : "\(scaled / unit)." + String(scaled % unit).padding(places, left: true)
        }
        if c.primaryKey && !(c.type == .T || c.type == .D) && layout.keyColumns.count > 1 {
            return c.type == .I ? String(i % 60) : "V\(i % 60)"
        }
        if c.primaryKey && (c.type == .T || c.type == .D) && layout.keyColumns.count > 1 {
            return CivilDate(daysSinceEpoch: 20_000 + i / 60).iso + (c.type == .T ? " 08:" + String((i / 60) % 60).padding(2, left: true) + ":00" : "")
        }
        if [.C, .M, .G].contains(c.type), let v = samples.value(c.name, row: i), v.count <= (c.length ?? Int.max) { return v }
        switch c.type {
        case .C, .M, .G:
            if c.primaryKey {
                let key = "K\(i)"
                return String(key.suffix(c.length ?? 40))
            }
            let max = min(c.length ?? 24, 24)
            let text = (0..<max).map { k in String(Self.words[(i &* 31 &+ k &* 7) % Self.words.count]) }.joined()
            return String(text.prefix(Swift.max(1, Swift.min(max, 2 + i % 10))))
        case .I: return String(c.primaryKey ? i : i % 1000)
        case .N, .Y:
            let places = c.precision ?? 2
            let whole = (i % 100_000) % Int(pow10(Swift.max(1, Swift.min((c.length ?? 12) - places, 9))))
            return places > 0 ? "\(whole).\(String(i % 10).padding(places))" : String(whole)
        case .F, .B: return "\(i % 1000).25"
        // A date that cannot be in the future (births, establishments, approvals) ends years before any "today".
        case .D: return CivilDate(daysSinceEpoch: (samples.notFuture.contains(c.name) ? 15_000 : 18_000) + i % 3_000).iso
        case .T:
            return CivilDate(daysSinceEpoch: (samples.notFuture.contains(c.name) ? 15_000 : 18_000) + i % 3_000).iso + " "
                + String(i % 24).padding(2, left: true) + ":30:00"
        case .L: return i % 3 == 0 ? "false" : "true"
        }
    }

    func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { r, _ in r * 10 } }

    public var header: String { layout.columns.map(\.name).joined(separator: ",") }

    /// CSV lines (no header) for rows `range`, quoted where needed.
    public func csv(_ range: Range<Int>) -> String {
        var out = ""
        for i in range {
            out += layout.columns.map { c in
                let v = value(c, row: i)
                return v.contains(",") || v.contains("\"") ? "\"" + v.replacingAll("\"", "\"\"") + "\"" : v
            }.joined(separator: ",")
            out += "\n"
        }
        return out
    }
}

extension String {
    func padding(_ width: Int, left: Bool = false) -> String {
        count >= width ? self : (left ? String(repeating: "0", count: width - count) + self : self + String(repeating: "0", count: width - count))
    }
    func replacingAll(_ a: Character, _ b: String) -> String { map { $0 == a ? b : String($0) }.joined() }
}
