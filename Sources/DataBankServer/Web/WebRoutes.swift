import Vapor

/// The server-rendered portal.
enum WebRoutes {
    static func register(on app: Application) throws {
        let web = app.grouped(WebMiddleware())
        web.get { req in req.redirect(to: "/catalog") }

        web.get("catalog", use: CatalogSearchPage.show)
        web.get("catalog", "new", use: ResourceFormPage.new)
        web.post("catalog", "new", use: ResourceFormPage.create)
        web.get("catalog", "resources", ":code", use: ResourcePage.show)
        web.get("catalog", "resources", ":code", "edit", use: ResourceFormPage.edit)
        web.post("catalog", "resources", ":code", "edit", use: ResourceFormPage.update)
        web.post("catalog", "resources", ":code", "transition", use: ResourcePage.transition)
        web.post("catalog", "resources", ":code", "comments", use: ResourcePage.comment)
        web.get("catalog", "resources", ":code", "records", use: RecordsPage.show)
        web.get("catalog", "resources", ":code", "quarantine", ":id", use: QuarantineFixPage.show)
        web.post("catalog", "resources", ":code", "tableschema", use: TableSchemaImportForm.submit)
        web.get("catalog", "resources", ":code", "rules", use: QualityRulesPage.show)
        web.post("catalog", "resources", ":code", "rules", use: QualityRulesPage.add)
        web.post("catalog", "resources", ":code", "rules", ":id", "delete", use: QualityRulesPage.remove)
        web.get("catalog", "resources", ":code", "quality", use: QualityPage.show)
        web.post("catalog", "resources", ":code", "quality", "check", use: QualityPage.check)
        web.post("catalog", "resources", ":code", "quality", "policy", use: QualityPage.setPolicy)
        web.on(.POST, "catalog", "resources", ":code", "quality", "validate", body: .stream, use: ValidateFilePage.validate)
        web.get("quality", use: QualityOverviewPages.overview)
        web.get("departments", ":code", "quality", use: QualityOverviewPages.department)
        web.get("catalog", "resources", ":code", "profile", use: ProfilePage.show)
        web.post("catalog", "resources", ":code", "profile", use: ProfilePage.scan)
        web.post("catalog", "resources", ":code", "quarantine", ":id", use: QuarantineFixPage.resubmit)
        web.post("catalog", "resources", ":code", "quarantine", ":id", "discard", use: QuarantineFixPage.discard)
        web.get("catalog", "resources", ":code", "map", use: StreamMapPage.show)
        web.on(.POST, "catalog", "resources", ":code", "records", body: .stream, use: RecordsPage.upload)
        web.get("audit", use: AuditPage.show)

        web.get("departments", use: DepartmentPages.list)
        web.get("departments", ":code", use: DepartmentPages.show)
        web.get("standards", use: StandardPages.list)
        web.get("standards", ":code", use: StandardPages.show)

        web.get("editions", use: EditionPages.list)
        web.post("editions", use: EditionPages.create)
        web.get("editions", "diff", use: EditionPages.diff)
        web.get("editions", ":slug", use: EditionPages.show)

        web.get("reviews", use: ReviewsPage.show)

        // Governed sharing.
        web.get("catalog", "resources", ":code", "apply", use: ApplyPage.show)
        web.post("catalog", "resources", ":code", "apply", use: ApplyPage.submit)
        web.get("sharing", use: InboxPage.show)
        web.post("sharing", "notifications", "read", use: InboxPage.markRead)
        web.get("sharing", "applications", ":id", use: ApplicationPage.show)
        web.post("sharing", "applications", ":id", "decision", use: ApplicationPage.decide)
        web.post("sharing", "applications", ":id", "countersign", use: ApplicationPage.countersign)
        web.post("sharing", "applications", ":id", "escalate", use: ApplicationPage.escalate)
        web.post("sharing", "applications", ":id", "withdraw", use: ApplicationPage.withdraw)
        web.get("sharing", "grants", use: GrantsPage.show)
        web.post("sharing", "grants", ":id", "revoke", use: GrantsPage.revoke)
        web.get("sharing", "apps", use: AppsPage.show)
        web.post("sharing", "apps", use: AppsPage.create)
        web.post("sharing", "apps", ":id", "revoke", use: AppsPage.revoke)

        // Objections (数据纠错).
        web.get("catalog", "resources", ":code", "objections", "new", use: ObjectionFormPage.show)
        web.post("catalog", "resources", ":code", "objections", use: ObjectionFormPage.submit)
        web.get("objections", use: ObjectionsPage.show)
        web.post("objections", ":id", "accept", use: ObjectionsPage.accept)
        web.post("objections", ":id", "reject", use: ObjectionsPage.reject)
        web.post("objections", ":id", "withdraw", use: ObjectionsPage.withdraw)

        web.get("login", use: LoginPage.show)
        web.post("login", use: LoginPage.submit)
        web.post("logout", use: LoginPage.logout)
        web.get("account", use: AccountPage.show)
        web.post("account", "tokens", use: AccountPage.create)
        web.post("account", "tokens", ":id", "revoke", use: AccountPage.revoke)
    }
}

/// What every portal page shares: `?lang=` is remembered in the `lang` cookie, and an
/// anonymous visitor stopped by "sign in first" is sent to the sign-in page and back.
struct WebMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response: Response
        do {
            response = try await next.respond(to: req)
        } catch {
            let e = AppError.from(error)
            guard e.status == .unauthorized, req.user == nil else { throw error }
            response = req.redirect(to: QueryLink("/login", [("next", Self.returnPath(req))]).href)
        }
        if let lang = req.query[String.self, at: "lang"], lang == "zh" || lang == "en" {
            response.cookies["lang"] = HTTPCookies.Value(string: lang, maxAge: 365 * 86_400, path: "/",
                                                         isSecure: req.application.settings.secureCookies, isHTTPOnly: false, sameSite: .lax)
        }
        return response
    }

    /// Where to come back to after signing in: the page itself, or for a form post the page it was on.
    static func returnPath(_ req: Request) -> String {
        let path = req.url.path
        if req.method == .GET { return req.url.query.map { path + "?" + $0 } ?? path }
        for suffix in ["/transition", "/comments", "/decision", "/countersign", "/escalate", "/withdraw"] where path.hasSuffix(suffix) { return String(path.dropLast(suffix.count)) }
        if path.hasPrefix("/sharing/grants/") { return "/sharing/grants" }
        if path.hasPrefix("/sharing/apps/") { return "/sharing/apps" }
        if path.hasPrefix("/objections/") { return "/objections" }
        if path.hasPrefix("/catalog/resources/"), path.hasSuffix("/objections") { return path + "/new" }
        return path
    }
}
