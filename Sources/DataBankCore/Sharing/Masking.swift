/// A display mask from the common Chinese masking table (catalog standard §3).
///
/// `bankCard` has no `SemanticKind`: a steward or an approver chooses it explicitly.
public enum MaskKind: String, CatalogTerm {
    case name, residentID, mobile, landline, address, email, bankCard, plate
    public var zh: String {
        ["name": "姓名", "residentID": "身份证号", "mobile": "手机号码", "landline": "固定电话", "address": "地址",
         "email": "电子邮箱", "bankCard": "银行卡号", "plate": "车牌号码"][rawValue]!
    }
    public var en: String {
        ["name": "Name", "residentID": "Resident ID", "mobile": "Mobile", "landline": "Landline", "address": "Address",
         "email": "Email", "bankCard": "Bank card", "plate": "Licence plate"][rawValue]!
    }
}

/// A coarser form of a value (GB/T 37964 "generalisation"): the value stays useful for
/// statistics but no longer singles a person out.
public enum Generalization: String, CatalogTerm {
    /// A date or date-time → its year, "1990".
    case year
    /// A date or date-time → "1990-05".
    case yearMonth
    /// An address → up to its district or county ("佛山市南海区"); a region code → its 6-digit county code.
    case district
    /// An integer age, or a birth date aged on the reference day → a 10-year band, "30-39" … "80+".
    case ageBand
    public var zh: String { ["year": "年份", "yearMonth": "年月", "district": "区县", "ageBand": "年龄段"][rawValue]! }
    public var en: String { ["year": "Year", "yearMonth": "Year and month", "district": "District", "ageBand": "Age band"][rawValue]! }
}

/// How one column's values are shown to a consumer under a grant.
///
/// JSON form (stored with the grant): `{"rule":"clear"}`, `{"rule":"mask","kind":"mobile"}`,
/// `{"rule":"generalize","to":"year"}`, `{"rule":"suppress"}`, `{"rule":"pseudonym","perConsumer":true}`.
/// Text form (query strings, HTML forms): `clear`, `mask:mobile`, `generalize:year`, `suppress`,
/// `pseudonym`, `pseudonym:consumer`.
public enum MaskRule: Codable, Hashable, Sendable {
    /// The value as stored.
    case clear
    /// A display mask (§3 table).
    case mask(MaskKind)
    case generalize(Generalization)
    /// Always null: the consumer learns only that the column exists.
    case suppress
    /// A keyed-hash token instead of the value: rows can be linked, the value cannot be read.
    /// `perConsumer`: each consumer gets different tokens, so two consumers cannot join their copies.
    case pseudonym(perConsumer: Bool)

    private enum CodingKeys: String, CodingKey { case rule, kind, to, perConsumer }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .rule) {
        case "clear": self = .clear
        case "suppress": self = .suppress
        case "mask": self = .mask(try c.decode(MaskKind.self, forKey: .kind))
        case "generalize": self = .generalize(try c.decode(Generalization.self, forKey: .to))
        case "pseudonym": self = .pseudonym(perConsumer: try c.decodeIfPresent(Bool.self, forKey: .perConsumer) ?? false)
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .rule, in: c, debugDescription: "Unknown mask rule \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .clear: try c.encode("clear", forKey: .rule)
        case .suppress: try c.encode("suppress", forKey: .rule)
        case .mask(let kind): try c.encode("mask", forKey: .rule); try c.encode(kind, forKey: .kind)
        case .generalize(let to): try c.encode("generalize", forKey: .rule); try c.encode(to, forKey: .to)
        case .pseudonym(let perConsumer): try c.encode("pseudonym", forKey: .rule); try c.encode(perConsumer, forKey: .perConsumer)
        }
    }

    /// Reads the short text form; anything else is `unknown_mask`, naming the text.
    public init(parsing text: String) throws(FieldError) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let head = parts[0], tail = parts.count == 2 ? parts[1] : nil
        switch (head, tail) {
        case ("clear", nil): self = .clear
        case ("suppress", nil): self = .suppress
        case ("pseudonym", nil): self = .pseudonym(perConsumer: false)
        case ("pseudonym", "consumer"): self = .pseudonym(perConsumer: true)
        case ("mask", let kind?) where MaskKind(rawValue: kind) != nil: self = .mask(MaskKind(rawValue: kind)!)
        case ("generalize", let to?) where Generalization(rawValue: to) != nil: self = .generalize(Generalization(rawValue: to)!)
        default:
            let forms = ["clear", "suppress", "pseudonym", "pseudonym:consumer"]
                + MaskKind.allCases.map { "mask:\($0.rawValue)" } + Generalization.allCases.map { "generalize:\($0.rawValue)" }
            throw FieldError(field: "mask", code: "unknown_mask", message: "未知的脱敏规则：“\(text)”",
                             messageEn: "Unknown mask rule \"\(text)\"; one of \(forms.joined(separator: ", "))")
        }
    }

    /// The short text form, the inverse of `init(parsing:)`.
    public var text: String {
        switch self {
        case .clear: "clear"
        case .suppress: "suppress"
        case .mask(let kind): "mask:\(kind.rawValue)"
        case .generalize(let to): "generalize:\(to.rawValue)"
        case .pseudonym(let perConsumer): perConsumer ? "pseudonym:consumer" : "pseudonym"
        }
    }

    /// A label for people, e.g. "脱敏：手机号码" / "Masked: Mobile".
    public func label(_ language: String) -> String {
        let en = language == "en"
        switch self {
        case .clear: return en ? "Clear" : "明文"
        case .suppress: return en ? "Withheld" : "不提供"
        case .mask(let kind): return en ? "Masked: \(kind.en)" : "脱敏：\(kind.zh)"
        case .generalize(let to): return en ? "Generalized: \(to.en)" : "泛化：\(to.zh)"
        case .pseudonym(let perConsumer):
            return en ? (perConsumer ? "Pseudonym (per consumer)" : "Pseudonym") : (perConsumer ? "假名（按使用方）" : "假名")
        }
    }
}
