import Foundation

/// One cell of an aggregate answer.
public enum AggregateCell: Sendable, Equatable {
    case null
    case text(String)
    /// A number as JSON writes it.
    case number(String)
    case boolean(Bool)
    /// A suppressed measure: `"<k"`.
    case suppressed(String)
}

/// A column of an aggregate answer: a group or a measure.
public struct AggregateColumn: Sendable, Equatable {
    public var name: String
    public var label: String
    /// `group` or `measure`.
    public var kind: String
    /// `text`, `integer`, `number`, `date`, `datetime`, `boolean`, or `period` for a bucketed date.
    public var type: String
    /// The period of a bucketed date group.
    public var bucket: String?
    /// `regionCode` for a group whose item's standard is an administrative region code (set by
    /// the server, which knows the standards): a chart draws it as a map.
    public var semantic: String? = nil
}

/// The answer of an aggregate: `{"columns", "rows", "total", "suppressed", "other", "minGroupSize"}` or CSV.
public struct AggregateResult: Sendable, Equatable {
    public var columns: [AggregateColumn]
    /// One array per group, cells in column order; with `other`, the last row is the "其他/other" row.
    public var rows: [[AggregateCell]]
    public var total: Int
    public var suppressed: Int
    public var other: Bool
    /// k when the small-cell rule applied to this reader; nil for full readers.
    public var minGroupSize: Int?

    /// Assembles the answer from the database's groups, the suppression plan and the other row's
    /// measures (computed by the database over the folded groups' records).
    public init(request: AggregateRequest, plan: AggregateSuppression, otherMeasures: [String?]?, k: Int?, language: String) {
        let zh = language != "en"
        columns =
            request.groups.map { g in
                AggregateColumn(
                    name: g.name, label: Self.label(g, zh: zh), kind: "group", type: g.bucket == nil ? Self.valueType(g.column.type) : "period",
                    bucket: g.bucket?.rawValue)
            }
            + request.measures.map { m in AggregateColumn(name: m.name, label: Self.label(m, zh: zh), kind: "measure", type: m.valueType, bucket: nil) }
        let hidden = AggregateCell.suppressed("<\(k ?? 0)")
        var rows: [[AggregateCell]] = []
        for (row, isSuppressed) in zip(plan.shown, plan.shownSuppressed) {
            let keys = zip(request.groups, row.keys).map { g, v in Self.groupCell(v, g) }
            let values = isSuppressed ? request.measures.map { _ in hidden } : zip(request.measures, row.measures).map { Self.measureCell($1, $0) }
            rows.append(keys + values)
        }
        other = otherMeasures != nil && !plan.folded.isEmpty
        if other, let otherMeasures {
            let keys = request.groups.indices.map { $0 == 0 ? AggregateCell.text(zh ? "其他" : "other") : .null }
            rows.append(keys + zip(request.measures, otherMeasures).map { Self.measureCell($1, $0) })
        }
        self.rows = rows
        total = plan.total
        suppressed = plan.suppressed
        minGroupSize = k
    }

    static func valueType(_ t: DataType) -> String {
        switch t {
        case .I: return "integer"
        case .N, .F, .Y, .B: return "number"
        case .D: return "date"
        case .T: return "datetime"
        case .L: return "boolean"
        case .C, .M, .G: return "text"
        }
    }

    /// An item in English labels: its column name read as words (`free_berths` → "free berths"), as
    /// items carry no English names of their own.
    static func englishName(_ c: RecordLayout.Column) -> String { c.name.replacingOccurrences(of: "_", with: " ") }

    static func label(_ g: AggregateGroup, zh: Bool) -> String {
        guard let b = g.bucket else { return zh ? g.column.itemName : englishName(g.column) }
        return zh ? "\(g.column.itemName)（按\(b.zh)）" : "\(englishName(g.column)) (by \(b.rawValue))"
    }

