import Fluent
import SQLKit
import FluentPostgresDriver
import SQLiteNIO
import Vapor

/// How hard guessing is made: after `accountFailures` wrong passwords for one account (or
/// `addressFailures` failures from one client address) within `window`, each further attempt
/// waits `firstDelay`, doubled per failure up to `maxDelay`. The window expires, so nobody is
/// locked out for good.
public struct SignInThrottlePolicy: Sendable {
    public var accountFailures = 5
    public var addressFailures = 20
    public var window: Double = 15 * 60
    public var firstDelay: Double = 5
    public var maxDelay: Double = 15 * 60

    public init() {}

    /// The wait after the `failures`-th failure in the window, or nil below the threshold.
    func delay(afterFailures failures: Int, threshold: Int) -> Double? {
        guard failures >= threshold else { return nil }
        let doublings = min(failures - threshold, 30)
        return min(maxDelay, firstDelay * pow(2, Double(doublings)))
    }
}

/// The throttle's counters, kept in `auth_throttle` so several stateless instances share them.
/// Only bound parameters reach the SQL.
enum SignInThrottle {
    /// What failures are counted against.
    enum Subject {
        case account(String), address(String), tokenAddress(String)
        /// Sign-ups from one client address: each one counts, successful or not.
        case signup(String)
        /// Refused node-to-node requests (federation) from one client address.
        case nodeAddress(String)

        var key: String {
            switch self {
            // Case and surrounding spaces do not make a new account to guess at; a key stays short.
            case .account(let name): "account:" + String(name.trimmingCharacters(in: .whitespaces).lowercased().prefix(200))
            case .address(let a): "address:" + a
            case .tokenAddress(let a): "token:" + a
            case .signup(let a): "signup:" + a
            case .nodeAddress(let a): "node:" + a
            }
        }

        func threshold(_ policy: SignInThrottlePolicy) -> Int {
            if case .account = self { return policy.accountFailures }
            return policy.addressFailures
        }
    }

    /// The seconds to wait before any of `subjects` may try again, or nil when none is held back.
    static func wait(_ subjects: [Subject], _ req: Request) async throws -> Int? {
        let now = nowMs(req)
        let rows = try await sql(req).raw(
            """
            SELECT blocked_until_ms FROM auth_throttle
            WHERE subject IN (\(binds: subjects.map(\.key))) AND blocked_until_ms > \(bind: now)
            """
        ).all()
        let until = try rows.map { try $0.decode(column: "blocked_until_ms", as: Int64.self) }.max()
        return until.map { Int(((Double($0 - now)) / 1000).rounded(.up)) }
    }

    /// ``wait(_:_:)`` for a token, in the same statement as the access epoch (``AccessEpoch``) and the
    /// load counters of the route's store (`:code`, if any), which it remembers for the request: every
    /// API read asks all three, so they cost one round trip.
    static func waitReadingEpoch(_ subject: Subject, _ req: Request) async throws -> Int? {
        let now = nowMs(req)
        let code = req.parameters.get("code") ?? ""
        // Read-only, on the read connections: it must not queue behind the audit writer.
        let check = try await EpochCheck.read(
            """
            SELECT (SELECT version FROM access_epoch WHERE id = 1) AS epoch,
                   (SELECT MAX(blocked_until_ms) FROM auth_throttle WHERE subject = \(bind: subject.key) AND blocked_until_ms > \(bind: now)) AS blocked_until,
                   rs.row_count, rs.last_seq, rs.version, rs.last_load_at
            FROM (SELECT 1 AS probe) AS probe LEFT JOIN record_stores AS rs ON rs.resource_code = \(bind: code)
            """, on: req.readSQL)
        AccessEpoch.remember(check.epoch, req)
        if let counters = check.counters(code) { AccessEpoch.remember(counters, req) }
        return check.blockedUntil.map { Int(((Double($0 - now)) / 1000).rounded(.up)) }
    }

    /// The one row of ``waitReadingEpoch(_:_:)``'s statement.
    private struct EpochCheck {
        var epoch: Int64?
        var blockedUntil: Int64?
        var rowCount: Int?
        var lastSeq = 0
        var version = 0
        var lastLoadAt: Date?

        func counters(_ code: String) -> AccessEpoch.StoreCounters? {
            rowCount.map { AccessEpoch.StoreCounters(code: code, rowCount: $0, lastSeq: lastSeq, version: version, lastLoadAt: lastLoadAt) }
        }

