import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Mails new notifications to the department's stewards and admins who have an address, when
/// SMTP is configured. Each notification is claimed first (`mailed_at`), so several instances
/// never send it twice; a failure is kept on the notification, and it is not retried.
enum NotificationMail {
    static func runOnce(app: Application, smtp: SMTPSettings, now: Date = Date()) async throws -> Int {
        let sql = app.db.sql
        let pending = try await NotificationRow.query(on: app.db).filter(\.$mailedAt == nil)
            .filter(\.$createdAt > now.addingTimeInterval(-86_400)).sort(\.$createdAt).range(0..<20).all()
        var sent = 0
        for note in pending {
            let claimed = try await sql.raw(
                """
                UPDATE notifications SET mailed_at = \(bind: now) WHERE id = \(bind: note.id) AND mailed_at IS NULL RETURNING id
                """
            ).all()
            guard !claimed.isEmpty else { continue }
            let recipients = try await recipients(of: note.departmentCode, on: app.db)
            guard !recipients.isEmpty else { continue }
            do {
                try await SMTPMailer(settings: smtp).send(
                    to: recipients, subject: "【DataBank】" + note.text,
                    body: note.text + "\n" + note.textEn + (note.link.map { "\n\n" + $0 } ?? ""))
                sent += 1
            } catch {
                note.mailError = String(describing: error).prefix(300).description
                try await note.save(on: app.db)
            }
        }
        return sent
    }

    /// A department's stewards and admins; for a registered member of the public (`user:<id>`), that person.
    static func recipients(of consumer: String, on db: any Database) async throws -> [String] {
        if consumer.hasPrefix(Actor.publicConsumerPrefix) {
            guard let id = UUID(uuidString: String(consumer.dropFirst(Actor.publicConsumerPrefix.count))),
                let user = try await User.find(id, on: db), user.role == .publicUser
            else { return [] }
            return user.email.map { [$0] } ?? []
        }
        return try await User.query(on: db).filter(\.$departmentCode == consumer)
            .filter(\.$roleName ~~ [Role.steward.rawValue, Role.departmentAdmin.rawValue]).all().compactMap(\.email)
    }
}
