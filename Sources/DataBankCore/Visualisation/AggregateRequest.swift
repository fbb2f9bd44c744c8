import Foundation

/// How a date or date-time item is cut into periods for grouping.
public enum AggregateBucket: String, CaseIterable, Sendable {
    case day, week, month, quarter, year
    /// The hour of the day, `00`–`23`, whatever the date (a date-time item only): occupancy by hour.
    case hour

    public var zh: String { ["day": "日", "week": "周", "month": "月", "quarter": "季度", "year": "年", "hour": "小时"][rawValue]! }
}

/// One grouping of an aggregate: an item, or a date item cut into periods (`registered_on:month`).
public struct AggregateGroup: Hashable, Sendable {
    public var column: RecordLayout.Column
    public var bucket: AggregateBucket?

    public init(column: RecordLayout.Column, bucket: AggregateBucket? = nil) {
        self.column = column; self.bucket = bucket
    }

    /// The column name in answers and `sort=`: the item, or `item:bucket`.
    public var name: String { bucket.map { "\(column.name):\($0.rawValue)" } ?? column.name }
}

/// What a measure computes.
public enum AggregateFunction: String, CaseIterable, Sendable {
    case count, countDistinct = "count_distinct", sum, avg, min, max, median, p90

    /// Whether the measure needs a numeric item (count_distinct takes any item, count none).
    var needsNumber: Bool { ![.count, .countDistinct].contains(self) }

    /// The percentile of `median` and `p90`, as PostgreSQL's `percentile_cont` takes it.
    public var percentile: Double? {
        switch self {
        case .median: return 0.5
        case .p90: return 0.9
        default: return nil
        }
    }
}

/// One measure: `count`, or a function of an item (`sum(amount)`).
public struct AggregateMeasure: Hashable, Sendable {
    public var function: AggregateFunction
    public var column: RecordLayout.Column?

    public init(function: AggregateFunction, column: RecordLayout.Column? = nil) {
        self.function = function; self.column = column
    }

    /// The column name in answers and `sort=`, as it is spelled in `measures=`.
    public var name: String { column.map { "\(function.rawValue)(\($0.name))" } ?? function.rawValue }

    /// The answer's value type: `integer` or `number`.
    public var valueType: String {
        switch function {
        case .count, .countDistinct: return "integer"
        case .sum, .min, .max: return column?.type == .I ? "integer" : "number"
        case .avg, .median, .p90: return "number"
        }
    }
}

/// The order of the groups: by a group or a measure, ascending or descending (`sort=-count`).
public struct AggregateSort: Hashable, Sendable {
    public enum Key: Hashable, Sendable {
        case group(Int)
        case measure(Int)
    }
    public var key: Key
    public var descending: Bool
}

/// A parsed aggregate: groups, measures, order and top N. Filters are the records query's
/// (``RecordFilter``), parsed with it.
public struct AggregateRequest: Hashable, Sendable {
    public var groups: [AggregateGroup]
    public var measures: [AggregateMeasure]
    public var sort: AggregateSort?
    /// Keep the first N groups and fold the rest into one "其他/other" row.
    public var top: Int?

    public static let maxGroups = 2
    public static let maxMeasures = 12
    public static let maxTop = 1_000
    /// More groups than this are refused (with their number), not drawn.
    public static let maxResultGroups = 10_000
    /// The aggregate's own parameters; every other parameter is a filter or a records-query parameter.
    public static let parameters: Set<String> = ["group", "measures", "sort", "top"]

    /// Numeric data types: the ones `sum`, `avg`, `min`, `max`, `median` and `p90` accept.
    public static let numericTypes: Set<DataType> = [.N, .I, .F, .Y, .B]

    /// Parses `group`, `measures`, `sort` and `top`; every problem names its parameter.
    public static func parse(
        group: String?, measures: String?, sort: String?, top: String?, layout: RecordLayout
    ) -> Result<AggregateRequest, FieldError> {
        do throws(FieldError) {
            let groups = try parseGroups(group ?? "", layout)
            let measures = try parseMeasures(measures ?? "count", layout)
            let sortKey = try parseSort(sort, groups: groups, measures: measures)
            var first: Int?
            if let text = top, !text.isEmpty {
                guard let n = Int(text), (1...maxTop).contains(n) else {
                    throw FieldError(field: "top", code: "invalid_top", message: "top 为 1–\(maxTop)", messageEn: "top is 1 to \(maxTop)")
                }
                first = n
            }
            return .success(AggregateRequest(groups: groups, measures: measures, sort: sortKey, top: first))
        } catch {
            return .failure(error)
        }
    }

