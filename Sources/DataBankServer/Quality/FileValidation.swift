import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Validating a delimited file against a set of rules without loading it — for the API, the
/// quality page and the CLI alike: chunks are fed as they arrive, references are looked up in the
/// database between chunks, and a file that cannot be validated at all (its header, or rules that
/// do not compile) answers the same error a load would.
enum FileValidation {
    /// - Parameters:
    ///   - references: the setup whose referential rules to look up (nil: the rules hold none, or no database).
    ///   - next: the next chunk of the file, nil after its last.
    static func run(
        layout: RecordLayout, rules: [QualityRule], delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncoding? = nil,
        today: CivilDate = GrantAccess.today(), references: QualitySetup?, on sql: (any SQLDatabase)?,
        next: () async throws -> [UInt8]?
    ) async throws -> ValidationReport {
        let validation = CSVValidation(layout: layout, rules: rules, today: today, delimiter: delimiter, encoding: encoding)
        do {
            while let chunk = try await next() {
                try chunk.withUnsafeBufferPointer { try validation.feed($0) }
                try await resolveReferences(validation, references, on: sql)
            }
            _ = try validation.finish()
            try await resolveReferences(validation, references, on: sql)
        } catch let error as ValidatorSetupError {
            throw appError(error)
        }
        return validation.validator?.report ?? ValidationReport()
    }

    /// The delimiter of a file by its name: tab for `.tsv` and `.txt`, else comma.
    static func delimiter(fileName: String) -> UInt8 {
        let name = fileName.lowercased()
        return name.hasSuffix(".tsv") || name.hasSuffix(".txt") ? 0x09 : UInt8(ascii: ",")
    }

    static func resolveReferences(_ validation: CSVValidation, _ setup: QualitySetup?, on sql: (any SQLDatabase)?) async throws {
        guard let setup, let sql, !setup.targets.isEmpty else { return }
        for (i, pending) in validation.pendingReferences.enumerated() where !pending.isEmpty {
            let missing = try await setup.missingReferences(i, Set(pending.map(\.value)), on: sql)
            validation.recordMissing(rule: i, pending.filter { missing.contains($0.value) })
        }
    }

    static func appError(_ error: ValidatorSetupError) -> AppError {
        switch error {
        case .header(let p): return Ingest.headerError(p)
        case .rules(let e): return AppError(.unprocessableEntity, e.code, "Rule \(e.ruleID) cannot be applied: \(e.messageEn)")
        }
    }
}
