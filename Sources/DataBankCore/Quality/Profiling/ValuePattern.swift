/// The shape of a value, character by character: a digit is `D`, an ASCII letter `A` (upper
/// case) or `a` (lower case), another letter `L`, a Chinese character `汉`; anything else
/// (punctuation, spaces, symbols) is kept as it is. Runs are not shortened, so the shape keeps
/// the length: `440604-1990` → `DDDDDD-DDDD`, `粤E4X230` → `汉ADADDD`.
///
/// A shape longer than ``maxCharacters`` is cut there and ends in `…`, so free text does not
/// produce a new shape per value.
public enum ValuePattern {
    public static let maxCharacters = 32
    /// Bytes a shape can take: each character at most 4 bytes, and the ellipsis.
    static let maxBytes = maxCharacters * 4 + 3

    static let han: [UInt8] = Array("汉".utf8)
    static let ellipsis: [UInt8] = Array("…".utf8)

    /// The shape of `value`, written into `out` (at least ``maxBytes`` long); returns its byte count.
    public static func write(_ value: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var n = 0, chars = 0, i = 0
        let count = value.count
        while i < count {
            if chars == maxCharacters {
                for b in ellipsis { out[n] = b; n += 1 }
                return n
            }
            let b = value[i]
            if b < 0x80 {
                switch b {
                case 0x30...0x39: out[n] = 0x44  // D
                case 0x41...0x5A: out[n] = 0x41  // A
                case 0x61...0x7A: out[n] = 0x61  // a
                default: out[n] = b
                }
                n += 1; i += 1; chars += 1
                continue
            }
            // A multi-byte UTF-8 sequence: decode the scalar.
            let width = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            guard i + width <= count, width > 1 else { out[n] = 0x3F; n += 1; i += 1; chars += 1; continue }
            var scalar = UInt32(b) & (width == 2 ? 0x1F : width == 3 ? 0x0F : 0x07)
            for j in 1..<width { scalar = scalar << 6 | (UInt32(value[i + j]) & 0x3F) }
            if isHan(scalar) {
                for h in han { out[n] = h; n += 1 }
            } else if let s = Unicode.Scalar(scalar), s.properties.isAlphabetic {
                out[n] = 0x4C; n += 1  // L
            } else if let s = Unicode.Scalar(scalar), s.properties.numericType == .decimal {
                out[n] = 0x44; n += 1  // D: full-width and other decimal digits
            } else {
                for j in 0..<width { out[n] = value[i + j]; n += 1 }
            }
            i += width; chars += 1
        }
        return n
    }

    /// CJK unified ideographs (basic block, extension A and the supplementary planes' blocks) and compatibility ideographs.
    @inline(__always) static func isHan(_ s: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(s) || (0x3400...0x4DBF).contains(s) || (0xF900...0xFAFF).contains(s) || (0x20000...0x3134F).contains(s)
    }

    public static func of(_ value: String) -> String {
        var value = value
        return value.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxBytes) { out in
                String(decoding: UnsafeBufferPointer(rebasing: out[..<write(bytes, into: out)]), as: UTF8.self)
            }
        }
    }
}
