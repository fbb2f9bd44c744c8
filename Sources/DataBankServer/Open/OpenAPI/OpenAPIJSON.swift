import DataBankCore

/// A JSON value (for the OpenAPI document, written as literals) with its object keys in the order written, so the OpenAPI document reads as
/// it is declared and serialises the same every time.
indirect enum OpenAPIJSON: Sendable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    case string(String)
    case int(Int)
    case bool(Bool)
    case array([OpenAPIJSON])
    case object([(String, OpenAPIJSON)])

    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(arrayLiteral elements: OpenAPIJSON...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, OpenAPIJSON)...) { self = .object(elements) }

    func serialized(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .string(let s): return JSONLDWriter.string(s)
        case .int(let n): return String(n)
        case .bool(let b): return b ? "true" : "false"
        case .array(let items):
            if items.isEmpty { return "[]" }
            let lines: [String] = items.map { (item: OpenAPIJSON) -> String in inner + item.serialized(indent: inner) }
            return "[\n" + lines.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let fields):
            if fields.isEmpty { return "{}" }
            let lines: [String] = fields.map { (field: (String, OpenAPIJSON)) -> String in
                let key: String = JSONLDWriter.string(field.0)
                return inner + key + ": " + field.1.serialized(indent: inner)
            }
            return "{\n" + lines.joined(separator: ",\n") + "\n" + indent + "}"
        }
    }
}
