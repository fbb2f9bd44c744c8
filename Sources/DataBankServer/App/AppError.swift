import Vapor
import DataBankCore

/// The one error type of DataBank's API: an HTTP status, a stable `code`, a human message and
/// the fields at fault. Rendered as `{"error": {"code", "message", "details"}}`.
public struct AppError: AbortError, Sendable {
    public var status: HTTPResponseStatus
    public var code: String
    public var message: String
    public var details: [FieldError]

    public init(_ status: HTTPResponseStatus, _ code: String, _ message: String, details: [FieldError] = []) {
        self.status = status; self.code = code; self.message = message; self.details = details
    }

    public var reason: String { message }

    static func notFound(_ what: String) -> AppError { AppError(.notFound, "not_found", "\(what) not found") }
    static func validation(_ details: [FieldError]) -> AppError {
        AppError(
            .unprocessableEntity, "validation_failed",
            details.count == 1 ? details[0].messageEn : "\(details.count) fields are invalid", details: details)
    }
    static func field(_ status: HTTPResponseStatus, _ code: String, _ field: String, zh: String, en: String) -> AppError {
        AppError(status, code, en, details: [FieldError(field: field, code: code, message: zh, messageEn: en)])
    }
}

/// The JSON body of every error answer.
struct ErrorBody: Content {
    struct Inner: Content {
        var code: String
        var message: String
        var details: [FieldError]
    }
    var error: Inner
}

extension AppError {
    /// Maps any error to the API's shape. Unknown errors become a 500 without internals.
    static func from(_ error: any Error) -> AppError {
        switch error {
        case let e as AppError: return e
        case let e as FieldError: return .validation([e])
        case let e as DecodingError: return malformed(e)
        case let e as any AbortError:
            let code: String =
                switch e.status {
                case .notFound: "not_found"
                case .payloadTooLarge: "payload_too_large"
                case .unauthorized: "unauthenticated"
                case .forbidden: "forbidden"
                case .methodNotAllowed: "method_not_allowed"
                case .unsupportedMediaType: "unsupported_media_type"
                case .badRequest: "bad_request"
                case .tooManyRequests: "rate_limited"
                default: e.status.code >= 500 ? "internal" : "bad_request"
                }
            return AppError(e.status, code, e.reason)
        default:
            return AppError(.internalServerError, "internal", "Internal server error")
        }
    }

    private static func malformed(_ e: DecodingError) -> AppError {
        func path(_ p: [any CodingKey]) -> String {
            p.reduce("") { acc, k in
                if let i = k.intValue { return acc + "[\(i)]" }
                return acc.isEmpty ? k.stringValue : acc + "." + k.stringValue
            }
        }
        let (field, en): (String, String) =
            switch e {
            case .keyNotFound(let key, let ctx): (path(ctx.codingPath + [key]), "Missing field \(path(ctx.codingPath + [key]))")
            case .typeMismatch(_, let ctx): (path(ctx.codingPath), "Wrong type at \(path(ctx.codingPath)): \(ctx.debugDescription)")
            case .valueNotFound(_, let ctx): (path(ctx.codingPath), "Missing value at \(path(ctx.codingPath))")
            case .dataCorrupted(let ctx):
                (
                    path(ctx.codingPath),
                    ctx.codingPath.isEmpty ? "Malformed JSON: \(ctx.debugDescription)" : "Invalid value at \(path(ctx.codingPath)): \(ctx.debugDescription)"
                )
            @unknown default: ("", "Malformed request body")
            }
        let code = field.isEmpty ? "malformed_json" : "invalid_field"
        return AppError(
            .badRequest, code, en,
            details: [FieldError(field: field, code: code, message: "请求内容无法解析：\(en)", messageEn: en)])
    }
}

/// Renders every thrown error: JSON for the API, a page for the web.
struct ErrorRenderingMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let appError = AppError.from(error)
            if appError.status.code >= 500 {
                request.logger.report(error: error)
            } else {
                request.logger.info("\(appError.status.code) \(appError.code): \(appError.message)")
            }
            // The wait of a 429 (app rate limit, sign-in throttle), for pages and the API alike.
            let retryAfter = appError.status == .tooManyRequests ? (error as? any AbortError)?.headers.first(name: "Retry-After") : nil
            if request.wantsHTML {
                let page = WebErrorPage.response(for: appError, request: request)
                if let retryAfter { page.headers.replaceOrAdd(name: "Retry-After", value: retryAfter) }
                return page
            }
            let response = Response(status: appError.status)
            try response.content.encode(ErrorBody(error: .init(code: appError.code, message: appError.message, details: appError.details)))
            if appError.status == .unauthorized { response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer") }
            if let retryAfter { response.headers.replaceOrAdd(name: "Retry-After", value: retryAfter) }
            return response
        }
    }
}

extension Request {
    /// Web pages get HTML errors; the API and the machine endpoints (health, catalog documents,
    /// OpenAPI, metrics) get the JSON shape.
    var wantsHTML: Bool {
        !url.path.hasPrefix("/api/") && !OpenRoutes.isMachinePath(url.path)
    }
}
