/// Plausible records for any demo store, deterministic from the row number: each value comes
/// from the item's key (the standard it is bound to), then its code list, semantic kind and
/// pattern, then its type — and the values of one row belong together (a company's name,
/// credit code, industry and capital; a person's ID number, birth date and gender; a bus's
/// position, speed and stop). Every value passes the rules derived from the store's standards.
///
/// Rows share the city's entities: row `i` of a store keyed by credit code is enterprise
/// `entityOffset + i`, the same one the tax and social-insurance stores name.
public struct DemoRecordGenerator: Sendable {
    public let layout: RecordLayout
    public let rows: Int
    let resourceName: String, departmentName: String
    let now: Int
    let today: CivilDate
    let codes: [String: [String]]
    let semantic: [String: SemanticKind]
    let patterns: [String: String]
    let key: Int?
    let stream: (entity: Int, time: Int)?
    let entityCount: Int, interval: Int
    let offset: Int, companyPool: Int, personPool: Int
    let creditKind: String
    let salt: UInt64
    /// What the layout holds, asked once rather than per value.
    let hasCompany: Bool, hasPerson: Bool, isBus: Bool, isParking: Bool, isBirthCertificate: Bool, hasProject: Bool, hasIndicator: Bool
    /// The `{subject}_name` column, when the row is about a named subject (a car park, a monitoring station).
    let subjectNameColumn: String?

    /// - Parameters:
    ///   - nowLocalSeconds: the city's wall clock (UTC+8) in seconds since 1970; every date is at or before it, except
    ///     the ends of validity periods and terms.
    ///   - companyPool, personPool: how many enterprises and people other stores refer to (the registers' sizes).
    ///   - streamEntities: for a stream, how many entities report (by default from `rows`).
    public init(
        layout: RecordLayout, rules: [QualityRule], resourceName: String, departmentName: String = "佛山市人民政府",
        rows: Int, nowLocalSeconds: Int, entityOffset: Int = 0, companyPool: Int = 2_000, personPool: Int = 5_000,
        streamEntities: Int? = nil
    ) {
        self.layout = layout; self.rows = rows; self.resourceName = resourceName; self.departmentName = departmentName
        self.now = nowLocalSeconds
        self.today = CivilDate(daysSinceEpoch: nowLocalSeconds >= 0 ? nowLocalSeconds / 86_400 : (nowLocalSeconds - 86_399) / 86_400)
        var codes: [String: [String]] = [:], semantic: [String: SemanticKind] = [:], patterns: [String: String] = [:]
        for rule in rules {
            guard let c = rule.column else { continue }
            switch rule.kind {
            case .domain: codes[c] = rule.codes
            case .semantic: semantic[c] = rule.semantic
            case .pattern: patterns[c] = rule.pattern
            default: break
            }
        }
        self.codes = codes; self.semantic = semantic; self.patterns = patterns
        let keys = layout.columns.indices.filter { layout.columns[$0].primaryKey }
        if keys.count == 2, let t = keys.first(where: { [.T, .D].contains(layout.columns[$0].type) }) {
            stream = (keys.first { $0 != t }!, t)
            key = nil
        } else {
            stream = nil
            key = keys.first
        }
        let names = Set(layout.columns.map(\.name))
        let isBus = names.contains("vehicle_id")
        self.isBus = isBus
        isParking = names.contains("parking_lot_no") && stream != nil
        hasCompany = !names.isDisjoint(with: ["credit_code", "enterprise_name", "taxpayer_id"])
        hasPerson = !names.isDisjoint(with: ["id_number", "person_name"])
        isBirthCertificate = names.contains("birth_cert_no")
        hasProject = names.contains("project_name")
        hasIndicator = names.contains("indicator_name")
        subjectNameColumn = layout.columns.first { $0.name.hasSuffix("_name") && names.contains(String($0.name.dropLast(5)) + "_no") }?.name
        entityCount =
            streamEntities ?? (isBus ? min(max(rows / 120, 40), DemoBusFleet.maxBuses) : layout.columns.contains { $0.name == "parking_lot_no" } ? 120 : 30)
        interval = isBus ? 30 : layout.columns.contains { $0.name == "parking_lot_no" } ? 900 : 3600
        offset = entityOffset; self.companyPool = max(companyPool, 1); self.personPool = max(personPool, 1)
        creditKind = resourceName.contains("个体") ? "92" : resourceName.contains("社会组织") ? "52" : "91"
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in resourceName.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        salt = h
    }

    /// The generator of subject `n`'s name and place: the same for every column of its row.
    func subjectRandom(_ n: Int) -> DemoRandom { DemoRandom(seed: salt ^ UInt64(n) &* 0x2545_F491_4F6C_DD1D) }

    /// How many rows keep the key distinct (a store keyed by month or year has only so many).
    public var capacity: Int {
        guard let key else { return Int.max }
        let c = layout.columns[key]
        if let list = codes[c.name] { return list.count }
        switch c.name {
        case "stat_period", "tax_period", "payment_month", "contribution_month": return 120
        case "report_year", "fiscal_year": return 10
        default: break
        }
        switch c.type {
        case .D: return 700
        case .L: return 2
        default: return Int.max
        }
    }

    public var header: String { layout.columns.map(\.name).joined(separator: ",") }

    /// CSV lines (no header) for `range`, quoted where needed.
    public func csv(_ range: Range<Int>) -> String {
        var out = ""
        for i in range {
            var first = true
            for v in row(i) {
                if !first { out += "," }
                first = false
                out += v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replacingAll("\"", "\"\"") + "\"" : v
            }
            out += "\n"
        }
        return out
    }

    /// Row `i`'s values in layout order; an empty string is a null (only outside the required items).
    public func row(_ i: Int) -> [String] {
        var ctx = DemoRowContext(generator: self, i: i)
        var out: [String] = []
        out.reserveCapacity(layout.columns.count)
        for (k, c) in layout.columns.enumerated() {
            var v = value(c, index: k, &ctx)
            if v.isEmpty && (c.required || c.primaryKey) { v = fallback(c, &ctx) }
            if let n = c.length, [.C, .M, .G].contains(c.type), v.count > n { v = String(v.prefix(n)) }
            ctx.values[c.name] = v
            out.append(v)
        }
        return out
    }
}
