import Foundation
import Vapor
import DataBankCore

/// `databank bench quality`: validation of a generated 1,000,000-row, 10-column CSV with
/// resident ID, credit code, region, mobile, code-list and cross-field rules — DataBank's
/// validator against `frictionless validate` on the same file and the equivalent Table Schema
/// (plus a row-constraint checklist), in the same run, with the findings compared per error type.
///
/// Seeded defects fail DataBank's rule and Frictionless' constraint once each (a resident ID with a
/// letter inside fails both the 18-digit pattern and the identifier check), so equal counts mean
/// equal findings. Clean values pass both.
struct QualityBench {
    let console: any Console
    let rows: Int
    var table: [(String, String, String)] = []

    mutating func row(_ name: String, _ value: String, _ target: String) {
        table.append((name, value, target)); console.print("\(name): \(value) (target \(target))")
    }

    static let layout = RecordLayout(columns: [
        .init(name: "id_number", itemName: "公民身份号码", type: .C, length: 18, required: true, primaryKey: true),
        .init(name: "person_name", itemName: "姓名", type: .C, length: 50, required: true),
        .init(name: "credit_code", itemName: "统一社会信用代码", type: .C, length: 18),
        .init(name: "region_code", itemName: "行政区划代码", type: .C, length: 6),
        .init(name: "mobile", itemName: "手机号码", type: .C, length: 11),
        .init(name: "status", itemName: "状态", type: .C, length: 1),
        .init(name: "amount", itemName: "金额", type: .N, length: 12, precision: 2),
        .init(name: "birth_date", itemName: "出生日期", type: .D),
        .init(name: "start_date", itemName: "开始日期", type: .D),
        .init(name: "end_date", itemName: "结束日期", type: .D)
    ])

    static var rules: [QualityRule] {
        func semantic(_ column: String, _ kind: SemanticKind) -> QualityRule {
            QualityRule(
                id: "derived:\(column):semantic", kind: .semantic, column: column, name: column, nameEn: column, derived: true,
                semantic: kind, errorType: "constraint-error")
        }
        return [
            semantic("id_number", .residentID), semantic("credit_code", .creditCode), semantic("region_code", .regionCode),
            semantic("mobile", .mobile),
            QualityRule(
                id: "derived:status:domain", kind: .domain, column: "status", name: "status", nameEn: "status", derived: true,
                codes: ["1", "2", "3", "4"], errorType: "constraint-error"),
            QualityRule(
                id: "period", kind: .expression, column: nil, name: "end_date >= start_date", nameEn: "end_date >= start_date",
                derived: false, expression: "end_date >= start_date", errorType: "row-constraint"),
            QualityRule(
                id: "derived:id_number:primaryKey", kind: .primaryKey, column: "id_number", name: "key", nameEn: "key", derived: true,
                errorType: "primary-key")
        ]
    }

    /// The same constraints as a Frictionless Table Schema (a pattern stands for each identifier check).
    static let schema = """
        {"fields": [
          {"name": "id_number", "type": "string", "constraints": {"required": true, "pattern": "[1-8][0-9]{16}[0-9X]"}},
          {"name": "person_name", "type": "string", "constraints": {"required": true, "maxLength": 50}},
          {"name": "credit_code", "type": "string", "constraints": {"pattern": "[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}"}},
          {"name": "region_code", "type": "string", "constraints": {"pattern": "[1-8][0-9]{5}"}},
          {"name": "mobile", "type": "string", "constraints": {"pattern": "1[3-9][0-9]{9}"}},
          {"name": "status", "type": "string", "constraints": {"enum": ["1", "2", "3", "4"]}},
          {"name": "amount", "type": "number"},
          {"name": "birth_date", "type": "date"},
          {"name": "start_date", "type": "date"},
          {"name": "end_date", "type": "date"}
        ], "primaryKey": ["id_number"]}
        """
    static let checklist = #"{"checks": [{"type": "row-constraint", "formula": "end_date >= start_date"}]}"#

    /// Row `i`: clean, or with one seeded defect (every 100th row, eight kinds in turn; every
    /// 50,000th row repeats the previous row's key).
    static func line(_ i: Int) -> String {
        var id = SampleValues.value(.residentID, row: i)!
        var name = "张\(i % 1000)"
        var credit = SampleValues.value(.creditCode, row: i)!
        var region = SampleValues.value(.regionCode, row: i)!
        var mobile = SampleValues.value(.mobile, row: i)!
        var status = String(1 + i % 4)
        var amount = "\(i % 100_000).\(i % 100 < 10 ? "0" : "")\(i % 100)"
        let birth = "\(id.dropFirst(6).prefix(4))-\(id.dropFirst(10).prefix(2))-\(id.dropFirst(12).prefix(2))"
        let start = CivilDate(daysSinceEpoch: 19_000 + i % 1_000).iso
        var end = CivilDate(daysSinceEpoch: 19_400 + i % 1_000).iso
        if i % 100 == 7 {
            switch (i / 100) % 8 {
            case 0: amount = "abc"
            case 1: name = ""
            case 2: id = String(id.prefix(5)) + "A" + String(id.dropFirst(6))
            case 3: credit = String(credit.prefix(10)) + "I" + String(credit.dropFirst(11))
            case 4: region = "999999"
            case 5: mobile = "12345"
            case 6: status = "9"
            default: end = CivilDate(daysSinceEpoch: 18_000).iso
            }
        }
        if i > 0 && i % 50_000 == 0 { id = SampleValues.value(.residentID, row: i - 1)! }
        return [id, name, credit, region, mobile, status, amount, birth, start, end].joined(separator: ",")
    }

