import Foundation

/// One subject's keyed hash (``AuditSubjects``): the first 16 bytes of its HMAC, held as two
/// big-endian words, so hashes sort as their bytes do and compare without touching `Data`.
struct SubjectHash: Hashable, Comparable, Sendable {
    var high: UInt64
    var low: UInt64

    /// The 16 bytes of `raw` from `offset`.
    init(_ raw: UnsafeRawBufferPointer, at offset: Int = 0) {
        high = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        low = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
    }

    /// From its 32 hex digits (as ``AuditSubjects/hash(_:trail:)`` spells it); nil for anything else.
    init?(hex: String) {
        guard hex.utf8.count == 32, let high = UInt64(hex.prefix(16), radix: 16), let low = UInt64(hex.suffix(16), radix: 16) else { return nil }
        self.high = high
        self.low = low
    }

    static func < (a: SubjectHash, b: SubjectHash) -> Bool { (a.high, a.low) < (b.high, b.low) }

    /// Its 16 bytes appended to `bytes`.
    func append(to bytes: inout [UInt8]) {
        withUnsafeBytes(of: high.bigEndian) { bytes += $0 }
        withUnsafeBytes(of: low.bigEndian) { bytes += $0 }
    }

    /// Its 16 bytes, as the tables store it.
    var data: Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        append(to: &bytes)
        return Data(bytes)
    }
}

/// The subjects an audit entry touched: their hashes, each once, in order. An entry's draft carries
/// them (``AuditLog/Draft/subjects``) and its queue row holds ``bytes`` (migration 038).
struct SubjectHashes: Sendable, Equatable {
    private(set) var sorted: [SubjectHash] = []

    init() {}

    /// `hashes` in any order, repeats dropped.
    init(_ hashes: some Sequence<SubjectHash>) {
        var all = Array(hashes)
        all.sort()
        sorted.reserveCapacity(all.count)
        for hash in all where sorted.last != hash { sorted.append(hash) }
    }

    /// Hashes spelt in hex (a joint check's applicant, a subject's own sign-in); what is not one is skipped.
    init(hex: some Sequence<String>) { self.init(hex.compactMap(SubjectHash.init(hex:))) }

    var isEmpty: Bool { sorted.isEmpty }
    var count: Int { sorted.count }

    /// The hashes of both, each once.
    func union(_ other: SubjectHashes) -> SubjectHashes { SubjectHashes(sorted + other.sorted) }

    /// Each hash's 16 bytes, end to end: a queue row's `hashes`.
    var bytes: Data {
        var out: [UInt8] = []
        out.reserveCapacity(sorted.count * 16)
        for hash in sorted { hash.append(to: &out) }
        return Data(out)
    }
}
