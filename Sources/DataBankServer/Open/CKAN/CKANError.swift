import Foundation
import Vapor
import DataBankCore

/// An error in CKAN's Action API envelope: `{"help", "success": false, "error": {"__type", "message"}}`
/// with CKAN's statuses (ckan/views/api.py): 400 bad request and search query errors, 403
/// authorization, 404 not found, 409 validation (`{field: [message]}`) and search errors.
struct CKANError: Error, Sendable {
    var status: HTTPResponseStatus
    var type: String
    var message: String?
    /// Validation errors: field → messages (CKAN's `error_dict`).
    var fields: [String: [String]] = [:]

    /// CKAN's `_finish_bad_request`: "Bad request - …".
    static func badRequest(_ detail: String) -> CKANError { CKANError(status: .badRequest, type: "Bad Request", message: "Bad request - \(detail)") }
    static func notFound(_ detail: String? = nil) -> CKANError {
        CKANError(status: .notFound, type: "Not Found Error", message: detail.map { "Not found: \($0)" } ?? "Not found")
    }
    static func notAuthorized(_ detail: String? = nil) -> CKANError {
        CKANError(status: .forbidden, type: "Authorization Error", message: detail.map { "Access denied: \($0)" } ?? "Access denied")
    }
    static func validation(_ fields: [String: [String]]) -> CKANError { CKANError(status: .conflict, type: "Validation Error", message: nil, fields: fields) }
    static func invalid(_ field: String, _ message: String) -> CKANError { validation([field: [message]]) }
    /// Solr refused the query (CKAN's `SearchError`, 409), e.g. an `fq` DataBank cannot translate.
    static func search(_ detail: String) -> CKANError { CKANError(status: .conflict, type: "Search Error", message: "Search error: \(pythonTuple(detail))") }
    /// CKAN's `SearchQueryError` (400): parameters the search does not take.
    static func searchQuery(_ detail: String) -> CKANError {
        CKANError(status: .badRequest, type: "Search Query Error", message: "Search Query is invalid: \(pythonTuple(detail))")
    }

    /// CKAN formats these messages with Python's `%r` of the exception's arguments.
    static func pythonTuple(_ s: String) -> String {
        s.contains("'") ? "(\"\(s.replacingOccurrences(of: "\"", with: "\\\""))\",)" : "('\(s)',)"
    }

    /// DataBank's own refusals (the read decision, the records query, the token check) in CKAN's terms.
    static func from(_ error: any Error) -> CKANError {
        if let e = error as? CKANError { return e }
        if let e = error as? CKANInvalid { return .invalid(e.field, e.message) }
        let app = AppError.from(error)
        switch app.status {
        case .notFound: return .notFound()
        case .unauthorized, .forbidden: return .notAuthorized(app.message)
        case .tooManyRequests: return CKANError(status: .tooManyRequests, type: "Authorization Error", message: "Access denied: \(app.message)")
        case .payloadTooLarge: return CKANError(status: .payloadTooLarge, type: "Bad Request", message: "Bad request - \(app.message)")
        case let s where s.code >= 500: return CKANError(status: .internalServerError, type: "Internal Server Error", message: "Internal Server Error")
        default:
            var fields: [String: [String]] = [:]
            for d in app.details { fields[d.field.isEmpty ? "message" : d.field, default: []].append(d.messageEn) }
            return .validation(fields.isEmpty ? ["message": [app.message]] : fields)
        }
    }

    /// The error's JSON (`__type`, `message` and, for validation errors, each field's messages).
    var errorJSON: String {
        var object: [String: CKANValue] = ["__type": .string(type)]
        if let message { object["message"] = .string(message) }
        for (field, messages) in fields { object[field] = .list(messages.map(CKANValue.string)) }
        return CKANJSON.encode(object)
    }
}

/// JSON text for CKAN answers: keys sorted (stable output), slashes unescaped (URLs read as URLs).
enum CKANJSON {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    /// A JSON string literal.
    static func string(_ s: String) -> String { encode(s) }

    /// CKAN's timestamps: UTC without a zone, microseconds ("2026-12-05T04:00:00.000000").
    static func timestamp(_ date: Date?) -> String? {
        guard let date else { return nil }
        let seconds = date.timeIntervalSince1970
        let whole = Int(seconds.rounded(.down))
        let micros = Int(((seconds - Double(whole)) * 1_000_000).rounded(.down))
        let days = Int((Double(whole) / 86_400).rounded(.down))
        let secs = whole - days * 86_400
        // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06d", year, month, day, secs / 3600, secs / 60 % 60, secs % 60, micros)
    }
}
