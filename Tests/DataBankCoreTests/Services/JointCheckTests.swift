import DataBankCore
import Foundation
import Testing

@Suite("Joint checks: definitions, applicants and the combined answer")
struct JointCheckTests {
    static let today = CivilDate(year: 2026, month: 12, day: 6)!

    static let residence = VerificationSpec(
        parameters: [.init(name: "id_number", type: .C)],
        predicate: .exists(where: [.init(column: "id_number", op: .eq, operand: .parameter("id_number"))]))
    static let insurance = VerificationSpec(
        parameters: [.init(name: "person", type: .C), .init(name: "months", type: .N)],
        predicate: .exists(where: [.init(column: "person_id", op: .eq, operand: .parameter("person"))]))
    static let services = ["residence-1y": residence, "insurance-12m": insurance]

    static func check(rule: JointCheck.Rule = .allPass, steps: [JointCheck.Step]? = nil) -> JointCheck {
        JointCheck(
            code: "school-admission", name: "积分入学资格联审",
            form: [.init(name: "id_number", label: "公民身份号码", labelEn: "Resident ID", kind: .residentID), .init(name: "name", label: "姓名", required: false)],
            steps: steps ?? [
                .init(service: "residence-1y", params: ["id_number": .field("id_number")], points: ["yes": 40]),
                .init(service: "insurance-12m", params: ["person": .field("id_number"), "months": .value("12")], points: ["yes": 30])
            ], rule: rule)
    }

    @Test func aSoundDefinitionHasNoProblems() {
        #expect(Self.check().problems(services: Self.services).isEmpty)
        #expect(Self.check(rule: .points(threshold: 60)).problems(services: Self.services).isEmpty)
    }

    /// A service that no longer exists, a parameter the form does not give, one the service lacks, a
    /// field the form lacks: each named by its path.
    @Test func aDefinitionsProblemsAreNamedByTheirPaths() {
        let steps: [JointCheck.Step] = [
            .init(service: "gone", params: [:]),
            .init(service: "insurance-12m", params: ["person": .field("passport"), "colour": .value("red")])
        ]
        let problems = Self.check(rule: .points(threshold: 500), steps: steps).problems(services: Self.services)
        #expect(
            Set(problems.map(\.field)) == [
                "steps[0].service", "steps[1].params.person", "steps[1].params.months", "steps[1].params.colour", "rule.points.threshold"
            ])
        #expect(problems.first { $0.field == "steps[0].service" }?.code == "unknown_service")
        #expect(problems.first { $0.field == "steps[1].params.months" }?.code == "unmapped_parameter")
        #expect(problems.first { $0.field == "steps[1].params.person" }?.code == "unknown_field")
    }

    @Test func moreThanSixteenServicesAreRefused() {
        let steps = (0..<17).map { JointCheck.Step(service: "s\($0)", params: ["id_number": .field("id_number")]) }
        let services = Dictionary(uniqueKeysWithValues: (0..<17).map { ("s\($0)", Self.residence) })
        #expect(Self.check(steps: steps).problems(services: services).map(\.field) == ["steps"])
    }

    /// A malformed resident ID is refused at its field before any department is asked; an unknown
    /// field too; an optional field may be left out.
    @Test func anApplicantsFormIsCheckedFieldByField() {
        let good = DemoPeople.residentID(7)
        let checked = Self.check().checkApplicant(["id_number": " \(good) "], today: Self.today)
        #expect(checked.values == ["id_number": good] && checked.problems.isEmpty)
        var bad = good
        bad.removeLast()
        bad += bad.last == "1" ? "2" : "1"
        let problems = Self.check().checkApplicant(["id_number": bad, "hobby": "chess"], today: Self.today).problems
        #expect(problems.map(\.field) == ["applicant.id_number", "applicant.hobby"])
        #expect(Self.check().checkApplicant([:], today: Self.today).problems.map(\.code) == ["required"])
    }

    @Test func parametersComeFromTheFormOrAreConstants() {
        let c = Self.check()
        #expect(c.parameters(of: c.steps[1], applicant: ["id_number": "X"]) == ["person": "X", "months": "12"])
        #expect(c.parameters(of: c.steps[1], applicant: [:]) == nil)
    }

    /// All must pass: one failure decides it; a step without an answer (no grant) is never a pass.
    @Test func allPassIsFailedByOneFailureAndIncompleteWithoutAnAnswer() {
        let c = Self.check()
        #expect(c.combine([.answer("yes"), .answer("yes")]).result == "passed")
        #expect(c.combine([.answer("yes"), .answer("no")]).result == "failed")
        #expect(c.combine([.unanswered(code: "no_grant"), .answer("yes")]).result == "incomplete")
        #expect(c.combine([.unanswered(code: "no_grant"), .answer("no")]).result == "failed")
        #expect(c.combine([.unanswered(code: "no_grant"), .answer("yes")]).passed == [nil, true])
    }

    /// Points: passed once the threshold is reached, failed when even the unanswered steps' best could
    /// not reach it, else incomplete.
    @Test func pointsAreAddedAgainstTheThreshold() {
        let c = Self.check(rule: .points(threshold: 60))
        #expect(c.combine([.answer("yes"), .answer("yes")]) == .init(result: "passed", passed: [true, true], points: 70, threshold: 60))
        #expect(c.combine([.answer("yes"), .answer("no")]).result == "failed")
        #expect(c.combine([.answer("yes"), .unanswered(code: "no_grant")]).result == "incomplete")
        #expect(c.combine([.answer("no"), .unanswered(code: "no_grant")]).result == "failed")
    }

    @Test func theDefinitionReadsAndWritesItsJSONForm() throws {
        let json = """
            {"code":"school-admission","name":"积分入学资格联审","form":[{"name":"id_number","label":"公民身份号码","kind":"residentID"}],
             "steps":[{"service":"residence-1y","params":{"id_number":{"field":"id_number"}},"points":{"yes":30}}],
             "rule":{"points":{"threshold":30}}}
            """
        let c = try JSONDecoder().decode(JointCheck.self, from: Data(json.utf8))
        #expect(c.form[0].required && c.form[0].kind == .residentID && c.rule == .points(threshold: 30))
        #expect(try JSONDecoder().decode(JointCheck.self, from: JSONEncoder().encode(c)) == c)
        let allPass = try JSONDecoder().decode(JointCheck.Rule.self, from: Data("{\"allPass\":{}}".utf8))
        #expect(allPass == .allPass)
    }
}
