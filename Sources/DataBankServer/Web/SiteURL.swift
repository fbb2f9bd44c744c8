import Foundation
import DataBankCore

/// Every page and form target of the portal, typed: links, form actions and redirects are built
/// from these, never from path literals, so a renamed route cannot leave a dead link behind.
/// `SiteURLTests` checks that each one answers a registered route.
enum SiteURL: Sendable, Hashable {
    case home
    case catalog
    case newResource
    case resource(String, ResourcePart = .overview)
    case quality
    case audit
    case departments
    case department(String)
    case departmentQuality(String)
    case standards
    case standard(String)
    case standardNotFuture(String)
    case editions
    case editionDiff
    case edition(String)
    case reviews
    case sharing
    case markNotificationsRead
    case application(UUID, ApplicationPart = .overview)
    case grants
    case revokeGrant(UUID)
    case apps
    case revokeApp(UUID)
    case objections
    case objection(UUID, ObjectionAction)
    // The demand registry (Evaluation/).
    case demands
    case newDemand
    case demand(UUID)
    case demandAction(UUID, DemandAction)
    // Connectors (前置交换, Web/Connectors/).
    case connectors
    case newConnector
    case connector(String, ConnectorPart = .overview)
    /// The form to apply for a resource another node owns (node, code there): an entry of the federated catalog.
    case peerApply(String, String)
    // Joint checks' service window (联办核验, Web/Services/).
    case jointChecks
    case jointCheck(String)
    case warnings
    case warning(UUID)
    case warningAction(UUID, WarningState.Action)
    case login
    case logout
    case account
    case tokens
    case revokeToken(UUID)
    // The open-data portal (``OpenRoutes``).
    case openDatasets
    case openDataset(String, OpenDatasetPart = .overview)
    case openProviders
    case openProvider(String)
    /// A dataset's file (`data.csv` …) on the portal's data endpoint.
    case openData(String, OpenDownloadFormat)
    /// A dataset's preview as JSON on the portal's data endpoint.
    case openPreviewData(String)
    /// Public disclosure look-ups (``CreditRoutes``): the search page, one enterprise's page, a service's JSON.
    case credit
    case creditEnterprise(String)
    case openLookup(String)
    /// The live map of the open real-time streams (``OpenLivePage``).
    case openLive
    /// A real-time stream's newest report per entity, and its Server-Sent Events (``OpenStreams``).
    case openStreamLatest(String)
    case openStreamEvents(String)

    /// The tabs of a dataset's portal page.
    enum OpenDatasetPart: String, Sendable, Hashable {
        case overview = "", preview, api
    }
    // The open data portal's registered users (Open/).
    case signup
    case verifySignup
    case password
    case developer
    case developerKeys
    case revokeDeveloperKey(UUID)
    case signups
    case confirmSignup(UUID)
    case adminKeys
    case adminKeyLimits(UUID)
    case adminRevokeKey(UUID)
    case datasetApply(String)
    case datasetFeedback(String)
    case reuses
    case newReuse
    case reviewReuses
    case decideReuse(UUID)
    // Charts (Visualisation/).
    case chartGallery
    case chartGallerySample(String)
    // Saved charts and dashboards (Visualisation/).
    case charts
    case newChart
    case chartPreview
    case chart(UUID)
    case editChart(UUID)
    case deleteChart(UUID)
    case apiChart(UUID)
    case apiChartFile(UUID, ChartFile)
    case dashboards
    /// The heat page: the 80/20 view of use (`?period=`).
    case heat
    /// The leaders' cockpit (可视化决策) and one of its sections, as its tiles refresh it.
    case cockpit
    case cockpitTile(String)
    /// Department performance evaluation: the runs (GET) and starting one (POST); a run's ranking; its
    /// freeze; one unit's report, its expert adjustments and the rows behind a fact; the report's exports.
    case evaluation
    case evaluationRun(UUID)
    case evaluationFreeze(UUID)
    case evaluationUnit(UUID, String)
    case evaluationAdjust(UUID, String)
    case evaluationFacts(UUID, String, String)
    case evaluationExport(UUID, String, EvaluationExportFormat)
    case newDashboard
    case dashboard(UUID)
    case editDashboard(UUID)
    case deleteDashboard(UUID)
    case dashboardTile(UUID, UUID)
    case embedChart(UUID)
    case openDashboards
    case openDashboard(UUID)
    case openDashboardTile(UUID, UUID)

    /// A saved chart's files on the API.
    enum EvaluationExportFormat: String, Sendable, Hashable {
        case xlsx = "report.xlsx", pdf = "report.pdf"
    }

