/// Which source column fills which information item of a store. Checked against the store's
/// layout before anything is saved or read: every item named must exist, none twice, and the
/// store's key items and required items must all be filled.
public struct ConnectorMapping: Codable, Hashable, Sendable {
    public struct Pair: Codable, Hashable, Sendable {
        /// The column's name in the source (a table's column, a query's output name, a file's header).
        public var source: String
        /// The item's column name in the store (``RecordLayout/Column/name``).
        public var item: String
        public init(source: String, item: String) { self.source = source; self.item = item }
    }

    public var pairs: [Pair]
    public init(_ pairs: [Pair]) { self.pairs = pairs }

    /// The identity mapping: every item from the source column of the same name.
    public static func identity(_ layout: RecordLayout) -> ConnectorMapping {
        ConnectorMapping(layout.columns.map { Pair(source: $0.name, item: $0.name) })
    }

    /// Source column → item, for renaming a file's header.
    public var itemBySource: [String: String] { Dictionary(pairs.map { ($0.source, $0.item) }, uniquingKeysWith: { a, _ in a }) }

    /// Every problem with this mapping for `layout`, each naming its field (`mapping[2].item`).
    public func problems(for layout: RecordLayout) -> [FieldError] {
        var out: [FieldError] = []
        if pairs.isEmpty {
            return [FieldError(field: "mapping", code: "required", message: "映射至少要有一列", messageEn: "The mapping needs at least one column")]
        }
        var items: Set<String> = [], sources: Set<String> = []
        for (i, pair) in pairs.enumerated() {
            let source = pair.source.trimmingCharacters(in: .whitespaces)
            if source.isEmpty || source.count > 128 || source.contains(where: { $0.isNewline || $0 == "\0" }) {
                out.append(
                    FieldError(
                        field: "mapping[\(i)].source", code: "invalid_column", message: "源列名为空或无效（最多 128 个字符）",
                        messageEn: "The source column name is empty or not valid (at most 128 characters)"))
            }
            if !sources.insert(pair.source).inserted {
                out.append(
                    FieldError(
                        field: "mapping[\(i)].source", code: "duplicate_source", message: "源列 \(pair.source) 出现了两次",
                        messageEn: "Source column \(pair.source) is mapped twice"))
            }
            guard layout.column(named: pair.item) != nil else {
                out.append(
                    FieldError(
                        field: "mapping[\(i)].item", code: "unknown_item", message: "数据存储中没有信息项 \(pair.item)",
                        messageEn: "The store has no item \(pair.item)"))
                continue
            }
            if !items.insert(pair.item).inserted {
                out.append(
                    FieldError(
                        field: "mapping[\(i)].item", code: "duplicate_item", message: "信息项 \(pair.item) 被映射了两次",
                        messageEn: "Item \(pair.item) is filled by two source columns"))
            }
        }
        for column in layout.columns where column.required && !items.contains(column.name) {
            out.append(
                FieldError(
                    field: "mapping", code: "missing_item", message: "必填信息项 \(column.name)（\(column.itemName)）未映射",
                    messageEn: "The required item \(column.name) (\(column.itemName)) is not mapped"))
        }
        return out
    }
}

/// How a run moves records: the whole source replaces the store, or only rows past the watermark
/// are read and upserted (appended to a store without a key).
public enum ConnectorMode: Hashable, Sendable {
    case replace
    /// By a monotonically increasing source column (an id, a modification time).
    case incremental(column: String)

    public var name: String {
        switch self {
        case .replace: "replace"
        case .incremental: "incremental"
        }
    }

    public var column: String? {
        if case .incremental(let c) = self { return c }
        return nil
    }

    /// From the API's `mode` and `watermarkColumn` fields.
    public static func parse(_ mode: String?, column: String?) -> Result<ConnectorMode, FieldError> {
        switch mode ?? "replace" {
        case "replace": return .success(.replace)
        case "incremental":
            guard let column = column?.trimmingCharacters(in: .whitespaces), !column.isEmpty else {
                return .failure(
                    FieldError(
                        field: "watermarkColumn", code: "required", message: "增量模式需要一个单调递增的源列（如编号或修改时间）",
                        messageEn: "Incremental mode needs a monotonically increasing source column (an id or a modification time)"))
            }
            return .success(.incremental(column: column))
        case let other:
            return .failure(
                FieldError(
                    field: "mode", code: "invalid_mode", message: "模式只能是 replace 或 incremental，而不是 \(other)",
                    messageEn: "mode must be replace or incremental, not \(other)"))
        }
    }
}

/// How far an incremental connector has read: the watermark column's last committed value, as
/// text, and its type in the source (`integer`, `real`, `text` on SQLite; the type's name on
/// PostgreSQL), so the next run compares it as the source's own type.
public struct Watermark: Codable, Hashable, Sendable {
    public var value: String
    public var type: String
    public init(value: String, type: String) { self.value = value; self.type = type }

    /// The watermark to commit once a page of rows ordered by the column is written.
    ///
    /// The next run reads `column > watermark`. Rows sharing the page's last value may continue on
    /// the next page, so after a full page the watermark stops before that value (the rows with
    /// it are read again on resumption and upserted again — no row is skipped); after the last
    /// page every value was read, and the last one is the watermark.
    /// - Parameters:
    ///   - values: the column's values in the page, in the order read (ascending).
    ///   - lastPage: whether the source had no more rows.
    ///   - previous: the watermark before this page.
    public static func after(page values: [Watermark], lastPage: Bool, previous: Watermark?) -> Watermark? {
        guard let last = values.last else { return previous }
        if lastPage { return last }
        return values.last(where: { $0.value != last.value }) ?? previous
    }
}
