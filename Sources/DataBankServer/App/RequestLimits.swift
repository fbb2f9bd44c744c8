import Vapor

/// Refuses, in the API's error shape, what the HTTP parser let through but no route needs: a
/// target over 8 KiB (414), header fields over 32 KiB in all (431), and a compressed body anywhere
/// but a record load (415; loads inflate it themselves, bounded: ``BodyInflater``).
///
/// What the parser itself refuses — a request line or headers past its own 80 KiB cap, a
/// malformed request line, a bad chunk size — never reaches a middleware: SwiftNIO's decoder
/// raises an `HTTPParserError` and Vapor's pipeline closes the connection (`NIOCloseOnErrorHandler`)
/// without an answer; Vapor 4 offers no hook to add NIO's `HTTPServerProtocolErrorHandler` (the
/// handler that would answer 400 first).
struct RequestLimitsMiddleware: AsyncMiddleware {
    var maxTargetBytes = 8 << 10
    var maxHeaderBytes = 32 << 10

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if req.url.string.utf8.count > maxTargetBytes {
            throw AppError(.uriTooLong, "uri_too_long", "The request target is over the \(maxTargetBytes / 1024) KiB limit")
        }
        let headerBytes = req.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        if headerBytes > maxHeaderBytes {
            throw AppError(.requestHeaderFieldsTooLarge, "headers_too_large", "The request's header fields are over the \(maxHeaderBytes / 1024) KiB limit")
        }
        if try BodyInflater.encoding(req.headers) != nil, !(BodyLimitMiddleware.isRecordLoad(req) && req.url.path.hasPrefix("/api/")) {
            throw AppError.field(.unsupportedMediaType, "unsupported_content_encoding", "Content-Encoding",
                                 zh: "只有 API 记录载入（POST /api/v1/resources/{code}/records）接受压缩的请求体", en: "Only API record loads (POST /api/v1/resources/{code}/records) take a compressed body")
        }
        return try await next.respond(to: req)
    }
}
