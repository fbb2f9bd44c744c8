/// The typed shape of a resource's record store: one column per information item.
///
/// Built from a published snapshot; the storage layer turns it into a table per dialect and
/// compares two layouts to decide whether a published change can migrate the table.
public struct RecordLayout: Codable, Hashable, Sendable {
    public struct Column: Codable, Hashable, Sendable {
        public var name: String
        /// The item's (Chinese) name, accepted as a header in files.
        public var itemName: String
        public var type: DataType
        /// Characters for text, total digits for numbers; nil when unbounded.
        public var length: Int?
        /// Digits after the decimal point for 数值型 / 货币型.
        public var precision: Int?
        public var required: Bool
        public var primaryKey: Bool
        public var queryField: Bool

        public init(name: String, itemName: String, type: DataType, length: Int? = nil, precision: Int? = nil,
                    required: Bool = false, primaryKey: Bool = false, queryField: Bool = false) {
            self.name = name; self.itemName = itemName; self.type = type; self.length = length; self.precision = precision
            self.required = required; self.primaryKey = primaryKey; self.queryField = queryField
        }
    }

    public var columns: [Column]

    public init(columns: [Column]) { self.columns = columns }

    /// The layout of a snapshot; `precision` gives each standard's decimal places.
    public init(_ snapshot: ResourceSnapshot, precision: [String: Int] = [:]) {
        columns = snapshot.items.map { item in
            Column(name: item.column, itemName: item.name, type: item.dataType,
                   length: item.dataType.hasLength ? item.length : nil,
                   precision: [.N, .Y].contains(item.dataType) ? precision[item.standardCode] ?? (item.dataType == .Y ? 2 : nil) : nil,
                   required: item.required || item.primaryKey, primaryKey: item.primaryKey, queryField: item.queryField)
        }
    }

    public var keyColumns: [Column] { columns.filter(\.primaryKey) }
    public var keyNames: [String] { keyColumns.map(\.name) }

    public func column(named name: String) -> Column? { columns.first { $0.name == name } }

    /// How a table built for `self` becomes one for `new`, or why it cannot.
    public func migration(to new: RecordLayout) -> Result<LayoutMigration, LayoutChangeRefusal> {
        var migration = LayoutMigration()
        var refusals: [LayoutChangeRefusal.Reason] = []
        func refuse(_ column: String?, _ zh: String, _ en: String) { refusals.append(.init(column: column, zh: zh, en: en)) }
        let old = Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0) })
        if keyNames != new.keyNames {
            refuse(nil, "主键由 (\(keyNames.joined(separator: ", "))) 改为 (\(new.keyNames.joined(separator: ", ")))",
                   "the key changes from (\(keyNames.joined(separator: ", "))) to (\(new.keyNames.joined(separator: ", ")))")
        }
        for column in new.columns {
            guard let before = old[column.name] else {
                migration.added.append(column)
                continue
            }
            if before.type != column.type {
                refuse(column.name, "类型由 \(before.type.rawValue) 改为 \(column.type.rawValue)", "type changes from \(before.type.rawValue) to \(column.type.rawValue)")
            } else if let was = before.length, (column.length ?? Int.max) > was {
                migration.widened.append(column)
            } else if let now = column.length, now < (before.length ?? Int.max) {
                refuse(column.name, "长度由 \(before.length.map(String.init) ?? "不限") 缩短为 \(now)", "length shrinks to \(now)")
            }
            if (before.precision ?? 0) != (column.precision ?? 0) {
                refuse(column.name, "精度由 \(before.precision ?? 0) 改为 \(column.precision ?? 0)", "precision changes from \(before.precision ?? 0) to \(column.precision ?? 0)")
            }
            if column.queryField && !before.queryField { migration.newIndexes.append(column) }
        }
        for column in columns where !new.columns.contains(where: { $0.name == column.name }) {
            refuse(column.name, "删除信息项会丢失已有数据", "removing the item would lose its data")
        }
        if !refusals.isEmpty { return .failure(LayoutChangeRefusal(reasons: refusals)) }
        return .success(migration)
    }
}

/// What a compatible layout change does to an existing table.
public struct LayoutMigration: Hashable, Sendable {
    public var added: [RecordLayout.Column] = []
    public var widened: [RecordLayout.Column] = []
    public var newIndexes: [RecordLayout.Column] = []
    public var isEmpty: Bool { added.isEmpty && widened.isEmpty && newIndexes.isEmpty }
    public init() {}
}

/// Why a published change cannot migrate the record store, column by column.
public struct LayoutChangeRefusal: Error, Hashable, Sendable {
    public struct Reason: Hashable, Sendable {
        /// The column at fault (nil: the key as a whole).
        public var column: String?
        public var zh: String
        public var en: String
    }
    public var reasons: [Reason]
}
