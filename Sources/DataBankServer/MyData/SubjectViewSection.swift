import Fluent
import Plot
import Vapor
import DataBankCore

/// The resource page's 向本人开放 section (我的数据): the provider's stewards choose which column holds
/// the subject's key and which items the subject sees under which mask (the masks of the sharing forms).
/// Shown only to those who may set it; saved through ``SubjectViewsAPI/set(_:_:store:)`` (audited).
enum SubjectViewSection {
    static func render(_ req: Request, row: ResourceRow, posted: FormData?) async throws -> Body {
        guard req.can(.manageSubjectViews, department: row.departmentCode),
            let store = try await RecordStoreRow.query(on: req.db).filter(\.$resourceCode == row.code).first()
        else { return .empty }
        let s = req.strings
        let layout = store.recordLayout
        let saved = try await SubjectViews.get(row.code, on: req.db)
        let masks = posted.map(ScopeFields.posted) ?? (saved?.masks.mapValues(\.text) ?? [:])
        let checked = Set(posted.map { $0.all("items") } ?? saved.map { Array($0.masks.keys) } ?? [])
        let subjectColumn = posted?["subject_column"] ?? saved?.subjectColumn
        let kind = posted?["kind"] ?? saved?.kind.rawValue
        let form = SharingFormView(s: s, errors: FieldErrors())
        let fields = ScopeFields(
            // No item is shown to a subject unless ticked, the key included (a grant always gives the key).
            s: s, form: form,
            items: ScopeFields.items(layout, snapshot: row.catalogSnapshot).map {
                var item = $0; item.primaryKey = false; return item
            },
            checked: checked, masks: masks,
            defaults: try await GrantAccess.defaultMasks(resource: row, on: req.db), prefix: "subject-")
        let columnOptions = layout.columns.map { ($0.name, "\($0.itemName)（\($0.name)）") }
        let kindOptions = SubjectKind.allCases.map { ($0.rawValue, $0.label(s.lang)) }
        return .section(
            .cls("card"), .attr("id", "subject-view"), .testid("subject-view"),
            .h2(.esc(s.t("向本人开放（我的数据）", "Shown to the people it is about (My data)"))),
            .p(
                .cls("muted"),
                .esc(
                    s.t(
                        saved == nil
                            ? "尚未向本人开放。开放后，居民或企业登录“我的数据”可查看关于自己的记录，只含下面勾选的数据项，按所选规则脱敏。"
                            : "已向本人开放：居民或企业登录“我的数据”可查看关于自己的记录，只含勾选的数据项，按所选规则脱敏。",
                        saved == nil
                            ? "Not shown yet. Once shown, a resident or an enterprise signed in to My data sees the records about them: only the items ticked below, under the masks chosen."
                            : "Shown: a resident or an enterprise signed in to My data sees the records about them: only the items ticked, under the masks chosen."
                    ))),
            .postForm(
                SiteURL.resource(row.code).path + "/subject-view", csrf: req.csrfToken,
                [
                    .cls("subject-view-form"),
                    .div(
                        .cls("field"), .el("label", .attr("for", Forms.id("subject_column")), .esc(s.t("本人标识所在数据项", "Item holding the subject's key"))),
                        .select("subject_column", columnOptions, selected: subjectColumn, .testid("subject-column"))),
                    .div(
                        .cls("field"), .el("label", .attr("for", Forms.id("kind")), .esc(s.t("本人类型", "Subjects are"))),
                        .select("kind", kindOptions, selected: kind, .testid("subject-kind"))),
                    .div(.cls("table-scroll"), fields.table()),
                    .submit(s.t("保存", "Save"), .cls("primary"), .testid("subject-view-save"))
                ]))
    }

    /// `POST /catalog/resources/{code}/subject-view`: saves the form (422 on the page with the fields at fault).
    static func submit(req: Request) async throws -> Response {
        let code = try req.parameters.require("code")
        let form = FormData(body: req)
        do {
            let (store, _) = try await StoreReading.forAction(req, .manageSubjectViews, code: code)
            guard let kind = SubjectKind(rawValue: form.raw("kind")) else {
                throw AppError.field(.unprocessableEntity, "invalid_subject_view", "kind", zh: "请选择居民或企业", en: "Choose residents or enterprises")
            }
            var masks: [String: MaskRule] = [:]
            for item in form.all("items") where !item.isEmpty {
                let text = form.raw("mask.\(item)")
                do {
                    masks[item] = text.isEmpty ? .clear : try MaskRule(parsing: text)
                } catch {
                    throw AppError.validation([FieldError(field: "masks.\(item)", code: error.code, message: error.message, messageEn: error.messageEn)])
                }
            }
            try await SubjectViewsAPI.set(req, SubjectView(subjectColumn: form.raw("subject_column"), kind: kind, masks: masks), store: store)
            return Layout.seeOther("\(SiteURL.resource(code).path)?done=saved#subject-view")
        } catch {
            return try await ResourcePage.failed(error, req: req, code: code, posted: form, action: "subject-view")
        }
    }
}
