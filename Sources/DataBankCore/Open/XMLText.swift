/// XML escaping for the XML DataBank writes itself (spreadsheets, SVG charts): markup characters
/// as entities, and the characters XML 1.0 cannot hold (control characters other than tab, LF and
/// CR; U+FFFE, U+FFFF) dropped. Safe in text and in double-quoted attribute values alike.
public enum XMLText {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(c)
            default:
                if c.value < 0x20 || c.value == 0xFFFE || c.value == 0xFFFF { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
