import Foundation

/// One value of a chart: a number, a cell hidden because its group is too small (the aggregate's
/// `"<5"`), or nothing at all (no row for that group, or a null).
public enum ChartValue: Sendable, Hashable {
    case number(Double)
    case suppressed
    case missing

    public var number: Double? {
        if case .number(let v) = self { return v }
        return nil
    }
}

/// The language of the labels the renderer writes itself (states, abbreviations, dates).
public enum ChartLanguage: String, Sendable, Hashable {
    case zh, en

    func t(_ zh: String, _ en: String) -> String { self == .zh ? zh : en }
}

/// The bucket of a date axis, as the aggregate buckets a date item.
public enum ChartDateUnit: String, Sendable, Hashable, CaseIterable {
    case day, week, month, quarter, year
}

/// One series: a name (the legend's entry) and one value per category.
public struct ChartSeries: Sendable, Hashable {
    public var name: String
    public var values: [ChartValue]

    public init(name: String, values: [ChartValue]) {
        self.name = name
        self.values = values
    }
}

/// A point on a map, by longitude and latitude (WGS-84 as the streams report them).
public struct ChartPoint: Sendable, Hashable {
    public var longitude: Double, latitude: Double
    public var label: String
    public var value: ChartValue

    public init(longitude: Double, latitude: Double, label: String, value: ChartValue = .missing) {
        self.longitude = longitude
        self.latitude = latitude
        self.label = label
        self.value = value
    }
}

/// What a chart shows, independent of how: categories (or dates) along one axis, one or more
/// series with a value per category, and the labels, all already in the reader's language.
///
/// An aggregate maps onto it directly (``ChartData/init(aggregate:)``): the first grouping gives
/// the categories, a second grouping gives the series (stacked bars, heat grid), otherwise each
/// measure is a series. A scatter reads the first series as x and the second as y; a map reads
/// categories as GB/T 2260 region codes, and ``points`` as positions.
public struct ChartData: Sendable, Hashable {
    public var categories: [String]
    /// The start of each category's bucket when the axis is dates (same count as ``categories``).
    public var dates: [Date]?
    public var dateUnit: ChartDateUnit?
    public var series: [ChartSeries]
    public var points: [ChartPoint]
    /// What the categories are ("区县", "District") and what the values measure ("企业数").
    public var categoryLabel: String
    public var valueLabel: String
    /// Appended to values in tooltips and the data table ("户", "元", "%").
    public var unit: String
    /// How a hidden value is written: the aggregate's own text for it (`"<5"`).
    public var suppressedLabel: String

    public init(
        categories: [String], dates: [Date]? = nil, dateUnit: ChartDateUnit? = nil, series: [ChartSeries],
        points: [ChartPoint] = [], categoryLabel: String = "", valueLabel: String = "", unit: String = "",
        suppressedLabel: String = "<5"
    ) {
        self.categories = categories
        self.dates = dates
        self.dateUnit = dateUnit
        self.series = series
        self.points = points
        self.categoryLabel = categoryLabel
        self.valueLabel = valueLabel
        self.unit = unit
        self.suppressedLabel = suppressedLabel
    }

    /// No category with a value and no point: the chart says "No data".
    public var isEmpty: Bool {
        points.isEmpty && !series.contains { s in s.values.contains { $0 != .missing } }
    }

    /// Something was there, but every value is hidden: the chart says "Too few records to show".
    public var isAllSuppressed: Bool {
        let values = series.flatMap(\.values) + points.map(\.value)
        return values.contains(.suppressed) && !values.contains { $0.number != nil }
            && !points.contains { $0.value == .missing }
    }

    /// The value of a series at a category, `.missing` past the end.
    public func value(_ series: Int, _ category: Int) -> ChartValue {
        guard self.series.indices.contains(series), self.series[series].values.indices.contains(category) else { return .missing }
        return self.series[series].values[category]
    }

    var numbers: [Double] { series.flatMap { $0.values.compactMap(\.number) } }
}

/// The kinds of chart the renderer draws.
public enum ChartType: String, Sendable, Hashable, CaseIterable, Codable {
    case bar, horizontalBar = "hbar", stackedBar = "stacked_bar", line, area, pie, donut
    case number, table, scatter, heatGrid = "heat_grid", map
    /// Bars largest first with the cumulative share as a line (the 80/20 view).
    case pareto
    /// Who sends to whom: every series is a source, every category a target, each value an edge's
    /// volume; the nodes on a circle, sized by their volume, the edges as curves sized by theirs.
    case network
}

/// How a chart is drawn: its type, title and description (the SVG's `<title>` and `<desc>`),
/// colours and size. A saved chart's spec carries one of these.
public struct ChartSpec: Sendable, Hashable {
    public var type: ChartType
    public var title: String
    public var description: String
    /// Series colours as `#rrggbb`; the colour-blind-safe ``ChartPalette/categorical`` when empty.
    public var colours: [String]
    public var width: Double, height: Double
    public var language: ChartLanguage
    /// A fixed value axis (scores 0–100) instead of one fitted to the data.
    public var valueDomain: ClosedRange<Double>?
    /// Small inline charts: no title line, no axes, no legend (the `<title>` and `<desc>` stay).
    public var compact: Bool
    /// Whether the title is also written at the top (false where the page has a heading for it;
    /// the `<title>` is always there).
    public var showsTitle: Bool
    /// Prefix of the element ids (`aria-labelledby` needs ids unique on a page); derived from the
    /// spec and the data when nil, so the same input gives the same bytes.
    public var idPrefix: String?
    /// Extra attributes for the root element's `class` and `data-testid`.
    public var cssClass: String, testID: String?

    public init(
        type: ChartType, title: String, description: String = "", colours: [String] = [], width: Double = 640, height: Double = 360,
        language: ChartLanguage = .zh, valueDomain: ClosedRange<Double>? = nil, compact: Bool = false, showsTitle: Bool = true,
        idPrefix: String? = nil, cssClass: String = "", testID: String? = nil
    ) {
        self.type = type
        self.title = title
        self.description = description
        self.colours = colours
        self.width = width
        self.height = height
        self.language = language
        self.valueDomain = valueDomain
        self.compact = compact
        self.showsTitle = showsTitle
        self.idPrefix = idPrefix
        self.cssClass = cssClass
        self.testID = testID
    }
}
