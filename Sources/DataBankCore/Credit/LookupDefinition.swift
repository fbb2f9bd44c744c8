import Foundation

/// How a look-up service matches its key items against what the visitor typed.
public enum LookupMatch: String, Codable, Sendable, CaseIterable {
    /// The whole value (a unified social credit code).
    case exact
    /// The start of the value (a company name as the user types): a range on the item's index.
    case prefix
    /// Anywhere in the value (typing 美的 finds 佛山市顺德区美的电器有限公司): the service's n-gram
    /// index (``NameGrams``), then each candidate re-checked against the value.
    case partial
}

/// The character bigrams a `partial` look-up indexes and asks by. Chinese is written without
/// spaces, so every two adjacent characters (Latin lower-cased, spaces dropped) are one gram; a
/// value containing a text holds every gram of the text, so intersecting the text's grams finds
/// every candidate, and re-checking the value removes the rest.
public enum NameGrams {
    /// The shortest text a partial look-up accepts (one bigram).
    public static let minimumLength = 2

    public static func grams(_ text: String) -> Set<String> {
        let chars = Array(text.lowercased().filter { !$0.isWhitespace })
        guard chars.count >= 2 else { return [] }
        var out = Set<String>()
        for i in 0..<(chars.count - 1) { out.insert(String(chars[i]) + String(chars[i + 1])) }
        return out
    }

    /// Whether `text` is too short to ask a partial look-up (fewer than two characters besides spaces).
    public static func tooShort(_ text: String) -> Bool {
        text.filter { !$0.isWhitespace }.count < minimumLength
    }
}

/// A public disclosure look-up (信用佛山-style) on one open resource: which items are the search
/// keys and how they match, which items a hit returns, and the names the public sees.
public struct LookupDefinition: Codable, Sendable, Equatable {
    public var code: String
    public var resourceCode: String
    public var keyItems: [String]
    public var match: LookupMatch
    public var returnedItems: [String]
    public var name: String
    public var nameEn: String?

    public init(code: String, resourceCode: String, keyItems: [String], match: LookupMatch, returnedItems: [String], name: String, nameEn: String?) {
        self.code = code; self.resourceCode = resourceCode; self.keyItems = keyItems; self.match = match
        self.returnedItems = returnedItems; self.name = name; self.nameEn = nameEn
    }

    /// The shortest text a prefix look-up accepts: one Han character narrows a name enough, two
    /// Latin letters do (a shorter prefix would read most of the index).
    public static func tooShort(_ text: String) -> Bool {
        text.isEmpty || (!text.unicodeScalars.contains { $0.value >= 0x3400 } && text.count < 2)
    }

    /// The problems of this definition against the resource's items (column names), each with its field.
    public func problems(columns: [String]) -> [FieldError] {
        var out: [FieldError] = []
        let codeOK =
            !code.isEmpty && code.count <= 40
            && code.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains(Character($0)))) || $0 == "-" || $0 == "_" }
        if !codeOK {
            out.append(
                FieldError(
                    field: "code", code: "invalid_code", message: "服务代码为 1–40 个字母、数字、“-”或“_”",
                    messageEn: "A service code is 1 to 40 letters, digits, '-' or '_'"))
        }
        if name.trimmingCharacters(in: .whitespaces).isEmpty || name.count > 100 {
            out.append(
                FieldError(field: "name", code: "required", message: "请填写服务名称（不超过 100 字）", messageEn: "Give the service a name (at most 100 characters)"))
        }
        if keyItems.isEmpty || keyItems.count > 3 {
            out.append(FieldError(field: "keyItems", code: "required", message: "请选择 1–3 个检索项", messageEn: "Choose 1 to 3 key items"))
        }
        for (i, item) in keyItems.enumerated() {
            if !columns.contains(item) {
                out.append(FieldError(field: "keyItems[\(i)]", code: "unknown_item", message: "资源没有数据项：\(item)", messageEn: "The resource has no item \(item)"))
            }
        }
        if returnedItems.isEmpty {
            out.append(FieldError(field: "returnedItems", code: "required", message: "请选择返回的数据项", messageEn: "Choose the items a hit returns"))
        }
        for (i, item) in returnedItems.enumerated() where !columns.contains(item) {
            out.append(
                FieldError(field: "returnedItems[\(i)]", code: "unknown_item", message: "资源没有数据项：\(item)", messageEn: "The resource has no item \(item)"))
        }
        return out
    }
}

/// A unified social credit code (统一社会信用代码): 18 characters of digits and capitals (no I, O, S, V, Z).
public enum CreditCode {
    public static func looksValid(_ text: String) -> Bool {
        text.count == 18 && text.unicodeScalars.allSatisfy { ("0"..."9").contains(Character($0)) || "ABCDEFGHJKLMNPQRTUWXY".unicodeScalars.contains($0) }
    }
}
