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

    /// The first rows of a delimited file as the ingest would name them (the mapping, or the header's
    /// item or column names; other columns left out), from its first 256 KiB: a test-connection preview.
    func preview(
        _ name: String, delimiter: UInt8, encoding: TextEncoding?, layout: RecordLayout, mapping: ConnectorMapping, rows: Int
    ) throws -> (encoding: String, rows: [[String: String]]) {
        guard let handle = FileHandle(forReadingAtPath: path + "/" + name) else {
            throw SourceFailure.unreachable(name, field: "source.path", detail: "cannot read the file")
        }
        defer { try? handle.close() }
        let bytes = [UInt8](try handle.read(upToCount: 256 * 1024) ?? Data())
        var (detected, bom) = bytes.withUnsafeBufferPointer { TextEncoding.detect($0) }
        if let encoding { detected = encoding; if encoding != .utf8 { bom = 0 } }
        let transcoder = try TextTranscoder(detected)
        var utf8: [UInt8] = []
        bytes.withUnsafeBufferPointer { transcoder.convert(UnsafeBufferPointer(rebasing: $0[bom...]), final: true, into: &utf8) }
        var parser = CSVParser(delimiter: delimiter)
        var header: [String?] = []
        var out: [[String: String]] = []
        let map = mapping.pairs.isEmpty ? nil : mapping.itemBySource
        func item(_ raw: String) -> String? {
            let name = raw.trimmingCharacters(in: .whitespaces)
            if let map { return map[name] }
            return layout.columns.first { $0.name == name.lowercased() || $0.itemName == name }?.name
        }
        utf8.withUnsafeBufferPointer { buffer in
            parser.feed(buffer) { record in
                if header.isEmpty && out.isEmpty {
                    header = (0..<record.count).map { item(record.string($0)) }
                    return
                }
                guard out.count < rows else { return }
                var row: [String: String] = [:]
                for i in 0..<min(record.count, header.count) { if let key = header[i] { row[key] = record.string(i) } }
                out.append(row)
            }
        }
        return (detected.rawValue, out)
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
