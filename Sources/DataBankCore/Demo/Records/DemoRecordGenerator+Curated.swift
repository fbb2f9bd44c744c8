/// Items whose values relate to others of the row or need a real-world shape.
extension DemoRecordGenerator {
    var year: Int { today.year }

    func curated(_ c: RecordLayout.Column, _ x: inout DemoRowContext) -> String? {
        let keyed = key.map { layout.columns[$0].name == c.name } ?? false
        let n = offset + x.i
        switch c.name {
        // Enterprises
        case "credit_code": return x.company().creditCode
        case "taxpayer_id": return x.company().creditCode
        case "registration_no": return x.company().registrationNo
        case "enterprise_name", "construction_unit": return x.company().name
        case "org_name":
            if resourceName.contains("预算") { return x.rng.pick(DemoRecordTexts.departments) }
            return x.company().name
        case "legal_rep": return x.company().legalRep
        case "industry_code": return DemoFoshan.industries[x.company().industry].code
        case "region_code":
            return DemoFoshan.districts[x.district()].code
        case "business_scope": return DemoFoshan.industries[x.company().industry].scope
        case "registered_capital": return DemoValues.decimal(x.company().capitalWan, places: c.precision ?? 2, length: c.length)
        case "establish_date", "business_term_from": return x.company().established.iso
        case "business_term_to":
            if x.rng.int(10) < 3 { return "" }
            let from = x.company().established
            return CivilDate(year: from.year + x.rng.pick([10, 20, 20, 30, 50]), month: from.month, day: min(from.day, 28))!.iso
        case "approval_date", "tax_registration_date":
            return hasCompanyColumns ? x.later(than: x.company().established, atMost: 3_000).iso : x.event().iso
        case "residence": return hasCompanyColumns ? x.company().address : x.person().address
        case "contact_phone": return hasCompanyColumns ? x.company().phone : x.person().mobile
        case "employee_count": return String(max(1, Int(x.company().capitalWan.squareRoot() * (1 + x.rng.unit() * 3))))
        case "revenue": return DemoValues.decimal(x.company().capitalWan * (0.3 + x.rng.unit() * 4), places: c.precision ?? 2, length: c.length)
        case "asset_total": return DemoValues.decimal(x.company().capitalWan * (1 + x.rng.unit() * 6), places: c.precision ?? 2, length: c.length)
        case "discharge_permit_no": return x.company().creditCode + "001" + x.rng.pick(["P", "V", "U"])
        // People
        case "id_number", "social_security_no": return x.person().idNumber
        case "person_name":
            return isBirthCertificate ? DemoFoshan.personName(&x.rng, male: x.person().gender == "1") : x.person().name
        case "birth_date":
            if isBirthCertificate { return x.event().iso }
            return x.person().birth.iso
        case "domicile_address", "residence_address", "house_address": return x.person().address
        case "mobile": return x.hasPerson ? x.person().mobile : DemoValues.mobile(&x.rng)
        case "native_place": return x.rng.pick(DemoFoshan.nativePlaces)
        case "household_no": return "4406" + demoPad(n % 100_000_000, 8)
        case "move_in_date": return x.later(than: CivilDate(daysSinceEpoch: x.person().birth.daysSinceEpoch + 6_570), atMost: 20_000).iso
        case "police_station": return "佛山市公安局\(DemoFoshan.districts[x.district()].name)分局\(String(x.person().street.prefix(2)))派出所"
        case "fund_account": return "2" + demoPad(n % 100_000_000_000, 11)
        case "bank_account": return "62" + demoPad(x.rng.int(1_000_000_000), 9) + demoPad(x.rng.int(100_000_000), 8)
        case "bank_name": return x.rng.pick(DemoFoshan.banks)
        case "contact_person", "legal_person": return DemoFoshan.personName(&x.rng)
        // Places
        case "address":
            if isParking {
                var r = subjectRandom(x.streamSlot.entity &+ 7_919)
                return DemoValues.address(district: x.district(), &r, home: false).address
            }
            return hasCompanyColumns && !hasProject
                ? x.company().address
                : DemoValues.address(district: x.district(), &x.rng, home: false).address
        case "longitude", "latitude":
            let v: Double
            if isBus {
                v = c.name == "longitude" ? x.bus().lon : x.bus().lat
            } else if isParking {
                let lot = x.carPark()
                v = c.name == "longitude" ? lot.lon : lot.lat
            } else {
                let p = x.point(); v = c.name == "longitude" ? p.lon : p.lat
            }
            return DemoValues.decimal(v, places: min(c.precision ?? 6, 6), length: c.length)
        case "plate_no":
            if isBus { return DemoBusFleet.plate(x.streamSlot.entity) }
            return DemoValues.plate(keyed ? n : x.rng.int(45_000_000), &x.rng, unique: keyed)
        case "parcel_no": return "4406" + demoPad(x.district() + 4, 2) + demoPad(n / 100_000 % 1_000_000, 6) + "GB" + demoPad(n % 100_000, 5)
        case "project_code":
            return
                "\(x.event().year)-\(DemoFoshan.districts[x.district()].code)-\(x.rng.pick(["34", "38", "47", "48", "70", "78"]))-\(x.rng.pick(["01", "02", "03"]))-"
                + demoPad(n % 1_000_000, 6)
        case "project_name": return DemoRecordTexts.project(DemoFoshan.districts[x.district()], &x.rng)
        case "school_code": return "2144" + demoPad(n % 1_000_000, 6)
        case "designated_institution_code": return (x.rng.int(3) == 0 ? "P" : "H") + DemoFoshan.districts[x.district()].code + demoPad(n % 100_000, 5)
        case "lawyer_license_no": return "14406" + String(x.event().year - x.rng.int(15)) + "1" + demoPad(n % 10_000_000, 7)
        case "real_estate_cert": return "粤（\(x.event().year)）佛山市不动产权第\(demoPad(n % 10_000_000, 7))号"
        case "birth_cert_no": return "Q44" + demoPad(n % 10_000_000, 7)
        case "practitioner_cert_no": return "1104406" + String(x.event().year) + demoPad(n % 1_000_000, 6)
        case "budget_subject": return x.rng.pick(DemoRecordTexts.budgetSubjects)
        // Periods
        case "stat_period", "tax_period", "payment_month", "contribution_month":
            if keyed { return monthsBack(x.i + 1) }
            return DemoValues.month(
                c.name == "contribution_month" || c.name == "payment_month"
                    ? CivilDate(daysSinceEpoch: today.daysSinceEpoch - 31 * x.rng.int(12) - 20) : x.event())
        case "consecutive_years": return String(1 + x.rng.int(3) * x.rng.int(4) + x.rng.int(2))
        case "report_year", "fiscal_year", "publicity_year":
            return String(keyed ? year - 1 - x.i : year - 1 - (x.rng.int(4) == 0 ? x.rng.int(5) : 0))
        // Dates of an event and the periods that follow it
        case "valid_until":
            let from = x.event()
            return CivilDate(year: from.year + x.rng.pick([3, 5, 5, 6]), month: from.month, day: min(from.day, 28))!.iso
        case "remove_date":
            guard x.rng.int(2) == 0 else { return "" }
            return x.later(than: x.event(), atMost: 400).iso
        case "lease_end":
            let from = x.event()
            return CivilDate(year: from.year + x.rng.pick([1, 2, 3]), month: from.month, day: min(from.day, 28))!.iso
        case "registration_date", "insured_date":
            return hasCompanyColumns && !x.hasPerson ? x.later(than: x.company().established, atMost: 400).iso : x.event().iso
        case "create_time", "accept_time": return pastStamp(x.event(), DemoValues.officeSeconds(&x.rng))
        case "update_time", "finish_time":
            // Later than the record's creation (the end of that office day when on the same day) and, for an
            // update, than every past date the row already holds (an approval, a registration); never after now.
            var from = x.event()
            if c.name == "update_time" {
                for v in x.values.values where v.count >= 10 {
                    if let d = DateParsing.date(String(v.prefix(10))), d > from, d <= today { from = d }
                }
            }
            let day = x.later(than: from, atMost: c.name == "finish_time" ? 15 : 60)
            return pastStamp(day, day == x.event() ? 63_000 : DemoValues.officeSeconds(&x.rng))
        // Money and counts (units as the standards say)
        case "contribution_base", "deposit_base": return money(DemoValues.logUniform(2_300...30_000, &x.rng), c)
        case "employer_contribution", "personal_contribution":
            let base = Double(x.values["contribution_base"] ?? "") ?? 4_500
            let rates: [String: (Double, Double)] = [
                "110": (0.14, 0.08), "120": (0.16, 0.08), "210": (0.0032, 0.002), "310": (0.055, 0.02),
                "390": (0, 0.03), "410": (0.002, 0), "510": (0.0085, 0)
            ]
            let r = rates[x.values["insured_type"] ?? "110"] ?? (0.14, 0.08)
            return money(base * (c.name == "employer_contribution" ? r.0 : r.1), c)
        case "deposit_ratio": return DemoValues.decimal(Double(x.rng.pick([5, 5, 8, 10, 12, 12])), places: c.precision ?? 2, length: c.length)
        case "monthly_deposit":
            let base = Double(x.values["deposit_base"] ?? "") ?? 5_000, ratio = Double(x.values["deposit_ratio"] ?? "") ?? 10
            return money(base * ratio / 100 * 2, c)
        case "fund_balance": return money((Double(x.values["monthly_deposit"] ?? "") ?? 800) * Double(3 + x.rng.int(120)), c)
        case "payment_amount":
            return resourceName.contains("失业") ? money(1_710, c) : money(DemoValues.logUniform(300...5_000, &x.rng), c)
        case "assistance_amount":
            let size = Double(x.values["family_size"] ?? "") ?? 2
            return money((1_184 * size * (0.35 + x.rng.unit() * 0.55)).rounded(), c)
        case "family_size": return String(x.rng.pick([1, 2, 2, 3, 3, 3, 4, 4, 5, 6]))
        case "tax_amount": return money(DemoValues.logUniform(50...2_000_000, &x.rng), c)
        case "penalty_amount":
            if x.values["penalty_kind"] == "1" { return money(0, c) }
            return money((DemoValues.logUniform(500...500_000, &x.rng) / 100).rounded() * 100, c)
        case "loan_amount": return money(Double(20 + x.rng.int(101)) * 10_000, c)
        case "loan_term": return String(12 * x.rng.pick([5, 10, 15, 20, 25, 30]))
        case "house_area": return DemoValues.decimal(45 + x.rng.unit() * x.rng.unit() * 130, places: c.precision ?? 2, length: c.length)
        case "rent":
            let area = Double(x.values["house_area"] ?? "") ?? 60
            return money((area * (9 + x.rng.unit() * 6)).rounded(), c)
        case "land_area": return DemoValues.decimal(DemoValues.logUniform(2_000...200_000, &x.rng), places: c.precision ?? 2, length: c.length)
        case "total_investment": return money(DemoValues.logUniform(500...500_000, &x.rng), c)
        case "budget_amount": return money(DemoValues.logUniform(50...50_000, &x.rng), c)
        case "executed_amount": return money((Double(x.values["budget_amount"] ?? "") ?? 1_000) * (0.55 + x.rng.unit() * 0.45), c)
        case "total_cost": return money(DemoValues.logUniform(30...40_000, &x.rng), c)
        case "fund_payment": return money((Double(x.values["total_cost"] ?? "") ?? 300) * (0.5 + x.rng.unit() * 0.35), c)
        case "amount": return money(DemoValues.logUniform(10_000...50_000_000, &x.rng), c)
        case "points_score": return DemoValues.decimal(60 + x.rng.unit() * 90, places: c.precision ?? 1, length: c.length)
        case "bed_count": return String(Int(DemoValues.logUniform(10...2_500, &x.rng)))
        case "student_count": return String(300 + x.rng.int(3_200))
        case "teacher_count": return String(max(10, (Int(x.values["student_count"] ?? "") ?? 1_000) / (12 + x.rng.int(6))))
        case "capacity": return String(Int(DemoValues.logUniform(30...3_000, &x.rng)))
        case "berth_count":
            if isParking { return String(x.carPark().capacity) }
            return String(Int(DemoValues.logUniform(40...1_500, &x.rng)))
        case "free_berths":
            if isParking { return String(DemoCarParks.free(x.carPark(), n: x.streamSlot.entity, atLocal: x.streamSlot.time)) }
            let total = Int(x.values["berth_count"] ?? "") ?? 200
            let hour = (stream.map { _ in x.streamSlot.time } ?? now) % 86_400 / 3600
            let busy = (8...19).contains(hour) ? 0.65 + x.rng.unit() * 0.3 : 0.2 + x.rng.unit() * 0.3
            return String(max(0, Int(Double(total) * (1 - busy))))
        case "legal_time_limit": return String(x.rng.pick([15, 20, 20, 30, 60]))
        case "promised_time_limit": return String(max(1, (Int(x.values["legal_time_limit"] ?? "") ?? 20) * (2 + x.rng.int(4)) / 10))
        case "electricity_consumption": return DemoValues.decimal(DemoValues.logUniform(20_000...8_000_000, &x.rng), places: c.precision ?? 2, length: c.length)
        case "energy_consumption": return DemoValues.decimal(DemoValues.logUniform(5...20_000, &x.rng), places: c.precision ?? 2, length: c.length)
        case "rd_expense": return money(DemoValues.logUniform(10...5_000, &x.rng), c)
        case "planting_area": return DemoValues.decimal(DemoValues.logUniform(10...8_000, &x.rng), places: c.precision ?? 2, length: c.length)
        case "output": return DemoValues.decimal(DemoValues.logUniform(10...50_000, &x.rng), places: c.precision ?? 2, length: c.length)
        case "shareholding_ratio": return DemoValues.decimal(5 + x.rng.unit() * 95, places: c.precision ?? 2, length: c.length)
        case "indicator_name": return DemoRecordTexts.indicators[x.i % DemoRecordTexts.indicators.count].name
        case "unit":
            if hasIndicator { return DemoRecordTexts.indicators[x.i % DemoRecordTexts.indicators.count].unit }
            return x.rng.pick(["个", "人", "万元", "吨", "%"])
        case "indicator_value":
            let v = DemoRecordTexts.indicators[x.i % DemoRecordTexts.indicators.count].value
            let season = 1 + 0.08 * Double(DemoValues.monthWeight[(today.month + 11 - x.i % 12) % 12] - 10) / 2
            return DemoValues.decimal(v * season * (0.97 + x.rng.unit() * 0.06), places: c.precision ?? 2, length: c.length)
        // Environment and weather, with the seasons of a subtropical city
        case "aqi", "pm25":
            let m = monthOfRow(&x)
            let winter = [1, 2, 11, 12].contains(m) ? 1.6 : [3, 10].contains(m) ? 1.2 : 0.8
            let aqi = Double(x.values["aqi"] ?? "") ?? (28 + x.rng.unit() * 55 * winter)
            return c.name == "aqi" ? String(Int(aqi)) : DemoValues.decimal(aqi * (0.5 + x.rng.unit() * 0.2), places: c.precision ?? 1, length: c.length)
        case "temperature":
            let mean = [13.5, 15.0, 18.2, 22.6, 26.1, 28.0, 29.1, 28.7, 27.4, 24.4, 19.8, 15.3][monthOfRow(&x) - 1]
            let hour = Double(timeOfRow(&x) % 86_400 / 3600)
            let daily = -3.5 * cosine((hour - 3) / 24)
            return DemoValues.decimal(mean + daily + (x.rng.unit() - 0.5) * 2, places: c.precision ?? 1, length: c.length)
        case "humidity": return String(55 + x.rng.int(40))
        case "wind_speed": return DemoValues.decimal(0.3 + x.rng.unit() * x.rng.unit() * 7, places: c.precision ?? 1, length: c.length)
        case "rainfall":
            let wet = (4...9).contains(monthOfRow(&x))
            return x.rng.int(10) < (wet ? 4 : 1)
                ? DemoValues.decimal(DemoValues.logUniform(0.2...40, &x.rng), places: c.precision ?? 1, length: c.length)
                : DemoValues.decimal(0, places: c.precision ?? 1, length: c.length)
        case "water_level": return DemoValues.decimal(1.8 + x.rng.unit() * 3.5, places: c.precision ?? 2, length: c.length)
        // Buses
        case "vehicle_id": return DemoBusFleet.vehicleID(x.streamSlot.entity)
        case "line_no":
            return isBus
                ? DemoBusFleet.routes[x.bus().route].line
                : DemoBusFleet.routes[(keyed ? n : x.rng.int(1000)) % DemoBusFleet.routes.count].line
                    + (keyed && n >= DemoBusFleet.routes.count ? "-\(n / DemoBusFleet.routes.count)" : "")
        case "route_name":
            let r = DemoBusFleet.routes[(Int(x.values["line_no"]?.filter(\.isNumber).prefix(3) ?? "") ?? n) % DemoBusFleet.routes.count]
            return r.stops.first!.name + "—" + r.stops.last!.name
        case "speed":
            if isBus { return DemoValues.decimal(x.bus().speed, places: c.precision ?? 2, length: c.length) }
            return DemoValues.decimal(x.rng.unit() * 60, places: c.precision ?? 2, length: c.length)
        case "direction":
            if isBus { return String(x.bus().heading) }
            return String(x.rng.int(360))
        case "stop_name":
            if isBus { return x.bus().stop }
            return x.rng.pick(x.rng.pick(DemoBusFleet.routes).stops).name
        case "operator_name": return x.rng.pick(DemoRecordTexts.busOperators)
        default:
            return DemoRecordTexts.text(c.name, district: DemoFoshan.districts[x.district()], departmentName: departmentName, resourceName: resourceName, &x)
        }
    }

