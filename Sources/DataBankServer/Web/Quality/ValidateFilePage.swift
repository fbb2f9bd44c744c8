import Fluent
import Plot
import SQLKit
import Vapor
import DataBankCore

/// `POST /catalog/resources/:code/quality/validate` (multipart): the provider checks a file
/// against the resource's rules before loading it; the quality page comes back with the report
/// (counts per Frictionless error type, the first findings with their rows). Nothing is written.
enum ValidateFilePage {
    static func form(_ req: Request, code: String, _ s: Strings) -> Body {
        .section(
            .cls("card"), .testid("validate-file"),
            .h2(.esc(s.t("校验文件（不入库）", "Validate a file (nothing is loaded)"))),
            .uploadForm(
                SiteURL.resource(code, .qualityValidate).path, csrf: req.csrfToken,
                [
                    .cls("filter-bar"),
                    .input([
                        .v("type", "file"), .v("name", "file"), .v("required", "required"), .v("accept", ".csv,.tsv,.txt"),
                        .v("data-testid", "validate-file-input")
                    ]),
                    .submit(s.t("校验", "Validate"), .testid("validate-submit"))
                ]))
    }

    static func validate(req: Request) async throws -> Response {
        let s = req.strings
        let code = try req.parameters.require("code")
        let (store, _) = try await StoreReading.forAction(req, .writeRecords, code: code)
        guard let boundary = req.headers.contentType?.parameters["boundary"] else {
            throw AppError(.badRequest, "bad_request", "Upload the file with the page's form (multipart/form-data)")
        }
        do {
            let upload = MultipartUpload(req, boundary: boundary, digest: RequestDigest(req))
            let (_, fileName) = try await upload.readUntilFile()
            guard let fileName, !fileName.isEmpty else {
                throw AppError.field(.badRequest, "file_required", "file", zh: "请选择要校验的文件", en: "Choose a file to validate")
            }
            let setup = try await QualitySetup.load(store, on: req.db)
            let report = try await FileValidation.run(
                layout: store.recordLayout, rules: setup.rules, delimiter: FileValidation.delimiter(fileName: fileName),
                today: req.application.today, references: setup, on: req.db.sql
            ) {
                try await upload.nextFileChunk()
            }
            return try await QualityPage.render(req, banner: banner(report, fileName: fileName, s))
        } catch {
            let e = AppError.from(error)
            guard (400..<500).contains(e.status.code), e.status != .unauthorized, e.status != .forbidden else { throw error }
            return try await QualityPage.render(
                req,
                banner: .banner(
                    "error", .p(.esc(s.isEnglish ? e.message : (e.details.first?.message ?? e.message))),
                    .ul(.group(e.details.map { .li(.esc(s.isEnglish ? $0.messageEn : $0.message)) })),
                    testid: "validate-error"), status: e.status)
        }
    }

    static func banner(_ report: ValidationReport, fileName: String, _ s: Strings) -> Body {
        let counts = report.errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "，")
        let rows: [[Body]] = report.lines.prefix(50).map { l in
            [.text(String(l.row)), .el("code", .esc(l.errorType)), .esc(l.column ?? "—"), .esc(l.value ?? ""), .esc(s.isEnglish ? l.messageEn : l.message)]
        }
        let summary =
            report.valid
            ? s.t("\(fileName)：\(report.rows) 行全部通过。", "\(fileName): all \(report.rows) rows pass.")
            : s.t(
                "\(fileName)：\(report.rows) 行中 \(report.invalidRows) 行有问题，共 \(report.errorCount) 处（\(counts)）。未入库。",
                "\(fileName): \(report.invalidRows) of \(report.rows) rows have findings, \(report.errorCount) in all (\(counts)). Nothing was loaded.")
        return .banner(
            report.valid ? "ok" : "warn", .p(.esc(summary)),
            rows.isEmpty
                ? .empty
                : .dataTable(
                    [s.t("行", "Row"), s.t("错误类型", "Error type"), s.t("信息项", "Item"), s.t("值", "Value"), s.t("问题", "Finding")],
                    rows, testid: "validate-report", cls: "data compact"),
            testid: "validate-done")
    }
}