    static func label(_ m: AggregateMeasure, zh: Bool) -> String {
        let item = m.column.map { zh ? $0.itemName : englishName($0) } ?? ""
        switch m.function {
        case .count: return zh ? "记录数" : "Records"
        case .countDistinct: return zh ? "\(item)（去重计数）" : "Distinct \(item)"
        case .sum: return zh ? "\(item)合计" : "Sum of \(item)"
        case .avg: return zh ? "\(item)平均值" : "Average \(item)"
        case .min: return zh ? "\(item)最小值" : "Minimum \(item)"
        case .max: return zh ? "\(item)最大值" : "Maximum \(item)"
        case .median: return zh ? "\(item)中位数" : "Median \(item)"
        case .p90: return zh ? "\(item)第90百分位数" : "90th percentile of \(item)"
        }
    }

    static func groupCell(_ text: String?, _ g: AggregateGroup) -> AggregateCell {
        guard let text else { return .null }
        if g.bucket != nil { return .text(text) }
        switch g.column.type {
        case .I, .N, .F, .Y, .B: return AggregateNumber.format(text, integer: g.column.type == .I).map(AggregateCell.number) ?? .text(text)
        case .L: return .boolean(text == "true" || text == "1")
        default: return .text(text)
        }
    }

    static func measureCell(_ text: String?, _ m: AggregateMeasure) -> AggregateCell {
        guard let text else { return m.function == .count || m.function == .countDistinct ? .number("0") : .null }
        return AggregateNumber.format(text, integer: m.valueType == "integer").map(AggregateCell.number) ?? .null
    }

    // MARK: Writing

    /// The JSON answer (documented in docs/API.md).
    public var json: String {
        var out: [UInt8] = []
        out.append(contentsOf: "{\"columns\":[".utf8)
        for (i, c) in columns.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: "{\"name\":".utf8); Self.appendJSONString(c.name, &out)
            out.append(contentsOf: ",\"label\":".utf8); Self.appendJSONString(c.label, &out)
            out.append(contentsOf: ",\"kind\":\"\(c.kind)\",\"type\":\"\(c.type)\"".utf8)
            if let b = c.bucket { out.append(contentsOf: ",\"bucket\":\"\(b)\"".utf8) }
            if let k = c.semantic { out.append(contentsOf: ",\"semantic\":\"\(k)\"".utf8) }
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "],\"rows\":[".utf8)
        for (r, row) in rows.enumerated() {
            if r > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            for (i, cell) in row.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                switch cell {
                case .null: out.append(contentsOf: "null".utf8)
                case .number(let n): out.append(contentsOf: n.utf8)
                case .boolean(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
                case .text(let s), .suppressed(let s): Self.appendJSONString(s, &out)
                }
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(contentsOf: "],\"total\":\(total),\"suppressed\":\(suppressed),\"other\":\(other),\"minGroupSize\":".utf8)
        out.append(contentsOf: (minGroupSize.map(String.init) ?? "null").utf8)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The answer as CSV: a header of column names, then the rows (suppressed cells `<k`, the other
    /// row last); CRLF line ends, no BOM (the server adds one for Excel).
    public var csv: String {
        var out = Self.csvLine(columns.map(\.name))
        for row in rows {
            out += Self.csvLine(
                row.map { cell in
                    switch cell {
                    case .null: return ""
                    case .number(let n): return n
                    case .boolean(let b): return b ? "true" : "false"
                    case .text(let s), .suppressed(let s): return s
                    }
                })
        }
        return out
    }

    public static func csvLine(_ cells: [String]) -> String {
        cells.map { c in
            c.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + c.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : c
        }.joined(separator: ",") + "\r\n"
    }

    static func appendJSONString(_ s: String, _ out: inout [UInt8]) {
        var copy = s
        copy.withUTF8 { FieldConverter.appendString($0, to: &out) }
    }
}

/// Numbers as both databases agree on them: integers as integers; other values rounded to 15
/// significant digits (SQLite sums doubles, PostgreSQL numerics: they differ past that).
public enum AggregateNumber {
    public static func format(_ text: String, integer: Bool) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if integer, let n = Int(trimmed) { return String(n) }
        guard let v = Double(trimmed), v.isFinite else { return nil }
        if integer { return String(Int(v.rounded())) }
        let rounded = Double(String(format: "%.15g", v)) ?? v
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int64(rounded)) }
        return "\(rounded)"
    }
}
