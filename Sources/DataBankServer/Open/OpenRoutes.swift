import Vapor
import DataBankCore

/// The open side's routes, registered from this one place: the portal's anonymous pages (`/`,
/// `/datasets…`, `/providers…`, `/live`) and data endpoints (`/api/v1/open/…`, the real-time
/// streams' `latest` and `events` included), the registered users' pages
/// and API (sign-up, developer keys, applications, reuses, feedback), CKAN's Action API, the
/// DCAT-AP catalog (`/catalog.*`, `/dataset/{code}.*`) and the API description (`/openapi.json`).
/// Every record read goes through ``StoreReading``; the pages share the portal's layout and its
/// error pages (``OpenErrorMiddleware``).
enum OpenRoutes {
    static func register(on app: Application) throws {
        let pages = app.grouped(MiddlewareChain(WebMiddleware(), OpenErrorMiddleware()))
        pages.get(use: OpenHomePage.show).gate(.open)
        pages.get("datasets", use: OpenSearchPage.show).gate(.open)
        pages.get("datasets", ":code", use: OpenDatasetPage.show).gate(.open)
        pages.get("datasets", ":code", "preview", use: OpenDatasetPage.preview).gate(.storeRead)
        pages.get("datasets", ":code", "api", use: OpenDatasetPage.api).gate(.open)
        pages.get("providers", use: OpenProviderPage.list).gate(.open)
        pages.get("providers", ":code", use: OpenProviderPage.show).gate(.open)
        pages.get("live", use: OpenLivePage.show).gate(.open)

        let data = app.grouped("api", "v1", "open", "datasets", ":code")
        data.get(":file", use: OpenDownloads.download).gate(.storeRead)
        data.get("preview", use: previewJSON).gate(.storeRead)

        let streams = app.grouped("api", "v1", "open", "streams", ":code")
        streams.get("latest", use: OpenStreams.latest).gate(.storeRead)
        streams.get("events", use: OpenStreams.events).gate(.storeRead)

        try RegisteredUserRoutes.register(on: app)
        CKANRoutes.register(on: app)
        DCATRoutes.register(on: app)
        app.gated(.open).get("openapi.json") { req in OpenAPIDocument.routes(req) }
    }

    /// `GET /api/v1/open/datasets/{code}/preview`: the preview's page as JSON (masked as on the page).
    static func previewJSON(req: Request) async throws -> Response {
        let preview = try await OpenPreview.prepare(req, code: try req.parameters.require("code"))
        let page = try await preview.objects(on: req)
        var body = "{\"items\":[" + page.rows.joined(separator: ",") + "]"
        body += ",\"fields\":" + JSONText.encode(preview.query.fields.map(\.name))
        body += ",\"total\":\(page.total),\"previewRows\":\(page.shown),\"page\":\(preview.request.page),\"pageSize\":\(OpenPreview.pageSize)}"
        let response = Response(status: .ok, body: .init(string: body))
        response.headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
        return response
    }

    /// Paths machines read (their errors are JSON, not pages): health, the catalog documents, the
    /// API description and the metrics.
    static func isMachinePath(_ path: String) -> Bool {
        ["/healthz", "/openapi.json", "/metrics", "/catalog.ttl", "/catalog.jsonld", "/catalog.rdf"].contains(path)
            || path.hasPrefix("/dataset/")
    }
}
