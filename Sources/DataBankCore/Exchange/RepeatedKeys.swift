/// The keys met so far in one load, to find a key the load repeats — Frictionless's `primary-key`
/// error: the first occurrence is kept, each later one is the finding. Every row whose key can be
/// read counts, refused rows too, so a load finds exactly what `quality validate` finds.
///
/// A key is remembered as 128 bits: Swift's per-process seeded hash and ``StableHash`` of its
/// canonical JSON bytes (a row's batch key). Sixteen bytes a key whatever its length: a load of
/// 1,000,000 rows holds about 32 MB. Two different keys share both hashes with a probability
/// around n²/2¹²⁹ (10⁻²⁶ for a million keys), so the set is exact in practice.
public struct RepeatedKeys: Sendable {
    struct Digest: Hashable, Sendable {
        let seeded: Int
        let stable: UInt64
    }

    var seen = Set<Digest>()

    public init() {}

    public var count: Int { seen.count }

    /// Remembers `key` (a batch key: each part's canonical JSON, joined by U+001F); false when the
    /// load met it before.
    public mutating func insert(_ key: String) -> Bool {
        var key = key
        return key.withUTF8 { bytes in
            var hasher = Hasher()
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
            return seen.insert(Digest(seeded: hasher.finalize(), stable: StableHash.hash(bytes))).inserted
        }
    }

    /// What a row's key says: read (its batch key), or none of its parts read (no key at all).
    public enum Key: Sendable, Equatable {
        case key(String)
        case missing
    }

    /// The primary-key finding of a row whose key is `key`, if any: repeated in this load, or
    /// missing (every key cell empty or unreadable), as file validation words them.
    public mutating func finding(_ key: Key, rule: @autoclosure () -> QualityRule) -> RuleFinding? {
        switch key {
        case .missing:
            return UniquenessTracker.keyMissing(rule())
        case .key(let text):
            guard !insert(text) else { return nil }
            let shown = RepeatedKeys.text(text)
            return RuleFinding(
                ruleID: rule().id, column: nil, value: shown, errorType: "primary-key", code: "duplicate_key",
                message: "主键在本次载入中重复：\(shown)（保留先出现的行）",
                messageEn: "Key repeated within this load: \(shown) (the earlier row is kept)")
        }
    }

    /// A batch key as people read it: `a, b` (a part that could not be read shows empty).
    public static func text(_ key: String) -> String {
        key.split(separator: "\u{1F}", omittingEmptySubsequences: false).map { part -> String in
            if part == "\u{0}" { return "" }
            var part = String(part)
            return part.withUTF8 { CanonicalRow.value(ofJSON: $0) } ?? ""
        }.joined(separator: ", ")
    }

    /// The primary-key rule findings name: the resource's own, or the one validation uses.
    public static func keyRule(_ rules: [QualityRule]) -> QualityRule {
        rules.first { $0.kind == .primaryKey }
            ?? QualityRule(id: "derived:key", kind: .primaryKey, column: nil, name: "主键唯一", nameEn: "Key is unique", derived: true, errorType: "primary-key")
    }
}

extension RowEncoder {
    /// The key of a source row the encoder refused, read cell by cell as the encoder reads it (so
    /// it equals the batch key the row would have had): a part that does not read is U+0000, and a
    /// row none of whose key parts read has no key — as file validation treats keys.
    public func key(fieldCount: Int, field: (Int) -> UnsafeBufferPointer<UInt8>?) -> RepeatedKeys.Key {
        var text = ""
        var anyRead = false
        var scratch: [UInt8] = []
        for (n, k) in keyIndexes.enumerated() {
            if n > 0 { text += "\u{1F}" }
            let f = sourceOf[k]
            let raw = f >= 0 && f < fieldCount ? field(f) : nil
            scratch.removeAll(keepingCapacity: true)
            if raw != nil, FieldConverter.appendJSON(raw, as: layout.columns[k], to: &scratch) == nil, scratch != FieldConverter.nullBytes {
                text += String(decoding: scratch, as: UTF8.self)
                anyRead = true
            } else {
                text += "\u{0}"
            }
        }
        // A single key that does not read is missing; so is a composite key none of whose parts read.
        if !anyRead || (keyIndexes.count == 1 && text == "\u{0}") { return .missing }
        return .key(text)
    }
}
