import Fluent
import SQLKit

/// 015: failed sign-ins and unknown tokens per account and per client address, shared by every instance.
///
/// One row per subject (`account:…`, `address:…`, `token:…`), alive only while it matters
/// (`expires_ms`); every failure deletes the expired rows, so the table holds the subjects
/// that failed within the last window.
struct CreateAuthThrottle: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("auth_throttle")
            .field("subject", .string, .identifier(auto: false))
            .field("failures", .int64, .required)
            .field("window_start_ms", .int64, .required)
            .field("blocked_until_ms", .int64, .required)
            .field("expires_ms", .int64, .required)
            .create()
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.create(index: "idx_auth_throttle_expires").on("auth_throttle").column("expires_ms").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("auth_throttle").delete()
    }
}
