import Fluent
import SQLKit

/// 021: the n-gram index of `partial` look-up services (``LookupGrams``): one row per (service,
/// character bigram of a key item's value, record key), keyed in that order so a gram's records are
/// one range; a second index (service, record key) finds a record's grams when it changes. Each
/// service's position in its store's change log is `lookup_gram_cursors.seq`.
struct CreateLookupGrams: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("lookup_grams")
            .field("service", .string, .required)
            .field("gram", .string, .required)
            .field("record_key", .string, .required)
            .compositeIdentifier(over: "service", "gram", "record_key")
            .create()
        try await db.sql.create(index: "idx_lookup_grams_key").on("lookup_grams").column("service").column("record_key").run()
        try await db.schema("lookup_gram_cursors")
            .field("service", .string, .identifier(auto: false))
            .field("seq", .int64, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("lookup_gram_cursors").delete()
        try await db.schema("lookup_grams").delete()
    }
}
