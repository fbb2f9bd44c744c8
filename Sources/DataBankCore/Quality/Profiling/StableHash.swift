/// A 64-bit hash of bytes that is the same in every process and on every machine.
///
/// Swift's `Hasher` is seeded per process, but sketches are stored and merged across runs, so
/// the profiler needs a hash that never changes: eight bytes at a time through a multiply-mix,
/// then MurmurHash3's finalizer so that every output bit depends on every input bit (the
/// HyperLogLog reads the top bits for the register and the rest for the rank).
public enum StableHash {
    static let seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    static let multiplier: UInt64 = 0xFF51_AFD7_ED55_8CCD

    public static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = seed ^ (UInt64(bytes.count) &* multiplier)
        var i = 0
        let n = bytes.count
        let raw = UnsafeRawBufferPointer(bytes)
        while i + 8 <= n {
            let chunk = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            h = (h ^ mix(chunk)) &* 0x9FB2_1C65_1E98_DF25
            h = (h << 27) | (h >> 37)
            i += 8
        }
        if i < n {
            var chunk: UInt64 = 0
            for j in 0..<(n - i) { chunk |= UInt64(bytes[i + j]) << (UInt64(j) * 8) }
            h = (h ^ mix(chunk)) &* 0x9FB2_1C65_1E98_DF25
        }
        return mix(h)
    }

    public static func hash(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { hash($0) }
    }

    /// MurmurHash3's 64-bit finalizer.
    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var k = x
        k ^= k >> 33; k = k &* multiplier
        k ^= k >> 33; k = k &* 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }
}
