/// Why a file's header cannot be loaded into a resource: each list names the columns.
public struct HeaderProblem: Error, Hashable, Sendable {
    public var unknown: [String] = []
    public var missing: [String] = []
    public var duplicate: [String] = []

    public var message: String {
        var parts: [String] = []
        if !unknown.isEmpty { parts.append("未知列：\(unknown.joined(separator: "、"))") }
        if !missing.isEmpty { parts.append("缺少列：\(missing.joined(separator: "、"))") }
        if !duplicate.isEmpty { parts.append("重复列：\(duplicate.joined(separator: "、"))") }
        return parts.joined(separator: "；")
    }

    public var messageEn: String {
        var parts: [String] = []
        if !unknown.isEmpty { parts.append("unknown columns: \(unknown.joined(separator: ", "))") }
        if !missing.isEmpty { parts.append("missing columns: \(missing.joined(separator: ", "))") }
        if !duplicate.isEmpty { parts.append("duplicate columns: \(duplicate.joined(separator: ", "))") }
        return parts.joined(separator: "; ")
    }
}

/// One refused row: its number in the source, the column at fault (nil for the whole row),
/// the raw value and why.
public struct RowProblem: Hashable, Sendable {
    /// The record's number: a delimited file's header is row 1 (Frictionless's `rowNumber`); a JSON
    /// record's is its position; a sheet's row is its row in the sheet.
    public var row: Int
    /// The file line where the record starts, for a delimited file.
    public var line: Int?
    public var byteOffset: Int?
    public var column: String?
    public var raw: String?
    public var problem: FieldProblem
    /// The whole source row as JSON — an object of column → raw text, or the raw line as a JSON
    /// string when the row could not be split — so a steward can fix it and resubmit it.
    public var rawRow: String?

    public init(row: Int, line: Int? = nil, byteOffset: Int? = nil, column: String? = nil, raw: String? = nil, problem: FieldProblem, rawRow: String? = nil) {
        self.row = row; self.line = line; self.byteOffset = byteOffset; self.column = column; self.raw = raw; self.problem = problem; self.rawRow = rawRow
    }
}

/// Turns source rows into the canonical JSON objects the record store takes, one batch
/// buffer at a time: `{"col":value,…}` with every layout column in layout order.
public struct RowEncoder {
    public let layout: RecordLayout
    /// For each source field, the layout column it fills (header order → layout order).
    public let fieldColumns: [Int]
    /// For each layout column, the source field holding it (-1: absent, so null).
    let sourceOf: [Int]
    let keyIndexes: [Int]
    let columnNameBytes: [[UInt8]]

    /// Matches a header to the layout by column name (any case) or item name. Every item must
    /// be present once and nothing else; otherwise the load is refused before it starts.
    /// - Parameter columnMap: a connector's mapping (source column → item name): a header name it
    ///   maps is read as its item, one it does not map is skipped (and `requireAll` is not asked).
    public init(header: [String], layout: RecordLayout, requireAll: Bool = true, columnMap: [String: String]? = nil) throws(HeaderProblem) {
        var problem = HeaderProblem()
        var used = Set<Int>()
        var fields: [Int] = []
        let requireAll = requireAll && columnMap == nil
        for raw in header {
            var name = raw.trimmingWhitespace.replacingBOM
            if let columnMap {
                guard let item = columnMap[name] else { fields.append(-1); continue }
                name = item
            }
            let index = layout.columns.firstIndex { $0.name == name.lowercased() || $0.itemName == name }
            guard let index else { problem.unknown.append(name); fields.append(-1); continue }
            if !used.insert(index).inserted { problem.duplicate.append(name) }
            fields.append(index)
        }
        if requireAll {
            problem.missing = layout.columns.indices.filter { !used.contains($0) }.map { layout.columns[$0].name }
        } else {
            problem.missing = layout.columns.indices.filter { !used.contains($0) && layout.columns[$0].required }.map { layout.columns[$0].name }
        }
        if !problem.unknown.isEmpty || !problem.missing.isEmpty || !problem.duplicate.isEmpty { throw problem }
        self.layout = layout
        self.fieldColumns = fields
        var sourceOf = [Int](repeating: -1, count: layout.columns.count)
        for (f, c) in fields.enumerated() where c >= 0 { sourceOf[c] = f }
        self.sourceOf = sourceOf
        self.keyIndexes = layout.columns.indices.filter { layout.columns[$0].primaryKey }
        self.columnNameBytes = layout.columns.map { Array("\"\($0.name)\":".utf8) }
    }

    /// Encodes one row into `out` (an object, appended) and returns its key text, or the
    /// problems; on problems `out` is left as it was.
    /// - Parameter field: the raw bytes of source field `i` (nil: absent / JSON null).
    public func encode(
        row: Int, byteOffset: Int? = nil, fieldCount: Int, into out: inout [UInt8],
        field: (Int) -> UnsafeBufferPointer<UInt8>?
    ) -> Result<String, RowEncodingFailure> {
        guard fieldCount == fieldColumns.count else {
            let p = FieldProblem(
                "wrong_field_count", zh: "应有 \(fieldColumns.count) 列，实有 \(fieldCount) 列",
                en: "Expected \(fieldColumns.count) fields, found \(fieldCount)")
            return .failure(RowEncodingFailure(problems: [RowProblem(row: row, byteOffset: byteOffset, problem: p)]))
        }
        let mark = out.count
        var problems: [RowProblem] = []
        var key = ""
        withUnsafeTemporaryAllocation(of: Int.self, capacity: layout.columns.count + 1) { valueEnds in
            out.append(UInt8(ascii: "{"))
            for (c, column) in layout.columns.enumerated() {
                if c > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: columnNameBytes[c])
                let raw = sourceOf[c] >= 0 ? field(sourceOf[c]) : nil
                if let problem = FieldConverter.appendJSON(raw, as: column, to: &out) {
                    problems.append(
                        RowProblem(
                            row: row, byteOffset: byteOffset, column: column.name,
                            raw: raw.map { String(decoding: $0, as: UTF8.self) }, problem: problem))
                    out.append(contentsOf: FieldConverter.nullBytes)
                }
                valueEnds[c] = out.count
            }
            out.append(UInt8(ascii: "}"))
            guard problems.isEmpty else { return }
            for (n, k) in keyIndexes.enumerated() {
                let start = (k == 0 ? mark + 1 : valueEnds[k - 1] + 1) + columnNameBytes[k].count
                if n > 0 { key += "\u{1F}" }
                key += String(decoding: out[start..<valueEnds[k]], as: UTF8.self)
            }
        }
        if !problems.isEmpty { out.removeSubrange(mark...); return .failure(RowEncodingFailure(problems: problems)) }
        return .success(key)
    }
}

public struct RowEncodingFailure: Error, Hashable, Sendable {
    public var problems: [RowProblem]
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
    var replacingBOM: String { hasPrefix("\u{FEFF}") ? String(dropFirst()) : self }
}
