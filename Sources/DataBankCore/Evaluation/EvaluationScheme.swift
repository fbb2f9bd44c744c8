import Foundation

/// The three dimensions of the annual data-work assessment.
public enum EvaluationDimension: String, CaseIterable, Sendable, Codable {
    case governance, application, control
    public var zh: String { ["governance": "数据治理", "application": "数据应用", "control": "数据管控"][rawValue]! }
    public var en: String { ["governance": "Data governance", "application": "Data application", "control": "Data control"][rawValue]! }
}

/// One indicator of a scheme: a formula over platform facts scored 0–100, and its weight.
public struct EvaluationIndicator: Sendable, Codable, Hashable {
    public var code: String
    public var name: String
    public var nameEn: String
    public var dimension: EvaluationDimension
    public var formula: String
    /// Points of the 100-point total this indicator carries; the weights of a scheme add up to 100.
    public var weight: Double
    /// The fact whose rows explain a low score (linked from the report), when there is one.
    public var evidence: String?

    public init(
        code: String, name: String, nameEn: String, dimension: EvaluationDimension, formula: String, weight: Double, evidence: String? = nil
    ) {
        self.code = code; self.name = name; self.nameEn = nameEn; self.dimension = dimension
        self.formula = formula; self.weight = weight; self.evidence = evidence
    }
}

/// A kind of unit evaluated (city departments, districts), which departments belong to it, and
/// what its total is worth in the annual assessment.
public struct EvaluationUnitType: Sendable, Codable, Hashable {
    public var code: String
    public var name: String
    public var nameEn: String
    /// Department levels (`DepartmentLevel`) that belong to this type.
    public var levels: [String]
    /// Points of the annual assessment this evaluation is worth for the type (city 1.5, district 0.28).
    public var assessmentWeight: Double

    public init(code: String, name: String, nameEn: String, levels: [String], assessmentWeight: Double) {
        self.code = code; self.name = name; self.nameEn = nameEn; self.levels = levels; self.assessmentWeight = assessmentWeight
    }
}

/// An evaluation scheme: data, not code. Indicators (formulas over facts, weights) in three dimensions,
/// and the unit types they apply to.
public struct EvaluationScheme: Sendable, Codable, Hashable {
    public var code: String
    public var name: String
    public var nameEn: String
    public var indicators: [EvaluationIndicator]
    public var unitTypes: [EvaluationUnitType]

    public init(code: String, name: String, nameEn: String, indicators: [EvaluationIndicator], unitTypes: [EvaluationUnitType]) {
        self.code = code; self.name = name; self.nameEn = nameEn; self.indicators = indicators; self.unitTypes = unitTypes
    }

    /// The sum the indicator weights must reach (overall, across the three dimensions).
    public static let totalWeight = 100.0

    public var weightSum: Double { indicators.reduce(0) { $0 + $1.weight } }

    /// The weight each dimension carries (the sum of its indicators').
    public func dimensionWeight(_ d: EvaluationDimension) -> Double {
        indicators.filter { $0.dimension == d }.reduce(0) { $0 + $1.weight }
    }

    /// The unit type of a department level, if the scheme evaluates it.
    public func unitType(level: String) -> EvaluationUnitType? { unitTypes.first { $0.levels.contains(level) } }

    static let codePattern = #"^[a-z0-9][a-z0-9_-]{0,63}$"#

    static func validCode(_ s: String) -> Bool { s.range(of: codePattern, options: .regularExpression) != nil }

