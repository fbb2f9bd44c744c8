/// A CKAN action parameter: CKAN takes JSON bodies, forms and query strings alike, so a value may be
/// a string ("10"), a number (10), a list (`filters` with a list meaning IN) or an object.
public indirect enum CKANValue: Codable, Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([CKANValue])
    case object([String: CKANValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let l = try? c.decode([CKANValue].self) {
            self = .list(l)
        } else {
            self = .object(try c.decode([String: CKANValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n): if n == n.rounded(), abs(n) < 1e15 { try c.encode(Int(n)) } else { try c.encode(n) }
        case .string(let s): try c.encode(s)
        case .list(let l): try c.encode(l)
        case .object(let o): try c.encode(o)
        }
    }

    /// The value as CKAN's validators read a scalar: strings as they are, numbers without ".0",
    /// booleans as "true"/"false"; nil for null, lists and objects.
    public var text: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
        case .bool(let b): return b ? "true" : "false"
        case .null, .list, .object: return nil
        }
    }

    /// CKAN's `boolean_validator`: true, "true", "1", "yes", "on" (any case) are true.
    public var isTrue: Bool {
        switch self {
        case .bool(let b): return b
        case .number(let n): return n != 0
        case .string(let s): return ["true", "1", "yes", "on", "y", "t"].contains(s.lowercased())
        default: return false
        }
    }
}

/// A validation problem in CKAN's words, for its `Validation Error` (409): `{field: [message]}`.
public struct CKANInvalid: Error, Hashable, Sendable {
    public var field: String
    public var message: String
    public init(_ field: String, _ message: String) { self.field = field; self.message = message }
}

/// CKAN's integer validators over one parameter.
public enum CKANNumbers {
    /// `int_validator` + `natural_number_validator` (0 or more): "Invalid integer", "Must be a natural number".
    public static func natural(_ value: CKANValue?, field: String) throws -> Int? {
        guard let value, value != .null else { return nil }
        if case .string(let s) = value, s.isEmpty { return nil }
        guard let text = value.text, let n = Int(text.ckanTrimmed) else { throw CKANInvalid(field, "Invalid integer") }
        guard n >= 0 else { throw CKANInvalid(field, "Must be a natural number") }
        return n
    }

    /// A natural number clamped to `maximum`, as CKAN's `limit_to_configured_maximum` does.
    public static func clamped(_ value: CKANValue?, field: String, maximum: Int) throws -> Int? {
        try natural(value, field: field).map { min($0, maximum) }
    }
}

extension String {
    /// Without leading and trailing spaces (Foundation-free).
    var ckanTrimmed: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
