#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text encodings departments' files come in.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8", gb18030, utf16le = "utf-16le", utf16be = "utf-16be"

    /// Guesses from the first bytes of a file: a byte-order mark; else UTF-8 when the sample's
    /// non-ASCII text is (almost all) valid UTF-8 — a few stray bytes in a UTF-8 file are that
    /// file's errors, reported per row, not a reason to misread all of it; else GB18030 (which
    /// includes GBK and GB2312). Returns the encoding and the length of its BOM.
    public static func detect(_ sample: UnsafeBufferPointer<UInt8>) -> (TextEncoding, bom: Int) {
        if sample.starts(with: [0xEF, 0xBB, 0xBF]) { return (.utf8, 3) }
        if sample.starts(with: [0xFF, 0xFE]) { return (.utf16le, 2) }
        if sample.starts(with: [0xFE, 0xFF]) { return (.utf16be, 2) }
        let (valid, invalid) = UTF8Validation.census(sample)
        return (invalid == 0 || valid >= invalid * 4 ? .utf8 : .gb18030, 0)
    }
}

enum UTF8Validation {
    /// Counts valid multi-byte UTF-8 sequences and invalid bytes (a sequence cut at the end is neither).
    static func census(_ b: UnsafeBufferPointer<UInt8>) -> (valid: Int, invalid: Int) {
        var valid = 0, invalid = 0, i = 0
        while i < b.count {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1
            if i + len > b.count { break }  // cut at the end of the sample
            if len > 1, firstInvalid(UnsafeBufferPointer(rebasing: b[i..<i + len]), allowTruncatedEnd: false) == nil {
                valid += 1; i += len
            } else {
                invalid += 1; i += 1
            }
        }
        return (valid, invalid)
    }

    /// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
    static func firstInvalid(_ b: UnsafeBufferPointer<UInt8>, from start: Int = 0, allowTruncatedEnd: Bool) -> Int? {
        var i = start
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let len: Int
            if c >= 0xC2 && c <= 0xDF { len = 2 } else if c >= 0xE0 && c <= 0xEF { len = 3 } else if c >= 0xF0 && c <= 0xF4 { len = 4 } else { return i }
            if i + len > n {
                if allowTruncatedEnd && (i + 1..<n).allSatisfy({ b[$0] & 0xC0 == 0x80 }) { return nil }
                return i
            }
            for k in 1..<len where b[i + k] & 0xC0 != 0x80 { return i }
            if len == 3 {
                if c == 0xE0 && b[i + 1] < 0xA0 { return i }
                if c == 0xED && b[i + 1] > 0x9F { return i }
            } else if len == 4 {
                if c == 0xF0 && b[i + 1] < 0x90 { return i }
                if c == 0xF4 && b[i + 1] > 0x8F { return i }
            }
            i += len
        }
        return nil
    }
}

/// Converts a byte stream in a known encoding to UTF-8, chunk by chunk.
///
/// Undecodable bytes become U+FFFD and are reported with their offset in the source, so
/// the row holding them can be refused by name rather than loaded garbled.
public final class TextTranscoder {
    public let encoding: TextEncoding
    private var converter: iconv_t?
    private var carry: [UInt8] = []
    private var sourceOffset = 0
    /// Source offsets of undecodable bytes seen so far, with the UTF-8 output offset each maps to.
    public private(set) var invalid: [(source: Int, output: Int)] = []
    private var outputOffset = 0

    public init(_ encoding: TextEncoding) throws {
        self.encoding = encoding
        if encoding != .utf8 {
            let from = switch encoding { case .gb18030: "GB18030"; case .utf16le: "UTF-16LE"; case .utf16be: "UTF-16BE"; case .utf8: "UTF-8" }
            let cd = iconv_open("UTF-8", from)
            guard cd != iconv_t(bitPattern: -1) else { throw FieldProblem("encoding", zh: "不支持的编码 \(from)", en: "Unsupported encoding \(from)") }
            converter = cd
        }
    }

    deinit { if let converter { iconv_close(converter) } }

    /// Converts `input`, appending UTF-8 to `out`. `final` flushes a sequence cut at the end.
    public func convert(_ input: UnsafeBufferPointer<UInt8>, final: Bool = false, into out: inout [UInt8]) {
        let start = out.count
        let consumed: Int, total: Int
        if carry.isEmpty {
            // The usual case: nothing left over from the last chunk, so no copy of this one.
            consumed = encoding == .utf8 ? passUTF8(input, final: final, &out) : iconvert(input, final: final, &out)
            total = input.count
            if consumed < total { carry = Array(input[consumed...]) }
        } else {
            let bytes = carry + Array(input)
            carry.removeAll()
            consumed = bytes.withUnsafeBufferPointer { encoding == .utf8 ? passUTF8($0, final: final, &out) : iconvert($0, final: final, &out) }
            total = bytes.count
            if consumed < total { carry = Array(bytes[consumed...]) }
        }
        sourceOffset += consumed
        outputOffset += out.count - start
    }

    static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    private func passUTF8(_ b: UnsafeBufferPointer<UInt8>, final: Bool, _ out: inout [UInt8]) -> Int {
        var i = 0
        while i < b.count {
            guard let bad = UTF8Validation.firstInvalid(b, from: i, allowTruncatedEnd: !final) else {
                // Valid to the end, except perhaps a sequence cut at the end: keep it for the next chunk.
                var end = b.count
                var k = b.count - 1
                while k >= i && k > b.count - 4 && b[k] & 0xC0 == 0x80 { k -= 1 }
                if !final && k >= i && b[k] >= 0xC0 {
                    let need = b[k] >= 0xF0 ? 4 : b[k] >= 0xE0 ? 3 : 2
                    if k + need > b.count { end = k }
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<end]))
                return end
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<bad]))
            invalid.append((sourceOffset + bad, outputOffset + out.count))
            out.append(contentsOf: Self.replacement)
            i = bad + 1
        }
        return b.count
    }

    private enum Step { case converted(Int), invalidByte(Int), cutAtEnd(Int) }

    private func iconvert(_ b: UnsafeBufferPointer<UInt8>, final: Bool, _ out: inout [UInt8]) -> Int {
        guard let converter, let base = b.baseAddress, b.count > 0 else { return 0 }
        var position = 0
        var buffer = [UInt8](repeating: 0, count: b.count * 2 + 16)
        while position < b.count {
            var inLeft = b.count - position
            let step: Step = buffer.withUnsafeMutableBufferPointer { ob in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: base + position).assumingMemoryBound(to: CChar.self)
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(ob.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = ob.count
                let r = iconv(converter, &inPtr, &inLeft, &outPtr, &outLeft)
                let made = ob.count - outLeft
                if r == -1 && errno == EILSEQ { return .invalidByte(made) }
                if r == -1 && errno == EINVAL { return .cutAtEnd(made) }
                return .converted(made)
            }
            position = b.count - inLeft
            switch step {
            case .converted(let made):
                out.append(contentsOf: buffer[0..<made])
            case .invalidByte(let made):
                out.append(contentsOf: buffer[0..<made])
                invalid.append((sourceOffset + position, outputOffset + out.count))
                out.append(contentsOf: Self.replacement)
                position += 1
            case .cutAtEnd(let made):
                out.append(contentsOf: buffer[0..<made])
                guard final else { return position }
                invalid.append((sourceOffset + position, outputOffset + out.count))
                out.append(contentsOf: Self.replacement)
                return b.count
            }
        }
        return b.count
    }
}
