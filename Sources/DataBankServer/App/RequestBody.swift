import Vapor
import DataBankCore

/// A request body whose free-text fields have length limits: a name, a purpose, a note, a URL.
/// Every such field answers 422 `too_long` naming it, so no field can carry megabytes into a row.
protocol BoundedText {
    var boundedFields: [(field: String, value: String?, max: Int)] { get }
}

/// The limits shared by every form and endpoint.
enum TextLimit {
    static let name = 200
    static let purpose = 500
    static let note = 2_000
    static let url = 2_048

    static func check(_ fields: [(field: String, value: String?, max: Int)]) throws {
        let problems = fields.compactMap { f -> FieldError? in
            guard let v = f.value, v.count > f.max else { return nil }
            return FieldError(field: f.field, code: "too_long", message: "\(f.field) 最多 \(f.max) 个字符（现有 \(v.count) 个）",
                              messageEn: "\(f.field) is at most \(f.max) characters (this one has \(v.count))")
        }
        if !problems.isEmpty {
            throw AppError(.unprocessableEntity, "too_long", problems.count == 1 ? problems[0].messageEn : "\(problems.count) fields are too long",
                           details: problems)
        }
    }
}

extension BoundedText {
    func checkLengths() throws { try TextLimit.check(boundedFields) }
}

extension Request {
    /// The JSON (or form) body decoded: malformed JSON, invalid UTF-8 or a wrong field type is a 400
    /// naming the field, an unsupported content type a 415, an over-long text a 422 — never a default.
    func decodeBody<T: Content>(_ type: T.Type) throws -> T {
        // JSON is UTF-8: a body that is not is refused before any decoder can repair it.
        if headers.contentType == .json, let data = body.data, String(validating: data.readableBytesView, as: UTF8.self) == nil {
            throw AppError(.badRequest, "invalid_utf8", "The request body is not valid UTF-8")
        }
        let body = try content.decode(T.self)
        if let bounded = body as? any BoundedText { try bounded.checkLengths() }
        return body
    }

    /// As ``decodeBody(_:)``, but an empty body is `nil` (the endpoint's defaults apply).
    func decodeOptionalBody<T: Content>(_ type: T.Type) throws -> T? {
        guard let data = body.data, data.readableBytes > 0 else { return nil }
        return try decodeBody(T.self)
    }
}
