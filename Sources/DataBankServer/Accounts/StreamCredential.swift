import Fluent
import Vapor

/// What a long-lived response (the SSE feed) was opened with, so it can ask again while it runs:
/// revoking a user's API token or an app's token ends the streams opened with it.
enum StreamCredential: Sendable {
    case userToken(UUID)
    case appToken(UUID)
    /// A web session: it ends with the connection (or when the browser signs out and reloads).
    case other

    static func of(_ req: Request) -> StreamCredential {
        if let id = req.storage[UserTokenIDKey.self] { return .userToken(id) }
        if let app = req.app { return .appToken(app.id) }
        return .other
    }

    /// Whether the credential is still good: one lookup by primary key.
    func isValid(on db: any Database) async throws -> Bool {
        switch self {
        case .userToken(let id): return try await UserToken.find(id, on: db).map { $0.revokedAt == nil } ?? false
        case .appToken(let id): return try await AppRow.find(id, on: db).map { $0.revokedAt == nil } ?? false
        case .other: return true
        }
    }
}
