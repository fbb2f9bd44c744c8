import Foundation
import DataBankCore

/// A watched folder under the connector root: every CSV/TSV/JSON/NDJSON/XLSX file dropped in it is
/// one load (UTF-8 or GB18030, detected or as configured), then moved to `done/` or `failed/` beside
/// it, its name prefixed with the run's time so drops of the same name never overwrite each other.
/// A file being written should be dropped under a hidden name (`.x.csv`) or with `.part`/`.tmp` and
/// renamed when complete: those are not taken.
struct FolderSource: Sendable {
    var path: String

    static let formats = ["csv", "tsv", "json", "ndjson", "jsonl", "xlsx"]

    /// The files waiting, in name order.
    func pending() throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SourceFailure.unreachable(URL(fileURLWithPath: path).lastPathComponent, field: "source.path", detail: "no such folder")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
        return names.filter { name in
            guard !name.hasPrefix("."), !name.hasSuffix(".part"), !name.hasSuffix(".tmp") else { return false }
            var dir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &dir), !dir.boolValue else { return false }
            return Self.format(of: name) != nil
        }.sorted()
    }

    static func format(of name: String) -> String? {
        guard let ext = name.split(separator: ".").last?.lowercased(), name.contains("."), formats.contains(ext) else { return nil }
        return ext == "jsonl" ? "ndjson" : ext
    }

    /// Moves a file taken by a run to `done/` or `failed/`; returns where it went (relative to the folder).
    func move(_ name: String, to outcome: String, stamp: String) throws -> String {
        let dir = path + "/" + outcome
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let target = "\(outcome)/\(stamp)-\(name)"
        try FileManager.default.moveItem(atPath: path + "/" + name, toPath: path + "/" + target)
        return target
    }
}
