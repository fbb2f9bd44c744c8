import Foundation
import Testing
@testable import DataBankCore

@Suite("Verification specs")
struct VerificationTests {
    typealias Spec = VerificationSpec
    let layout = RecordLayout(columns: SharingFixture.layout.columns + [.init(name: "owner_id", itemName: "权利人证件号", type: .C, length: 18)])

    /// 首套房核验: does the person own a valid property record?
    static let firstHomeJSON = """
    {"parameters": [{"name": "id_number", "type": "C"}],
     "predicate": {"exists": {"where": [
         {"column": "owner_id", "op": "eq", "param": "id_number"},
         {"column": "status", "op": "eq", "value": "有效"}]}},
     "answer": "yesNo"}
    """
    static let firstHome = Spec(parameters: [.init(name: "id_number", type: .C)], predicate: .exists(where: [
        .init(column: "owner_id", op: .eq, operand: .parameter("id_number")),
        .init(column: "status", op: .eq, operand: .constant("有效")),
    ]))

    func decode(_ json: String) throws -> Spec { try JSONDecoder().decode(Spec.self, from: Data(json.utf8)) }
    func codes(_ spec: Spec) -> [String] { spec.problems(layout: layout).map(\.code) }
    func where1(_ column: String, _ op: Spec.CompareOp, _ operand: Spec.Operand) -> [Spec.Comparison] {
        [.init(column: column, op: op, operand: operand)]
    }
    func where1(_ column: String, _ operand: Spec.Operand) -> [Spec.Comparison] { where1(column, .eq, operand) }

    /// The documented example decodes to the spec it describes and has no problems.
    @Test func documentedExample() throws {
        #expect(try decode(Self.firstHomeJSON) == Self.firstHome)
        #expect(Self.firstHome.problems(layout: layout).isEmpty)
    }

    /// Every predicate and answer form survives a JSON round trip.
    @Test func roundTrip() throws {
        let inner = Spec.Predicate.count(where: where1("count", .gte, .constant("2")), op: .gte, value: 2)
        let spec = Spec(parameters: [.init(name: "id_number", type: .C), .init(name: "since", type: .D)],
                        predicate: .anyOf([.allOf([Self.firstHome.predicate, .not(inner)]), inner]),
                        answer: .category(cases: [.init(label: "eligible", predicate: .not(inner))], otherwise: "ineligible"))
        let data = try JSONEncoder().encode(spec)
        #expect(try JSONDecoder().decode(Spec.self, from: data) == spec)
        let bands = Spec(parameters: [], predicate: inner, answer: .countBand(where: where1("status", .ne, .constant("注销")), bands: [0, 1, 2, 5]))
        #expect(try JSONDecoder().decode(Spec.self, from: try JSONEncoder().encode(bands)) == bands)
    }

