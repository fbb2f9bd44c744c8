import DataBankCore
import Vapor

/// The server-rendered portal.
enum WebRoutes {
    static func register(on app: Application) throws {
        let web = app.grouped(WebMiddleware())
        // `/` is the open-data portal's home (``OpenRoutes``); the internal catalog starts at /catalog.
        web.get("catalog", use: CatalogSearchPage.show).gate(.action(.readPublished))
        web.get("catalog", "new", use: ResourceFormPage.new).gate(.action(.createResource))
        web.post("catalog", "new", use: ResourceFormPage.create).gate(.action(.createResource))
        web.get("catalog", "resources", ":code", use: ResourcePage.show).gate(.action(.readPublished))
        web.get("catalog", "resources", ":code", "edit", use: ResourceFormPage.edit).gate(.action(.editResource))
        web.post("catalog", "resources", ":code", "edit", use: ResourceFormPage.update).gate(.action(.editResource))
        web.post("catalog", "resources", ":code", "transition", use: ResourcePage.transition).gate(.signedIn)
        web.post("catalog", "resources", ":code", "comments", use: ResourcePage.comment).gate(.action(.comment))
        web.get("catalog", "resources", ":code", "records", use: RecordsPage.show).gate(.storeRead)
        web.get("catalog", "resources", ":code", "quarantine", ":id", use: QuarantineFixPage.show).gate(.action(.writeRecords))
        web.post("catalog", "resources", ":code", "tableschema", use: TableSchemaImportForm.submit).gate(.action(.editResource))
        web.get("catalog", "resources", ":code", "rules", use: QualityRulesPage.show).gate(.action(.readPublished))
        web.post("catalog", "resources", ":code", "rules", use: QualityRulesPage.add).gate(.action(.manageQualityRules))
        web.post("catalog", "resources", ":code", "rules", ":id", "delete", use: QualityRulesPage.remove).gate(.action(.manageQualityRules))
        web.get("catalog", "resources", ":code", "quality", use: QualityPage.show).gate(.action(.readPublished))
        web.post("catalog", "resources", ":code", "quality", "check", use: QualityPage.check).gate(.action(.runQualityCheck))
        web.post("catalog", "resources", ":code", "quality", "policy", use: QualityPage.setPolicy).gate(.action(.manageQualityRules))
        web.post("catalog", "resources", ":code", "aggregate-settings", use: AggregateSettings.submitForm).gate(.action(.editResource))
        web.on(.POST, "catalog", "resources", ":code", "quality", "validate", body: .stream, use: ValidateFilePage.validate).gate(.action(.writeRecords))
            .streamsFormUpload()
        web.get("quality", use: QualityOverviewPages.overview).gate(.action(.readPublished))
        web.get("departments", ":code", "quality", use: QualityOverviewPages.department).gate(.action(.readPublished))
        web.get("catalog", "resources", ":code", "profile", use: ProfilePage.show).gate(.storeRead)
        web.post("catalog", "resources", ":code", "profile", use: ProfilePage.scan).gate(.action(.runQualityCheck))
        web.post("catalog", "resources", ":code", "quarantine", ":id", use: QuarantineFixPage.resubmit).gate(.action(.writeRecords))
        web.post("catalog", "resources", ":code", "quarantine", ":id", "discard", use: QuarantineFixPage.discard).gate(.action(.writeRecords))
        web.get("catalog", "resources", ":code", "map", use: StreamMapPage.show).gate(.storeRead)
        web.on(.POST, "catalog", "resources", ":code", "records", body: .stream, use: RecordsPage.upload).gate(.action(.writeRecords)).streamsFormUpload()
        web.get("catalog", "resources", ":code", "loads", ":id", use: LoadResultPage.show).gate(.action(.writeRecords))
        web.get("audit", use: AuditPage.show).gate(.action(.readAudit))

        web.get("departments", use: DepartmentPages.list).gate(.action(.readPublished))
        web.get("departments", ":code", use: DepartmentPages.show).gate(.action(.readPublished))
        web.get("standards", use: StandardPages.list).gate(.action(.readPublished))
        web.get("standards", ":code", use: StandardPages.show).gate(.action(.readPublished))
        web.post("standards", ":code", "not-future", use: StandardPages.setNotFuture).gate(.action(.manageStandards))

        web.get("editions", use: EditionPages.list).gate(.action(.readPublished))
        web.post("editions", use: EditionPages.create).gate(.action(.createEdition))
        web.get("editions", "diff", use: EditionPages.diff).gate(.action(.readPublished))
        web.get("editions", ":slug", use: EditionPages.show).gate(.action(.readPublished))

        web.get("reviews", use: ReviewsPage.show).gate(.action(.readReviewQueue))

        // Governed sharing.
        web.get("catalog", "resources", ":code", "apply", use: ApplyPage.show).gate(.action(.applyForAccess))
        web.post("catalog", "resources", ":code", "apply", use: ApplyPage.submit).gate(.action(.applyForAccess))
        web.get("federation", ":node", "resources", ":code", "apply", use: RemoteApplyPage.show).gate(.action(.applyForAccess))
        web.post("federation", ":node", "resources", ":code", "apply", use: RemoteApplyPage.submit).gate(.action(.applyForAccess))
        // Joint checks' service window (联办核验).
        web.get("joint-checks", use: JointCheckPages.list).gate(.signedIn)
        web.get("joint-checks", ":code", use: JointCheckPages.show).gate(.action(.runJointChecks))
        web.post("joint-checks", ":code", use: JointCheckPages.submit).gate(.action(.runJointChecks))
        web.get("warnings", use: WarningPages.list).gate(.signedIn)
        web.get("warnings", ":id", use: WarningPages.show).gate(.signedIn)
        for action in WarningState.Action.allCases {
            web.post("warnings", ":id", PathComponent(stringLiteral: action.rawValue), use: { req in try await WarningPages.act(req, action) }).gate(.signedIn)
        }
        web.get("sharing", use: InboxPage.show).gate(.signedIn)
        web.post("sharing", "notifications", "read", use: InboxPage.markRead).gate(.signedIn)
        web.get("sharing", "applications", ":id", use: ApplicationPage.show).gate(.signedIn)
        web.post("sharing", "applications", ":id", "decision", use: ApplicationPage.decide).gate(.action(.reviewApplication))
        web.post("sharing", "applications", ":id", "countersign", use: ApplicationPage.countersign).gate(.action(.countersign))
        web.post("sharing", "applications", ":id", "escalate", use: ApplicationPage.escalate).gate(.signedIn)
        web.post("sharing", "applications", ":id", "withdraw", use: ApplicationPage.withdraw).gate(.signedIn)
        web.get("sharing", "grants", use: GrantsPage.show).gate(.action(.readGrants))
        web.post("sharing", "grants", ":id", "revoke", use: GrantsPage.revoke).gate(.signedIn)
        web.get("sharing", "apps", use: AppsPage.show).gate(.action(.manageApps))
        web.post("sharing", "apps", use: AppsPage.create).gate(.action(.manageApps))
        web.post("sharing", "apps", ":id", "revoke", use: AppsPage.revoke).gate(.action(.manageApps))

        // Objections (数据纠错).
        web.get("catalog", "resources", ":code", "objections", "new", use: ObjectionFormPage.show).gate(.action(.raiseObjection))
        web.post("catalog", "resources", ":code", "objections", use: ObjectionFormPage.submit).gate(.action(.raiseObjection))
        web.get("objections", use: ObjectionsPage.show).gate(.signedIn)
        web.post("objections", ":id", "accept", use: ObjectionsPage.accept).gate(.action(.resolveObjection))
        web.post("objections", ":id", "reject", use: ObjectionsPage.reject).gate(.action(.resolveObjection))
        web.post("objections", ":id", "withdraw", use: ObjectionsPage.withdraw).gate(.signedIn)

        // The demand registry (需求登记).
        web.get("demands", use: DemandListPage.show).gate(.registered)
        web.get("demands", "new", use: DemandFormPage.show).gate(.action(.registerDemand))
        web.post("demands", use: DemandFormPage.submit).gate(.action(.registerDemand))
        web.get("demands", ":id", use: DemandPage.show).gate(.registered)
        for action in DemandAction.allCases {
            web.post("demands", ":id", PathComponent(stringLiteral: action.rawValue)) { req in try await DemandPage.act(req, action) }
                .gate(.signedIn)
        }

        // Connectors (前置交换).
        web.get("connectors", use: ConnectorListPage.show).gate(.action(.readConnectors))
        web.get("connectors", "new", use: ConnectorFormPage.new).gate(.action(.manageConnectors))
        web.post("connectors", "new", use: ConnectorFormPage.create).gate(.action(.manageConnectors))
        web.get("connectors", ":connector", use: ConnectorPage.show).gate(.action(.readConnectors))
        web.get("connectors", ":connector", "edit", use: ConnectorFormPage.edit).gate(.action(.manageConnectors))
        web.post("connectors", ":connector", "edit", use: ConnectorFormPage.update).gate(.action(.manageConnectors))
        web.post("connectors", ":connector", "run", use: ConnectorPage.run).gate(.action(.manageConnectors))
        web.post("connectors", ":connector", "pause", use: ConnectorPage.pause).gate(.action(.manageConnectors))
        web.post("connectors", ":connector", "resume", use: ConnectorPage.resume).gate(.action(.manageConnectors))
        web.post("connectors", ":connector", "delete", use: ConnectorPage.delete).gate(.action(.manageConnectors))

        web.get("login", use: LoginPage.show).gate(.open)
        web.post("login", use: LoginPage.submit).gate(.open)
        web.post("logout", use: LoginPage.logout).gate(.open)
        web.get("account", use: AccountPage.show).gate(.action(.manageOwnTokens))
        web.post("account", "tokens", use: AccountPage.create).gate(.action(.manageOwnTokens))
        web.post("account", "tokens", ":id", "revoke", use: AccountPage.revoke).gate(.action(.manageOwnTokens))
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
            response.cookies["lang"] = HTTPCookies.Value(
                string: lang, maxAge: 365 * 86_400, path: "/",
                isSecure: req.application.settings.secureCookies, isHTTPOnly: false, sameSite: .lax)
        }
        return response
    }

    /// Where to come back to after signing in: the page itself, or for a form post the page it was on.
    static func returnPath(_ req: Request) -> String {
        let path = req.url.path
        if req.method == .GET { return req.url.query.map { path + "?" + $0 } ?? path }
        for suffix in ["/transition", "/comments", "/decision", "/countersign", "/escalate", "/withdraw"] where path.hasSuffix(suffix) {
            return String(path.dropLast(suffix.count))
        }
        if path.hasPrefix("/sharing/grants/") { return "/sharing/grants" }
        if path.hasPrefix("/sharing/apps/") { return "/sharing/apps" }
        if path.hasPrefix("/objections/") { return "/objections" }
        if path.hasPrefix("/warnings/"), WarningState.Action.allCases.contains(where: { path.hasSuffix("/" + $0.rawValue) }) {
            return String(path[..<path.lastIndex(of: "/")!])
        }
        if path.hasPrefix("/connectors/"), ["/run", "/pause", "/resume", "/delete"].contains(where: { path.hasSuffix($0) }) {
            return String(path[..<path.lastIndex(of: "/")!])
        }
        if path.hasPrefix("/demands/"), DemandAction.allCases.contains(where: { path.hasSuffix("/" + $0.rawValue) }) {
            return String(path[..<path.lastIndex(of: "/")!])
        }
        if path.hasPrefix("/catalog/resources/"), path.hasSuffix("/objections") { return path + "/new" }
        return path
    }
}
