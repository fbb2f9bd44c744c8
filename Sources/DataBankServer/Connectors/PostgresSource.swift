import FluentPostgresDriver
import Foundation
import NIOCore
import Vapor
import DataBankCore

/// Reads a department's PostgreSQL database through its own connection (PostgresNIO): the host
/// is checked as webhook targets are (public addresses, or those `DATABANK_CONNECTOR_ALLOW` names)
/// and the connection pinned to the checked address; the read runs in a `REPEATABLE READ READ ONLY`
/// transaction (so the server itself refuses any write a query might attempt) as one statement whose
/// rows stream back under backpressure and are cut into pages here — the source is read once, never
/// held in memory. The server builds each row's JSON line with the store's item names.
struct PostgresSource: Sendable {
    var host: String
    var port: Int
    var database: String
    var user: String
    var password: String?
    var tls: Bool

    func read(_ read: SourceRead, app: Application, page: (SourcePage) async throws -> Void) async throws {
        let connection = try await connect(app: app)
        do {
            try await pages(read, connection: connection, logger: app.logger, page: page)
            _ = try? await connection.query("COMMIT", logger: app.logger)
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private var label: String { "\(host):\(port)/\(database)" }

    private func connect(app: Application) async throws -> PostgresConnection {
        let address: IPAddressBytes
        do {
            address = try await WebhookTargets.checkedAddress(host: host, allow: app.settings.connectorAllow)
        } catch .notAllowed {
            throw AppError.field(
                .unprocessableEntity, "source_not_allowed", "source.host", zh: "不允许连接 \(host)：内网地址须列入 DATABANK_CONNECTOR_ALLOW",
                en: "\(host) may not be reached: a private address must be listed in DATABANK_CONNECTOR_ALLOW")
        } catch {
            throw SourceFailure.unreachable(label, field: "source.host", detail: "the host name does not resolve")
        }
        var configuration = PostgresConnection.Configuration(
            host: address.description, port: port, username: user, password: password, database: database,
            tls: tls ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable)
        configuration.options.connectTimeout = .seconds(10)
        if tls { configuration.options.tlsServerName = host }
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                on: app.eventLoopGroup.any(), configuration: configuration, id: 1, logger: app.logger
            ).get()
        } catch let error as PSQLError {
            throw Self.failure(error, label: label, field: "source.host")
        } catch {
            throw SourceFailure.unreachable(label, field: "source.host", detail: "\(error)")
        }
        do {
            try await connection.query("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: app.logger)
        } catch {
            try? await connection.close()
            throw error
        }
        return connection
    }

    /// The server's own words for a failure, sorted into the connector's error codes.
    static func failure(_ error: PSQLError, label: String, field: String) -> AppError {
        let message = error.serverInfo?[.message] ?? (error.underlying.map { "\($0)" } ?? "\(error.code)")
        switch error.serverInfo?[.sqlState] {
        case "28P01", "28000": return SourceFailure.credentials(message)
        case "25006": return SourceFailure.notReadOnly(message)
        case "3D000": return SourceFailure.unreachable(label, field: "source.database", detail: message)
        case .some: return SourceFailure.query(message, field: field)
        case nil: return SourceFailure.unreachable(label, field: "source.host", detail: message)
        }
    }

    /// A row's JSON line (copied from the row's bytes, no String made) and its watermark, onto the page.
    private static func append(_ row: (ByteBuffer, String?, String?), to page: inout SourcePage, watermarked: Bool) {
        page.ndjson.append(contentsOf: row.0.readableBytesView)
        page.ndjson.append(0x0A)
        page.rows += 1
        if watermarked, let v = row.1 { page.watermarks.append(Watermark(value: v, type: row.2 ?? "text")) }
    }

    private func pages(_ read: SourceRead, connection: PostgresConnection, logger: Logger, page: (SourcePage) async throws -> Void) async throws {
        // Up to 40 items, `json_build_object` writes the line as text directly; more are merged as jsonb.
        let chunks = read.pairChunks
        let line =
            chunks.count == 1 ? "json_build_object(\(chunks[0]))" : chunks.map { "jsonb_build_object(\($0))" }.joined(separator: " || ")
        var select = "SELECT (\(chunks.isEmpty ? "'{}'::jsonb" : line))::text AS line"
        var binds = PostgresBindings()
        var filter = "", order = ""
        if let column = read.watermarkColumn {
            let c = "src." + SourceRead.quote(column)
            select += ", \(c)::text AS wm, pg_typeof(\(c))::text AS wmtype"
            if let after = read.after {
                // The value back in the column's own type (its name as pg_typeof gave it, checked to be a type name).
                guard after.type.range(of: #"^[A-Za-z0-9_ ."()\[\],]+$"#, options: .regularExpression) != nil else {
                    throw AppError(.internalServerError, "bad_watermark", "The stored watermark type \(after.type) is not a type name")
                }
                filter = " WHERE \(c) > CAST($1 AS \(after.type))"
                binds.append(after.value)
            }
            filter += (filter.isEmpty ? " WHERE " : " AND ") + "\(c) IS NOT NULL"
            order = " ORDER BY \(c)"
        } else {
            select += ", NULL::text AS wm, NULL::text AS wmtype"
        }
        let limit = read.limit.map { " LIMIT \($0)" } ?? ""
        let sql = "\(select) FROM (\(read.base)) AS src\(filter)\(order)\(limit)"
        let field = read.table != nil ? "source.table" : "source.query"
        do {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            let relay = SourcePageRelay()
            let pageSize = read.pageSize, watermarked = read.watermarkColumn != nil
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The reader cuts the rows into pages while the ingest writes the page before.
                group.addTask {
                    do {
                        var current = SourcePage()
                        var pending: (ByteBuffer, String?, String?)?
                        // One row is held back: a page is the last only when no row follows it.
                        for try await row in rows {
                            let decoded = try row.decode((ByteBuffer, String?, String?).self)
                            if let held = pending {
                                if current.rows == pageSize {
                                    guard await relay.put(current) else { return }
                                    current = SourcePage()
                                }
                                Self.append(held, to: &current, watermarked: watermarked)
                            }
                            pending = decoded
                        }
                        if let held = pending {
                            if current.rows == pageSize {
                                guard await relay.put(current) else { return }
                                current = SourcePage()
                            }
                            Self.append(held, to: &current, watermarked: watermarked)
                        }
                        current.last = true
                        guard await relay.put(current) else { return }
                        await relay.finish(nil)
                    } catch {
                        await relay.finish(error)
                    }
                }
                do {
                    while let next = try await relay.take() { try await SinkError.wrap { try await page(next) } }
                } catch {
                    await relay.stop()
                    throw error
                }
                try await group.waitForAll()
            }
        } catch let error as SinkError {
            throw error.error
        } catch let error as PSQLError {
            throw Self.failure(error, label: label, field: field)
        }
    }
}