    var hasCompanyColumns: Bool { hasCompany }

    /// `day` at `seconds`, but not after the generator's clock when `day` is today.
    func pastStamp(_ day: CivilDate, _ seconds: Int) -> String {
        DemoValues.stamp(day, seconds: day == today ? min(seconds, now - today.daysSinceEpoch * 86_400) : seconds)
    }

    func money(_ v: Double, _ c: RecordLayout.Column) -> String { DemoValues.decimal(v, places: c.precision ?? 2, length: c.length) }

    /// YYYYMM, `k` months before this one.
    func monthsBack(_ k: Int) -> String {
        var y = today.year, m = today.month - k
        while m < 1 { m += 12; y -= 1 }
        return demoPad(y, 4) + demoPad(m, 2)
    }

    func timeOfRow(_ x: inout DemoRowContext) -> Int {
        if stream != nil { return x.streamSlot.time }
        return x.event().daysSinceEpoch * 86_400 + DemoValues.officeSeconds(&x.rng)
    }

    func monthOfRow(_ x: inout DemoRowContext) -> Int {
        let t = timeOfRow(&x)
        return CivilDate(daysSinceEpoch: t >= 0 ? t / 86_400 : (t - 86_399) / 86_400).month
    }

    /// cos(2πt), by a short series (no Foundation in the core's demo).
    func cosine(_ t: Double) -> Double {
        var a = (t - t.rounded(.down)) * 2 * Double.pi
        if a > Double.pi { a -= 2 * Double.pi }
        let a2 = a * a
        return 1 - a2 / 2 + a2 * a2 / 24 - a2 * a2 * a2 / 720 + a2 * a2 * a2 * a2 / 40_320 - a2 * a2 * a2 * a2 * a2 / 3_628_800
    }

    /// Anything else: by type.
    func generic(_ c: RecordLayout.Column, _ x: inout DemoRowContext) -> String {
        switch c.type {
        case .D: return x.event().iso
        case .T: return pastStamp(x.event(), DemoValues.officeSeconds(&x.rng))
        case .I: return String(Int(DemoValues.logUniform(1...2_000, &x.rng)))
        case .N, .Y: return DemoValues.decimal(DemoValues.logUniform(1...100_000, &x.rng), places: c.precision ?? 2, length: c.length)
        case .F, .B: return DemoValues.decimal(x.rng.unit() * 1_000, places: min(c.precision ?? 2, 6), length: c.length)
        case .L: return x.rng.int(5) == 0 ? "false" : "true"
        case .C, .M, .G: return c.required || c.primaryKey ? x.typed(c) : ""
        }
    }
}
