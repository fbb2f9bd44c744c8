import Vapor
import DataBankCore

/// A parsed `application/x-www-form-urlencoded` body or query string: every value of every
/// name, in order. Parsed by hand so field names can be anything (`items[3][length]`).
struct FormData: Sendable {
    private(set) var pairs: [(String, String)] = []

    init(_ encoded: String) {
        for part in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(kv[0]), value = kv.count > 1 ? Self.decode(kv[1]) : ""
            pairs.append((key, value))
        }
    }

    /// The body of a POST form (empty when there is none).
    init(body req: Request) {
        self.init(req.body.string ?? "")
    }

    /// The query string of a request.
    init(query req: Request) {
        self.init(req.url.query ?? "")
    }

    static func decode(_ s: Substring) -> String {
        let plus = s.replacingOccurrences(of: "+", with: " ")
        return plus.removingPercentEncoding ?? plus
    }

    /// The first value of `name`, trimmed; `nil` when absent.
    subscript(_ name: String) -> String? {
        pairs.first { $0.0 == name }.map { $0.1.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// The first value, untrimmed (for text areas), or "".
    func raw(_ name: String) -> String { pairs.first { $0.0 == name }?.1 ?? "" }

    /// Every value of `name` (checkbox groups).
    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    /// Whether a checkbox named `name` was ticked.
    func checked(_ name: String) -> Bool { pairs.contains { $0.0 == name && $0.1 != "" && $0.1 != "false" } }

    func int(_ name: String) -> Int? { self[name].flatMap { Int($0) } }

    /// The names that start with `prefix`.
    func names(withPrefix prefix: String) -> [String] { pairs.map(\.0).filter { $0.hasPrefix(prefix) } }
}

/// Naming conventions shared by the forms and the error mapping.
enum Forms {
    /// The input name of an information item's field: `items[3][length]`.
    static func itemName(_ row: Int, _ field: String) -> String { "items[\(row)][\(field)]" }

    /// An element id for an input name: `items[3][length]` → `f-items-3-length`.
    static func id(_ name: String) -> String {
        "f-" + name.map { c -> Character in (c.isLetter || c.isNumber) ? c : "-" }
            .reduce(into: "") { acc, c in if !(c == "-" && acc.last == "-") { acc.append(c) } }
            .trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }

    /// The form field an error path names: `items[3].length` → `items[3].length` (item fields
    /// keep their path), `relatedCodes[1]` → `relatedCodes` (one input holds the list).
    static func errorKey(_ field: String) -> String {
        if field.hasPrefix("items["), field.contains("].") { return field }
        if let bracket = field.firstIndex(of: "[") { return String(field[..<bracket]) }
        return field
    }

    /// Only local paths are followed after sign-in.
    ///
    /// Judged as a browser would read it: percent-decoded (repeatedly, so `%252F` is `/` too),
    /// tabs and newlines dropped, backslashes read as slashes. It must then start with one `/`
    /// followed by something other than `/` (`//host` and `/\host` name another site). A value
    /// with control characters is refused outright (it would also break the `Location` header).
    static func safeNext(_ next: String?) -> String? {
        func control(_ s: String) -> Bool { s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }
        guard let next, !control(next) else { return nil }
        var seen = next
        for _ in 0..<4 {
            guard let decoded = seen.removingPercentEncoding else { return nil }  // a broken escape: no real path has one
            if decoded == seen { break }
            seen = decoded
        }
        seen = String(String.UnicodeScalarView(seen.unicodeScalars.filter { !["\t", "\n", "\r"].contains($0) }))
            .replacingOccurrences(of: "\\", with: "/")
        guard !control(seen), seen.hasPrefix("/"), !seen.hasPrefix("//") else { return nil }
        return next
    }
}

/// Field errors by form field, and the messages of the ones no input shows.
struct FieldErrors: Sendable {
    var all: [FieldError] = []

    init(_ errors: [FieldError] = []) { all = errors }

    var isEmpty: Bool { all.isEmpty }

    /// The errors for one input (by ``Forms/errorKey(_:)``).
    func errors(_ key: String) -> [FieldError] { all.filter { Forms.errorKey($0.field) == key } }

    mutating func add(_ field: String, _ code: String, _ zh: String, _ en: String) {
        all.append(FieldError(field: field, code: code, message: zh, messageEn: en))
    }
}
