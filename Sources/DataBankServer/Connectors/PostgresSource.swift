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
/// held in memory. The server prints each mapped column as text, which reaches the ingest as a CSV
/// file's fields do (``FieldRows``; PostgresSource+Cells): no JSON is built or parsed.
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
            // Dates and timestamps printed as ISO 8601 (2024-03-05 08:30:00), whatever the server's default style.
            try await connection.query("SET LOCAL DateStyle = 'ISO, MDY'", logger: app.logger)
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

    private func pages(_ read: SourceRead, connection: PostgresConnection, logger: Logger, page: (SourcePage) async throws -> Void) async throws {
        let field = read.table != nil ? "source.table" : "source.query"
        do {
            let types = try await Self.columnTypes(read, connection: connection, logger: logger)
            let (sql, binds) = try Self.statement(read, types: types)
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            let relay = SourcePageRelay()
            let names = read.mapping.pairs.map(\.item), pageSize = read.pageSize, watermarked = read.watermarkColumn != nil
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The reader cuts the rows into pages while the ingest writes the page before.
                group.addTask {
                    do {
                        var current = CellPage(names: names, capacity: pageSize)
                        var pending: PostgresRow?
                        // One row is held back: a page is the last only when no row follows it.
                        for try await row in rows {
                            if let held = pending {
                                if current.rows.count == pageSize {
                                    guard await relay.put(current.page(last: false)) else { return }
                                    current = CellPage(names: names, capacity: pageSize)
                                }
                                current.append(held, watermarked: watermarked)
                            }
                            pending = row
                        }
                        if let held = pending {
                            if current.rows.count == pageSize {
                                guard await relay.put(current.page(last: false)) else { return }
                                current = CellPage(names: names, capacity: pageSize)
                            }
                            current.append(held, watermarked: watermarked)
                        }
                        guard await relay.put(current.page(last: true)) else { return }
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
