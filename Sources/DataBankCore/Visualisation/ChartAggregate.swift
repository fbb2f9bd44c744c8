import Foundation

/// The aggregate API's answer (`GET /api/v1/resources/{code}/aggregate`) as a chart reads it:
/// `{"columns": [{name, label, kind: "group"|"measure", type}], "rows": [[…]], "total", "suppressed"}`,
/// a hidden measure cell being a string such as `"<5"`.
public struct ChartAggregate: Decodable, Sendable, Hashable {
    public struct Column: Decodable, Sendable, Hashable {
        public var name: String
        public var label: String?
        public var kind: String
        public var type: String?
        /// The date bucket of a date grouping (day, week, month, quarter, year), when given.
        public var bucket: String?
        /// The semantic kind of a grouping's item when it drives the drawing (`regionCode`).
        public var semantic: String?

        public init(name: String, label: String? = nil, kind: String, type: String? = nil, bucket: String? = nil, semantic: String? = nil) {
            self.name = name
            self.label = label
            self.kind = kind
            self.type = type
            self.bucket = bucket
            self.semantic = semantic
        }
    }

    /// A cell: a string, a number, or null.
    public enum Cell: Decodable, Sendable, Hashable {
        case string(String), number(Double), null

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                self = .null
            } else if let b = try? c.decode(Bool.self) {
                self = .string(b ? "true" : "false")
            } else if let d = try? c.decode(Double.self) {
                self = .number(d)
            } else {
                self = .string(try c.decode(String.self))
            }
        }
    }

    public var columns: [Column]
    public var rows: [[Cell]]
    public var total: Int?
    public var suppressed: Int?

    public init(columns: [Column], rows: [[Cell]], total: Int? = nil, suppressed: Int? = nil) {
        self.columns = columns
        self.rows = rows
        self.total = total
        self.suppressed = suppressed
    }
}

