import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Migration 008: users may have an e-mail address; a notification remembers when it was mailed.
struct AddNotificationMail: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("users").field("email", .string).update()
        try await db.schema("notifications").field("mailed_at", .datetime).update()
        try await db.schema("notifications").field("mail_error", .string).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("notifications").deleteField("mail_error").update()
        try await db.schema("notifications").deleteField("mailed_at").update()
        try await db.schema("users").deleteField("email").update()
    }
}
