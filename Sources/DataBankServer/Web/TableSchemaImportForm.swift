import Plot
import Vapor
import DataBankCore

/// "导入 Table Schema" on the edit form of an editable resource: upload (or paste) a Frictionless
/// Table Schema whose fields replace the items (`TableSchemaImport.apply`). A schema that cannot
/// be used comes back on this page with every problem and its position (`fields[3].type`,
/// `第 3 行第 14 列`); nothing is saved.
enum TableSchemaImportForm {
    /// The card shown under the edit form; `text` re-fills the text area after a failure.
    static func card(_ req: Request, code: String, text: String = "") -> Body {
        let s = req.strings
        return .section(
            .cls("card"), .testid("tableschema-import"),
            .h2(.esc(s.t("导入 Table Schema", "Import a Table Schema"))),
            .p(
                .cls("hint"),
                .esc(
                    s.t(
                        "上传或粘贴 Frictionless Table Schema（JSON）：其字段将替换本资源的信息项（经过同样的校验），信息项容纳不下的约束另存为质量规则。",
                        "Upload or paste a Frictionless Table Schema (JSON): its fields replace this resource's items (validated as any edit), and constraints the items cannot hold become quality rules."
                    ))),
            .uploadForm(
                SiteURL.resource(code, .tableSchema).path, csrf: req.csrfToken,
                [
                    .el("label", .attr("for", Forms.id("schema_file")), .esc(s.t("文件", "File"))),
                    .input([
                        .v("type", "file"), .v("name", "file"), .v("id", Forms.id("schema_file")), .v("accept", ".json,application/json"),
                        .v("data-testid", "tableschema-file")
                    ]),
                    .el("label", .attr("for", Forms.id("text")), .esc(s.t("或粘贴 JSON", "Or paste the JSON"))),
                    .textarea("text", text, rows: 6),
                    .submit(s.t("导入", "Import"), .cls("primary"), .testid("tableschema-submit"))
                ]))
    }

    struct Upload: Content {
        var file: File?
        var text: String?
    }

    /// `POST /catalog/resources/:code/tableschema`.
    static func submit(req: Request) async throws -> Response {
        let code = try req.parameters.require("code")
        let upload = try? req.content.decode(Upload.self)
        let fileBytes = upload?.file.flatMap { $0.data.readableBytes > 0 ? Array($0.data.readableBytesView) : nil }
        let bytes = fileBytes ?? Array((upload?.text ?? "").utf8)
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            guard !bytes.isEmpty else {
                throw AppError.field(.badRequest, "required", "file", zh: "请选择文件或粘贴 Table Schema", en: "Choose a file or paste a Table Schema")
            }
            let parsed: TableSchema
            do { parsed = try TableSchema.parse(bytes) } catch { throw TableSchemaAPI.appError(error) }
            _ = try await TableSchemaImport.apply(req, parsed)
            return Layout.seeOther("\(SiteURL.resource(code).path)?done=saved")
        } catch let e as AppError where e.status != .forbidden && e.status != .unauthorized && e.status != .notFound {
            return try await failure(req, code: code, text: text, error: e)
        }
    }

    static func failure(_ req: Request, code: String, text: String, error: AppError) async throws -> Response {
        let s = req.strings
        let banner: Body = .banner(
            "error", .p(.esc(s.t("Table Schema 未导入，未保存任何内容：", "The Table Schema was not imported; nothing was saved:"))),
            .ul(
                .group(
                    error.details.map { d in
                        .li(.el("code", .esc(d.field)), .text(" "), .esc(s.isEnglish ? d.messageEn : d.message))
                    } + (error.details.isEmpty ? [.li(.esc(error.message))] : []))),
            testid: "tableschema-error")
        let title = s.t("导入 Table Schema：\(code)", "Import a Table Schema: \(code)")
        return Layout.render(
            req, title: title, status: error.status, path: SiteURL.resource(code, .edit).path, banners: [banner],
            [
                Layout.heading(title, sub: nil),
                .p(.link(SiteURL.resource(code, .edit).path, s.t("返回编辑", "Back to the edit form"))),
                card(req, code: code, text: text)
            ])
    }
}