    enum ChartFile: String, Sendable, Hashable {
        case data, csv = "data.csv", svg = "chart.svg", png = "chart.png"
    }

    /// The pages and form targets under one resource.
    enum ResourcePart: Sendable, Hashable {
        case overview, edit, transition, comments, records, map, profile, rules, tableSchema, apply
        case quality, qualityCheck, qualityPolicy, qualityValidate
        /// The provider's k for aggregates (the smallest group shown to grants and the open portal).
        case aggregateSettings
        case deleteRule(UUID)
        case quarantine(UUID), resubmitQuarantine(UUID), discardQuarantine(UUID)
        /// One load's result page (where an upload lands after its 303).
        case load(UUID)
        case objections, newObjection
    }

    /// A connector's page and its form targets.
    enum ConnectorPart: String, Sendable, Hashable {
        case overview = "", edit, run, pause, resume, delete
    }

    enum ApplicationPart: String, Sendable, Hashable {
        case overview = "", decision, countersign, escalate, withdraw
    }

    enum ObjectionAction: String, Sendable, Hashable {
        case accept, reject, withdraw
    }

    /// The path, its segments percent-encoded.
    var path: String {
        "/" + segments.map(Escape.url).joined(separator: "/")
    }

    /// The path with a query (empty values left out) and an optional fragment.
    func with(_ params: [(String, String)], fragment: String? = nil) -> String {
        QueryLink(path, params).href + (fragment.map { "#" + $0 } ?? "")
    }

