import Fluent
import Vapor
import DataBankCore

/// Loads a file from disk: delimited and JSON files stream in 1 MiB reads; a workbook is
/// read sheet-first (XLSX is a ZIP of XML) and fed as rows.
enum FileLoad {
    static func run(
        path: String, formatName: String, sheet: String?, store: RecordStoreRow, mode: LoadMode,
        encoding: TextEncoding?, who: AuditLog.Who, on db: any Database,
        progress: (@Sendable (Int, Int) -> Void)? = nil, xlsxLimits: XLSXLimits = .standard,
        today: CivilDate = GrantAccess.today(), rules: QualitySetup? = nil, source: String? = nil,
        columnMap: [String: String]? = nil
    ) async throws -> LoadSummary {
        guard FileManager.default.isReadableFile(atPath: path) else { throw CLIError("Cannot read \(path)", zh: "无法读取 \(path)") }
        if formatName == "xlsx" {
            // Read inside the load, so a refused workbook (a zip bomb, a malformed sheet) is recorded with its reason.
            // The source recorded is the name the user knows (an upload's file name), not a spool path.
            var summary = try await Loads.run(
                store: store, mode: mode, format: .ndjson, encoding: .utf8, source: source ?? path, who: who, on: db,
                progress: progress, rowOffset: 1, recordedFormat: "xlsx", today: today, rules: rules
            ) { ingest in
                ingest.columnMap = columnMap
                let (ndjson, header) = try XLSXReader(path: path, limits: xlsxLimits).ndjsonFile(sheet: sheet)
                defer { try? FileManager.default.removeItem(atPath: ndjson) }
                guard !header.isEmpty else { throw AppError(.badRequest, "empty_sheet", "The sheet has no header row") }
                let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: ndjson))
                defer { try? handle.close() }
                while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty { try await ingest.feed([UInt8](data)) }
            }
            summary.format = "xlsx"
            return summary
        }
        guard let format = IngestFormat(rawValue: formatName) else {
            throw CLIError("Unknown format \(formatName); use --format csv|tsv|json|ndjson|xlsx", zh: "未知格式 \(formatName)；请用 --format csv|tsv|json|ndjson|xlsx")
        }
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        return try await Loads.run(
            store: store, mode: mode, format: format, encoding: encoding, source: path, who: who, on: db,
            progress: progress, today: today, rules: rules
        ) { ingest in
            ingest.columnMap = columnMap
            while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
                try await ingest.feed([UInt8](data))
            }
        }
    }
}
