import Fluent
import Vapor
import DataBankCore

/// The database sources behind one signature: read `SourceRead`, hand over each page.
typealias SourceReader = @Sendable (SourceRead, (SourcePage) async throws -> Void) async throws -> Void

enum ConnectorSources {
    /// The reader for a saved connector (its secret opened here, for this run only).
    static func reader(_ connector: ConnectorRow, source: ConnectorSource, app: Application) async throws -> SourceReader {
        if source.kind == "databank" {
            // Another DataBank's change feed: deletes applied to this connector's store.
            let relay = DataBankSource(source, department: connector.departmentCode, target: connector.resourceCode)
            return { read, page in try await relay.read(read, app: app, page: page) }
        }
        var password: String?
        if let sealed = connector.secret {
            password = try ConnectorSecrets.open(sealed, code: connector.code, key: try await ConnectorSecrets.key(app: app, on: app.db))
        }
        return try reader(source, password: password, department: connector.departmentCode, app: app)
    }

    static func reader(_ source: ConnectorSource, password: String?, department: String, app: Application) throws -> SourceReader {
        switch source.kind {
        case "sqlite":
            let sqlite = SQLiteSource(path: try ConnectorPaths.resolve(source.path, root: app.settings.connectorRoot, department: department))
            return { read, page in try await sqlite.read(read, app: app, page: page) }
        case "postgres":
            let pg = PostgresSource(
                host: source.host ?? "", port: source.port ?? 5432, database: source.database ?? "", user: source.user ?? "",
                password: password, tls: source.tls ?? false)
            return { read, page in try await pg.read(read, app: app, page: page) }
        case "http":
            let http = HTTPSource(source: source, secret: password)
            return { read, page in try await http.read(read, app: app, page: page) }
        case "databank":
            // A preview: nothing written.
            let relay = DataBankSource(source, department: department, target: nil)
            return { read, page in try await relay.read(read, app: app, page: page) }
        default:
            throw AppError.field(.unprocessableEntity, "invalid_source", "source.kind", zh: "此数据源不按行读取", en: "This source is not read as rows")
        }
    }
}