    static func parseGroups(_ text: String, _ layout: RecordLayout) throws(FieldError) -> [AggregateGroup] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count <= maxGroups else {
            throw FieldError(
                field: "group", code: "invalid_group", message: "最多按 \(maxGroups) 个数据项分组", messageEn: "Group by at most \(maxGroups) items")
        }
        var groups: [AggregateGroup] = []
        for part in parts {
            let pieces = part.split(separator: ":", maxSplits: 1).map(String.init)
            guard let column = layout.column(named: pieces[0]) else { throw unknownItem(pieces[0], field: "group") }
            var bucket: AggregateBucket?
            if pieces.count == 2 {
                guard let b = AggregateBucket(rawValue: pieces[1]) else {
                    throw FieldError(
                        field: "group", code: "invalid_bucket", message: "未知的时间粒度：\(pieces[1])（day、week、month、quarter 或 year）",
                        messageEn: "Unknown bucket \(pieces[1]); one of day, week, month, quarter, year")
                }
                guard column.type == .D || column.type == .T else {
                    throw FieldError(
                        field: "group", code: "invalid_bucket", message: "只有日期或日期时间数据项可按时间粒度分组：\(column.name)",
                        messageEn: "Only a date or date-time item can be bucketed; \(column.name) is \(column.type.en)")
                }
                if b == .hour, column.type != .T {
                    throw FieldError(
                        field: "group", code: "invalid_bucket", message: "只有日期时间数据项可按小时分组：\(column.name)",
                        messageEn: "Only a date-time item can be grouped by hour; \(column.name) is \(column.type.en)")
                }
                bucket = b
            }
            let group = AggregateGroup(column: column, bucket: bucket)
            guard !groups.contains(where: { $0.name == group.name }) else {
                throw FieldError(field: "group", code: "invalid_group", message: "重复的分组：\(group.name)", messageEn: "Repeated group \(group.name)")
            }
            groups.append(group)
        }
        return groups
    }

    static func parseMeasures(_ text: String, _ layout: RecordLayout) throws(FieldError) -> [AggregateMeasure] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count <= maxMeasures else {
            throw FieldError(
                field: "measures", code: "invalid_measure", message: "最多 \(maxMeasures) 个统计量", messageEn: "At most \(maxMeasures) measures")
        }
        var measures: [AggregateMeasure] = []
        for part in parts {
            let malformed = FieldError(
                field: "measures", code: "invalid_measure",
                message: "统计量“\(part)”格式不对：count、count_distinct(项)、sum(项)、avg(项)、min(项)、max(项)、median(项) 或 p90(项)",
                messageEn:
                    "Malformed measure \"\(part)\"; one of count, count_distinct(item), sum(item), avg(item), min(item), max(item), median(item), p90(item)")
            let measure: AggregateMeasure
            if part == "count" {
                measure = AggregateMeasure(function: .count)
            } else {
                guard let open = part.firstIndex(of: "("), part.hasSuffix(")"),
                    let function = AggregateFunction(rawValue: String(part[..<open])), function != .count
                else { throw malformed }
                let item = part[part.index(after: open)..<part.index(before: part.endIndex)].trimmingCharacters(in: .whitespaces)
                guard !item.isEmpty else { throw malformed }
                guard let column = layout.column(named: item) else { throw unknownItem(item, field: "measures") }
                if function.needsNumber, !numericTypes.contains(column.type) {
                    throw FieldError(
                        field: "measures", code: "measure_not_numeric",
                        message: "\(function.rawValue) 只能用于数值数据项，\(column.name)（\(column.itemName)）是\(column.type.zh)",
                        messageEn: "\(function.rawValue) needs a numeric item; \(column.name) is \(column.type.en)")
                }
                measure = AggregateMeasure(function: function, column: column)
            }
            guard !measures.contains(measure) else {
                throw FieldError(
                    field: "measures", code: "invalid_measure", message: "重复的统计量：\(measure.name)", messageEn: "Repeated measure \(measure.name)")
            }
            measures.append(measure)
        }
        return measures
    }

    static func parseSort(_ text: String?, groups: [AggregateGroup], measures: [AggregateMeasure]) throws(FieldError) -> AggregateSort? {
        guard let text, !text.isEmpty else { return nil }
        let descending = text.hasPrefix("-")
        let name = descending ? String(text.dropFirst()) : text
        if let i = groups.firstIndex(where: { $0.name == name }) { return AggregateSort(key: .group(i), descending: descending) }
        if let i = measures.firstIndex(where: { $0.name == name }) { return AggregateSort(key: .measure(i), descending: descending) }
        throw FieldError(
            field: "sort", code: "invalid_sort", message: "只能按分组或统计量排序：\(name)",
            messageEn: "Sort by a group or a measure of this aggregate; \(name) is neither")
    }

    static func unknownItem(_ name: String, field: String) -> FieldError {
        FieldError(field: field, code: "unknown_item", message: "未知数据项：\(name)", messageEn: "Unknown item \(name)")
    }

    /// The order the answer's rows come in: the one asked for, else, with `top`, the first measure
    /// descending (the biggest groups first), else the groups ascending.
    public var effectiveSort: AggregateSort? {
        if let sort { return sort }
        if top != nil, !measures.isEmpty { return AggregateSort(key: .measure(0), descending: true) }
        return nil
    }

    /// Every item the aggregate reads (groups and measures), once each, in order.
    public var items: [String] {
        var seen: [String] = []
        for name in groups.map(\.column.name) + measures.compactMap(\.column?.name) where !seen.contains(name) { seen.append(name) }
        return seen
    }
}
