/// One problem with one field of an input, as the API reports it in `error.details`.
public struct FieldError: Codable, Hashable, Sendable, Error {
    /// Path of the field at fault, e.g. `items[3].length` or `sharing.legalBasis`.
    public var field: String
    /// Stable machine-readable code, e.g. `required`, `too_long`, `unknown_standard`.
    public var code: String
    /// A human message (Chinese first; the English follows in `messageEn`).
    public var message: String
    public var messageEn: String

    public init(field: String, code: String, message: String, messageEn: String) {
        self.field = field; self.code = code; self.message = message; self.messageEn = messageEn
    }
}