    /// The JSON reads as documented: one key per predicate, operands inline, "yesNo" as a plain string.
    @Test func readableJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(Self.firstHome), as: UTF8.self)
        #expect(text.contains(#"{"exists":{"where":[{"column":"owner_id","op":"eq","param":"id_number"}"#))
        #expect(text.contains(#""answer":"yesNo""#))
        #expect(text.contains(#""value":"有效""#))
    }

    /// Malformed JSON is refused: two predicate keys, an operand that is both or neither, an unknown answer.
    @Test(arguments: [
        #"{"predicate":{"exists":{"where":[]},"not":{"exists":{"where":[]}}}}"#,
        #"{"predicate":{"exists":{"where":[{"column":"a","op":"eq","param":"x","value":"y"}]}}}"#,
        #"{"predicate":{"exists":{"where":[{"column":"a","op":"eq"}]}}}"#,
        #"{"predicate":{"exists":{"where":[]}},"answer":"maybe"}"#,
    ])
    func malformedJSON(_ json: String) {
        #expect(throws: DecodingError.self) { try decode(json) }
    }

    /// Parameters and the answer may be left out: no parameters, a yes/no answer.
    @Test func defaultsWhenOmitted() throws {
        let spec = try decode(#"{"predicate":{"exists":{"where":[{"column":"status","value":"有效"}]}}}"#)
        #expect(spec.parameters.isEmpty && spec.answer == .yesNo)
        #expect(spec.predicate == .exists(where: where1("status", .constant("有效"))))
    }

    /// Unknown columns and undeclared parameters are reported with the path of the field at fault.
    @Test func unknownNamesWithPaths() {
        let spec = Spec(parameters: [], predicate: .anyOf([.exists(where: where1("status", .constant("有效"))),
                                                           .not(.exists(where: where1("ghost", .parameter("p")) + where1("status", .parameter("q"))))]))
        let problems = spec.problems(layout: layout)
        #expect(problems.map(\.code) == ["unknown_item", "unknown_parameter"])
        #expect(problems.map(\.field) == ["predicate.anyOf[1].not.exists.where[0].column", "predicate.anyOf[1].not.exists.where[1].param"])
    }

    /// Declared parameters are unique and named.
    @Test func duplicateParameters() {
        let spec = Spec(parameters: [.init(name: "id_number", type: .C), .init(name: "id_number", type: .C), .init(name: "", type: .C)],
                        predicate: Self.firstHome.predicate)
        #expect(codes(spec) == ["duplicate_parameter", "required"])
    }

    /// A constant must convert to its column's type, and canonicalized() writes it canonically.
    @Test func constants() {
        let bad = Spec(parameters: [], predicate: .exists(where: where1("born", .gte, .constant("last year"))))
        #expect(codes(bad) == ["invalid_value"])
        let good = Spec(parameters: [], predicate: .exists(where: where1("born", .gte, .constant("1990/1/2"))))
        #expect(codes(good).isEmpty)
        #expect(good.canonicalized(layout: layout).predicate == .exists(where: where1("born", .gte, .constant("1990-01-02"))))
    }

    /// Count bands start at 0 and ascend strictly; a negative count is invalid.
    @Test func bandsAndCounts() {
        func spec(_ bands: [Int]) -> Spec {
            Spec(parameters: [], predicate: .exists(where: []), answer: .countBand(where: where1("status", .constant("有效")), bands: bands))
        }
        #expect(codes(spec([0, 1, 2, 5])).isEmpty)
        for bad in [[], [1, 2], [0, 2, 2], [0, 5, 3]] { #expect(codes(spec(bad)) == ["invalid_bands"], "\(bad)") }
        #expect(codes(Spec(parameters: [], predicate: .count(where: [], op: .gt, value: -1))) == ["invalid_value"])
    }

    /// Category answers need cases, labels and an otherwise label; their predicates are checked too.
    @Test func categories() {
        let spec = Spec(parameters: [], predicate: .exists(where: []),
                        answer: .category(cases: [.init(label: " ", predicate: .exists(where: where1("ghost", .constant("1"))))], otherwise: ""))
        #expect(spec.problems(layout: layout).map(\.field) == ["answer.category.cases[0].label", "answer.category.cases[0].when.exists.where[0].column",
                                                               "answer.category.otherwise"])
        #expect(codes(Spec(parameters: [], predicate: .exists(where: []), answer: .category(cases: [], otherwise: "no"))) == ["required"])
    }

    /// Nesting up to 8 levels is fine; the 9th is `too_deep` and is not walked further.
    @Test func depthLimit() {
        var predicate = Spec.Predicate.exists(where: [])
        for _ in 1..<8 { predicate = .not(predicate) }
        #expect(codes(Spec(parameters: [], predicate: predicate)).isEmpty)
        #expect(codes(Spec(parameters: [], predicate: .allOf([predicate]))) == ["too_deep"])
    }

    /// Input is converted to each parameter's canonical text.
    @Test func inputCanonical() throws {
        let spec = Spec(parameters: [.init(name: "id_number", type: .C), .init(name: "since", type: .D), .init(name: "n", type: .I)],
                        predicate: .exists(where: []))
        #expect(try spec.checkInput(["id_number": "44060519900517001X", "since": "2024/3/5", "n": " 007 "]).get()
            == ["id_number": "44060519900517001X", "since": "2024-03-05", "n": "7"])
    }

    /// A missing, unknown or ill-typed parameter is refused, naming it.
    @Test(arguments: [
        (["since": "2024-03-05"], "missing_parameter", "id_number"),
        (["id_number": "", "since": "2024-03-05"], "missing_parameter", "id_number"),
        (["id_number": "x", "since": "2024-03-05", "extra": "1"], "unknown_parameter", "extra"),
        (["id_number": "x", "since": "someday"], "invalid_value", "since"),
    ])
    func inputRefused(_ input: [String: String], _ code: String, _ field: String) {
        let spec = Spec(parameters: [.init(name: "id_number", type: .C), .init(name: "since", type: .D)], predicate: .exists(where: []))
        guard case .failure(let error) = spec.checkInput(input) else { Issue.record("accepted \(input)"); return }
        #expect(error.code == code && error.field == field)
        #expect(error.message.contains(field) && error.messageEn.contains(field))
    }

    /// Band labels: single numbers, ranges and an open top band.
    @Test(arguments: [(0, "0"), (1, "1"), (2, "2-4"), (4, "2-4"), (5, "5+"), (500, "5+")])
    func bandLabels(_ count: Int, _ label: String) {
        #expect(Spec.bandLabel(count, bands: [0, 1, 2, 5]) == label)
    }

    /// The columns used by the predicate and the answer, for the SQL.
    @Test func usedColumns() {
        let spec = Spec(parameters: [], predicate: .not(Self.firstHome.predicate),
                        answer: .countBand(where: where1("count", .constant("1")), bands: [0, 1]))
        #expect(spec.usedColumns == ["owner_id", "status", "count"])
    }
}
