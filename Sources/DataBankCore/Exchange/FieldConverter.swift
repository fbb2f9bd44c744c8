/// Why a value was refused at the door. `code` is stable; the messages are for people.
public struct FieldProblem: Error, Hashable, Sendable {
    public var code: String
    public var message: String
    public var messageEn: String

    public init(_ code: String, zh: String, en: String) { self.code = code; self.message = zh; self.messageEn = en }

    static let required = FieldProblem("required", zh: "必填项为空", en: "A required value is missing")
    static func tooLong(_ max: Int, _ got: Int) -> FieldProblem {
        FieldProblem("too_long", zh: "长度 \(got) 超过 \(max)", en: "Length \(got) exceeds \(max)")
    }
    static let notInteger = FieldProblem("type_error", zh: "不是整数", en: "Not an integer")
    static let notNumber = FieldProblem("type_error", zh: "不是数值", en: "Not a number")
    static let notDate = FieldProblem("type_error", zh: "不是有效日期（YYYY-MM-DD）", en: "Not a valid date (YYYY-MM-DD)")
    static let notDateTime = FieldProblem("type_error", zh: "不是有效日期时间（YYYY-MM-DD HH:MM:SS）", en: "Not a valid date-time (YYYY-MM-DD HH:MM:SS)")
    static let notBoolean = FieldProblem("type_error", zh: "不是逻辑值（是/否、true/false、1/0）", en: "Not a boolean (true/false, 1/0, 是/否)")
    static func tooManyDigits(_ max: Int) -> FieldProblem {
        FieldProblem("too_long", zh: "数字位数超过 \(max)", en: "More than \(max) digits")
    }
    static func tooManyDecimals(_ max: Int) -> FieldProblem {
        FieldProblem("precision", zh: "小数位数超过 \(max)", en: "More than \(max) decimal places")
    }
}

/// Converts one raw field to its column's type and appends it as a canonical JSON value.
///
/// The ingest hot path: it reads bytes and writes bytes, with no `String` in between. The
/// canonical form is what the record store holds and what the change feed and the query
/// API give back, so a value reads the same whichever way it left.
public enum FieldConverter {
    /// Appends the JSON for `raw` (nil: absent) to `out`, or returns why it cannot.
    public static func appendJSON(_ raw: UnsafeBufferPointer<UInt8>?, as column: RecordLayout.Column, to out: inout [UInt8]) -> FieldProblem? {
        let textual = column.type == .C || column.type == .M || column.type == .G
        guard let raw, let value = textual ? nonEmpty(raw) : trimmed(raw) else {
            if column.required { return .required }
            out.append(contentsOf: nullBytes)
            return nil
        }
        switch column.type {
        case .C, .M, .G:
            if let max = column.length {
                let chars = characterCount(value)
                if chars > max { return .tooLong(max, chars) }
            }
            appendString(value, to: &out)
        case .I:
            return appendInteger(value, to: &out)
        case .N, .Y:
            return appendDecimal(value, length: column.length, precision: column.precision, to: &out)
        case .F, .B:
            return appendFloat(value, to: &out)
        case .D:
            guard let date = DateParsing.date(value) else { return .notDate }
            out.append(quote); date.appendISO(to: &out); out.append(quote)
        case .T:
            guard let stamp = DateParsing.dateTime(value) else { return .notDateTime }
            out.append(quote); stamp.appendISO(to: &out); out.append(quote)
        case .L:
            guard let b = boolean(value) else { return .notBoolean }
            out.append(contentsOf: b ? trueBytes : falseBytes)
        }
        return nil
    }

    /// Converts a `String` value (from JSON or a spreadsheet) the same way.
    public static func appendJSON(_ raw: String?, as column: RecordLayout.Column, to out: inout [UInt8]) -> FieldProblem? {
        guard var raw else { return appendJSON(nil as UnsafeBufferPointer<UInt8>?, as: column, to: &out) }
        return raw.withUTF8 { appendJSON($0, as: column, to: &out) }
    }

