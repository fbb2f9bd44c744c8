import Fluent
import Foundation
import SQLKit
import Vapor
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A signed note, kept outside the database, that entry `seq` had hash `hash` at time `at`: a tail
/// cut behind it, or a rewrite of any entry up to it, no longer matches.
///
/// One line per checkpoint in an append-only file:
/// `databank-audit-checkpoint v1 seq=N hash=HEX at=ISO8601 keyed_from=K mac=HEX`, the MAC (HMAC-SHA256
/// with the audit key) covering everything before ` mac=`.
struct AuditCheckpoint: Equatable, Sendable {
    var seq: Int
    var hash: String
    var at: String
    /// Where keyed hashing starts in the chain the checkpoint was taken from.
    var keyedFrom: Int

    static let prefix = "databank-audit-checkpoint v1"

    var body: String { "\(Self.prefix) seq=\(seq) hash=\(hash) at=\(at) keyed_from=\(keyedFrom)" }

    func line(key: AuditKey) -> String { body + " mac=" + key.mac(body) + "\n" }

    enum Parsed {
        case valid(AuditCheckpoint)
        case badMAC(AuditCheckpoint)
        case malformed
    }

    static func parse(_ line: Substring, key: AuditKey) -> Parsed {
        guard let macRange = line.range(of: " mac=", options: .backwards), line.hasPrefix(prefix + " ") else { return .malformed }
        let body = line[..<macRange.lowerBound]
        let mac = line[macRange.upperBound...]
        var values: [Substring: Substring] = [:]
        for part in body.dropFirst(prefix.count + 1).split(separator: " ") {
            guard let eq = part.firstIndex(of: "=") else { return .malformed }
            values[part[..<eq]] = part[part.index(after: eq)...]
        }
        guard values.count == 4, let seq = values["seq"].flatMap({ Int($0) }), let hash = values["hash"], let at = values["at"],
            let keyedFrom = values["keyed_from"].flatMap({ Int($0) })
        else { return .malformed }
        let checkpoint = AuditCheckpoint(seq: seq, hash: String(hash), at: String(at), keyedFrom: keyedFrom)
        guard checkpoint.body == body else { return .malformed }
        return key.mac(String(body)) == mac ? .valid(checkpoint) : .badMAC(checkpoint)
    }

    /// What a checkpoint file holds: the valid checkpoints, or the first line that is not one.
    struct FileContents {
        var checkpoints: [AuditCheckpoint] = []
        var missing = false
        var problem: AuditChain.Break?
    }

    static func read(path: String, key: AuditKey) throws -> FileContents {
        guard FileManager.default.fileExists(atPath: path) else { return FileContents(missing: true) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AuditKeyError("cannot read the audit checkpoint file \(path) (permissions?)")
        }
        var contents = FileContents()
        let text = String(decoding: data, as: UTF8.self)
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            switch parse(line, key: key) {
            case .valid(let c): contents.checkpoints.append(c)
            case .badMAC(let c):
                contents.problem = AuditChain.Break(
                    seq: c.seq, reason: "the checkpoint on line \(index + 1) of \(path) (entry \(c.seq)) has a wrong MAC (forged, or written with another key)")
                return contents
            case .malformed:
                contents.problem = AuditChain.Break(seq: 0, reason: "line \(index + 1) of the checkpoint file \(path) is not a checkpoint (altered?)")
                return contents
            }
        }
        return contents
    }
}

/// Writes checkpoints: every `every` entries or `interval` seconds (checked at each append, and by a
/// timer while the server runs), and at shutdown.
///
/// Several instances may share the file: each checkpoint is one `write` of one line to a file opened
/// with `O_APPEND`, which a local file system appends whole (on NFS, give each instance its own file).
final class AuditCheckpointWriter: @unchecked Sendable {
    let path: String
    let every: Int
    let interval: TimeInterval
    let key: AuditKey
    private struct State { var pending = 0; var lastWrite = Date(); var lastSeq = 0 }
    /// Behind `lock`: every audited request updates it.
    private var state = State()
    private let lock = NSLock()

    init(path: String, every: Int, interval: TimeInterval, key: AuditKey) throws {
        self.path = path; self.every = max(every, 1); self.interval = interval; self.key = key
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // Created at start, so a file missing later was deleted.
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { throw AuditKeyError("cannot open the audit checkpoint file \(path): \(String(cString: strerror(errno)))") }
        close(fd)
    }

    /// Called after an entry is committed; writes a checkpoint naming it when one is due.
    func appended(_ e: AuditEntry, keyedFrom: Int, logger: Logger) {
        let now = Date()
        let due = lock.withLock { () -> Bool in
            state.pending += 1
            guard state.pending >= every || now.timeIntervalSince(state.lastWrite) >= interval, e.seq > state.lastSeq else { return false }
            state.pending = 0; state.lastWrite = now; state.lastSeq = e.seq
            return true
        }
        if due { appendLine(AuditCheckpoint(seq: e.seq, hash: e.hash, at: now.iso8601Millis, keyedFrom: keyedFrom), logger: logger) }
    }

    /// Timer and shutdown: names the head when it moved since this process's last checkpoint
    /// (with `onlyIfAppended`, only when this process appended since: a short command that wrote
    /// nothing adds no checkpoint).
    func checkpointHead(on db: any Database, logger: Logger, onlyIfAppended: Bool = false) async {
        if onlyIfAppended, lock.withLock({ state.pending == 0 }) { return }
        do {
            guard let head = try await db.sql.raw("SELECT seq, hash, keyed_from FROM audit_head WHERE id = 1").first() else { return }
            let seq = try head.decode(column: "seq", as: Int.self)
            let now = Date()
            let due = lock.withLock { () -> Bool in
                guard seq > state.lastSeq else { return false }
                state.pending = 0; state.lastWrite = now; state.lastSeq = seq
                return true
            }
            guard due else { return }
            appendLine(
                AuditCheckpoint(
                    seq: seq, hash: try head.decode(column: "hash", as: String.self), at: now.iso8601Millis,
                    keyedFrom: try head.decode(column: "keyed_from", as: Int.self)), logger: logger)
        } catch {
            logger.warning("audit checkpoint not written: \(String(reflecting: error))")
        }
    }

    /// One line, one `write`: concurrent writers never interleave inside a line.
    private func appendLine(_ checkpoint: AuditCheckpoint, logger: Logger) {
        let bytes = Array(checkpoint.line(key: key).utf8)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else {
            logger.error("audit checkpoint not written to \(path): \(String(cString: strerror(errno)))"); return
        }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written != bytes.count { logger.error("audit checkpoint not written whole to \(path)"); return }
        _ = fsync(fd)
    }
}
