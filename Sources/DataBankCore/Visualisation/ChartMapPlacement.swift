/// Where a choropleth's categories go: the base map that places most of them (region codes,
/// region names), the region each placed category shades, and the categories no region of that
/// map stands for — listed under the map ("未在地图上 / Not on the map") instead of dropped.
///
/// A category names a region by its GB/T 2260 code (`440605`), by the 12-digit statistical
/// division code of the same unit (`440605000000`), or by its Chinese or English name.
public struct ChartMapPlacement: Sendable, Hashable {
    /// The chosen base map.
    public var map: ChartBaseMap
    /// The index of each placed category, by the code of the region it shades (the first
    /// category wins when two name the same region; the others are unplaced).
    public var placed: [String: Int]
    /// The categories the map has no region for, in data order, by index.
    public var unplaced: [Int]

    /// Picks among `maps` the one that places most of `categories`; on a tie the earlier map
    /// (list the coarser first: districts before towns).
    /// - Precondition: `maps` is not empty.
    public init(categories: [String], maps: [ChartBaseMap]) {
        precondition(!maps.isEmpty, "a map needs a base map")
        var best: ChartMapPlacement?
        for map in maps {
            let candidate = ChartMapPlacement(categories: categories, map: map)
            if best == nil || candidate.placed.count > best!.placed.count { best = candidate }
        }
        self = best!
    }

    /// Places `categories` on `map`.
    public init(categories: [String], map: ChartBaseMap) {
        self.map = map
        var lookup: [String: String] = [:]
        for region in map.regions {
            for key in [region.code, region.name, region.nameEn] where lookup[key] == nil { lookup[key] = region.code }
        }
        placed = [:]
        unplaced = []
        for (i, category) in categories.enumerated() {
            let key = category.trimmingCharacters(in: .whitespaces)
            if let code = lookup[key] ?? lookup[Self.countyCode(key) ?? ""], placed[code] == nil {
                placed[code] = i
            } else {
                unplaced.append(i)
            }
        }
    }

    /// The 6-digit county-level code of a 12-digit statistical division code that stands for a
    /// county-level unit itself (`440605000000` → `440605`); nil for anything else (a town's
    /// `440605011000` is a town, not its district).
    static func countyCode(_ s: String) -> String? {
        guard s.utf8.count == 12, s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), s.hasSuffix("000000") else { return nil }
        return String(s.prefix(6))
    }
}

extension ChartAggregate {
    /// Whether the aggregate's first grouping is an administrative region code (its item's
    /// standard has the semantic kind `regionCode`, as the aggregate API marks it): such a
    /// grouping is drawn as a map (``ChartType/suggested(for:)``).
    public var groupsByRegion: Bool {
        columns.first { $0.kind == "group" }?.semantic == SemanticKind.regionCode.rawValue
    }
}

extension ChartType {
    /// The chart type that suits an aggregate when the user has not chosen one: a map for a
    /// region-coded grouping, a line for a date grouping, else bars.
    public static func suggested(for aggregate: ChartAggregate) -> ChartType {
        if aggregate.groupsByRegion { return .map }
        let group = aggregate.columns.first { $0.kind == "group" }
        if let group, group.bucket != nil || group.type == "date" || group.type == "datetime" || group.type == "period" { return .line }
        return .bar
    }
}
