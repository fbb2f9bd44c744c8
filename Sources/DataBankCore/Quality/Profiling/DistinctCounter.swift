import Foundation

/// How many distinct values a column holds: exact while small, a ``HyperLogLog`` beyond.
///
/// Up to ``exactLimit`` distinct values it keeps their 64-bit hashes (a collision among 10,000
/// hashes has odds of about 3 in 10¹²), so the small code lists and flags most columns hold are
/// counted exactly; past that it moves the hashes into a HyperLogLog and estimates (±1–2 %).
/// Both forms merge, so a load's values merge into the resource's.
public struct DistinctCounter: Hashable, Sendable {
    public static let exactLimit = 10_000

    /// The hashes seen, while the count is exact (empty once ``sketch`` is used).
    var hashes: Set<UInt64> = []
    /// The sketch, once more than ``exactLimit`` distinct values were seen.
    var sketch: HyperLogLog?

    public init() {}

    public var isExact: Bool { sketch == nil }

    public var count: Int { sketch?.estimate ?? hashes.count }

    @inline(__always) public mutating func add(hash: UInt64) {
        if sketch != nil {
            sketch!.add(hash: hash)
        } else {
            hashes.insert(hash)
            if hashes.count > Self.exactLimit { promote() }
        }
    }

    mutating func promote() {
        sketch = Self.sketch(of: hashes)
        hashes = []
    }

    public mutating func merge(_ other: DistinctCounter) {
        switch (sketch, other.sketch) {
        case (nil, nil):
            hashes.formUnion(other.hashes)
            if hashes.count > Self.exactLimit { promote() }
        case (nil, let theirs?):
            var merged = theirs
            for h in hashes { merged.add(hash: h) }
            sketch = merged; hashes = []
        case (.some, nil):
            for h in other.hashes { sketch!.add(hash: h) }
        case (.some, let theirs?):
            sketch!.merge(theirs)
        }
    }

    static func sketch(of hashes: Set<UInt64>) -> HyperLogLog {
        var hll = HyperLogLog()
        for h in hashes { hll.add(hash: h) }
        return hll
    }
}

extension DistinctCounter: Codable {
    enum CodingKeys: String, CodingKey { case exact, sketch }

    /// `{"exact": base64 of the sorted hashes}` or `{"sketch": base64 of the registers}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let hll = try c.decodeIfPresent(HyperLogLog.self, forKey: .sketch) {
            sketch = hll
            return
        }
        let text = try c.decode(String.self, forKey: .exact)
        guard let data = Data(base64Encoded: text), data.count % 8 == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .exact, in: c, debugDescription: "packed hashes")
        }
        var hashes = Set<UInt64>(minimumCapacity: data.count / 8)
        data.withUnsafeBytes { raw in
            for i in stride(from: 0, to: raw.count, by: 8) { hashes.insert(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))) }
        }
        self.hashes = hashes
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if let sketch {
            try c.encode(sketch, forKey: .sketch)
        } else {
            var data = Data(capacity: hashes.count * 8)
            for h in hashes.sorted() { withUnsafeBytes(of: h.littleEndian) { data.append(contentsOf: $0) } }
            try c.encode(data.base64EncodedString(), forKey: .exact)
        }
    }
}
