/// What a warning rule needs of a record's surroundings, and its verdict on one record.
public struct WarningCheck: Sendable {
    public let rule: WarningRule
    public let compiled: CompiledRule

    public init(rule: WarningRule, compiled: CompiledRule) { self.rule = rule; self.compiled = compiled }

    /// How many previous records any history function reads (0: the rule reads the record alone).
    public var depth: Int {
        compiled.inputs.reduce(0) { n, input in if case .history(_, _, let c) = input { max(n, c) } else { n } }
    }

    /// The other resources the rule looks values up in: (resource, column there, this record's column).
    public var listings: [(resource: String, column: String, value: String)] {
        compiled.inputs.compactMap { if case .listed(let r, let c, let v) = $0 { (r, c, v) } else { nil } }
    }

    /// The columns of a changed record the rule reads: its inputs', the entity's, the order's, the shown.
    public var recordColumns: Set<String> {
        var out = Set(rule.entity + (rule.show ?? []) + (rule.order.map { [$0] } ?? []))
        for input in compiled.inputs {
            switch input {
            case .column(let c): out.insert(c)
            case .listed(_, _, let v): out.insert(v)
            case .history: break
            }
        }
        return out
    }

    /// The check over records read as slots: the values of `names` (the columns the store's rules read) by
    /// position. Each input's, the entity's and the shown columns' slots are found once, so a record is read
    /// by index — a step evaluates tens of thousands of records, and looking each member up by name (a
    /// dictionary a record) cost the evaluator more than the rules themselves.
    public struct Slotted: Sendable {
        public let check: WarningCheck
        /// The record's columns, in slot order.
        public let names: [String]
        private let slotOf: [String: Int]
        /// Each input's slot: a column's, a listing's looked-up value's; nil for a history function.
        private let inputSlots: [Int?]
        /// The rule's `show` columns, then the entity's, as the warning carries them.
        private let carried: [(name: String, slot: Int?)]
        private let entitySlots: [Int?]

        public init(_ check: WarningCheck, slots names: [String]) {
            self.check = check
            self.names = names
            let slotOf = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            self.slotOf = slotOf
            inputSlots = check.compiled.inputs.map { input in
                switch input {
                case .column(let c): slotOf[c]
                case .listed(_, _, let v): slotOf[v]
                case .history: nil
                }
            }
            carried = ((check.rule.show ?? []) + check.rule.entity).map { ($0, slotOf[$0]) }
            entitySlots = check.rule.entity.map { slotOf[$0] }
        }

        /// Column `name`'s slot, nil when the records do not hold it.
        public func slot(_ name: String) -> Int? { slotOf[name] }

        /// The entity's key text: its columns' values joined by `|`.
        public func entity(of record: [String?]) -> String { entitySlots.map { $0.flatMap { record[$0] } ?? "" }.joined(separator: "|") }

        /// The inputs' values for one record: its columns, the history functions over `past` (the
        /// entity's previous records, most recent first), and whether each listed value was found
        /// (`listed(input, value)`: the input's number among the rule's inputs).
        public func values(_ record: [String?], past: [[String: String]], listed: (Int, String) -> Bool) -> [String?] {
            check.compiled.inputs.enumerated().map { i, input in
                switch input {
                case .column: inputSlots[i].flatMap { record[$0] }
                case .history(let f, let c, let n): f.apply(past.map { c.isEmpty ? "" : $0[c] }, count: n)
                case .listed: inputSlots[i].flatMap { record[$0] }.map { listed(i, $0) ? "true" : "false" }
                }
            }
        }

        /// Whether the record fires the rule, and the values that made it: each input as the condition
        /// names it (`kwh`, `avg_prior(kwh, 3)`) with the column it comes from, then the rule's `show` columns
        /// and the entity's.
        public func fires(_ record: [String?], past: [[String: String]], today: CivilDate, listed: (Int, String) -> Bool) -> [WarningValue]? {
            let values = values(record, past: past, listed: listed)
            guard check.compiled.evaluate(today: today, { values[$0] }) == true else { return nil }
            var out: [WarningValue] = []
            var named = Set<String>()
            func add(_ name: String, _ column: String, _ value: String?) {
                guard let value, named.insert(name).inserted else { return }
                out.append(WarningValue(name: name, column: column, value: value))
            }
            for (name, (input, value)) in zip(check.compiled.columns, zip(check.compiled.inputs, values)) { add(name, input.sourceColumn, value) }
            for (c, slot) in carried { add(c, c, slot.flatMap { record[$0] }) }
            return out
        }
    }
}
