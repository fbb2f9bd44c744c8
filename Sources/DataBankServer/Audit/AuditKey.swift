import Foundation
import Vapor
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The secret the audit chain and its checkpoints are keyed with. It lives in a file outside the
/// database, so someone who can write the database cannot recompute a valid chain.
///
/// The file holds 64 hex digits (32 random bytes). Every instance writing the same database must
/// read the same file (or a copy of the same secret).
struct AuditKey: Sendable {
    let key: SymmetricKey

    init(bytes: [UInt8]) { key = SymmetricKey(data: bytes) }

    /// Only for throw-away in-memory databases: a fixed, public key.
    static let inMemory = AuditKey(bytes: Array(SHA256.hash(data: Array("databank in-memory audit key".utf8))))

    func mac(_ text: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key).hexString
    }

    /// Reads the key file; when it is missing and `create` is set, makes one (mode 0600).
    /// Several instances starting together end up with the same key: the file is linked into
    /// place only if nobody else made it first.
    static func load(path: String, create: Bool) throws -> AuditKey {
        if let key = try read(path) { return key }
        guard create else { throw AuditKeyError("the audit key file \(path) does not exist (set DATABANK_AUDIT_KEY_FILE to the file the server uses)") }
        var bytes = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = rng.next() }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let temporary = path + ".new-\(getpid())-\(UUID().uuidString.prefix(8))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw AuditKeyError("cannot create the audit key file \(path): \(String(cString: strerror(errno)))") }
        let text = Array((bytes.hexString + "\n").utf8)
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        defer { unlink(temporary) }
        guard written == text.count, synced == 0 else { throw AuditKeyError("cannot write the audit key file \(path)") }
        if link(temporary, path) != 0, errno != EEXIST {
            throw AuditKeyError("cannot create the audit key file \(path): \(String(cString: strerror(errno)))")
        }
        guard let key = try read(path) else { throw AuditKeyError("cannot read the audit key file \(path)") }
        return key
    }

    private static func read(_ path: String) throws -> AuditKey? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AuditKeyError("cannot read the audit key file \(path) (permissions?)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count >= 64, text.count % 2 == 0, let bytes = [UInt8](hex: text) else {
            throw AuditKeyError("the audit key file \(path) must hold at least 64 hex digits")
        }
        return AuditKey(bytes: bytes)
    }
}

struct AuditKeyError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex, written straight into the string's buffer (every audited read makes three:
    /// the token's hash, the request's digest and the entry's MAC; `String(format:)` per byte cost more).
    var hexString: String {
        let bytes = Array(self)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            let digits: StaticString = "0123456789abcdef"
            let table = digits.utf8Start
            for (i, b) in bytes.enumerated() {
                out[2 * i] = table[Int(b >> 4)]
                out[2 * i + 1] = table[Int(b & 0x0f)]
            }
            return bytes.count * 2
        }
    }
}

extension Array where Element == UInt8 {
    init?(hex: String) {
        var out: [UInt8] = []
        out.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for c in hex.utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        guard high == nil else { return nil }
        self = out
    }
}
