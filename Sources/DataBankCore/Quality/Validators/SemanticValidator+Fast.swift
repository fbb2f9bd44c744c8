/// Byte-level acceptance of the common, valid case: a value that passes here passes the full
/// check too, which is only run (on `Character`s, with its precise messages) when this says no.
/// Validation of a million rows spends its time on valid values, so they must be cheap.
extension SemanticValidator {
    /// True when `value` is certainly valid as `kind`; false means "run the full check".
    static func quicklyValid(_ value: String, as kind: SemanticKind, today: CivilDate) -> Bool {
        var value = value
        return value.withUTF8 { b in
            switch kind {
            case .residentID: return quickResidentID(b, today: today)
            case .creditCode: return quickCreditCode(b)
            case .mobile: return b.count == 11 && b[0] == 0x31 && (0x33...0x39).contains(b[1]) && allDigits(b, 0..<11)
            case .regionCode: return b.count == 6 && allDigits(b, 0..<6) && RegionCodes.numeric.contains(number(b, 0..<6))
            case .postalCode: return b.count == 6 && allDigits(b, 0..<6) && (1...86).contains(number(b, 0..<2))
            default: return false
            }
        }
    }

    static func allDigits(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool { r.allSatisfy { b[$0] &- 0x30 < 10 } }
    static func number(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + Int(b[$1] - 0x30) } }

    static func quickResidentID(_ b: UnsafeBufferPointer<UInt8>, today: CivilDate) -> Bool {
        guard b.count == 18, allDigits(b, 0..<17), b[17] == 0x58 || b[17] &- 0x30 < 10 else { return false }
        guard RegionCodes.numeric.contains(number(b, 0..<6)),
              let birth = CivilDate(year: number(b, 6..<10), month: number(b, 10..<12), day: number(b, 12..<14)),
              birth.year >= 1900, birth <= today else { return false }
        var s = 0
        for i in 0..<17 { s += Int(b[i] - 0x30) * idWeights[i] }
        return idCheckBytes[s % 11] == b[17]
    }

    static let idCheckBytes: [UInt8] = Array("10X98765432".utf8)

    /// Alphabet value of each ASCII byte (-1: not in the alphabet).
    static let usccByteValue: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, ch) in usccAlphabet.enumerated() { t[Int(ch.asciiValue!)] = Int8(i) }
        return t
    }()

    /// For each authority byte, the entity-type bytes it may assign.
    static let usccTypeBytes: [UInt8: Set<UInt8>] = Dictionary(uniqueKeysWithValues: usccTypes.map { k, v in
        (k.asciiValue!, Set(v.map { $0.asciiValue! }))
    })

    static func quickCreditCode(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count == 18 else { return false }
        var s = 0
        for i in 0..<17 {
            let v = usccByteValue[Int(b[i])]
            guard v >= 0 else { return false }
            s += Int(v) * usccWeights[i]
        }
        guard usccByteValue[Int(b[17])] >= 0, usccTypeBytes[b[0]]?.contains(b[1]) == true, allDigits(b, 2..<8) else { return false }
        let region = number(b, 2..<8)
        guard region == 100_000 || RegionCodes.numeric.contains(region) else { return false }
        var o = 0
        for i in 0..<8 {
            let ch = b[8 + i]
            o += (ch &- 0x30 < 10 ? Int(ch - 0x30) : Int(ch) - 55) * orgWeights[i]
        }
        let check = 11 - o % 11
        let org: UInt8 = check == 10 ? 0x58 : check == 11 ? 0x30 : UInt8(0x30 + check)
        guard b[16] == org else { return false }
        return b[17] == usccAlphabet[(31 - s % 31) % 31].asciiValue!
    }
}

extension RegionCodes {
    /// The table's codes as numbers, for byte-level checks.
    static let numeric: Set<Int> = Set(table.keys.compactMap { Int($0) })
}
