/// A verification service (核验服务): the consumer sends a few parameters and gets back a
/// status — yes/no, a count band or a category — instead of the records themselves.
///
/// The server evaluates the predicate in SQL against the provider's record store; this type
/// only describes it and checks it. JSON form, e.g. 首套房核验 (does the person own a valid
/// property record?):
///
/// ```json
/// {"parameters": [{"name": "id_number", "type": "C"}],
///  "predicate": {"exists": {"where": [
///      {"column": "owner_id", "op": "eq", "param": "id_number"},
///      {"column": "status", "op": "eq", "value": "有效"}]}},
///  "answer": "yesNo"}
/// ```
///
/// Predicates: `{"exists":{"where":[…]}}`, `{"count":{"where":[…],"op":"gte","value":2}}`,
/// `{"anyOf":[…]}`, `{"allOf":[…]}`, `{"not":{…}}`. A comparison's operand is `"param":"x"`
/// (a parameter of the call) or `"value":"y"` (a constant). Answers: `"yesNo"`,
/// `{"countBand":{"where":[…],"bands":[0,1,2,5]}}` ("0", "1", "2-4", "5+"), and
/// `{"category":{"cases":[{"label":"eligible","when":{…}}],"otherwise":"ineligible"}}`.
public struct VerificationSpec: Codable, Hashable, Sendable {
    /// The call's parameters; every one is required.
    public var parameters: [Parameter]
    /// What is checked; its truth is the `yesNo` answer.
    public var predicate: Predicate
    public var answer: Answer

    public init(parameters: [Parameter], predicate: Predicate, answer: Answer = .yesNo) {
        self.parameters = parameters; self.predicate = predicate; self.answer = answer
    }

    public struct Parameter: Codable, Hashable, Sendable {
        public var name: String
        public var type: DataType
        public init(name: String, type: DataType) { self.name = name; self.type = type }
    }

    public indirect enum Predicate: Codable, Hashable, Sendable {
        /// Some row matches all comparisons.
        case exists(where: [Comparison])
        /// The number of matching rows, compared with a number.
        case count(where: [Comparison], op: CountOp, value: Int)
        case anyOf([Predicate]), allOf([Predicate]), not(Predicate)
    }

    /// `column op operand` on one row.
    public struct Comparison: Codable, Hashable, Sendable {
        public var column: String
        public var op: CompareOp
        public var operand: Operand
        public init(column: String, op: CompareOp, operand: Operand) { self.column = column; self.op = op; self.operand = operand }
    }

    public enum CompareOp: String, Codable, Sendable, CaseIterable { case eq, ne, gt, gte, lt, lte }
    public enum CountOp: String, Codable, Sendable, CaseIterable { case eq, ne, gt, gte, lt, lte }

    /// The right-hand side of a comparison: a call parameter by name, or a constant (canonical
    /// for the column's type once `canonicalized(layout:)` has run).
    public enum Operand: Codable, Hashable, Sendable { case parameter(String), constant(String) }

    /// What the consumer is told.
    public enum Answer: Codable, Hashable, Sendable {
        /// Whether the predicate holds.
        case yesNo
        /// The number of matching rows as a band; `bands` are ascending lower bounds starting at 0.
        case countBand(where: [Comparison], bands: [Int])
        /// The label of the first case whose predicate holds, else `otherwise`.
        case category(cases: [CategoryCase], otherwise: String)
    }

    public struct CategoryCase: Codable, Hashable, Sendable {
        public var label: String
        public var predicate: Predicate
        public init(label: String, predicate: Predicate) { self.label = label; self.predicate = predicate }
    }

    /// The label of `count` among `bands` (ascending lower bounds): with [0, 1, 2, 5],
    /// 0 → "0", 1 → "1", 3 → "2-4", 9 → "5+". Empty bands are read as [0].
    public static func bandLabel(_ count: Int, bands: [Int]) -> String {
        let bands = bands.isEmpty ? [0] : bands
        let index = bands.lastIndex { $0 <= count } ?? 0
        let low = bands[index]
        guard index + 1 < bands.count else { return "\(low)+" }
        let high = bands[index + 1] - 1
        return high <= low ? "\(low)" : "\(low)-\(high)"
    }

    /// Every column the predicate and the answer read, for the SQL and for checking the layout.
    public var usedColumns: Set<String> {
        var columns = predicate.usedColumns
        switch answer {
        case .yesNo: break
        case .countBand(let comparisons, _): columns.formUnion(comparisons.map(\.column))
        case .category(let cases, _): for c in cases { columns.formUnion(c.predicate.usedColumns) }
        }
        return columns
    }
}

extension VerificationSpec.Predicate {
    public var usedColumns: Set<String> {
        switch self {
        case .exists(let comparisons), .count(let comparisons, _, _): Set(comparisons.map(\.column))
        case .anyOf(let all), .allOf(let all): all.reduce(into: Set<String>()) { $0.formUnion($1.usedColumns) }
        case .not(let inner): inner.usedColumns
        }
    }
}
