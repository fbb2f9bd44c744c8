/// Resource codes: classification code + "-" + sequence code (信息资源代码 = 分类代码 + 顺序码).
///
/// The classification code is 类 (1 digit) + 项 (2) + 目 (3) + optional 细目 digits; the
/// sequence code is 1 to 6 digits. `101001-00023` is 基础类 1, 项 01, 目 001, resource 23.
public enum ResourceCode {
    /// Splits a code into classification and sequence, or `nil` when malformed.
    public static func parse(_ code: String) -> (classification: String, sequence: String)? {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let cls = String(parts[0]), seq = String(parts[1])
        guard (1...12).contains(cls.count), cls.allSatisfy(\.isASCIIDigit),
              (1...6).contains(seq.count), seq.allSatisfy(\.isASCIIDigit) else { return nil }
        return (cls, seq)
    }

    /// The catalog kind implied by the first classification digit (1 基础, 2 主题, 3 部门).
    public static func catalogKind(ofClassification cls: String) -> CatalogKind? {
        switch cls.first {
        case "1": return .base
        case "2": return .thematic
        case "3": return .departmental
        default: return nil
        }
    }

    /// The 类 / 项 / 目 / 细目 levels of a classification code, for facets and breadcrumbs.
    public static func levels(ofClassification cls: String) -> [String] {
        let cuts = [1, 3, 6]
        var out: [String] = []
        for cut in cuts where cls.count >= cut { out.append(String(cls.prefix(cut))) }
        if cls.count > 6 { out.append(cls) }
        return out
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
