import CZlib
import DataBankCore

/// Raw deflate through the system's zlib (linked through ZIPFoundation's `CZlib`), for the XLSX
/// downloads' ZIP entries: window bits -15 (no wrapper), level 6, memory level 8 — about 256 KiB of
/// state however large the entry, and output handed back in 64 KiB pieces as zlib produces them.
/// Used by one download's task at a time (hence unchecked Sendable).
final class ZlibDeflater: RawDeflater, @unchecked Sendable {
    enum Failure: Error { case zlib(Int32) }

    private var stream = z_stream()
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)

    init(level: Int32 = 6) throws {
        let status = deflateInit2_(&stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw Failure.zlib(status) }
    }

    deinit { deflateEnd(&stream) }

    func deflate(_ bytes: [UInt8]) throws -> [UInt8] {
        guard !bytes.isEmpty else { return [] }
        return try run(bytes, flush: Z_NO_FLUSH)
    }

    func finish() throws -> [UInt8] {
        let out = try run([], flush: Z_FINISH)
        deflateReset(&stream)
        return out
    }

    /// Feeds `bytes` and collects what zlib writes until it needs more input (or, finishing, has ended the stream).
    private func run(_ bytes: [UInt8], flush: Int32) throws -> [UInt8] {
        var input = bytes
        var out: [UInt8] = []
        let count = input.count
        try input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { o -> Int32 in
                    stream.next_out = o.baseAddress
                    stream.avail_out = uInt(o.count)
                    return CZlib.deflate(&stream, flush)
                }
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else { throw Failure.zlib(status) }
                let produced = chunk.count - Int(stream.avail_out)
                out.append(contentsOf: chunk[0..<produced])
                if flush == Z_FINISH ? status == Z_STREAM_END : (stream.avail_in == 0 && stream.avail_out > 0) { break }
                if status == Z_BUF_ERROR && produced == 0 { break }
            }
        }
        stream.next_in = nil
        return out
    }
}
