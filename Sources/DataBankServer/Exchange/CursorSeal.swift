import Fluent
import Foundation
import Vapor

/// Paging cursors that reveal nothing: the last row's order values (which may be a key a reader sees
/// masked) sealed with AES-GCM under a platform key, and bound to what they page — the store, the
/// order, the reader and the view they read through — so a cursor cannot be read, forged, or replayed by
/// another reader or on another store. A cursor that does not open is a 400 `invalid_cursor`.
enum CursorSeal {
    /// What a cursor is bound to: it opens only for the same binding.
    struct Binding {
        var store: String
        var order: [String]
        var reader: String
        var grant: UUID?

        init(store: String, order: [String], req: Request, grant: UUID?) {
            self.store = store; self.order = order; self.grant = grant
            reader = req.app.map { "app:\($0.id.uuidString)" } ?? req.user?.id.map { "user:\($0.uuidString)" } ?? "anonymous"
        }

        /// Length-prefixed fields, so no two bindings serialise alike.
        var bytes: [UInt8] {
            var out: [UInt8] = Array("databank-cursor-v1".utf8)
            for field in [store, order.joined(separator: ","), reader, grant?.uuidString ?? "-"] {
                let utf8 = Array(field.utf8)
                out += withUnsafeBytes(of: UInt32(utf8.count).bigEndian, Array.init) + utf8
            }
            return out
        }
    }

    static func seal(_ values: [String], _ binding: Binding, key: SymmetricKey) -> String {
        let plain = Array(JSONText.encode(values).utf8)
        // AES-GCM with a random nonce never fails for a valid key.
        let box = try! AES.GCM.seal(plain, using: key, authenticating: binding.bytes)
        return base64URL(box.combined!)
    }

    static func open(_ text: String, _ binding: Binding, key: SymmetricKey, field: String = "after") throws -> [String] {
        guard text.count <= 4_096, let data = fromBase64URL(text),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key, authenticating: binding.bytes),
              let values = try? JSONDecoder().decode([String].self, from: plain),
              values.count == binding.order.count else {
            throw AppError.field(.badRequest, "invalid_cursor", field, zh: "翻页游标无效（游标只对签发它的读者、资源和排序有效）",
                                 en: "The \(field)= cursor is not one this API issued to you for this resource and sort")
        }
        return values
    }

    /// The cursor key: derived from the platform key (migration 007), so every instance shares it.
    static func key(app: Application, on db: any Database) async throws -> SymmetricKey {
        let platform = try await Pseudonyms.key(app: app, on: db)
        let derived = HMAC<SHA256>.authenticationCode(for: Array("databank cursor key v1".utf8), using: SymmetricKey(data: platform))
        return SymmetricKey(data: Data(derived))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func fromBase64URL(_ text: String) -> Data? {
        var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        return Data(base64Encoded: b64)
    }
}