    static let quote = UInt8(ascii: "\"")
    static let nullBytes = Array("null".utf8), trueBytes = Array("true".utf8), falseBytes = Array("false".utf8)

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }

    static func nonEmpty(_ raw: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? { raw.isEmpty ? nil : raw }

    static func trimmed(_ raw: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        var lo = 0, hi = raw.count
        while lo < hi && isSpace(raw[lo]) { lo += 1 }
        while hi > lo && isSpace(raw[hi - 1]) { hi -= 1 }
        return lo == hi ? nil : UnsafeBufferPointer(rebasing: raw[lo..<hi])
    }

    /// Unicode scalars in UTF-8 bytes: every byte that is not a continuation byte.
    public static func characterCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for b in bytes where b & 0xC0 != 0x80 { n += 1 }
        return n
    }

    static let hex = Array("0123456789abcdef".utf8)

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    public static func appendString(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(quote)
        // Most values need no escaping: copy runs of plain bytes in one go.
        var runStart = 0
        for (i, b) in bytes.enumerated() where b < 0x20 || b == quote || b == 0x5C {
            if i > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            runStart = i + 1
            switch b {
            case quote: out.append(0x5C); out.append(quote)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        out.append(quote)
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    static func appendInteger(_ v: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> FieldProblem? {
        var i = 0
        var negative = false
        if v[0] == UInt8(ascii: "-") || v[0] == UInt8(ascii: "+") { negative = v[0] == UInt8(ascii: "-"); i = 1 }
        while i < v.count - 1 && v[i] == UInt8(ascii: "0") { i += 1 }  // leading zeros
        let digits = v.count - i
        guard digits > 0, digits <= 18 else { return digits > 18 ? .tooManyDigits(18) : .notInteger }
        for j in i..<v.count where !isDigit(v[j]) { return .notInteger }
        if negative && !(digits == 1 && v[i] == UInt8(ascii: "0")) { out.append(UInt8(ascii: "-")) }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: v[i...]))
        return nil
    }

    /// Exact decimals: digits are checked and written back without passing through a Double.
    static func appendDecimal(_ v: UnsafeBufferPointer<UInt8>, length: Int?, precision: Int?, to out: inout [UInt8]) -> FieldProblem? {
        var i = 0
        var negative = false
        if v[0] == UInt8(ascii: "-") || v[0] == UInt8(ascii: "+") { negative = v[0] == UInt8(ascii: "-"); i = 1 }
        var intStart = i
        while i < v.count && isDigit(v[i]) { i += 1 }
        let intEnd = i
        var fracStart = i, fracEnd = i
        if i < v.count && v[i] == UInt8(ascii: ".") {
            i += 1; fracStart = i
            while i < v.count && isDigit(v[i]) { i += 1 }
            fracEnd = i
        }
        guard i == v.count, intEnd > intStart || fracEnd > fracStart else { return .notNumber }
        while intStart < intEnd - 1 && v[intStart] == UInt8(ascii: "0") { intStart += 1 }
        while fracEnd > fracStart && v[fracEnd - 1] == UInt8(ascii: "0") { fracEnd -= 1 }
        let intDigits = intEnd - intStart, fracDigits = fracEnd - fracStart
        if let precision, fracDigits > precision { return .tooManyDecimals(precision) }
        if let length, intDigits + max(fracDigits, precision ?? 0) > length, !(intDigits == 1 && v[intStart] == UInt8(ascii: "0")) {
            return .tooManyDigits(length)
        }
        let isZero = (intDigits == 0 || (intDigits == 1 && v[intStart] == UInt8(ascii: "0"))) && fracDigits == 0
        if negative && !isZero { out.append(UInt8(ascii: "-")) }
        if intDigits == 0 { out.append(UInt8(ascii: "0")) } else { out.append(contentsOf: UnsafeBufferPointer(rebasing: v[intStart..<intEnd])) }
        if fracDigits > 0 {
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: UnsafeBufferPointer(rebasing: v[fracStart..<fracEnd]))
        }
        return nil
    }

    static func appendFloat(_ v: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> FieldProblem? {
        guard v.count <= 64, v.allSatisfy({ isDigit($0) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 == 0x65 || $0 == 0x45 }),
              let d = Double(String(decoding: v, as: UTF8.self)), d.isFinite else { return .notNumber }
        if d == d.rounded(), abs(d) < 1e15 { out.append(contentsOf: String(Int64(d)).utf8) } else { out.append(contentsOf: "\(d)".utf8) }
        return nil
    }

    static func boolean(_ v: UnsafeBufferPointer<UInt8>) -> Bool? {
        let s = String(decoding: v, as: UTF8.self).lowercased()
        switch s {
        case "true", "t", "1", "y", "yes", "是", "真": return true
        case "false", "f", "0", "n", "no", "否", "假": return false
        default: return nil
        }
    }
}
