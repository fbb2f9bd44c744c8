import Fluent

/// 001: users and their API tokens.
struct CreateAccounts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("users")
            .id()
            .field("username", .string, .required).unique(on: "username")
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("department_code", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema("user_tokens")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("token_hash", .string, .required).unique(on: "token_hash")
            .field("prefix", .string, .required)
            .field("created_at", .datetime)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("user_tokens").delete()
        try await db.schema("users").delete()
    }
}
