import CZlib
import Vapor

/// Inflates a `Content-Encoding: gzip` (or `deflate`, zlib-wrapped) request body chunk by chunk,
/// bounded in total and in ratio, so a body of a few KB cannot become gigabytes. The server's own
/// decompressor is off (`configure`): a failure there closes the connection with no answer, while
/// here it is a 4xx in the API's error shape, and a load that fails so is recorded with its reason.
final class BodyInflater {
    struct Limits: Sendable {
        /// Inflated bytes at most: 413 past it.
        var maxBytes: Int
        /// At most this many times the compressed bytes once past `ratioFreeBytes`: 422 past it.
        var maxRatio = 100
        var ratioFreeBytes = 10 << 20
    }

    let limits: Limits
    private var stream = z_stream()
    private var consumed = 0
    private(set) var produced = 0
    private var finished = false

    /// The encodings understood, from a `Content-Encoding` header; nil for identity.
    static func encoding(_ headers: HTTPHeaders) throws -> String? {
        guard let value = headers.first(name: .contentEncoding)?.trimmingCharacters(in: .whitespaces).lowercased(),
              !value.isEmpty, value != "identity" else { return nil }
        guard ["gzip", "x-gzip", "deflate"].contains(value) else {
            throw AppError.field(.unsupportedMediaType, "unsupported_content_encoding", "Content-Encoding",
                                 zh: "不支持的内容编码 \(value)（可用 gzip、deflate）", en: "Content-Encoding \(value) is not supported (use gzip or deflate)")
        }
        return value
    }

    init(limits: Limits) throws {
        self.limits = limits
        // 32 + 15: a gzip or a zlib header, detected.
        guard inflateInit2_(&stream, 32 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw AppError(.internalServerError, "inflate_unavailable", "Cannot start decompression")
        }
    }

    deinit { inflateEnd(&stream) }

    /// The inflated bytes of one compressed chunk.
    func inflate(_ input: [UInt8]) throws -> [UInt8] {
        guard !input.isEmpty else { return [] }
        guard !finished else { throw Self.corrupt("data after the end of the compressed stream") }
        consumed += input.count
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var input = input
        let count = input.count
        try input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(count)
            repeat {
                let status: Int32 = chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let n = chunk.count - Int(stream.avail_out)
                produced += n
                try check()
                output.append(contentsOf: chunk[0..<n])
                switch status {
                case Z_STREAM_END:
                    finished = true
                    if stream.avail_in > 0 { throw Self.corrupt("data after the end of the compressed stream") }
                    return
                case Z_OK, Z_BUF_ERROR: break
                default: throw Self.corrupt(stream.msg.map { String(cString: $0) } ?? "status \(status)")
                }
            } while stream.avail_in > 0 || stream.avail_out == 0
        }
        return output
    }

    /// After the last chunk: a stream cut short is refused.
    func finish() throws {
        guard finished || (consumed == 0) else { throw Self.corrupt("the compressed stream ends early") }
    }

    private func check() throws {
        if produced > limits.maxBytes {
            throw AppError.field(.payloadTooLarge, "inflated_too_large", "Content-Encoding",
                                 zh: "请求体解压后超过 \(limits.maxBytes >> 20) MiB 上限，已拒绝",
                                 en: "The request body expands past the \(limits.maxBytes >> 20) MiB limit once decompressed; refused")
        }
        if produced > limits.ratioFreeBytes && produced / max(consumed, 1) > limits.maxRatio {
            throw AppError.field(.unprocessableEntity, "compression_bomb", "Content-Encoding",
                                 zh: "请求体解压后膨胀超过 \(limits.maxRatio) 倍（疑似压缩炸弹），已拒绝",
                                 en: "The request body expands more than \(limits.maxRatio) times its compressed size (a compression bomb); refused")
        }
    }

    static func corrupt(_ why: String) -> AppError {
        AppError.field(.badRequest, "invalid_content_encoding", "Content-Encoding",
                       zh: "请求体不是有效的压缩数据：\(why)", en: "The request body is not valid compressed data: \(why)")
    }
}