extension ChartData {
    /// The chart data of an aggregate: one grouping gives the categories and each measure a
    /// series; two groupings give categories (the first) × series (the second) of the first
    /// measure; no grouping gives one category. A grouping of dates (`type` date/datetime, or a
    /// `bucket`) becomes a date axis in `dateUnit` (or the column's bucket, else month), its
    /// categories written in `language` ("2026年3月", "Mar 2026").
    public init(aggregate: ChartAggregate, language: ChartLanguage = .zh, dateUnit: ChartDateUnit? = nil, unit: String = "") {
        let groups = aggregate.columns.indices.filter { aggregate.columns[$0].kind == "group" }
        let measures = aggregate.columns.indices.filter { aggregate.columns[$0].kind == "measure" }
        func label(_ i: Int) -> String { aggregate.columns[i].label ?? aggregate.columns[i].name }
        func cell(_ row: [ChartAggregate.Cell], _ i: Int) -> ChartAggregate.Cell { row.indices.contains(i) ? row[i] : .null }
        func key(_ c: ChartAggregate.Cell) -> String {
            switch c {
            case .string(let s): s
            case .number(let d): ChartNumberFormat.value(d)
            case .null: language.t("（空）", "(blank)")
            }
        }
        var suppressedLabel = "<5"
        func value(_ c: ChartAggregate.Cell) -> ChartValue {
            switch c {
            case .number(let d): return d.isFinite ? .number(d) : .missing
            case .null: return .missing
            case .string(let s):
                if let d = Double(s.trimmingCharacters(in: .whitespaces)), d.isFinite { return .number(d) }  // numeric as text (PostgreSQL numeric)
                suppressedLabel = s
                return .suppressed
            }
        }
        var categories: [String] = []
        var index: [String: Int] = [:]
        func category(_ k: String) -> Int {
            if let i = index[k] { return i }
            index[k] = categories.count
            categories.append(k)
            return categories.count - 1
        }
        var series: [ChartSeries] = []
        if groups.count >= 2, let measure = measures.first {
            var seriesIndex: [String: Int] = [:]
            var cells: [(Int, Int, ChartValue)] = []
            for row in aggregate.rows {
                let c = category(key(cell(row, groups[0])))
                let name = key(cell(row, groups[1]))
                let s = seriesIndex[name] ?? series.count
                if seriesIndex[name] == nil {
                    seriesIndex[name] = s
                    series.append(ChartSeries(name: name, values: []))
                }
                cells.append((s, c, value(cell(row, measure))))
            }
            for s in series.indices { series[s].values = Array(repeating: .missing, count: categories.count) }
            for (s, c, v) in cells { series[s].values[c] = v }
        } else {
            series = measures.map { ChartSeries(name: label($0), values: []) }
            for row in aggregate.rows {
                let c = groups.isEmpty ? category("") : category(key(cell(row, groups[0])))
                for (k, m) in measures.enumerated() {
                    while series[k].values.count <= c { series[k].values.append(.missing) }
                    series[k].values[c] = value(cell(row, m))
                }
            }
            for k in series.indices { while series[k].values.count < categories.count { series[k].values.append(.missing) } }
        }
        // A date grouping: parse each category as the start of its bucket.
        var dates: [Date]?
        var unitOfDates: ChartDateUnit?
        if let g = groups.first {
            let column = aggregate.columns[g]
            let isDate = ["date", "datetime", "date-time", "timestamp"].contains(column.type ?? "") || column.bucket != nil
            if isDate {
                let parsed = categories.map(Self.parseBucket)
                if !parsed.isEmpty, parsed.allSatisfy({ $0 != nil }) {
                    let starts = parsed.map { $0! }
                    let unit = dateUnit ?? column.bucket.flatMap(ChartDateUnit.init(rawValue:)) ?? .month
                    dates = starts
                    unitOfDates = unit
                    categories = starts.map { ChartDateAxis.label($0, unit: unit, language: language) }  // as the reader writes them
                }
            }
        }
        self.init(
            categories: categories, dates: dates, dateUnit: unitOfDates, series: series,
            categoryLabel: groups.first.map(label) ?? "", valueLabel: measures.first.map(label) ?? "", unit: unit,
            suppressedLabel: suppressedLabel)
    }

    /// The aggregate API's JSON body straight to chart data.
    public init(aggregateJSON: Data, language: ChartLanguage = .zh, dateUnit: ChartDateUnit? = nil, unit: String = "") throws {
        self.init(aggregate: try JSONDecoder().decode(ChartAggregate.self, from: aggregateJSON), language: language, dateUnit: dateUnit, unit: unit)
    }

    /// "2026-03-01", "2026-03-01T00:00:00Z", "2026-03", "2026-Q1", "2026-W09", "2026" → the bucket's start (UTC+8).
    static func parseBucket(_ text: String) -> Date? {
        let cal = ChartDateAxis.calendar
        let s = text.trimmingCharacters(in: .whitespaces)
        let head = s.prefix(10)
        let parts = head.split(separator: "-")
        guard let year = parts.first.flatMap({ Int($0) }), parts[0].count == 4 else { return nil }
        var c = DateComponents(year: year, month: 1, day: 1)
        if parts.count >= 2 {
            let p = parts[1]
            if p.hasPrefix("Q"), let q = Int(p.dropFirst()), (1...4).contains(q) {
                c.month = (q - 1) * 3 + 1
            } else if p.hasPrefix("W"), let w = Int(p.dropFirst()) {
                return cal.date(from: DateComponents(weekday: 2, weekOfYear: w, yearForWeekOfYear: year))
            } else if let m = Int(p), (1...12).contains(m) {
                c.month = m
            } else {
                return nil
            }
        }
        if parts.count >= 3 {
            guard let d = Int(parts[2].prefix(2)), (1...31).contains(d) else { return nil }
            c.day = d
        }
        return cal.date(from: c)
    }
}
