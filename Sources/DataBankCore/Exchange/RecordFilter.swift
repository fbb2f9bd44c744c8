/// A condition of a record query, parsed from `column[__op]=value` parameters.
///
/// Values are converted to the column's type here (so `founded__gt=2020/1/1` compares as the
/// date 2020-01-01) and kept as canonical text; the storage layer binds them.
public struct RecordCondition: Hashable, Sendable {
    public enum Op: String, Sendable, CaseIterable {
        case eq, ne, `in`, gt, gte, lt, lte, between, prefix, isnull
    }
    public var column: RecordLayout.Column
    public var op: Op
    /// Canonical values: one, two for `between`, any number for `in`; for `isnull`, "true"/"false".
    public var values: [String]

    public init(column: RecordLayout.Column, op: Op, values: [String]) {
        self.column = column; self.op = op; self.values = values
    }
}

public enum RecordFilter {
    /// Parameters that are not filters.
    public static let reserved: Set<String> = ["limit", "after", "fields", "sort", "format", "purpose", "lang", "total"]

    /// Parses the query's filter parameters; every problem names its parameter.
    public static func parse(_ params: [(String, String)], layout: RecordLayout) -> Result<[RecordCondition], FieldError> {
        var conditions: [RecordCondition] = []
        for (name, raw) in params where !reserved.contains(name) {
            let parts: [String] = name.firstRange(of: "__").map { [String(name[..<$0.lowerBound]), String(name[$0.upperBound...])] } ?? [name]
            guard parts.count <= 2, let column = layout.column(named: parts[0]) else {
                return .failure(
                    FieldError(
                        field: name, code: "unknown_filter", message: "未知的筛选字段：\(name)",
                        messageEn:
                            "Unknown filter \(name); filter on an item column, optionally with __eq, __ne, __in, __gt, __gte, __lt, __lte, __between, __prefix or __isnull"
                    ))
            }
            guard let op = parts.count == 2 ? RecordCondition.Op(rawValue: parts[1]) : .eq else {
                return .failure(
                    FieldError(
                        field: name, code: "unknown_operator", message: "未知的筛选运算：\(parts[1])",
                        messageEn: "Unknown operator \(parts[1]); one of \(RecordCondition.Op.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
            let texts: [String]
            switch op {
            case .in: texts = raw.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            case .between: texts = raw.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            case .isnull:
                guard ["true", "false", "1", "0"].contains(raw.lowercased()) else {
                    return .failure(
                        FieldError(field: name, code: "invalid_filter", message: "__isnull 取值为 true 或 false", messageEn: "__isnull takes true or false"))
                }
                conditions.append(RecordCondition(column: column, op: op, values: [["true", "1"].contains(raw.lowercased()) ? "true" : "false"]))
                continue
            case .prefix:
                conditions.append(RecordCondition(column: column, op: op, values: [raw]))
                continue
            default: texts = [raw]
            }
            if op == .between && texts.count != 2 {
                return .failure(
                    FieldError(field: name, code: "invalid_filter", message: "__between 需要两个值：低,高", messageEn: "__between takes two values: low,high"))
            }
            var values: [String] = []
            for text in texts {
                var out: [UInt8] = []
                var lenient = column
                lenient.required = true; lenient.length = nil
                if let problem = FieldConverter.appendJSON(text, as: lenient, to: &out) {
                    return .failure(
                        FieldError(
                            field: name, code: "invalid_filter", message: "\(name) 的值“\(text)”：\(problem.message)",
                            messageEn: "\(name)=\(text): \(problem.messageEn)"))
                }
                values.append(canonicalText(out))
            }
            conditions.append(RecordCondition(column: column, op: op, values: values))
        }
        return .success(conditions)
    }

    /// The canonical JSON of a scalar as plain text: strings unquoted and unescaped.
    public static func canonicalText(_ json: [UInt8]) -> String {
        guard json.first == UInt8(ascii: "\""), json.count >= 2 else { return String(decoding: json, as: UTF8.self) }
        var out: [UInt8] = []
        var i = 1
        while i < json.count - 1 {
            let b = json[i]
            if b == 0x5C, i + 1 < json.count - 1 {
                let e = json[i + 1]
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    if i + 5 < json.count, let v = UInt32(String(decoding: json[(i + 2)...(i + 5)], as: UTF8.self), radix: 16) {
                        out.append(UInt8(truncatingIfNeeded: v)); i += 6; continue
                    }
                default: out.append(e)
                }
                i += 2
                continue
            }
            out.append(b)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
