import Vapor
import DataBankCore

/// The open-data portal's routes, registered from this one place: the anonymous pages (`/`,
/// `/datasets…`, `/providers…`, `/live`) and the data endpoints (`/api/v1/open/…`, the real-time
/// streams' `latest` and `events` included). Every record read goes
/// through ``StoreReading/readAsPublic(_:code:)``; the pages share the portal's layout and its
/// error pages (``OpenErrorMiddleware``).
enum OpenRoutes {
    static func register(on app: Application) throws {
        let pages = app.grouped(WebMiddleware(), OpenErrorMiddleware())
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
}
