import Foundation

/// Who sees a saved chart or a dashboard (its spec, title and place in lists). What its data shows
/// is never decided here: every chart is read as its viewer, under the viewer's own read decision.
public enum ChartVisibility: String, CaseIterable, Sendable, Codable {
    /// The user who made it (and the data authority).
    case `private`
    /// Its owner department's users (and the data authority).
    case department
    /// Everyone signed in inside government.
    case platform
    /// Everyone, on the open portal too, where its data is read as the open portal reads it.
    case `public`

    public var zh: String { ["private": "仅本人", "department": "本部门", "platform": "全平台", "public": "公开（开放门户）"][rawValue]! }
    public var en: String { ["private": "Only me", "department": "My department", "platform": "Whole platform", "public": "Public (open portal)"][rawValue]! }

    /// Whether `actor` (nil: nobody signed in) sees something made by `ownerID` for `department`.
    public func admits(_ actor: Actor?, ownerID: String, department: String) -> Bool {
        if self == .public { return true }
        guard let actor, actor.role.isStaff else { return false }
        if actor.role == .platformAdmin { return true }
        switch self {
        case .private: return actor.userID == ownerID
        case .department: return actor.departmentCode == department
        case .platform, .public: return true
        }
    }
}

/// Where a saved chart's numbers come from.
public enum ChartSource: String, CaseIterable, Sendable, Codable {
    /// The aggregate API's answer for the chart's stored parameters.
    case aggregate
    /// A real-time stream's newest report per entity, drawn as points on the map (live positions).
    case latest
}

/// The aggregate parameters a saved chart keeps, in the canonical form the aggregate API takes:
/// `group`, `measures`, `sort`, `top`, then the records query's filters in their given order.
/// Stored as one query string, so what a chart asks is exactly a URL of
/// `GET /api/v1/resources/{code}/aggregate`.
public struct ChartQuery: Sendable, Hashable {
    public var group: String
    public var measures: String
    public var sort: String
    public var top: Int?
    /// Filter parameters as the records query names them (`region_code=440604`, `amount__gte=100`).
    public var filters: [Filter]

    public struct Filter: Sendable, Hashable, Codable {
        public var name: String
        public var value: String
        public init(name: String, value: String) { self.name = name; self.value = value }
    }

    /// Parameters a chart never stores: how an answer is written or who asks, not what it counts.
    public static let notStored: Set<String> = ["limit", "after", "fields", "format", "purpose", "lang", "total"]

    public init(group: String = "", measures: String = "count", sort: String = "", top: Int? = nil, filters: [Filter] = []) {
        self.group = group.trimmingCharacters(in: .whitespaces)
        let m = measures.trimmingCharacters(in: .whitespaces)
        self.measures = m.isEmpty ? "count" : m
        self.sort = sort.trimmingCharacters(in: .whitespaces)
        self.top = top
        self.filters = filters.filter { !$0.name.isEmpty && !Self.notStored.contains($0.name) && !AggregateRequest.parameters.contains($0.name) }
    }

    /// Reads the canonical query string back (`group=…&measures=…&region_code=440604`).
    public init(queryString: String) {
        var group = "", measures = "count", sort = "", top: Int?
        var filters: [Filter] = []
        for pair in queryString.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            let name = parts[0], value = parts.count > 1 ? parts[1] : ""
            switch name {
            case "group": group = value
            case "measures": measures = value
            case "sort": sort = value
            case "top": top = Int(value)
            default: filters.append(Filter(name: name, value: value))
            }
        }
        self.init(group: group, measures: measures, sort: sort, top: top, filters: filters)
    }

    /// The parameters in their canonical order, empty ones left out.
    public var pairs: [(String, String)] {
        var out: [(String, String)] = []
        if !group.isEmpty { out.append(("group", group)) }
        out.append(("measures", measures))
        if !sort.isEmpty { out.append(("sort", sort)) }
        if let top { out.append(("top", String(top))) }
        out += filters.map { ($0.name, $0.value) }
        return out
    }

    /// The canonical query string, every name and value percent-encoded.
    public var queryString: String {
        pairs.map { Self.encode($0.0) + "=" + Self.encode($0.1) }.joined(separator: "&")
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~,():")
    static func encode(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s }
}

