import FluentPostgresDriver
import Foundation
import NIOCore
import Vapor
import DataBankCore

/// How the PostgreSQL source reads rows as text cells: one statement whose columns are the mapped
/// source columns as text (then the watermark's value and type), read off PostgresNIO's rows a cell at
/// a time into pages of ``FieldRows``.
///
/// Each column is the server's text output, which the ingest's converters read as a CSV file's text:
/// numbers as printed (`12.50`), dates and timestamps in ISO style (`SET LOCAL DateStyle` when the
/// transaction starts; a `timestamptz` with its offset, `+08`), NULL as no cell at all. Two types are
/// printed as the JSON line used to give them, so a text item holding one reads as before: booleans as
/// `true`/`false` (not `t`/`f`) and arrays as JSON arrays (not `{…}`); that needs the columns' types,
/// which the server tells for the read limited to no row (``columnTypes(_:connection:logger:)``).
extension PostgresSource {
    /// The page being filled: its rows' cells and their watermarks.
    struct CellPage {
        var rows: FieldRows
        var watermarks: [Watermark] = []

        init(names: [String], capacity: Int) { rows = FieldRows(names: names, capacity: capacity) }

        /// A row's cells (the mapped columns, then the watermark's value and type), copied from its bytes.
        mutating func append(_ row: PostgresRow, watermarked: Bool) {
            let width = rows.names.count
            var index = 0
            var mark: String?
            for cell in row {
                if index < width {
                    if let bytes = cell.bytes { bytes.withUnsafeReadableBytes { rows.append($0) } } else { rows.appendNull() }
                } else if watermarked {
                    if index == width {
                        mark = cell.bytes.map { String(buffer: $0) }
                    } else if let mark {
                        watermarks.append(Watermark(value: mark, type: cell.bytes.map { String(buffer: $0) } ?? "text"))
                    }
                }
                index += 1
            }
            rows.endRow()
        }

        func page(last: Bool) -> SourcePage {
            SourcePage(cells: rows, rows: rows.count, watermarks: watermarks, last: last)
        }
    }

    /// Each mapped column's type (`pg_typeof` names: `boolean`, `integer[]` …), asked of the server with
    /// the read limited to no row: one row of typed NULLs comes back (a left join onto it), whatever the
    /// source holds, and the read itself is only planned.
    static func columnTypes(_ read: SourceRead, connection: PostgresConnection, logger: Logger) async throws -> [String] {
        guard !read.mapping.pairs.isEmpty else { return [] }
        let columns = read.mapping.pairs.map { "pg_typeof(src.\(SourceRead.quote($0.source)))::text" }.joined(separator: ", ")
        let sql = "SELECT \(columns) FROM (SELECT 1) AS one LEFT JOIN (SELECT * FROM (\(read.base)) AS s LIMIT 0) AS src ON true"
        guard let row = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect().first else { return [] }
        return try row.map { try $0.decode(String.self) }
    }

    /// A column as the text its cell carries (see the type's comment above).
    static func text(of column: String, type: String?) -> String {
        switch type {
        case "boolean"?: return "CASE \(column) WHEN true THEN 'true' WHEN false THEN 'false' END"
        case let t? where t.hasSuffix("[]"): return "to_json(\(column))::text"
        case "text"?: return column
        default: return "\(column)::text"
        }
    }

    /// The read: the mapped columns as text, and the watermark's value and type in incremental mode.
    static func statement(_ read: SourceRead, types: [String]) throws -> (String, PostgresBindings) {
        var cells = read.mapping.pairs.enumerated().map { i, pair in
            text(of: "src." + SourceRead.quote(pair.source), type: i < types.count ? types[i] : nil)
        }
        var binds = PostgresBindings()
        var filter = "", order = ""
        if let column = read.watermarkColumn {
            let c = "src." + SourceRead.quote(column)
            cells += ["\(c)::text AS wm", "pg_typeof(\(c))::text AS wmtype"]
            if let after = read.after {
                // The value back in the column's own type (its name as pg_typeof gave it, checked to be a type name).
                guard after.type.range(of: #"^[A-Za-z0-9_ ."()\[\],]+$"#, options: .regularExpression) != nil else {
                    throw AppError(.internalServerError, "bad_watermark", "The stored watermark type \(after.type) is not a type name")
                }
                filter = " WHERE \(c) > CAST($1 AS \(after.type))"
                binds.append(after.value)
            }
            filter += (filter.isEmpty ? " WHERE " : " AND ") + "\(c) IS NOT NULL"
            order = " ORDER BY \(c)"
        }
        let limit = read.limit.map { " LIMIT \($0)" } ?? ""
        return ("SELECT \(cells.joined(separator: ", ")) FROM (\(read.base)) AS src\(filter)\(order)\(limit)", binds)
    }
}
