import Testing
@testable import DataBankCore

/// The evaluation core: formulas over facts, schemes (weights, formulas), periods, scores and ranking.
@Suite("Evaluation core")
struct EvaluationCoreTests {
    func compileError(_ source: String) -> ExpressionError? {
        do {
            _ = try EvaluationFormula.compile(source)
            return nil
        } catch {
            return error
        }
    }

    @Test func formulasComputeOverFacts() throws {
        let f = try EvaluationFormula.compile("ratio(applications_answered_in_time, applications_due)")
        #expect(f.facts == ["applications_answered_in_time", "applications_due"])
        #expect(f.score(["applications_answered_in_time": 1, "applications_due": 4]) == 25)
        #expect(f.score(["applications_due": 0]) == 0)  // ratio of nothing is 0, never a division by zero
        let g = try EvaluationFormula.compile("if(objections_due == 0, 100, ratio(objections_settled_in_time, objections_due))")
        #expect(g.score([:]) == 100)
        #expect(g.score(["objections_due": 3, "objections_settled_in_time": 2]) == 66.67)
        #expect(try EvaluationFormula.compile("min(100, 20 * log10(1 + records_shared))").score(["records_shared": 99_999]) == 100)
        #expect(try EvaluationFormula.compile("min(100, 20 * log10(1 + records_shared))").score(["records_shared": 99]) == 40)
        #expect(try EvaluationFormula.compile("max(0, 100 - 25 * countersign_overdue)").score(["countersign_overdue": 5]) == 0)
        // Scores are clamped to 0–100.
        #expect(try EvaluationFormula.compile("consumers_served * 50").score(["consumers_served": 3]) == 100)
        #expect(try EvaluationFormula.compile("-consumers_served").score(["consumers_served": 3]) == 0)
    }

    @Test func aFormulaThatDoesNotCompileNamesThePosition() throws {
        let syntax = try #require(compileError("ratio(demands_met, demands_received"))
        #expect(syntax.code == "syntax")
        #expect(syntax.position == 35)
        #expect(syntax.fieldError("indicators[2].formula").messageEn.hasPrefix("at character 36"))
        let dangling = try #require(compileError("records_shared +"))
        #expect(dangling.code == "syntax" && dangling.position == 16)
        let string = try #require(compileError("ratio('a', demands_met)"))
        #expect(string.code == "type_mismatch" && string.position == 6)
        let function = try #require(compileError("sqrt(demands_met)"))
        #expect(function.code == "unknown_function" && function.position == 0)
        let arity = try #require(compileError("ratio(demands_met)"))
        #expect(arity.code == "arity")
    }

    @Test func anUnknownFactIsRefusedByName() throws {
        let e = try #require(compileError("ratio(demands_met, demand_received)"))
        #expect(e.code == "unknown_fact")
        #expect(e.position == 19 && e.length == 15)
        #expect(e.messageEn.contains("demand_received"))
    }

    @Test func theDefaultSchemeIsValidAndCoversTheThreeDimensions() {
        let s = EvaluationScheme.standard
        #expect(s.problems().isEmpty)
        #expect(s.indicators.count >= 12)
        #expect(s.weightSum == 100)
        #expect(s.dimensionWeight(.governance) == 40 && s.dimensionWeight(.application) == 35 && s.dimensionWeight(.control) == 25)
        #expect(s.unitTypes.map(\.assessmentWeight) == [1.5, 0.28])
        for i in s.indicators { #expect(i.evidence.flatMap(EvaluationFact.init(rawValue:)) != nil, "\(i.code)") }
    }

    @Test func weightsThatDoNotAddUpAreRefusedWithTheSum() throws {
        var s = EvaluationScheme.standard
        s.indicators[0].weight = 12.5
        let problem = try #require(s.problems().first { $0.code == "weights_do_not_add_up" })
        #expect(problem.field == "indicators.weight")
        #expect(problem.messageEn.contains("104.5"))
        #expect(problem.message.contains("104.5"))
    }

    @Test func schemeProblemsNameTheirFields() {
        var s = EvaluationScheme.standard
        s.indicators[1].formula = "ratio(items_bound_to_standard, items_total"
        s.indicators[2].code = s.indicators[0].code
        s.unitTypes[1].levels = ["city"]
        let fields = Set(s.problems().map { "\($0.field) \($0.code)" })
        #expect(fields.contains("indicators[1].formula syntax"))
        #expect(fields.contains("indicators[2].code duplicate"))
        #expect(fields.contains("unitTypes[1].levels duplicate"))
    }

    @Test func periodsAreYearsQuartersOrMonths() throws {
        let year = try #require(EvaluationPeriod("2026"))
        #expect(year.first.iso == "2026-01-01" && year.last.iso == "2026-12-31")
        let quarter = try #require(EvaluationPeriod("2026-q3"))
        #expect(quarter.text == "2026-Q3" && quarter.first.iso == "2026-07-01" && quarter.last.iso == "2026-09-30")
        let month = try #require(EvaluationPeriod("2024-02"))
        #expect(month.first.iso == "2024-02-01" && month.last.iso == "2024-02-29")
        for bad in ["26", "2026-13", "2026-Q5", "2026-1", "2026/11", "", "2026-11-01"] { #expect(EvaluationPeriod(bad) == nil, "\(bad)") }
    }

    @Test func unitsAreRankedWithinTheirType() throws {
        let scheme = EvaluationScheme.standard
        func facts(_ served: Double, _ shared: Double) -> [String: Double] { ["consumers_served": served, "records_shared": shared] }
        let results = try EvaluationScoring.evaluate(
            scheme,
            units: [
                "a": ("city", facts(10, 100_000)), "b": ("city", facts(2, 10)), "c": ("city", facts(10, 100_000)),
                "d": ("district", facts(1, 1)), "e": ("district", facts(5, 1_000)), "x": ("unit", facts(9, 9))
            ])
        #expect(Set(results.map(\.department)) == ["a", "b", "c", "d", "e"])  // level `unit` is in no type
        let rank = Dictionary(uniqueKeysWithValues: results.map { ($0.department, $0.rank) })
        #expect(rank == ["a": 1, "c": 1, "b": 3, "e": 1, "d": 2])  // ties share a rank
        let a = try #require(results.first { $0.department == "a" })
        #expect(a.assessmentPoints == (a.total / 100 * 1.5 * 1000).rounded() / 1000)
        let dims = a.dimensions
        let expectedTotal = (dims["governance"]! * 40 + dims["application"]! * 35 + dims["control"]! * 25) / 100
        #expect(abs(a.total - expectedTotal) < 0.02)
    }

    @Test func anAdjustmentMovesTheScoreWithinBounds() throws {
        let scheme = EvaluationScheme.standard
        var results = try EvaluationScoring.evaluate(scheme, units: ["a": ("city", [:]), "b": ("city", ["consumers_served": 1])])
        #expect(results.first { $0.department == "b" }?.rank == 1)
        let k = try #require(results.firstIndex { $0.department == "a" })
        results[k].indicators = results[k].indicators.map {
            $0.indicator == "consumers-served" ? EvaluationIndicatorScore(indicator: $0.indicator, computed: $0.computed, adjustment: 150) : $0
        }
        let rescored = EvaluationScoring.rescore(scheme, results)
        let a = try #require(rescored.first { $0.department == "a" })
        #expect(a.indicators.first { $0.indicator == "consumers-served" }?.score == 100)
        #expect(a.rank == 1)
    }
}