/// What a user may set on a saved chart besides its resource and query, checked before anything
/// is stored; every problem names its field.
public struct ChartSettings: Sendable, Hashable {
    public var title: String
    public var description: String
    public var colours: [String]
    public var unit: String
    /// Seconds between refreshes on a dashboard; 0: never.
    public var refreshSeconds: Int

    public static let maxTitle = 200, maxDescription = 2_000, maxUnit = 20, maxColours = 12
    public static let refreshRange = 30...86_400

    public init(title: String, description: String = "", colours: [String] = [], unit: String = "", refreshSeconds: Int = 0) {
        self.title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        self.description = description.trimmingCharacters(in: .whitespacesAndNewlines)
        self.colours = colours.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        self.unit = unit.trimmingCharacters(in: .whitespaces)
        self.refreshSeconds = refreshSeconds
    }

    /// Whether `text` is a colour the renderer accepts (`#rrggbb`).
    public static func isColour(_ text: String) -> Bool {
        text.count == 7 && text.hasPrefix("#") && text.dropFirst().allSatisfy(\.isHexDigit)
    }

    public func problems() -> [FieldError] {
        var out: [FieldError] = []
        if title.isEmpty {
            out.append(FieldError(field: "title", code: "required", message: "请填写标题", messageEn: "A title is required"))
        } else if title.count > Self.maxTitle {
            out.append(
                FieldError(field: "title", code: "too_long", message: "标题最多 \(Self.maxTitle) 字", messageEn: "The title is at most \(Self.maxTitle) characters"))
        }
        if description.count > Self.maxDescription {
            out.append(
                FieldError(
                    field: "description", code: "too_long", message: "说明最多 \(Self.maxDescription) 字",
                    messageEn: "The description is at most \(Self.maxDescription) characters"))
        }
        if colours.count > Self.maxColours || colours.contains(where: { !Self.isColour($0) }) {
            out.append(
                FieldError(
                    field: "colours", code: "invalid_colour", message: "颜色写作 #rrggbb，最多 \(Self.maxColours) 个",
                    messageEn: "Colours are #rrggbb, at most \(Self.maxColours)"))
        }
        if unit.count > Self.maxUnit {
            out.append(
                FieldError(field: "unit", code: "too_long", message: "单位最多 \(Self.maxUnit) 字", messageEn: "The unit is at most \(Self.maxUnit) characters"))
        }
        if refreshSeconds != 0, !Self.refreshRange.contains(refreshSeconds) {
            out.append(
                FieldError(
                    field: "refreshSeconds", code: "invalid_refresh", message: "刷新间隔为 0（不刷新）或 30–86400 秒",
                    messageEn: "The refresh interval is 0 (never) or 30 to 86,400 seconds"))
        }
        return out
    }
}

/// A dashboard's grid: each tile a saved chart, 1 to 3 columns wide, in order.
public struct DashboardTileSpec: Sendable, Hashable, Codable {
    public var chart: UUID
    public var width: Int
    public init(chart: UUID, width: Int = 1) { self.chart = chart; self.width = width }

    public static let widths = 1...3
    public static let maxTiles = 24
}

extension ChartData {
    /// The same data with coded categories and series written as people read them (a code list's
    /// labels, a district's name): only values found in `categories` / `series` change, and a date
    /// axis is left as it is. The numbers, their order and the suppressed cells stay.
    public func relabelled(categories: [String: String], series: [String: String]) -> ChartData {
        var copy = self
        if dates == nil, !categories.isEmpty { copy.categories = self.categories.map { categories[$0] ?? $0 } }
        if !series.isEmpty { copy.series = self.series.map { ChartSeries(name: series[$0.name] ?? $0.name, values: $0.values) } }
        return copy
    }
}