    var segments: [String] {
        switch self {
        case .home: []
        case .catalog: ["catalog"]
        case .newResource: ["catalog", "new"]
        case .resource(let code, let part): ["catalog", "resources", code] + part.segments
        case .quality: ["quality"]
        case .audit: ["audit"]
        case .departments: ["departments"]
        case .department(let code): ["departments", code]
        case .departmentQuality(let code): ["departments", code, "quality"]
        case .standards: ["standards"]
        case .standard(let code): ["standards", code]
        case .standardNotFuture(let code): ["standards", code, "not-future"]
        case .editions: ["editions"]
        case .editionDiff: ["editions", "diff"]
        case .edition(let slug): ["editions", slug]
        case .reviews: ["reviews"]
        case .sharing: ["sharing"]
        case .markNotificationsRead: ["sharing", "notifications", "read"]
        case .application(let id, let part): ["sharing", "applications", id.uuidString] + (part == .overview ? [] : [part.rawValue])
        case .grants: ["sharing", "grants"]
        case .revokeGrant(let id): ["sharing", "grants", id.uuidString, "revoke"]
        case .apps: ["sharing", "apps"]
        case .revokeApp(let id): ["sharing", "apps", id.uuidString, "revoke"]
        case .objections: ["objections"]
        case .objection(let id, let action): ["objections", id.uuidString, action.rawValue]
        case .demands: ["demands"]
        case .newDemand: ["demands", "new"]
        case .demand(let id): ["demands", id.uuidString]
        case .demandAction(let id, let action): ["demands", id.uuidString, action.rawValue]
        case .connectors: ["connectors"]
        case .newConnector: ["connectors", "new"]
        case .connector(let code, let part): ["connectors", code] + (part == .overview ? [] : [part.rawValue])
        case .peerApply(let node, let code): ["federation", node, "resources", code, "apply"]
        case .jointChecks: ["joint-checks"]
        case .jointCheck(let code): ["joint-checks", code]
        case .warnings: ["warnings"]
        case .warning(let id): ["warnings", id.uuidString]
        case .warningAction(let id, let action): ["warnings", id.uuidString, action.rawValue]
        case .login: ["login"]
        case .logout: ["logout"]
        case .account: ["account"]
        case .tokens: ["account", "tokens"]
        case .revokeToken(let id): ["account", "tokens", id.uuidString, "revoke"]
        case .openDatasets: ["datasets"]
        case .openDataset(let code, let part): ["datasets", code] + (part == .overview ? [] : [part.rawValue])
        case .openProviders: ["providers"]
        case .openProvider(let code): ["providers", code]
        case .openData(let code, let format): ["api", "v1", "open", "datasets", code, format.fileName]
        case .openPreviewData(let code): ["api", "v1", "open", "datasets", code, "preview"]
        case .signup: ["signup"]
        case .verifySignup: ["signup", "verify"]
        case .password: ["account", "password"]
        case .developer: ["developer"]
        case .developerKeys: ["developer", "keys"]
        case .revokeDeveloperKey(let id): ["developer", "keys", id.uuidString, "revoke"]
        case .signups: ["admin", "signups"]
        case .confirmSignup(let id): ["admin", "signups", id.uuidString, "confirm"]
        case .adminKeys: ["admin", "keys"]
        case .adminKeyLimits(let id): ["admin", "keys", id.uuidString, "limits"]
        case .adminRevokeKey(let id): ["admin", "keys", id.uuidString, "revoke"]
        case .datasetApply(let code): ["datasets", code, "apply"]
        case .datasetFeedback(let code): ["datasets", code, "feedback"]
        case .reuses: ["reuses"]
        case .newReuse: ["reuses", "new"]
        case .reviewReuses: ["admin", "reuses"]
        case .decideReuse(let id): ["admin", "reuses", id.uuidString, "decide"]
        case .chartGallery: ["admin", "charts", "gallery"]
        case .chartGallerySample(let name): ["admin", "charts", "gallery", name]
        case .charts: ["charts"]
        case .newChart: ["charts", "new"]
        case .chartPreview: ["charts", "preview.svg"]
        case .chart(let id): ["charts", id.uuidString]
        case .editChart(let id): ["charts", id.uuidString, "edit"]
        case .deleteChart(let id): ["charts", id.uuidString, "delete"]
        case .apiChart(let id): ["api", "v1", "charts", id.uuidString]
        case .apiChartFile(let id, let file): ["api", "v1", "charts", id.uuidString, file.rawValue]
        case .dashboards: ["dashboards"]
        case .heat: ["heat"]
        case .cockpit: ["cockpit"]
        case .cockpitTile(let section): ["cockpit", "tiles", section]
        case .evaluation: ["evaluation"]
        case .evaluationRun(let id): ["evaluation", "runs", id.uuidString]
        case .evaluationFreeze(let id): ["evaluation", "runs", id.uuidString, "freeze"]
        case .evaluationUnit(let id, let unit): ["evaluation", "runs", id.uuidString, "units", unit]
        case .evaluationAdjust(let id, let unit): ["evaluation", "runs", id.uuidString, "units", unit, "adjust"]
        case .evaluationFacts(let id, let unit, let list): ["evaluation", "runs", id.uuidString, "units", unit, "facts", list]
        case .evaluationExport(let id, let unit, let format): ["api", "v1", "evaluation", "runs", id.uuidString, "units", unit, format.rawValue]
        case .newDashboard: ["dashboards", "new"]
        case .dashboard(let id): ["dashboards", id.uuidString]
        case .editDashboard(let id): ["dashboards", id.uuidString, "edit"]
        case .deleteDashboard(let id): ["dashboards", id.uuidString, "delete"]
        case .dashboardTile(let id, let tile): ["dashboards", id.uuidString, "tiles", tile.uuidString]
        case .embedChart(let id): ["embed", "charts", id.uuidString]
        case .openDashboards: ["open", "dashboards"]
        case .openDashboard(let id): ["open", "dashboards", id.uuidString]
        case .openDashboardTile(let id, let tile): ["open", "dashboards", id.uuidString, "tiles", tile.uuidString]
        case .credit: ["credit"]
        case .creditEnterprise(let code): ["credit", code]
        case .openLookup(let service): ["api", "v1", "open", "lookups", service]
        case .openLive: ["live"]
        case .openStreamLatest(let code): ["api", "v1", "open", "streams", code, "latest"]
        case .openStreamEvents(let code): ["api", "v1", "open", "streams", code, "events"]
        }
    }
}

extension SiteURL.ResourcePart {
    var segments: [String] {
        switch self {
        case .overview: []
        case .edit: ["edit"]
        case .transition: ["transition"]
        case .comments: ["comments"]
        case .records: ["records"]
        case .map: ["map"]
        case .profile: ["profile"]
        case .rules: ["rules"]
        case .tableSchema: ["tableschema"]
        case .apply: ["apply"]
        case .quality: ["quality"]
        case .qualityCheck: ["quality", "check"]
        case .qualityPolicy: ["quality", "policy"]
        case .qualityValidate: ["quality", "validate"]
        case .aggregateSettings: ["aggregate-settings"]
        case .deleteRule(let id): ["rules", id.uuidString, "delete"]
        case .quarantine(let id): ["quarantine", id.uuidString]
        case .resubmitQuarantine(let id): ["quarantine", id.uuidString]
        case .discardQuarantine(let id): ["quarantine", id.uuidString, "discard"]
        case .load(let id): ["loads", id.uuidString]
        case .objections: ["objections"]
        case .newObjection: ["objections", "new"]
        }
    }
}
