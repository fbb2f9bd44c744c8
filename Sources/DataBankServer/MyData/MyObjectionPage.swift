import Fluent
import Plot
import Vapor
import DataBankCore

/// `/my/objection`: a subject raises an objection (数据纠错) on a record about itself, and `/my` lists
/// the subject's objections with the provider's answer.
enum MyObjectionPage {
    static func link(_ resource: String, record: String) -> String {
        QueryLink("/my/objection", [("resource", resource), ("record", record)]).href
    }

    /// The form: the record's shown values, which item is wrong, the right value, a note.
    static func show(req: Request) async throws -> Response {
        let form = FormData(query: req)
        return try await page(req, resource: form.raw("resource"), record: form.raw("record"), posted: nil, error: nil)
    }

    static func submit(req: Request) async throws -> Response {
        let subject = try req.requireSubject(.objectToOwnData)
        let form = FormData(body: req)
        let input = MyObjections.Raise(
            resource: form.raw("resource"), record: form.raw("record"), column: form["column"], suggested: form["suggested"], note: form.raw("note"))
        do {
            _ = try await MyObjections.raise(input, subject, req)
            return Layout.seeOther("/my?done=objection")
        } catch {
            let e = AppError.from(error)
            guard (400..<500).contains(e.status.code), e.status != .notFound else { throw error }
            return try await page(req, resource: input.resource, record: input.record, posted: form, error: e)
        }
    }

    static func page(_ req: Request, resource: String, record ref: String, posted: FormData?, error: AppError?) async throws -> Response {
        let subject = try req.requireSubject(.objectToOwnData)
        let s = req.strings
        guard let view = try await SubjectViews.get(resource, on: req.db), view.kind == subject.kind,
            let store = try await RecordStoreRow.query(on: req.db).filter(\.$resourceCode == resource).first()
        else { throw AppError.notFound("Record") }
        let key = try await Pseudonyms.key(app: req.application, on: req.db)
        let found = try await MyRecords.records(view, store: store, subject: subject, pseudonymKey: key, limit: MyRecords.limit, on: req.db.sql)
        guard let record = found.records.first(where: { $0.ref == ref }) else { throw AppError.notFound("Record") }
        let row = try await ResourceRow.query(on: req.db).filter(\.$code == resource).first()
        let labels = Dictionary((row?.catalogSnapshot?.items ?? []).map { ($0.column, $0.name) }, uniquingKeysWith: { a, _ in a })
        let options = [("", s.t("整条记录", "The whole record"))] + found.columns.map { ($0.name, labels[$0.name] ?? $0.name) }
        let shown: [(String, Body)] = found.columns.map { c in (labels[c.name] ?? c.name, Body.esc((record.values[c.name] ?? nil) ?? "")) }
        let title = s.t("数据纠错", "Object to a value")
        return Layout.render(
            req, title: title, status: error?.status ?? .ok, banners: error.map { [Layout.errorBanner($0, s)] } ?? [],
            [
                Layout.heading(title, sub: row.map { s.isEnglish ? ($0.nameEn ?? $0.name) : $0.name }),
                .fields(shown, testid: "my-objection-record"),
                .postForm(
                    "/my/objection", csrf: req.csrfToken,
                    [
                        .cls("objection-form"), .hidden("resource", resource), .hidden("record", ref),
                        .div(
                            .cls("field"), .el("label", .attr("for", Forms.id("column")), .esc(s.t("哪一项有误", "Which item is wrong"))),
                            .select("column", options, selected: posted?["column"], .testid("my-objection-column"))),
                        .div(
                            .cls("field"), .el("label", .attr("for", Forms.id("suggested")), .esc(s.t("正确的值（可选）", "The right value (optional)"))),
                            .input([.v("type", "text"), .v("name", "suggested"), .v("id", Forms.id("suggested")), .v("value", posted?["suggested"] ?? "")])),
                        .div(
                            .cls("field"), .el("label", .attr("for", Forms.id("note")), .esc(s.t("说明", "What is wrong"))),
                            .textarea("note", posted?.raw("note") ?? "", .attr("required", "required"), .testid("my-objection-note"))),
                        .submit(s.t("提交纠错", "Send"), .cls("primary"), .testid("my-objection-submit"))
                    ])
            ])
    }

    /// The subject's objections on `/my`.
    static func list(_ objections: [MyObjections.Info], _ s: Strings) -> [Body] {
        guard !objections.isEmpty else { return [] }
        let rows: [[Body]] = objections.map { o in
            [
                .esc(o.createdAt.map { DisplayTime.format($0, s.isEnglish ? "en" : "zh") } ?? ""), .esc(o.resource), .esc(o.column ?? ""),
                .esc(o.note), .esc(ObjectionState(rawValue: o.state).map { s.isEnglish ? $0.en : $0.zh } ?? o.state), .esc(o.resolution ?? "")
            ]
        }
        let headers = [s.t("时间", "When"), s.t("资源", "Resource"), s.t("数据项", "Item"), s.t("说明", "Note"), s.t("状态", "State"), s.t("答复", "Answer")]
        return [
            .section(
                .cls("card"), .h2(.esc(s.t("我的纠错", "My objections"))), MyDataPages.labelledTable(headers, rows, testid: "my-objections"))
        ]
    }
}
