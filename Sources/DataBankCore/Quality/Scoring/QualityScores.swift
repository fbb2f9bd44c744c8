/// A resource's quality in the six dimensions of GB/T 36344-2018 (数据质量评价指标), 0–100 each,
/// and an overall score with documented weights.
///
/// Every dimension is the share of what passes, so a score reads as a percentage:
/// - **validity** (规范性): rows passing every value rule (type, length, pattern, code list, range,
///   identifier checks);
/// - **completeness** (完整性): filled cells of all items;
/// - **uniqueness** (唯一性, part of accuracy): rows not repeating a value of a `unique` item
///   (the key is unique by construction);
/// - **consistency** (一致性): rows passing the cross-field and referential rules;
/// - **timeliness** (时效性): the last load against the declared update cycle — 100 within one
///   cycle (plus a day's grace), falling linearly to 0 at four cycles, so a 每日 resource untouched
///   for a week scores 0 and is `late`;
/// - **accessibility** (可访问性): the record store is published and answered this check (100),
///   exists but the resource is not in the published state (50), or is missing (0).
///
/// Objections (数据纠错) lower the overall score: 2 points per open objection and 1 per accepted
/// one (a confirmed error), at most 10 points, so a resource consumers keep correcting cannot
/// score as well as one they do not.
public struct QualityScores: Codable, Hashable, Sendable {
    public var validity: Double
    public var completeness: Double
    public var uniqueness: Double
    public var consistency: Double
    public var timeliness: Double
    public var accessibility: Double
    public var objectionPenalty: Double
    public var overall: Double
    public var late: Bool

    public static let weights: [(Dimension, Double)] = [
        (.validity, 0.25), (.completeness, 0.20), (.uniqueness, 0.10), (.consistency, 0.20), (.timeliness, 0.15), (.accessibility, 0.10),
    ]

    public enum Dimension: String, Codable, Sendable, CaseIterable {
        case validity, completeness, uniqueness, consistency, timeliness, accessibility
        public var zh: String {
            ["validity": "规范性", "completeness": "完整性", "uniqueness": "唯一性", "consistency": "一致性",
             "timeliness": "时效性", "accessibility": "可访问性"][rawValue]!
        }
        public var en: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
    }

    public func score(_ d: Dimension) -> Double {
        switch d {
        case .validity: validity
        case .completeness: completeness
        case .uniqueness: uniqueness
        case .consistency: consistency
        case .timeliness: timeliness
        case .accessibility: accessibility
        }
    }
}

/// What a check counted, from which the scores follow.
public struct QualityMeasures: Codable, Hashable, Sendable {
    public var rows: Int
    public var rowsFailingValueRules: Int
    public var rowsFailingCrossRules: Int
    public var rowsRepeatingUniqueValues: Int
    /// Non-null cells over all items, and the number of items.
    public var filledCells: Int
    public var columns: Int
    /// Days since the last load (nil: never loaded), and the update cycle.
    public var daysSinceLastLoad: Double?
    public var updateCycle: UpdateCycle
    public var published: Bool
    public var answering: Bool
    public var openObjections: Int
    public var acceptedObjections: Int

    public init(rows: Int, rowsFailingValueRules: Int, rowsFailingCrossRules: Int, rowsRepeatingUniqueValues: Int, filledCells: Int, columns: Int,
                daysSinceLastLoad: Double?, updateCycle: UpdateCycle, published: Bool, answering: Bool, openObjections: Int, acceptedObjections: Int) {
        self.rows = rows; self.rowsFailingValueRules = rowsFailingValueRules; self.rowsFailingCrossRules = rowsFailingCrossRules
        self.rowsRepeatingUniqueValues = rowsRepeatingUniqueValues; self.filledCells = filledCells; self.columns = columns
        self.daysSinceLastLoad = daysSinceLastLoad; self.updateCycle = updateCycle; self.published = published; self.answering = answering
        self.openObjections = openObjections; self.acceptedObjections = acceptedObjections
    }

    /// The scores, rounded to one decimal. An empty store scores 100 on the row-based
    /// dimensions (nothing fails) and 0 on completeness (nothing is there).
    public var scores: QualityScores {
        func share(_ failing: Int) -> Double { rows == 0 ? 100 : 100 * Double(rows - min(failing, rows)) / Double(rows) }
        let cells = rows * columns
        let completeness = cells == 0 ? 0 : 100 * Double(filledCells) / Double(cells)
        var timeliness = 100.0, late = false
        if let cycle = updateCycle.days {
            if let age = daysSinceLastLoad {
                let over = age - (cycle + 1)
                late = over > 0
                timeliness = over <= 0 ? 100 : max(0, 100 * (1 - over / (3 * cycle)))
            } else {
                timeliness = 0; late = true
            }
        }
        let accessibility = published && answering ? 100.0 : answering ? 50 : 0
        var s = QualityScores(validity: share(rowsFailingValueRules), completeness: completeness, uniqueness: share(rowsRepeatingUniqueValues),
                              consistency: share(rowsFailingCrossRules), timeliness: timeliness, accessibility: accessibility,
                              objectionPenalty: min(10, Double(2 * openObjections + acceptedObjections)), overall: 0, late: late)
        let weighted = QualityScores.weights.reduce(0) { $0 + s.score($1.0) * $1.1 }
        s.overall = max(0, weighted - s.objectionPenalty)
        func round1(_ v: Double) -> Double { (v * 10).rounded() / 10 }
        s.validity = round1(s.validity); s.completeness = round1(s.completeness); s.uniqueness = round1(s.uniqueness)
        s.consistency = round1(s.consistency); s.timeliness = round1(s.timeliness); s.overall = round1(s.overall)
        return s
    }
}

extension UpdateCycle {
    /// The cycle's length in days; nil when irregular (timeliness is then not measured).
    public var days: Double? {
        switch self {
        case .realtime, .daily: 1
        case .weekly: 7
        case .monthly: 31
        case .quarterly: 92
        case .semiannual: 183
        case .yearly: 366
        case .irregular: nil
        }
    }
}
