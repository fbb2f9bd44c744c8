/// Why a value fails a semantic check: a stable code, zh + en messages, and where in the value
/// (character offset) when it makes sense.
///
/// `position` counts `Character`s from 0; the messages count from 1 ("第 3 位" / "character 3"),
/// as people do.
public struct ValueFinding: Hashable, Sendable {
    public var code: String
    public var message: String
    public var messageEn: String
    public var position: Int?

    public init(code: String, message: String, messageEn: String, position: Int? = nil) {
        self.code = code; self.message = message; self.messageEn = messageEn; self.position = position
    }

    init(_ code: String, zh: String, en: String, at position: Int? = nil) {
        self.init(code: code, message: zh, messageEn: en, position: position)
    }
}

/// Checks shared by every validator, run before the kind's own rules.
///
/// Values are expected trimmed: the caller trims (and treats "" as missing, a completeness
/// matter). A value that still has leading or trailing white space is refused with
/// `whitespace`; "" with `empty`. Full-width forms (U+FF01–FF5E, e.g. `１２３`, `Ａ`, `－`) and the
/// ideographic space U+3000, which departments paste from word processors, are refused with
/// `fullwidth` and the position of the first one, rather than silently folded: the stored value
/// would still be wrong.
enum ValueScan {
    static func precheck(_ c: [Character]) -> ValueFinding? {
        guard let first = c.first, let last = c.last else {
            return ValueFinding("empty", zh: "值为空", en: "The value is empty")
        }
        if first.isWhitespace || last.isWhitespace {
            let at = first.isWhitespace ? 0 : c.count - 1
            return ValueFinding("whitespace", zh: "首尾有空白字符（第 \(at + 1) 位）", en: "Leading or trailing white space (character \(at + 1))", at: at)
        }
        if let i = c.firstIndex(where: isFullwidth) {
            return ValueFinding("fullwidth", zh: "第 \(i + 1) 位“\(c[i])”是全角字符，应使用半角", en: "Character \(i + 1) '\(c[i])' is full-width; use the half-width (ASCII) form", at: i)
        }
        return nil
    }

    static func isFullwidth(_ ch: Character) -> Bool {
        guard let s = ch.unicodeScalars.first?.value else { return false }
        return (0xFF01...0xFF5E).contains(s) || s == 0x3000
    }

    static func isDigit(_ ch: Character) -> Bool { ch.isASCII && ch.isNumber }
    static func digit(_ ch: Character) -> Int { Int(ch.asciiValue! - 0x30) }

    /// The number written by `count` ASCII digits from `start` (callers checked they are digits).
    static func number(_ c: [Character], _ start: Int, _ count: Int) -> Int {
        c[start..<start + count].reduce(0) { $0 * 10 + digit($1) }
    }

    static func firstNonDigit(_ c: [Character], _ range: Range<Int>) -> Int? { range.first { !isDigit(c[$0]) } }

    static func length(_ code: String, _ what: String, _ whatEn: String, expected: String, got: Int) -> ValueFinding {
        ValueFinding(code, zh: "\(what)应为 \(expected) 位，实际 \(got) 位", en: "\(whatEn) must have \(expected) characters, not \(got)")
    }
}