        /// On a SQLite file's read connections, as text cells on a statement kept prepared (every
        /// API request runs it); on PostgreSQL prepared too, decoded by position; elsewhere through
        /// SQLKit, decoded by name.
        static func read(_ statement: SQLQueryString, on sql: any SQLDatabase) async throws -> EpochCheck {
            if let read = sql as? SQLiteReadPool.ReadDatabase, let direct = read.direct {
                let cells = RecordTextRows.Collector([String?](repeating: nil, count: 6))
                try await direct.textRows(statement, serializedFor: sql, width: 6) { cells.value = $0 }
                let c = cells.value
                return EpochCheck(
                    epoch: c[0].flatMap { Int64($0) }, blockedUntil: c[1].flatMap { Int64($0) }, rowCount: c[2].flatMap { Int($0) },
                    lastSeq: c[3].flatMap { Int($0) } ?? 0, version: c[4].flatMap { Int($0) } ?? 0,
                    // A REAL of seconds, as SQLiteKit stores a Date (the text forms it also reads, otherwise).
                    lastLoadAt: c[5].flatMap { text in Double(text).map(Date.init(timeIntervalSince1970:)) ?? Date(sqliteData: .text(text)) })
            }
            // PostgreSQL: every API request runs it, so it is kept prepared on each connection.
            let found = RecordTextRows.Collector(EpochCheck?.none)
            let prepared = try await PostgresPreparedReads.rows(statement, on: sql) { row in
                let c = row.makeRandomAccess()
                found.value = EpochCheck(
                    epoch: try c[0].decode(Int64?.self), blockedUntil: try c[1].decode(Int64?.self), rowCount: try c[2].decode(Int?.self),
                    lastSeq: try c[3].decode(Int?.self) ?? 0, version: try c[4].decode(Int?.self) ?? 0, lastLoadAt: try c[5].decode(Date?.self))
            }
            if prepared { return found.value ?? EpochCheck() }
            guard let row = try await sql.raw(statement).first() else { return EpochCheck() }
            return EpochCheck(
                epoch: try row.decode(column: "epoch", as: Int64?.self), blockedUntil: try row.decode(column: "blocked_until", as: Int64?.self),
                rowCount: try row.decode(column: "row_count", as: Int?.self), lastSeq: try row.decode(column: "last_seq", as: Int?.self) ?? 0,
                version: try row.decode(column: "version", as: Int?.self) ?? 0, lastLoadAt: try row.decode(column: "last_load_at", as: Date?.self))
        }
    }

    /// Counts one failure against `subject`; returns the wait it now imposes, if any.
    @discardableResult
    static func fail(_ subject: Subject, _ req: Request) async throws -> Int? {
        let policy = req.application.settings.signInThrottle
        let now = nowMs(req), windowMs = Int64(policy.window * 1000), windowStart = now - windowMs
        let db = sql(req)
        try await db.raw("DELETE FROM auth_throttle WHERE expires_ms < \(bind: now)").run()
        // One statement, so concurrent failures on several instances all count.
        let row = try await db.raw(
            """
            INSERT INTO auth_throttle (subject, failures, window_start_ms, blocked_until_ms, expires_ms)
            VALUES (\(bind: subject.key), 1, \(bind: now), 0, \(bind: now + windowMs))
            ON CONFLICT (subject) DO UPDATE SET
                failures = CASE WHEN auth_throttle.window_start_ms < \(bind: windowStart) THEN 1 ELSE auth_throttle.failures + 1 END,
                window_start_ms = CASE WHEN auth_throttle.window_start_ms < \(bind: windowStart) THEN \(bind: now) ELSE auth_throttle.window_start_ms END,
                expires_ms = \(bind: now + windowMs)
            RETURNING failures
            """
        ).first()
        let failures = try row?.decode(column: "failures", as: Int64.self) ?? 1
        guard let delay = policy.delay(afterFailures: Int(failures), threshold: subject.threshold(policy)) else { return nil }
        let until = now + Int64(delay * 1000)
        try await db.raw(
            """
            UPDATE auth_throttle SET blocked_until_ms = \(bind: until), expires_ms = \(bind: max(until, now + windowMs))
            WHERE subject = \(bind: subject.key)
            """
        ).run()
        return Int(delay.rounded(.up))
    }

    /// Forgets the failures of `subject` (an account after a successful sign-in).
    static func reset(_ subject: Subject, _ req: Request) async throws {
        try await sql(req).raw("DELETE FROM auth_throttle WHERE subject = \(bind: subject.key)").run()
    }

    private static func sql(_ req: Request) -> any SQLDatabase { req.db.sql }

    private static func nowMs(_ req: Request) -> Int64 {
        Int64((req.application.settings.now().timeIntervalSince1970 * 1000).rounded())
    }
}

/// 429 for a sign-in or token that must wait, with `Retry-After`.
struct SignInThrottled: AbortError {
    var retryAfter: Int
    var status: HTTPResponseStatus { .tooManyRequests }
    var reason: String { "Too many failed attempts from this address; retry after \(retryAfter) s" }
    var headers: HTTPHeaders { ["Retry-After": String(max(1, retryAfter))] }
}
