import Foundation

/// A registered rollup's aggregate as it is stored: the `group` and `measures` parameters and
/// the filters (name, value pairs, as the records query takes them). Sort and top N are not part
/// of it: they are applied to the rollup's groups at answer time, as to a direct aggregate's.
public struct AggregateRollupSpec: Codable, Hashable, Sendable {
    public var group: String
    public var measures: String
    public var filters: [[String]]

    public init(group: String, measures: String, filters: [(String, String)]) {
        self.group = group; self.measures = measures; self.filters = filters.map { [$0.0, $0.1] }
    }

    public var filterPairs: [(String, String)] { filters.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil } }

    /// Parses `group=…&measures=…&<filters>` (the CLI's `--add`); sort and top are refused, they belong to a request.
    public static func parse(query: String) -> Result<AggregateRollupSpec, FieldError> {
        var group = "", measures = "count"
        var filters: [(String, String)] = []
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            guard let name = parts.first, !name.isEmpty else { continue }
            let value = parts.count > 1 ? parts[1] : ""
            switch name {
            case "group": group = value
            case "measures": measures = value
            case "sort", "top", "format", "lang", "purpose":
                return .failure(
                    FieldError(
                        field: name, code: "invalid_rollup", message: "汇总表只登记分组、统计量和筛选条件，不含 \(name)",
                        messageEn: "A rollup holds groups, measures and filters; \(name) is applied when it is read"))
            default: filters.append((name, value))
            }
        }
        return .success(AggregateRollupSpec(group: group, measures: measures, filters: filters))
    }

    /// The spec as a query string (percent-encoded), as the CLI and the API show it.
    public var query: String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+")
        let enc = { (s: String) in s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s }
        var parts = ["group=" + enc(group), "measures=" + enc(measures)]
        parts += filterPairs.map { enc($0.0) + "=" + enc($0.1) }
        return parts.joined(separator: "&")
    }
}

/// What identifies a rollup for matching: its groups (in order), its measures (as a set) and its
/// filters (as a set of parsed conditions, so `a=1&b=2` and `b=2&a=1` match). One text, compared
/// as a whole and unique per resource.
public enum AggregateRollupSignature {
    public static func of(groups: [AggregateGroup], measures: [AggregateMeasure], conditions: [RecordCondition]) -> String {
        let g = groups.map(\.name).joined(separator: ",")
        let m = measures.map(\.name).sorted().joined(separator: ",")
        let f = conditions.map { c in ([c.column.name, c.op.rawValue] + c.values).joined(separator: "\u{1F}") }.sorted()
            .joined(separator: "\u{1E}")
        return "g=\(g)\u{1D}m=\(m)\u{1D}f=\(f)"
    }

    /// The columns a rollup's stored state depends on, with their types and scales: a rollup built
    /// under another layout is rebuilt, never read.
    public static func shape(groups: [AggregateGroup], measures: [AggregateMeasure], conditions: [RecordCondition]) -> String {
        var seen: [String] = []
        for c in groups.map(\.column) + measures.compactMap(\.column) + conditions.map(\.column) {
            let text = "\(c.name):\(c.type.rawValue):\(c.precision.map(String.init) ?? "")"
            if !seen.contains(text) { seen.append(text) }
        }
        return seen.joined(separator: ",")
    }
}
