import Vapor
import DataBankCore

/// The chain: each entry's hash covers its content and its predecessor's hash, so an altered,
/// removed or reordered entry breaks every link after it.
///
/// Entries from `keyedFrom` on are HMAC-SHA256 with the audit key over a length-prefixed text
/// (``AuditCanonicalText``); entries before it were written before the key existed and stay
/// verifiable as the legacy unkeyed chain (SHA-256 over unit-separated fields).
enum AuditChain {
    static let genesis = String(repeating: "0", count: 64)
    static let tag = "databank-audit-v2"

    /// The stored columns, in a fixed order, length-prefixed (`fields` as stored: comma-joined).
    static func canonical(_ e: AuditEntry) -> String {
        AuditCanonicalText.encode(tag: tag, [
            String(e.seq), e.at, e.actorKind, e.actorID, e.actorName, e.departmentCode, e.resourceCode, e.operation,
            e.fields.joined(separator: ","), String(e.recordCount), e.purpose, e.requestID, e.requestHash, e.prevHash])
    }

    static func hash(_ e: AuditEntry, key: AuditKey) -> String { key.mac(canonical(e)) }

    /// The text hashed before the chain was keyed. Not injective (a field holding U+001F can move a
    /// boundary): only for verifying entries written before the switch-over.
    static func legacyCanonical(_ e: AuditEntry) -> String {
        [String(e.seq), e.at, e.actorKind, e.actorID ?? "", e.actorName, e.departmentCode ?? "", e.resourceCode ?? "",
         e.operation, e.fields.joined(separator: ","), String(e.recordCount), e.purpose ?? "", e.requestID ?? "",
         e.requestHash ?? "", e.prevHash].joined(separator: "\u{1F}")
    }

    static func legacyHash(_ e: AuditEntry) -> String { SHA256.hash(data: Array(legacyCanonical(e).utf8)).hexString }

    /// What `verify` found: the first broken entry and why.
    struct Break: Equatable, Sendable {
        var seq: Int
        var reason: String
    }

    /// Walks entries in `seq` order, page by page, and names the first that was altered, deleted,
    /// reordered or rewritten (its hash differs from a checkpoint's).
    struct Walk {
        let key: AuditKey
        let keyedFrom: Int
        let checkpoints: [Int: [AuditCheckpoint]]
        private(set) var lastSeq = 0
        private(set) var lastHash = AuditChain.genesis
        /// Entries found intact so far.
        private(set) var checked = 0
        private(set) var legacy = 0

        init(key: AuditKey, keyedFrom: Int, checkpoints: [Int: [AuditCheckpoint]]) {
            self.key = key; self.keyedFrom = keyedFrom; self.checkpoints = checkpoints
        }

        mutating func feed(_ entries: [AuditEntry]) -> Break? {
            for e in entries {
                let expectedSeq = lastSeq + 1
                if e.seq != expectedSeq {
                    return Break(seq: min(e.seq, expectedSeq), reason: e.seq > expectedSeq
                                 ? "entries \(expectedSeq)…\(e.seq - 1) are missing (deleted)"
                                 : "entry \(e.seq) is out of order (expected \(expectedSeq))")
                }
                if e.prevHash != lastHash {
                    return Break(seq: e.seq, reason: "entry \(e.seq) does not follow its predecessor (reordered or predecessor altered)")
                }
                let keyed = e.seq >= keyedFrom
                if (keyed ? AuditChain.hash(e, key: key) : AuditChain.legacyHash(e)) != e.hash {
                    return Break(seq: e.seq, reason: keyed
                                 ? "entry \(e.seq) was altered (its content no longer matches its keyed hash)"
                                 : "entry \(e.seq) was altered (its content no longer matches its legacy unkeyed hash)")
                }
                if let mismatch = checkpoints[e.seq]?.first(where: { $0.hash != e.hash }) {
                    return Break(seq: e.seq, reason: "entry \(e.seq) differs from the checkpoint at \(mismatch.at) (the log was rewritten at or before it)")
                }
                lastSeq = e.seq
                lastHash = e.hash
                checked += 1
                if !keyed { legacy += 1 }
            }
            return nil
        }
    }
}
