/// Applies a grant's mask rules to values on their way to a consumer.
///
/// Pure and crypto-free: pseudonyms come from a closure the server supplies (a keyed HMAC),
/// so the token format, the key and its rotation are the server's decision. Masks work on
/// `Character`s, so 张三丰 is three characters, not nine bytes.
public enum Masker {
    /// The value as the consumer sees it.
    ///
    /// - Parameters:
    ///   - rule: the column's rule under the grant.
    ///   - value: the canonical stored text (nil: no value).
    ///   - pseudonym: called once with the canonical value when the rule is `.pseudonym`; for
    ///     `perConsumer` the server's closure must already include the consumer in its key.
    ///   - today: the reference day for `.generalize(.ageBand)` of a birth date.
    /// - Returns: nil for nil (except that `.suppress` is always nil), and nil when a value cannot
    ///   be generalized: a value that does not fit its rule is withheld, never shown as it is.
    public static func apply(_ rule: MaskRule, to value: String?, pseudonym: (String) -> String, today: CivilDate) -> String? {
        guard let value else { return nil }
        switch rule {
        case .clear: return value
        case .suppress: return nil
        case .pseudonym: return pseudonym(value)
        case .mask(let kind): return mask(value, as: kind)
        case .generalize(let to): return generalize(value, to: to, today: today)
        }
    }

    /// One value under one display mask (§3). Lengths are kept except for email, whose local
    /// part always shows as `***` so its length does not leak either.
    public static func mask(_ value: String, as kind: MaskKind) -> String {
        let chars = Array(value)
        if chars.isEmpty { return value }
        // Too short to show any part of it safely (a name keeps its surname: 张*).
        if chars.count <= 2 && kind != .name { return stars(chars.count) }
        switch kind {
        case .name: return chars.count == 1 ? "*" : String(chars[0]) + stars(chars.count - 1)
        case .residentID: return keep(chars, first: 1, last: 2)
        case .mobile: return keep(chars, first: 3, last: 4)
        case .landline: return keep(chars, first: 4, last: 2)
        case .bankCard: return keep(chars, first: 4, last: 4)
        case .plate: return keep(chars, first: 3, last: 1)  // §3: 粤E4***0
        case .address:
            return chars.count > 8 ? String(chars.dropLast(8)) + stars(8) : keep(chars, first: 1, last: 0)
        case .email:
            guard let at = chars.lastIndex(of: "@"), at > 0 else { return keep(chars, first: 1, last: 0) }
            return String(chars[0]) + "***" + String(chars[at...])
        }
    }

    /// Keeps `first` and `last` characters and stars the middle; when that would show (nearly)
    /// everything, keeps only the first character.
    static func keep(_ chars: [Character], first: Int, last: Int) -> String {
        guard chars.count > first + last else { return String(chars[0]) + stars(chars.count - 1) }
        return String(chars.prefix(first)) + stars(chars.count - first - last) + String(chars.suffix(last))
    }

    static func stars(_ n: Int) -> String { String(repeating: "*", count: max(n, 0)) }
}
