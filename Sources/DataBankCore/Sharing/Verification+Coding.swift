// The friendly JSON form documented on `VerificationSpec`: one key per predicate, operands
// written inline as `"param"` or `"value"`, and the plain string "yesNo" for the simplest answer.

extension VerificationSpec {
    private enum CodingKeys: String, CodingKey { case parameters, predicate, answer }

    /// `parameters` may be left out (no parameters) and `answer` too (yes/no).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        parameters = try c.decodeIfPresent([Parameter].self, forKey: .parameters) ?? []
        predicate = try c.decode(Predicate.self, forKey: .predicate)
        answer = try c.decodeIfPresent(Answer.self, forKey: .answer) ?? .yesNo
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(parameters, forKey: .parameters); try c.encode(predicate, forKey: .predicate); try c.encode(answer, forKey: .answer)
    }
}

/// A decoding error at the decoder's current path.
private func corrupted(_ decoder: any Decoder, _ why: String) -> DecodingError {
    .dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: why))
}

extension VerificationSpec.Predicate {
    private enum Key: String, CodingKey { case exists, count, anyOf, allOf, not }
    private enum BodyKey: String, CodingKey { case `where`, op, value }

    public init(from decoder: any Decoder) throws {
        // Bounded here so a hostile document cannot recurse without limit; `problems` enforces the real limit.
        guard decoder.codingPath.count <= 64 else { throw corrupted(decoder, "Predicate nested too deeply") }
        let c = try decoder.container(keyedBy: Key.self)
        guard c.allKeys.count == 1, let key = c.allKeys.first else {
            throw corrupted(decoder, "A predicate has exactly one key: exists, count, anyOf, allOf or not")
        }
        switch key {
        case .exists:
            let body = try c.nestedContainer(keyedBy: BodyKey.self, forKey: .exists)
            self = .exists(where: try body.decode([VerificationSpec.Comparison].self, forKey: .where))
        case .count:
            let body = try c.nestedContainer(keyedBy: BodyKey.self, forKey: .count)
            self = .count(where: try body.decode([VerificationSpec.Comparison].self, forKey: .where),
                          op: try body.decode(VerificationSpec.CountOp.self, forKey: .op), value: try body.decode(Int.self, forKey: .value))
        case .anyOf: self = .anyOf(try c.decode([Self].self, forKey: .anyOf))
        case .allOf: self = .allOf(try c.decode([Self].self, forKey: .allOf))
        case .not: self = .not(try c.decode(Self.self, forKey: .not))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .exists(let comparisons):
            var body = c.nestedContainer(keyedBy: BodyKey.self, forKey: .exists)
            try body.encode(comparisons, forKey: .where)
        case .count(let comparisons, let op, let value):
            var body = c.nestedContainer(keyedBy: BodyKey.self, forKey: .count)
            try body.encode(comparisons, forKey: .where); try body.encode(op, forKey: .op); try body.encode(value, forKey: .value)
        case .anyOf(let all): try c.encode(all, forKey: .anyOf)
        case .allOf(let all): try c.encode(all, forKey: .allOf)
        case .not(let inner): try c.encode(inner, forKey: .not)
        }
    }
}

extension VerificationSpec.Operand {
    fileprivate enum Key: String, CodingKey { case param, value }

    fileprivate init(from c: KeyedDecodingContainer<Key>, decoder: any Decoder) throws {
        switch (try c.decodeIfPresent(String.self, forKey: .param), try c.decodeIfPresent(String.self, forKey: .value)) {
        case (let name?, nil): self = .parameter(name)
        case (nil, let constant?): self = .constant(constant)
        default: throw corrupted(decoder, "An operand is either \"param\" or \"value\"")
        }
    }

    fileprivate func encode(to c: inout KeyedEncodingContainer<Key>) throws {
        switch self {
        case .parameter(let name): try c.encode(name, forKey: .param)
        case .constant(let constant): try c.encode(constant, forKey: .value)
        }
    }

    /// On its own: `{"param":"x"}` or `{"value":"y"}`.
    public init(from decoder: any Decoder) throws { try self.init(from: try decoder.container(keyedBy: Key.self), decoder: decoder) }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try encode(to: &c)
    }
}

extension VerificationSpec.Comparison {
    private enum Key: String, CodingKey { case column, op }

    /// `{"column":"owner_id","op":"eq","param":"id_number"}`: the operand's key sits beside the column's.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        column = try c.decode(String.self, forKey: .column)
        op = try c.decodeIfPresent(VerificationSpec.CompareOp.self, forKey: .op) ?? .eq
        operand = try VerificationSpec.Operand(from: try decoder.container(keyedBy: VerificationSpec.Operand.Key.self), decoder: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(column, forKey: .column); try c.encode(op, forKey: .op)
        var operandContainer = encoder.container(keyedBy: VerificationSpec.Operand.Key.self)
        try operand.encode(to: &operandContainer)
    }
}

extension VerificationSpec.Answer {
    private enum Key: String, CodingKey { case countBand, category }
    private enum BodyKey: String, CodingKey { case `where`, bands, cases, otherwise }

    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            guard text == "yesNo" else { throw corrupted(decoder, "Unknown answer \(text); \"yesNo\", countBand or category") }
            self = .yesNo
            return
        }
        let c = try decoder.container(keyedBy: Key.self)
        if c.contains(.countBand) {
            let body = try c.nestedContainer(keyedBy: BodyKey.self, forKey: .countBand)
            self = .countBand(where: try body.decode([VerificationSpec.Comparison].self, forKey: .where),
                              bands: try body.decode([Int].self, forKey: .bands))
        } else if c.contains(.category) {
            let body = try c.nestedContainer(keyedBy: BodyKey.self, forKey: .category)
            self = .category(cases: try body.decode([VerificationSpec.CategoryCase].self, forKey: .cases),
                             otherwise: try body.decode(String.self, forKey: .otherwise))
        } else {
            throw corrupted(decoder, "An answer is \"yesNo\", {\"countBand\":…} or {\"category\":…}")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .yesNo:
            var single = encoder.singleValueContainer()
            try single.encode("yesNo")
        case .countBand(let comparisons, let bands):
            var c = encoder.container(keyedBy: Key.self)
            var body = c.nestedContainer(keyedBy: BodyKey.self, forKey: .countBand)
            try body.encode(comparisons, forKey: .where); try body.encode(bands, forKey: .bands)
        case .category(let cases, let otherwise):
            var c = encoder.container(keyedBy: Key.self)
            var body = c.nestedContainer(keyedBy: BodyKey.self, forKey: .category)
            try body.encode(cases, forKey: .cases); try body.encode(otherwise, forKey: .otherwise)
        }
    }
}

extension VerificationSpec.CategoryCase {
    private enum Key: String, CodingKey { case label, when }

    /// `{"label":"eligible","when":{…predicate…}}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        label = try c.decode(String.self, forKey: .label)
        predicate = try c.decode(VerificationSpec.Predicate.self, forKey: .when)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(label, forKey: .label); try c.encode(predicate, forKey: .when)
    }
}