    /// Every problem of the scheme, each naming its field: codes, names, formulas (with the position
    /// of the fault), weights (each positive, together exactly 100 — the sum is in the message), unit types.
    public func problems() -> [FieldError] {
        var out: [FieldError] = []
        func add(_ field: String, _ code: String, _ zh: String, _ en: String) {
            out.append(FieldError(field: field, code: code, message: zh, messageEn: en))
        }
        if !Self.validCode(code) { add("code", "invalid_code", "代码只能由小写字母、数字、- 和 _ 组成（至多 64 个字符）", "Use lower-case letters, digits, - and _ (at most 64)") }
        if name.trimmingCharacters(in: .whitespaces).isEmpty { add("name", "required", "请填写方案名称", "The scheme needs a name") }
        if name.count > 200 || nameEn.count > 200 { add("name", "too_long", "名称最多 200 个字符", "At most 200 characters") }
        if indicators.isEmpty { add("indicators", "required", "方案至少需要一个指标", "The scheme needs at least one indicator") }
        if indicators.count > 100 { add("indicators", "too_many", "最多 100 个指标", "At most 100 indicators") }
        var seen: Set<String> = []
        for (i, ind) in indicators.enumerated() {
            let at = "indicators[\(i)]"
            if !Self.validCode(ind.code) { add("\(at).code", "invalid_code", "指标代码只能由小写字母、数字、- 和 _ 组成", "Use lower-case letters, digits, - and _") }
            if !seen.insert(ind.code).inserted { add("\(at).code", "duplicate", "指标代码 \(ind.code) 重复", "The indicator code \(ind.code) is used twice") }
            if ind.name.trimmingCharacters(in: .whitespaces).isEmpty || ind.name.count > 200 {
                add("\(at).name", "required", "请填写指标名称（至多 200 个字符）", "The indicator needs a name (at most 200 characters)")
            }
            if !ind.weight.isFinite || ind.weight <= 0 {
                add("\(at).weight", "invalid_weight", "权重必须大于 0", "The weight must be greater than 0")
            }
            if let e = ind.evidence, EvaluationFact(rawValue: e) == nil {
                add("\(at).evidence", "unknown_fact", "未知的事实 '\(e)'", "unknown fact '\(e)'")
            }
            do {
                _ = try EvaluationFormula.compile(ind.formula)
            } catch {
                out.append(error.fieldError("\(at).formula"))
            }
        }
        let sum = weightSum
        if !indicators.isEmpty, abs(sum - Self.totalWeight) > 0.0001 {
            let shown = Self.format(sum)
            add("indicators.weight", "weights_do_not_add_up", "指标权重之和为 \(shown)，应为 100", "The indicator weights add up to \(shown), not 100")
        }
        for d in EvaluationDimension.allCases where !indicators.isEmpty && !indicators.contains(where: { $0.dimension == d }) {
            add("indicators", "dimension_missing", "“\(d.zh)”维度没有指标", "The dimension \(d.rawValue) has no indicator")
        }
        if unitTypes.isEmpty { add("unitTypes", "required", "至少需要一种被评估单位类型", "The scheme needs at least one unit type") }
        var levels: Set<String> = [], typeCodes: Set<String> = []
        for (i, t) in unitTypes.enumerated() {
            let at = "unitTypes[\(i)]"
            if !Self.validCode(t.code) || !typeCodes.insert(t.code).inserted {
                add("\(at).code", "invalid_code", "单位类型代码无效或重复", "The unit type code is invalid or used twice")
            }
            if t.name.trimmingCharacters(in: .whitespaces).isEmpty { add("\(at).name", "required", "请填写单位类型名称", "The unit type needs a name") }
            if !t.assessmentWeight.isFinite || t.assessmentWeight < 0 || t.assessmentWeight > 100 {
                add("\(at).assessmentWeight", "invalid_weight", "年度考核分值应在 0 到 100 之间", "The assessment weight must be between 0 and 100")
            }
            if t.levels.isEmpty { add("\(at).levels", "required", "请至少指定一个部门层级", "Name at least one department level") }
            for l in t.levels {
                if DepartmentLevel(rawValue: l) == nil {
                    add("\(at).levels", "unknown_level", "未知的部门层级 \(l)", "Unknown department level \(l)")
                } else if !levels.insert(l).inserted {
                    add("\(at).levels", "duplicate", "部门层级 \(l) 已属于另一类型", "The level \(l) already belongs to another type")
                }
            }
        }
        return out
    }

    /// A weight or score as shown: whole numbers without decimals, else to two decimals.
    public static func format(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
