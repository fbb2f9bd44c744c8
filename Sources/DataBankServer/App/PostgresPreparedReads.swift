import FluentPostgresDriver
import NIOConcurrencyHelpers
import SQLKit

/// Read statements kept prepared on each PostgreSQL connection.
///
/// PostgresNIO sends every SQLKit statement unnamed: the server parses, analyses and plans it on
/// each call, which was half of PostgreSQL's CPU under audited point reads (profile in
/// docs/PERFORMANCE.md). Here a statement gets a name per SQL text (the same in every connection of
/// the process), PostgresNIO prepares it once on each connection that runs it and then only binds
/// and executes it; the server plans it once its generic plan is as good as a fresh one (a lookup
/// by key: from the sixth call). The same SQL, the same binds, the same binary result format as the
/// unnamed path, so the cells are the same.
///
/// Only statements whose binds PostgresNIO encodes itself (text, integers) take this path, and at
/// most ``maxNames`` distinct texts per process, so no connection keeps an unbounded number of
/// statements; anything else, or past the cap, runs unnamed as before. A statement that failed is
/// forgotten (PostgresNIO keeps a failed preparation's error per name), so its next use prepares
/// it afresh under a new name.
enum PostgresPreparedReads {
    /// Distinct SQL texts kept prepared per process (and so at most per connection).
    static let maxNames = 512

    /// Runs `query` prepared and hands each row to `body`, or answers false (nothing run) when the
    /// database is not PostgreSQL or the statement cannot take this path.
    static func rows(_ query: any SQLExpression, on sql: any SQLDatabase, _ body: @escaping @Sendable (PostgresRow) throws -> Void) async throws -> Bool {
        guard let pg = sql as? any PostgresDatabase else { return false }
        var serializer = SQLSerializer(database: sql)
        query.serialize(to: &serializer)
        var bindings = PostgresBindings(capacity: serializer.binds.count)
        for bind in serializer.binds {
            guard let value = bind as? any PostgresThrowingDynamicTypeEncodable else { return false }
            try bindings.append(value, context: .default)
        }
        let text = serializer.sql
        guard let name = names.name(for: text) else { return false }
        let logger = sql.logger
        logger.trace("Executing prepared query", metadata: ["sql": .string(text), "name": .string(name)])
        let statement = Statement(bindings: bindings)
        do {
            try await pg.withConnection { connection in
                connection.eventLoop.makeFutureWithTask {
                    try await Statement.$text.withValue(.init(name: name, sql: text)) {
                        for try await row in try await connection.execute(statement, logger: logger) { try body(row) }
                    }
                }
            }.get()
        } catch {
            names.forget(text)
            throw error
        }
        return true
    }

    /// Rows of text cells by position (``RecordTextRows``), or false as ``rows(_:on:_:)``.
    static func textRows(_ query: any SQLExpression, width: Int, on sql: any SQLDatabase, _ body: @escaping @Sendable ([String?]) -> Void) async throws
        -> Bool
    {
        try await rows(query, on: sql) { row in
            let cells = row.makeRandomAccess()
            var texts = [String?](repeating: nil, count: width)
            for i in 0..<min(width, cells.count) { texts[i] = try cells[i].decode(String?.self) }
            body(texts)
        }
    }

    /// The name of each SQL text kept prepared.
    private static let names = Names()

    private final class Names: Sendable {
        private struct State {
            var byText: [String: String] = [:]
            var next = 0
        }
        private let state = NIOLockedValueBox(State())

        /// The text's name, given on first use; nil once ``maxNames`` texts have one.
        func name(for text: String) -> String? {
            state.withLockedValue { s in
                if let name = s.byText[text] { return name }
                guard s.byText.count < PostgresPreparedReads.maxNames else { return nil }
                s.next += 1
                let name = "dbk_read_\(s.next)"
                s.byText[text] = name
                return name
            }
        }

        /// The text gets a new name on its next use.
        func forget(_ text: String) { state.withLockedValue { _ = $0.byText.removeValue(forKey: text) } }
    }

    /// PostgresNIO's prepared statement names its SQL statically; the name and text of the one
    /// being run come from the task running it (read once, when it is sent).
    private struct Statement: PostgresPreparedStatement {
        struct Text: Sendable {
            var name: String
            var sql: String
        }
        @TaskLocal static var text = Text(name: "", sql: "")
        static var name: String { text.name }
        static var sql: String { text.sql }

        typealias Row = PostgresRow
        let bindings: PostgresBindings
        func makeBindings() throws -> PostgresBindings { bindings }
        func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
    }
}
