/// What one generated row is about — its enterprise, person, subject, district and the day its
/// event happened — computed on first use, so the row's values agree with each other.
struct DemoRowContext {
    let g: DemoRecordGenerator
    let i: Int
    var rng: DemoRandom
    var values: [String: String] = [:]
    private var _company: DemoEnterprise?
    private var _person: DemoPerson?
    private var _event: CivilDate?
    private var _district: Int?
    private var _point: (Double, Double)?
    private var _bus: DemoBusFleet.Fix?

    init(generator: DemoRecordGenerator, i: Int) {
        g = generator; self.i = i
        rng = DemoRandom(seed: generator.salt ^ (UInt64(i) &* 0x9E37_79B9_7F4A_7C15))
        _ = rng.next()
    }

    var keyName: String? { g.key.map { g.layout.columns[$0].name } }

    /// The row's own number in its entity series (the key's), or nil when the key is something else.
    var own: Int { g.offset + i }

    mutating func company() -> DemoEnterprise {
        if let c = _company { return c }
        let keyed = ["credit_code", "taxpayer_id", "discharge_permit_no"].contains(keyName ?? "")
        let n = keyed ? own : rng.int(g.companyPool)
        let c = DemoEntities.enterprise(n, today: g.today, kind: g.creditKind)
        _company = c
        return c
    }

    mutating func person() -> DemoPerson {
        if let p = _person { return p }
        let keyed = ["id_number", "social_security_no", "fund_account"].contains(keyName ?? "")
        let p = DemoEntities.person(keyed ? own : rng.int(g.personPool), today: g.today)
        _person = p
        return p
    }

    var hasCompany: Bool { g.hasCompany }
    var hasPerson: Bool { g.hasPerson }

    /// The district of the row: its enterprise's, its person's, or one drawn by the districts' weights.
    mutating func district() -> Int {
        if let d = _district { return d }
        let d: Int
        if hasCompany {
            d = company().district
        } else if hasPerson {
            d = person().district
        } else if let column = g.subjectNameColumn {
            var r = g.subjectRandom(subjectForName(column))  // where the named subject is
            d = DemoFoshan.district(&r)
        } else {
            d = DemoFoshan.district(&rng)
        }
        _district = d
        return d
    }

    /// The day the row's event happened, in the last two years with the city's seasons.
    mutating func event() -> CivilDate {
        if let e = _event { return e }
        let e = DemoValues.eventDay(g.today, &rng)
        _event = e
        return e
    }

    /// A point inside the row's district.
    mutating func point() -> (lon: Double, lat: Double) {
        if let p = _point { return p }
        let d = DemoFoshan.districts[district()]
        let p = (d.lon + (rng.unit() * 2 - 1) * d.dLon, d.lat + (rng.unit() * 2 - 1) * d.dLat)
        _point = p
        return p
    }

    /// For a stream: which entity reports, and when (the newest report at the generator's clock).
    var streamSlot: (entity: Int, time: Int) {
        let e = i % g.entityCount, tick = i / g.entityCount
        let ticks = (g.rows + g.entityCount - 1) / g.entityCount
        return (e, g.now - (ticks - 1 - tick) * g.interval)
    }

    /// For the car-park stream: the reporting car park (the same place and capacity in every report).
    func carPark() -> DemoCarParks.Lot {
        let n = streamSlot.entity
        var r = g.subjectRandom(n)  // the district its name was drawn in
        return DemoCarParks.lot(n, district: DemoFoshan.district(&r))
    }

    mutating func bus() -> DemoBusFleet.Fix {
        if let b = _bus { return b }
        let slot = streamSlot
        let b = DemoBusFleet.fix(bus: slot.entity, at: slot.time)
        _bus = b
        return b
    }

    /// A number identifying the row's subject (a car park, a school, a document): its own when it is the key.
    mutating func subject(_ column: String) -> Int {
        if let s = g.stream, g.layout.columns[s.entity].name == column { return streamSlot.entity }
        return keyName == column ? own : rng.int(500)
    }

    /// The row's subject number for a `{subject}_name` column: the same as its `{subject}_no`.
    mutating func subjectForName(_ column: String) -> Int {
        let base = String(column.dropLast(5))
        if let s = g.stream, g.layout.columns[s.entity].name == base + "_no" { return streamSlot.entity }
        if keyName == base + "_no" { return own }
        if let v = values[base + "_no"], let n = Int(v.suffix(6)) { return n }
        return keyName == column ? own : rng.int(500)
    }

    mutating func later(than day: CivilDate, atMost days: Int) -> CivilDate {
        let room = min(days, g.today.daysSinceEpoch - day.daysSinceEpoch)
        return CivilDate(daysSinceEpoch: day.daysSinceEpoch + (room > 0 ? rng.int(room + 1) : 0))
    }

    /// A value the column's type accepts, for a required item nothing else filled.
    mutating func typed(_ c: RecordLayout.Column) -> String {
        switch c.type {
        case .C, .M, .G: return c.itemName
        case .I: return String(1 + rng.int(500))
        case .N, .Y: return DemoValues.decimal(DemoValues.logUniform(1...50_000, &rng), places: c.precision ?? 2, length: c.length)
        case .F, .B: return DemoValues.decimal(rng.unit() * 1000, places: min(c.precision ?? 2, 6), length: c.length)
        case .D: return event().iso
        case .T: return DemoValues.stamp(event(), seconds: DemoValues.officeSeconds(&rng))
        case .L: return rng.int(4) == 0 ? "false" : "true"
        }
    }
}
