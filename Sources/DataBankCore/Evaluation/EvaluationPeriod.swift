import Foundation

/// The period an evaluation run covers: a year (`2026`), a quarter (`2026-Q3`) or a month (`2026-11`).
public struct EvaluationPeriod: Hashable, Sendable, Codable, Comparable {
    public enum Kind: String, Sendable, Codable { case year, quarter, month }
    public var kind: Kind
    public var year: Int
    /// The quarter (1–4) or the month (1–12); 0 for a year.
    public var part: Int

    public static let allowedForms = "YYYY, YYYY-Qn, YYYY-MM (e.g. 2026, 2026-Q3, 2026-11)"

    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let pieces = t.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = pieces.first, first.count == 4, let y = Int(first), y >= 2000, y <= 2100 else { return nil }
        year = y
        if pieces.count == 1 {
            kind = .year; part = 0
        } else if pieces.count == 2, pieces[1].count == 2, pieces[1].hasPrefix("Q"), let q = Int(pieces[1].dropFirst()), (1...4).contains(q) {
            kind = .quarter; part = q
        } else if pieces.count == 2, pieces[1].count == 2, let m = Int(pieces[1]), (1...12).contains(m) {
            kind = .month; part = m
        } else {
            return nil
        }
    }

    /// The canonical spelling.
    public var text: String {
        switch kind {
        case .year: String(year)
        case .quarter: "\(year)-Q\(part)"
        case .month: "\(year)-" + (part < 10 ? "0\(part)" : "\(part)")
        }
    }

    public var zh: String {
        switch kind {
        case .year: "\(year) 年度"
        case .quarter: "\(year) 年第 \(part) 季度"
        case .month: "\(year) 年 \(part) 月"
        }
    }

    /// The first day of the period.
    public var first: CivilDate {
        switch kind {
        case .year: CivilDate(year: year, month: 1, day: 1)!
        case .quarter: CivilDate(year: year, month: part * 3 - 2, day: 1)!
        case .month: CivilDate(year: year, month: part, day: 1)!
        }
    }

    /// The last day of the period (included).
    public var last: CivilDate {
        let month: Int
        switch kind {
        case .year: month = 12
        case .quarter: month = part * 3
        case .month: month = part
        }
        return CivilDate(year: year, month: month, day: CivilDate.days(inMonth: month, year: year))!
    }

    public static func < (a: Self, b: Self) -> Bool { (a.first, a.last) < (b.first, b.last) }
}
