import Fluent
import Foundation
import Vapor

/// This node's Ed25519 key pair. The private key is derived (HMAC-SHA256) from the platform key in
/// `platform_keys` (migration 007) — as the connector secrets' and paging cursors' keys are — so it is
/// never stored, every instance of the node signs with the same key, and it is as safe as the platform
/// key is. An HMAC-SHA256 output is 32 bytes: exactly an Ed25519 seed.
///
/// Rotating (`databank node rotate-key`) moves the node's key generation on, which derives a new key
/// under a label of its own: the first generation's label is the one every node had before rotation existed.
enum NodeKeys {
    static let derivationLabel = "databank federation node signing key v1"

    static func label(generation: Int) -> String { generation <= 1 ? derivationLabel : "\(derivationLabel) generation \(generation)" }

    static func signingKey(app: Application, on db: any Database) async throws -> Curve25519.Signing.PrivateKey {
        let platform = try await Pseudonyms.key(app: app, on: db)
        let generation = try await FederationNodes.current(on: db)?.keyGeneration ?? 1
        let seed = HMAC<SHA256>.authenticationCode(for: Array(label(generation: generation).utf8), using: SymmetricKey(data: platform))
        return try Curve25519.Signing.PrivateKey(rawRepresentation: Data(seed))
    }

    static func encode(_ key: Curve25519.Signing.PublicKey) -> String { key.rawRepresentation.base64EncodedString() }

    /// A peer's public key as registered: base64 of 32 bytes. nil when it is not one.
    static func decode(_ text: String) -> Curve25519.Signing.PublicKey? {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespaces)), data.count == 32 else { return nil }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: data)
    }
}
