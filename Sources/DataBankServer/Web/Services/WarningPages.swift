import Fluent
import SQLKit
import Plot
import Vapor
import DataBankCore

/// 预警 in the browser: `GET /warnings` lists the warnings of the rules the department set up or subscribes
/// to (not yet closed by default; `?state=`, `?rule=`), with the rules themselves; `GET /warnings/:id` shows
/// one with what was done with it and the forms to acknowledge, assign and close it (``WarningHandling``, as
/// the API does). A refused form comes back as the page with its message and what was typed.
enum WarningPages {
    static func list(req: Request) async throws -> Response {
        let user = try WarningRulesAPI.staff(req)
        let query = try WarningsAPI.Query(req, defaultState: "active")
        let rules = try await WarningRulesAPI.visibleRules(user.actor, on: req.db)
        let rows = try await query.rows(rules: rules.map(\.code), on: req.db)
        var views = WarningViews(actor: user.actor, app: req.application, on: req.db)
        let infos = try await views.infos(rows, rules: WarningsAPI.ruleMap(rules))
        try await WarningsAPI.audit(req, rows, operation: "warnings.read")
        let counts = try await stateCounts(rules.map(\.code), on: req.db)
        let names = try await SharingWeb.resourceNames(rules.map(\.resourceCode), req: req)
        let departments = try await Directory.departmentNames(on: req.db, language: req.strings.lang)
        return WarningListView(
            req: req, rules: rules, warnings: infos, query: query, counts: counts, resources: names, departments: departments,
            items: try await WarningText.items(rules.map(\.resourceCode), on: req.db)
        ).render()
    }

    static func show(req: Request) async throws -> Response { try await render(req, failure: nil) }

    static func act(_ req: Request, _ action: WarningState.Action) async throws -> Response {
        let user = try WarningRulesAPI.staff(req)
        let (row, rules) = try await WarningsAPI.load(req, user)
        let form = FormData(body: req)
        do {
            try WarningActionBody(to: form.raw("to"), note: form.raw("note")).checkLengths()
            _ = try await WarningHandling(req: req, user: user, row: row, rules: rules).apply(action, to: form.raw("to"), note: form.raw("note"))
            return Layout.seeOther(SiteURL.warning(row.id!).with([("done", action.rawValue)]))
        } catch {
            guard let e = SharingWeb.showable(error) else { throw error }
            return try await render(req, failure: WarningDetailView.Failure(action: action, error: e, form: form), status: e.status)
        }
    }

    static func render(_ req: Request, failure: WarningDetailView.Failure?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let user = try WarningRulesAPI.staff(req)
        let (row, rules) = try await WarningsAPI.load(req, user)
        let info = try await WarningsAPI.info(row, rules: rules, user: user, req)
        try await WarningsAPI.audit(req, [row], operation: "warnings.read")
        let ruleRow = rules.first { $0.code == row.ruleCode }
        // Whom a warning can be handed to: the staff of the departments the caller acts for.
        let departments = ruleRow?.rule.map { WarningHandling.actingDepartments(user, rule: $0, req) } ?? []
        let assignees =
            departments.isEmpty
            ? []
            : try await User.query(on: req.db).filter(\.$departmentCode ~~ departments).filter(\.$roleName != Role.publicUser.rawValue).sort(\.$username).all()
        let canHandle = !departments.isEmpty
        return WarningDetailView(
            req: req, info: info, rule: ruleRow, canHandle: canHandle, assignees: assignees.map { ($0.username, $0.displayName) },
            resources: try await SharingWeb.resourceNames([row.resourceCode], req: req),
            departments: try await Directory.departmentNames(on: req.db, language: req.strings.lang),
            items: try await WarningText.items([row.resourceCode], on: req.db), failure: failure
        ).render(status: status)
    }

    /// How many warnings of the rules are in each state.
    static func stateCounts(_ rules: [String], on db: any Database) async throws -> [String: Int] {
        guard !rules.isEmpty else { return [:] }
        let list = rules.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")
        var out: [String: Int] = [:]
        for row in try await db.sql.raw("SELECT state, COUNT(*) AS n FROM warnings WHERE rule_code IN (\(list)) GROUP BY state").all() {
            out[try row.decode(column: "state", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return out
    }
}
