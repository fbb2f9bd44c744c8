import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET|POST /connectors/new` and `GET|POST /connectors/:code/edit`. The form posts to the API's own
/// handlers (create, change, test), so the pages check exactly what the API checks. Its two buttons:
/// Save (303 to the connector's page) and Test connection (the form again, with the first rows the
/// source gives — nothing saved). Bad input shows the form again with each message at its field.
enum ConnectorFormPage {
    static func new(req: Request) async throws -> Response {
        var values = ConnectorForm()
        values.resource = FormData(query: req)["resource"] ?? ""
        return try await render(req, values: values, existing: nil)
    }

    static func edit(req: Request) async throws -> Response {
        let row = try await ConnectorsAPI.find(req, .manageConnectors)
        let info = try ConnectorInfo(row, now: req.application.settings.now())
        return try await render(req, values: ConnectorForm(info), existing: info)
    }

    static func create(req: Request) async throws -> Response {
        let form = FormData(body: req)
        let values = ConnectorForm(posted: form)
        var problems = FieldErrors()
        let body = values.body(isNew: true, layout: nil, problems: &problems)
        do {
            if !problems.isEmpty {
                // The text's problems with every one the settings have, in one answer.
                var all = problems.all
                do { _ = try await ConnectorsAPI.checkNew(body, req: req) } catch let e as AppError where e.code == "invalid_connector" { all += e.details }
                throw ConnectorDraft.invalid(all)
            }
            if form["action"] == "test" {
                try req.content.encode(body, as: .json)
                let preview = try await ConnectorsAPI.testDraft(req: req)
                return try await render(req, values: values, existing: nil, preview: try Preview(preview))
            }
            try req.content.encode(body, as: .json)
            _ = try await ConnectorsAPI.create(req: req)
            return Layout.seeOther(SiteURL.connector(values.code).with([("done", "created")]))
        } catch {
            guard let e = SharingWeb.showable(error) else { throw error }
            return try await render(req, values: values, existing: nil, error: e)
        }
    }

    static func update(req: Request) async throws -> Response {
        let row = try await ConnectorsAPI.find(req, .manageConnectors)
        let info = try ConnectorInfo(row, now: req.application.settings.now())
        let form = FormData(body: req)
        let values = ConnectorForm(posted: form, secretSet: info.secretSet)
        var problems = FieldErrors()
        let store = try await RecordStores.find(row.resourceCode, on: req.db)
        let body = values.body(isNew: false, layout: store.recordLayout, problems: &problems)
        do {
            if !problems.isEmpty {
                var all = problems.all
                do {
                    _ = try ConnectorDraft.check(
                        body, over: row, layout: store.recordLayout, department: store.departmentCode, settings: req.application.settings)
                } catch let e as AppError where e.code == "invalid_connector" { all += e.details }
                throw ConnectorDraft.invalid(all)
            }
            if form["action"] == "test" {
                // The form's settings over the saved ones; the saved password unless a new one is typed.
                let draft = try ConnectorDraft.check(
                    body, over: row, layout: store.recordLayout, department: store.departmentCode, settings: req.application.settings)
                var password = body.source?.password
                if password == nil, let sealed = row.secret, draft.source.kind == row.sourceKind {
                    password = try ConnectorSecrets.open(sealed, code: row.code, key: try await ConnectorSecrets.key(app: req.application, on: req.db))
                }
                let preview = try await ConnectorsAPI.preview(draft, password: password, req: req)
                return try await render(req, values: values, existing: info, preview: try Preview(preview))
            }
            try req.content.encode(body, as: .json)
            _ = try await ConnectorsAPI.update(req: req)
            return Layout.seeOther(SiteURL.connector(row.code).with([("done", "saved")]))
        } catch {
            guard let e = SharingWeb.showable(error) else { throw error }
            return try await render(req, values: values, existing: info, error: e)
        }
    }

    /// The test action's answer as the page shows it: the rows (items in the store's order), or a
    /// folder's waiting files.
    struct Preview: Decodable {
        var rows: [[String: JSONValue]]?
        var count: Int?
        var files: [String]?
        var file: String?
        var encoding: String?

        init(_ response: Response) throws {
            self = try JSONDecoder().decode(Preview.self, from: Data(buffer: response.body.buffer ?? ByteBuffer()))
        }
    }

    static func render(
        _ req: Request, values: ConnectorForm, existing: ConnectorInfo?, preview: Preview? = nil, error: AppError? = nil
    ) async throws -> Response {
        let s = req.strings
        let isNew = existing == nil
        let resources = isNew ? try await ConnectorWeb.resourceChoices(req) : []
        var view = ConnectorFormView(s: s, errors: FieldErrors(error), values: values, isNew: isNew, resources: resources)
        (view.peers, view.remoteGrants) = try await ConnectorWeb.relayChoices(req)
        let title = isNew ? s.t("新建连接器", "New connector") : s.t("修改连接器", "Edit connector") + " " + (existing?.code ?? "")
        var previewCard: Body = .empty
        if let preview {
            previewCard = try await previewSection(preview, resource: existing?.resource ?? values.resource, req: req)
        }
        let crumbs: Body = .p(
            .cls("crumbs"), .link(SiteURL.connectors.path, s.t("前置交换连接器", "Connectors")),
            existing.map { e in Body.group([.text(" › "), .link(SiteURL.connector(e.code).path, e.name)]) } ?? .empty)
        let content: [Body] = [
            .div(.cls("page-head"), crumbs, .h1(.testid("page-title"), .esc(title))),
            view.summary(error),
            previewCard,
            .section(
                .cls("card"),
                view.render(action: existing.map { SiteURL.connector($0.code, .edit).path } ?? SiteURL.newConnector.path, csrf: req.csrfToken))
        ]
        return Layout.render(
            req, title: title, status: error?.status ?? .ok, path: existing.map { SiteURL.connector($0.code, .edit).path } ?? SiteURL.newConnector.path,
            content)
    }

    /// The first rows the source gave, in the store's item order, headed with the items' names.
    static func previewSection(_ preview: Preview, resource: String, req: Request) async throws -> Body {
        let s = req.strings
        let layout = try? await RecordStores.find(resource, on: req.db).recordLayout
        let rows = preview.rows ?? []
        let present = Set(rows.flatMap(\.keys))
        let columns = (layout?.columns ?? []).filter { present.contains($0.name) }
        let known = Set(columns.map(\.name))
        let extra = present.subtracting(known).sorted()
        let headers = columns.map { "\($0.itemName)（\($0.name)）" } + extra
        let names = columns.map(\.name) + extra
        let table: [[Body]] = rows.map { row in names.map { name in Body.esc(row[name].map(Self.text) ?? "") } }
        var notes: [Body] = []
        if let files = preview.files {
            notes.append(
                .p(
                    .testid("preview-files"),
                    .esc(
                        files.isEmpty
                            ? s.t("文件夹中没有待载入的文件。", "No files are waiting in the folder.")
                            : s.t("待载入的文件（\(files.count)）：", "Files waiting (\(files.count)): ") + files.prefix(10).joined(separator: "、"))))
        }
        if let file = preview.file {
            notes.append(
                .p(
                    .cls("hint"),
                    .esc(s.t("以下为 \(file) 的前几行（编码 \(preview.encoding ?? "")）。", "The first rows of \(file) (encoding \(preview.encoding ?? ""))."))))
        }
        return .section(
            .cls("card"), .testid("connector-preview"),
            .h2(.esc(s.t("测试连接：数据源的前 \(rows.count) 行", "Test connection: the source's first \(rows.count) rows"))),
            .p(.cls("hint"), .esc(s.t("按映射命名为数据项；尚未保存，也未载入。", "Named by the mapping as the store's items; nothing is saved or loaded yet."))),
            .group(notes),
            rows.isEmpty && preview.files == nil
                ? SharingWeb.empty(s, "preview-empty", "数据源连接成功，但没有读到行。", "The source answered, with no rows.")
                : rows.isEmpty ? .empty : .dataTable(headers, table, testid: "preview-rows", cls: "data compact"))
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n
        case .string(let t): return t
        default: return "\(value)"
        }
    }
}
