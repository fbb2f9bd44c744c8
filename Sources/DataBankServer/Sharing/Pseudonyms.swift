import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Keyed pseudonyms: HMAC-SHA256 of the value under the platform's secret key. The same value
/// gives the same token in every resource, so a consumer can join two resources on a person
/// without ever holding the ID number; `perConsumer` mixes in the consumer department, so two
/// consumers cannot join their data with each other's.
enum Pseudonyms {
    static func token(_ value: String, rule: MaskRule, consumer: String, key: [UInt8]) -> String {
        var input = ""
        if case .pseudonym(perConsumer: true) = rule { input = consumer + "\u{1F}" }
        input += value
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: key))
        return "P" + mac.prefix(12).map { String(format: "%02X", $0) }.joined()
    }

    /// The platform's key (created by migration 007), read once per application.
    static func key(app: Application, on db: any Database) async throws -> [UInt8] {
        let cache = app.pseudonymKeyCache
        if let cached = cache.value { return cached }
        guard let row = try await db.sql.raw("SELECT value FROM platform_keys WHERE name = 'pseudonym'").first(),
            let key = Data(base64Encoded: try row.decode(column: "value", as: String.self))
        else {
            throw AppError(.internalServerError, "pseudonym_key_missing", "The platform's pseudonym key is missing")
        }
        cache.value = Array(key)
        return Array(key)
    }

    /// The key, once read; a lock because every request may ask.
    final class KeyCache: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [UInt8]?
        var value: [UInt8]? {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }
}

extension Application {
    private struct PseudonymKeyCacheKey: StorageKey { typealias Value = Pseudonyms.KeyCache }
    /// Created at configuration (``configure(_:)``) so concurrent requests share one cache.
    var pseudonymKeyCache: Pseudonyms.KeyCache {
        if let cache = storage[PseudonymKeyCacheKey.self] { return cache }
        let cache = Pseudonyms.KeyCache()
        storage[PseudonymKeyCacheKey.self] = cache
        return cache
    }
}
