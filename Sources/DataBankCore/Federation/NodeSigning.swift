import Foundation

/// A DataBank node's place among its peers: the node above it (the province above the city), one
/// below it (a district below the city), or a `peer` outside the tree line that this node addresses
/// directly (the province registers a district it applies to and relays from; no catalog flows).
public enum NodeRelation: String, Sendable, Codable, CaseIterable {
    case parent, child, peer
}

/// Node codes and region codes as a data authority writes them.
public enum NodeNaming {
    /// `foshan`, `chancheng`, `guangdong`: 2–40 lower-case letters, digits, `-` or `_`, beginning with a letter or digit.
    public static func isValidCode(_ code: String) -> Bool {
        code.range(of: "^[a-z0-9][a-z0-9_-]{1,39}$", options: .regularExpression) != nil
    }

    /// An administrative division code (GB/T 2260): six digits, `440600` for Foshan, `440604` for Chancheng.
    public static func isValidRegion(_ region: String) -> Bool {
        region.range(of: "^[0-9]{6}$", options: .regularExpression) != nil
    }
}

/// How one node signs a request to another, and the checks the receiving node makes.
///
/// The signed text binds everything an attacker on the path could change or replay: the method, the
/// path with its query exactly as sent, the signing node, a timestamp (so an old request is refused),
/// a nonce (so a fresh one is refused the second time) and the SHA-256 of the body. Its own SHA-256 is
/// the request hash both nodes write to their audit logs, so the two entries of one exchange match.
public enum NodeSigning {
    public static let nodeHeader = "DataBank-Node"
    public static let timestampHeader = "DataBank-Timestamp"
    public static let nonceHeader = "DataBank-Nonce"
    public static let signatureHeader = "DataBank-Signature"
    /// How far a timestamp may be from the receiver's clock, either way (seconds). Nonces are
    /// remembered at least this long, so a request inside the window cannot be replayed either.
    public static let window: TimeInterval = 300

    /// The text the Ed25519 signature covers, one field a line.
    public static func canonicalText(
        method: String, target: String, node: String, timestamp: Int, nonce: String, bodySHA256: String
    ) -> String {
        ["DataBank-Node-Signature-v1", method.uppercased(), target, node, String(timestamp), nonce, bodySHA256].joined(separator: "\n")
    }

    /// A nonce is 16–64 characters of letters, digits, `-` and `_` (base64url or hex of random bytes).
    public static func isValidNonce(_ nonce: String) -> Bool {
        nonce.range(of: "^[A-Za-z0-9_-]{16,64}$", options: .regularExpression) != nil
    }

    /// Whether `timestamp` (Unix seconds) lies within ``window`` of `now`.
    public static func isFresh(_ timestamp: Int, now: Date) -> Bool {
        abs(Double(timestamp) - now.timeIntervalSince1970) <= window
    }
}

/// Why a node's request was refused (each a 401 with a stable code, written to the audit log).
public enum NodeRefusal: String, Sendable, CaseIterable {
    /// A header is missing or malformed.
    case missing = "node_signature_missing"
    /// The node named is no registered peer.
    case unknownNode = "node_unknown"
    /// The signature does not verify under the peer's registered key.
    case badSignature = "node_signature_invalid"
    /// The timestamp is outside the clock window.
    case stale = "node_timestamp_stale"
    /// The nonce was seen before.
    case replayed = "node_nonce_replayed"

    public var message: String {
        switch self {
        case .missing:
            return "A node request needs DataBank-Node, DataBank-Timestamp, DataBank-Nonce and DataBank-Signature headers"
        case .unknownNode: return "The node is not registered as a peer here"
        case .badSignature: return "The signature does not verify under the peer's registered key"
        case .stale: return "The request's timestamp is more than \(Int(NodeSigning.window)) seconds from this node's clock"
        case .replayed: return "The request's nonce has been used before"
        }
    }

    public var messageZh: String {
        switch self {
        case .missing: return "节点请求须带 DataBank-Node、DataBank-Timestamp、DataBank-Nonce 与 DataBank-Signature 头"
        case .unknownNode: return "该节点未在本节点登记"
        case .badSignature: return "签名与该节点登记的公钥不符"
        case .stale: return "请求时间与本节点时钟相差超过 \(Int(NodeSigning.window)) 秒"
        case .replayed: return "请求的随机数已被使用（重放）"
        }
    }
}
