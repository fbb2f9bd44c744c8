import Foundation
import Vapor
import DataBankCore

/// The headers that sign one request from this node to a peer (``NodeSigning``), and the request
/// hash both ends audit.
struct NodeRequestSigner: Sendable {
    var node: String
    var key: Curve25519.Signing.PrivateKey

    struct Signed: Sendable {
        var headers: HTTPHeaders
        /// SHA-256 (hex) of the signed text: the `request_hash` of the audit entries at both ends.
        var requestHash: String
    }

    /// Signs `method target` (path and query, as sent) with `body`, at `now`.
    func sign(method: String, target: String, body: [UInt8] = [], now: Date, nonce: String = NodeRequestSigner.newNonce()) throws -> Signed {
        let timestamp = Int(now.timeIntervalSince1970)
        let text = NodeSigning.canonicalText(
            method: method, target: target, node: node, timestamp: timestamp, nonce: nonce, bodySHA256: Self.hex(SHA256.hash(data: body)))
        let signature = try key.signature(for: Data(text.utf8))
        var headers = HTTPHeaders()
        headers.add(name: NodeSigning.nodeHeader, value: node)
        headers.add(name: NodeSigning.timestampHeader, value: String(timestamp))
        headers.add(name: NodeSigning.nonceHeader, value: nonce)
        headers.add(name: NodeSigning.signatureHeader, value: signature.base64EncodedString())
        return Signed(headers: headers, requestHash: Self.hex(SHA256.hash(data: Data(text.utf8))))
    }

    /// 24 random bytes as base64url (32 characters).
    static func newNonce() -> String {
        let bytes = (0..<24).map { _ in UInt8.random(in: 0...255) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 { digest.map { String(format: "%02x", $0) }.joined() }
}
