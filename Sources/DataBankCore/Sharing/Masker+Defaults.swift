extension Masker {
    /// The rule a column gets when a grant says nothing about it.
    ///
    /// Public and internal items are shown as stored. Sensitive and secret items are masked by
    /// what they mean; one whose meaning has no mask is withheld, since there is no safe partial form.
    public static func defaultRule(semantic: SemanticKind, sensitivity: Sensitivity) -> MaskRule {
        guard sensitivity >= .sensitive else { return .clear }
        switch semantic {
        case .personName: return .mask(.name)
        case .residentID: return .mask(.residentID)
        case .mobile: return .mask(.mobile)
        case .landline: return .mask(.landline)
        case .address: return .mask(.address)
        case .email: return .mask(.email)
        case .plate: return .mask(.plate)
        case .date: return .generalize(.year)
        case .plain, .creditCode, .regionCode, .postalCode: return .suppress
        }
    }

    /// How much of the value a rule reveals: suppress < pseudonym < generalize < mask < clear.
    /// A pseudonym reveals no value, only that two rows share one.
    static func revealRank(_ rule: MaskRule) -> Int {
        switch rule {
        case .suppress: 0
        case .pseudonym: 1
        case .generalize: 2
        case .mask: 3
        case .clear: 4
        }
    }

    /// Generalizations of a date, from coarsest to finest; `district` stands apart.
    static let dateGeneralizations: [Generalization] = [.ageBand, .year, .yearMonth]

    /// Whether `rule` reveals more than `defaultRule`; the server then requires a recorded reason.
    ///
    /// Across families the order is suppress < pseudonym < generalize < mask < clear. Within a
    /// family: a shared pseudonym reveals more than a per-consumer one (it links consumers' copies),
    /// yearMonth more than year more than ageBand; any other change of mask kind or
    /// generalization is counted as unmasking, because when in doubt a reason is cheap.
    public static func isUnmasking(_ rule: MaskRule, comparedTo defaultRule: MaskRule) -> Bool {
        let (rank, reference) = (revealRank(rule), revealRank(defaultRule))
        if rank != reference { return rank > reference }
        switch (rule, defaultRule) {
        case (.pseudonym(let perConsumer), .pseudonym(let wasPerConsumer)):
            return wasPerConsumer && !perConsumer
        case (.generalize(let to), .generalize(let was)):
            guard to != was else { return false }
            guard let a = dateGeneralizations.firstIndex(of: to), let b = dateGeneralizations.firstIndex(of: was) else { return true }
            return a > b
        case (.mask(let kind), .mask(let was)):
            return kind != was
        default:
            return false
        }
    }
}
