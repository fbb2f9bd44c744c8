import Fluent
import Vapor
import DataBankCore

/// `databank quality profile <code>`: profiles a resource's record store now and prints the
/// profile as a table.
struct ProfileCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "resource", help: "Resource code")
        var resource: String
        @Flag(name: "incremental", help: "Merge the change log since the last run instead of scanning every record")
        var incremental: Bool
        @Flag(name: "latest", help: "Print the latest stored profile without profiling")
        var latest: Bool
        init() {}
    }

    var help: String { "Profiles a resource's columns (count, nulls, distinct, min/max, top values, lengths, patterns) and prints them." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let c = context.console
        let summary: ProfileSummary
        if signature.latest {
            _ = try await RecordStores.find(signature.resource, on: app.db)
            guard let s = try await ProfileRuns.latestSummary(signature.resource, on: app.db) else {
                throw CLIError(
                    "No profile of \(signature.resource) yet; run `databank quality profile \(signature.resource)`",
                    zh: "\(signature.resource) 尚无画像；请运行 `databank quality profile \(signature.resource)`")
            }
            summary = s
        } else {
            let bar = ProgressLine(console: c, totalBytes: 0)
            let outcome = try await app.profileScheduler.run(signature.resource, kind: signature.incremental ? .incremental : .full) { rows in
                bar.update(rows: rows, bytes: 0)
            }
            bar.finish()
            summary = outcome.profile.summary
            c.print(
                String(
                    format: "Profiled %@ (%@): %d rows read in %.2f s (%.0f rows/s), peak RSS %@", signature.resource, outcome.run.kind,
                    outcome.run.rowsRead, outcome.seconds, Double(outcome.run.rowsRead) / max(outcome.seconds, 0.001),
                    LoadCommand.peakRSS().map { String(format: "%.0f MB", $0) } ?? "n/a"))
        }
        for line in Self.table(summary) { c.print(line) }
    }

    /// The profile as aligned text: one line per column, then its top values and patterns.
    static func table(_ p: ProfileSummary) -> [String] {
        var out = [
            "\(p.resourceCode): \(ProgressLine.grouped(p.rowCount)) records, change log to seq \(p.coveredSeq)"
                + (p.exact ? "" : " (approximate: \(p.updatesSinceFullScan) updates, \(p.deletesSinceFullScan) deletes since the last full scan)")
        ]
        let header = ["column", "type", "values", "nulls", "null %", "distinct", "min", "max", "mean len"]
        let rows = p.columns.map { c in
            [
                c.name, c.type.rawValue, String(c.count), String(c.nulls), String(format: "%.1f", c.nullRatio * 100),
                (c.distinctExact ? "" : "≈") + String(c.distinct), clip(c.min), clip(c.max), c.meanLength.map { String(format: "%.1f", $0) } ?? "-"
            ]
        }
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(displayWidth).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in cell + String(repeating: " ", count: widths[i] - displayWidth(cell)) }.joined(separator: "  ")
        }
        out.append(line(header))
        out.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        out += rows.map(line)
        out.append("")
        for c in p.columns {
            let top = c.topValues.prefix(5).map { "\(clip($0.value, 24)) ×\($0.count)" }.joined(separator: ", ")
            let shapes = c.patterns.prefix(3).map { "\(clip($0.value, 24)) ×\($0.count)" }.joined(separator: ", ")
            out.append("\(c.name): top \(top.isEmpty ? "-" : top) · patterns \(shapes.isEmpty ? "-" : shapes)")
        }
        return out
    }

    static func clip(_ s: String?, _ n: Int = 20) -> String {
        guard let s else { return "-" }
        return s.count > n ? String(s.prefix(n - 1)) + "…" : s
    }

    /// Columns in a terminal: a Chinese character takes two.
    static func displayWidth(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 && ($1.properties.isIdeographic || (0xFF00...0xFF60).contains($1.value)) ? 2 : 1) }
    }
}
