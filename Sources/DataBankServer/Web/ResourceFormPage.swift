import Fluent
import Vapor
import DataBankCore

/// `GET|POST /catalog/new` and `GET|POST /catalog/resources/:code/edit`.
enum ResourceFormPage {
    /// The departments the signed-in user may file resources for (`.createResource`/`.editResource`).
    static func departments(_ req: Request, for action: CatalogAction, including current: String?) async throws -> [(String, String)] {
        let all = try await Department.query(on: req.db).sort(\.$code).all()
        return all.filter { $0.code == current || req.can(action, department: $0.code) }
            .map { ($0.code, "\(req.language == "en" ? $0.nameEn : $0.name)（\($0.code)）") }
    }

    static func standards(_ req: Request) async throws -> [StandardRow] {
        try await StandardRow.query(on: req.db).sort(\.$code).all()
    }

    // MARK: New

    static func new(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let depts = try await departments(req, for: .createResource, including: nil)
        guard !depts.isEmpty else {
            try req.authorize(.createResource, department: user.departmentCode); throw AppError(.forbidden, "forbidden", "Not allowed")
        }
        let dept = depts.contains { $0.0 == user.departmentCode } ? user.departmentCode : depts[0].0
        return try await page(req, state: .blank(department: dept), editing: nil, errors: [], departments: depts)
    }

    static func create(req: Request) async throws -> Response {
        _ = try req.requireUser()
        let state = ResourceFormState(form: FormData(body: req))
        let depts = try await departments(req, for: .createResource, including: nil)
        let service = CatalogService(req: req)
        let (snapshot, parseErrors) = state.snapshot()
        if !parseErrors.isEmpty {
            let errors = merge(parseErrors, try await service.validator().validate(snapshot))
            return try await page(req, state: state, editing: nil, errors: errors, departments: depts, status: .unprocessableEntity)
        }
        do {
            let row = try await service.create(snapshot)
            return Layout.seeOther("\(SiteURL.resource(row.code).path)?done=saved")
        } catch {
            let e = try shown(error)
            return try await page(req, state: state, editing: nil, errors: e.details, departments: depts, status: e.status, failure: e)
        }
    }

    // MARK: Edit

    static func edit(req: Request) async throws -> Response {
        _ = try req.requireUser()
        let service = CatalogService(req: req)
        let row = try await service.visible(code: try req.parameters.require("code"))
        try service.authorize(.editResource, row.departmentCode)
        guard row.state.isEditable else {
            throw AppError(
                .conflict, "not_editable",
                req.strings.t(
                    "资源处于“\(row.state.zh)”状态，不能编辑；请先申请变更。",
                    "The resource is \(row.state.en.lowercased()); request a change to edit it."))
        }
        let state = ResourceFormState(snapshot: try await service.workingSnapshot(row), version: row.version)
        let depts = try await departments(req, for: .editResource, including: row.departmentCode)
        return try await page(req, state: state, editing: row, errors: [], departments: depts)
    }

    static func update(req: Request) async throws -> Response {
        _ = try req.requireUser()
        let code = try req.parameters.require("code")
        let service = CatalogService(req: req)
        let row = try await service.visible(code: code)
        var state = ResourceFormState(form: FormData(body: req))
        state.values["code"] = row.code
        let depts = try await departments(req, for: .editResource, including: row.departmentCode)
        let (snapshot, parseErrors) = state.snapshot()
        if !parseErrors.isEmpty {
            let errors = merge(parseErrors, try await service.validator().validate(snapshot))
            return try await page(req, state: state, editing: row, errors: errors, departments: depts, status: .unprocessableEntity)
        }
        do {
            _ = try await service.update(code: code, version: state.version ?? -1, snapshot: snapshot)
            return Layout.seeOther("\(SiteURL.resource(code).path)?done=saved")
        } catch {
            let e = try shown(error)
            return try await page(req, state: state, editing: row, errors: e.details, departments: depts, status: e.status, failure: e)
        }
    }

    // MARK: Helpers

    /// The error to show on the form, or rethrows what the form cannot show.
    static func shown(_ error: any Error) throws -> AppError {
        let e = AppError.from(error)
        guard (400..<500).contains(e.status.code), e.status != .unauthorized, e.status != .notFound else { throw error }
        return e
    }

    /// Parse errors first; validator errors for a field that already has a parse error are dropped.
    static func merge(_ parse: [FieldError], _ validation: [FieldError]) -> [FieldError] {
        let taken = Set(parse.map(\.field))
        return parse + validation.filter { !taken.contains($0.field) }
    }

    /// Errors in the order their inputs appear on the form.
    static func formOrder(_ errors: [FieldError]) -> [FieldError] {
        let fields = ResourceFormState.textFields + ["classified", "themes", "items"]
        func rank(_ e: FieldError) -> (Int, Int, Int) {
            let key = Forms.errorKey(e.field)
            if key.hasPrefix("items["), let row = Int(key.dropFirst("items[".count).prefix { $0 != "]" }) {
                let sub = key.split(separator: ".").last.map(String.init) ?? ""
                return (fields.count, row, ResourceFormState.itemFields.firstIndex(of: sub) ?? 99)
            }
            return (fields.firstIndex(of: key) ?? fields.count + 1, 0, 0)
        }
        return errors.enumerated().sorted { a, b in
            let x = rank(a.element), y = rank(b.element)
            return (x.0, x.1, x.2, a.offset) < (y.0, y.1, y.2, b.offset)
        }.map(\.element)
    }

    static func page(
        _ req: Request, state: ResourceFormState, editing: ResourceRow?, errors: [FieldError],
        departments: [(String, String)], status: HTTPResponseStatus = .ok, failure: AppError? = nil
    ) async throws -> Response {
        let s = req.strings
        let view = ResourceFormView(
            s: s, state: state, errors: FieldErrors(formOrder(errors)), editing: editing, departments: departments,
            standards: try await standards(req), csrf: req.csrfToken)
        var banners: [Body] = []
        if !errors.isEmpty { banners.append(view.summary()) } else if let failure { banners.append(Layout.errorBanner(failure, s)) }
        let title = editing.map { s.t("编辑：\($0.name)", "Edit: \($0.name)") } ?? s.t("登记信息资源", "Register an information resource")
        let path = editing.map { SiteURL.resource($0.code, .edit).path } ?? SiteURL.newResource.path
        return Layout.render(
            req, title: title, status: status, path: path, banners: banners,
            [
                Layout.heading(title, sub: editing.map { s.t("资源代码 \($0.code) · 版本 \($0.version)", "Code \($0.code) · version \($0.version)") }),
                view.form(action: path),
                editing.map { TableSchemaImportForm.card(req, code: $0.code) } ?? .empty
            ])
    }
}