    /// The generated file (kept in the temp folder, written once per size).
    static func file(rows: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("databank-quality-\(rows).csv").path
        if FileManager.default.fileExists(atPath: path) { return path }
        try BusBench.writeOnce(path) { partial in
            _ = FileManager.default.createFile(atPath: partial, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partial))
            defer { try? handle.close() }
            var chunk = layout.columns.map(\.name).joined(separator: ",") + "\n"
            for i in 0..<rows {
                chunk += line(i) + "\n"
                if chunk.utf8.count > 1 << 20 { try handle.write(contentsOf: Data(chunk.utf8)); chunk = "" }
            }
            try handle.write(contentsOf: Data(chunk.utf8))
        }
        return path
    }

    /// Validates `path` in this process, through the same path as `databank quality validate`.
    static func validate(_ path: String) async throws -> ValidationReport {
        try await ValidateFile.validate(path, layout: layout, rules: rules, encoding: nil, references: nil, on: nil)
    }

    mutating func run() async throws {
        let path = try Self.file(rows: rows)
        console.print("input: \(path) (\(rows) rows)")
        _ = try await Self.validate(try Self.file(rows: 10_000))  // warm up (region table, regexes)
        let start = ContinuousClock.now
        let report = try await Self.validate(path)
        let seconds = (ContinuousClock.now - start).seconds
        row(
            "validate \(rows) rows × 10 columns (ID, credit code, region, mobile, code list, cross-field, key)",
            String(format: "%.0f rows/s (%.2f s)", Double(report.rows) / seconds, seconds), "≥ 300,000 rows/s")
        let ours = report.errors
        console.print("DataBank findings: \(ours.sorted { $0.key < $1.key })")

        guard let frictionless = Self.frictionlessPath() else {
            row("frictionless validate (same file and schema)", "not installed (pip install frictionless)", "-")
            return
        }
        let dir = FileManager.default.temporaryDirectory
        let schemaPath = dir.appendingPathComponent("databank-quality-schema.json").path
        try Self.schema.write(toFile: schemaPath, atomically: true, encoding: .utf8)
        let started = ContinuousClock.now
        let output = try Self.runTolerant(
            frictionless,
            [
                "validate", "--json", "--trusted", "--limit-errors", "10000000", "--schema", schemaPath,
                "--checklist", Self.checklist, path
            ])
        let theirSeconds = (ContinuousClock.now - started).seconds
        let theirs = try Self.countErrors(output)
        console.print("frictionless findings: \(theirs.sorted { $0.key < $1.key })")
        row("frictionless validate (same file, schema, row constraint)", String(format: "%.0f rows/s (%.1f s)", Double(rows) / theirSeconds, theirSeconds), "-")
        row("DataBank speed-up over frictionless", String(format: "%.1f ×", theirSeconds / seconds), "≥ 10 ×")
        row("findings per error type equal", ours == theirs ? "yes (\(ours.values.reduce(0, +)) findings)" : "NO: \(ours) vs \(theirs)", "equal")
    }

    /// `frictionless` from DATABANK_FRICTIONLESS, the repository's venv (scripts/test makes it) or the PATH.
    static func frictionlessPath() -> String? {
        var candidates = [ProcessInfo.processInfo.environment["DATABANK_FRICTIONLESS"], ".build/pyenv/bin/frictionless"]
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") { candidates.append("\(dir)/frictionless") }
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a program and answers its standard output whatever its exit status (1 means "invalid").
    static func runTolerant(_ executable: String, _ args: [String]) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return data
    }

    /// Error counts by type from `frictionless validate --json`.
    static func countErrors(_ json: Data) throws -> [String: Int] {
        guard let report = try JSONSerialization.jsonObject(with: json) as? [String: Any] else { throw CLIError("frictionless printed no JSON report") }
        var counts: [String: Int] = [:]
        for task in report["tasks"] as? [[String: Any]] ?? [] {
            for error in task["errors"] as? [[String: Any]] ?? [] {
                if let type = error["type"] as? String { counts[type, default: 0] += 1 }
            }
        }
        return counts
    }
}
